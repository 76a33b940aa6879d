"""The warehouse ETL: refresh over HTTP, one at a time, failures keep the old snapshot,
figures agree with the source rows, impossible values are dropped and counted."""

from pathlib import Path

import duckdb
import pytest
from sqlalchemy import text

import analytics.star
from analytics.etl import refresh, refresh_lock
from analytics.warehouse import current_version, open_current
from learnloom.demo import DEMO_ACCOUNTS, DemoOptions, seed_demo
from models.db import make_engine, make_session_factory
from models.migrate import upgrade
from tests.conftest import DEMO_NOW, client_for, create_database, make_settings
from tests.helpers import assert_error, bearer, login

pytestmark = pytest.mark.anyio


async def test_refresh_over_http_and_the_status_it_leaves(
    demo_database_url: str, tmp_path: Path
) -> None:
    async for client in client_for(make_settings(demo_database_url, tmp_path)):
        before = (await client.get("/api/system-status")).json()
        assert before["last_data_refresh"] is None
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        response = await client.post("/api/refresh-data", headers=admin)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"status", "rows_added", "last_updated"}
        assert (
            body["status"] == "success"
            and body["rows_added"] > 0
            and body["last_updated"].endswith("Z")
        )
        after = (await client.get("/api/system-status")).json()
        assert after["last_data_refresh"] == body["last_updated"]
        teacher = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
        assert_error(
            await client.post("/api/refresh-data", headers=teacher), 403, "PERMISSION_DENIED"
        )


async def test_a_second_refresh_at_once_is_a_conflict(
    demo_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(demo_database_url, tmp_path)
    async for client in client_for(settings):
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        with refresh_lock(settings.warehouse_dir):  # another process is refreshing
            assert_error(
                await client.post("/api/refresh-data", headers=admin), 409, "REFRESH_IN_PROGRESS"
            )
        assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200


def test_a_failed_load_keeps_the_previous_snapshot(
    demo_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = refresh(demo_database_url, tmp_path)
    assert current_version(tmp_path) == first.version

    def broken(*_: object) -> int:
        raise RuntimeError("source went away mid-load")

    monkeypatch.setattr(analytics.star, "derive", broken)
    with pytest.raises(RuntimeError):
        refresh(demo_database_url, tmp_path)
    assert current_version(tmp_path) == first.version
    assert [p.name for p in tmp_path.glob("snapshot-*.duckdb")] == [
        f"snapshot-{first.version}.duckdb"
    ]
    with open_current(tmp_path) as current:
        assert current is not None
        assert current[1].execute("SELECT count(*) FROM activities").fetchone()[0] > 0  # type: ignore[index]


async def test_figures_match_the_source_and_bad_rows_are_counted(
    backend: str, tmp_path: Path
) -> None:
    for url in create_database(backend, tmp_path):
        upgrade(url)
        engine = make_engine(url)
        try:
            await seed_demo(make_session_factory(engine), DemoOptions(students=12, now=DEMO_NOW))
            async with engine.begin() as connection:
                lesson = (
                    await connection.execute(text("SELECT min(id) FROM lessons"))
                ).scalar_one()
                student = (
                    await connection.execute(
                        text("SELECT min(id) FROM users WHERE role = 'STUDENT'")
                    )
                ).scalar_one()
                for hid, minutes, score in (
                    ("h_bad_minutes", -5.0, None),
                    ("h_bad_score", 10.0, 150.0),
                ):
                    await connection.execute(
                        text(
                            "INSERT INTO learning_history (id, student_id, lesson_id, accessed_at, updated_at, duration_minutes, status, score) VALUES (:id, :s, :l, :t, :t, :m, 'completed', :sc)"
                        ),
                        {
                            "id": hid,
                            "s": student,
                            "l": lesson,
                            "t": DEMO_NOW,
                            "m": minutes,
                            "sc": score,
                        },
                    )
                source = {
                    "students": (
                        await connection.execute(
                            text(
                                "SELECT count(*) FROM users WHERE role IN ('STUDENT', 'INDEPENDENT_LEARNER')"
                            )
                        )
                    ).scalar_one(),
                    "enrollments": (
                        await connection.execute(text("SELECT count(*) FROM subject_enrollments"))
                    ).scalar_one(),
                    "activities": (
                        await connection.execute(
                            text(
                                "SELECT count(*) FROM learning_history WHERE duration_minutes >= 0"
                            )
                        )
                    ).scalar_one(),
                    "scores": (
                        await connection.execute(
                            text(
                                "SELECT count(*) FROM learning_history WHERE duration_minutes >= 0 AND score BETWEEN 0 AND 100"
                            )
                        )
                    ).scalar_one(),
                    "completed": (
                        await connection.execute(
                            text(
                                "SELECT count(*) FROM subject_enrollments WHERE status = 'completed'"
                            )
                        )
                    ).scalar_one(),
                }
        finally:
            await engine.dispose()
        result = refresh(url, tmp_path / "warehouse")
        assert result.dropped["negative or missing minutes"] == 1
        assert result.dropped["score outside 0-100"] == 1
        assert result.rows_added == source["activities"] and result.full
        with open_current(tmp_path / "warehouse") as current:
            assert current is not None
            warehouse = current[1]
            for table in ("students", "enrollments", "activities", "scores"):
                assert (
                    warehouse.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    == source[table]
                ), table  # type: ignore[index]
            completed = warehouse.execute(
                "SELECT count(*) FROM enrollments WHERE status = 'completed'"
            ).fetchone()[0]  # type: ignore[index]
            assert completed == source["completed"]
            with pytest.raises(duckdb.Error):  # no query may reach the file system
                warehouse.execute("SELECT * FROM read_csv('/etc/hostname')").fetchall()


def test_the_command_line_refreshes(demo_database_url: str, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOM_")}
    env.update(
        LEARNLOOM_ENV="test",
        LEARNLOOM_DATA_DIR=str(tmp_path),
        LEARNLOOM_DATABASE_URL=demo_database_url,
    )
    done = subprocess.run(
        [sys.executable, "-m", "learnloom", "etl", "refresh"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "published" in done.stderr
    assert current_version(tmp_path / "warehouse") is not None
