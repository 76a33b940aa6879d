"""Incremental warehouse loads: only rows changed since the watermark are read and counted,
late commits inside the safety lag are still caught, changed and deleted rows leave the
warehouse, the result always equals a full rebuild of the same source, and a refresh that
finds nothing changed publishes nothing."""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from analytics.etl import refresh
from analytics.platform_source import READING
from analytics.star import NEGATIVE_MINUTES
from analytics.warehouse import current_version, last_refreshed, open_current
from learnloom.demo import DEMO_ACCOUNTS, DemoOptions, seed_demo
from models.db import make_engine, make_session_factory
from models.migrate import upgrade
from tests.conftest import DEMO_NOW, client_for, create_database, make_settings
from tests.helpers import bearer, login
from tests.source_edits import add_visit, run

pytestmark = pytest.mark.anyio

TABLES = ("students", "enrollments", "activities", "scores", "enrollment_facts", "daily_facts")


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    yield from create_database(backend, tmp_path)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    await seed_demo(make_session_factory(engine), DemoOptions(students=10, now=DEMO_NOW))
    yield engine
    await engine.dispose()


def contents(directory: Path) -> dict[str, list[Any]]:
    with open_current(directory) as current:
        assert current is not None
        return {
            table: sorted(current[1].execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in TABLES
        }


def activity(directory: Path, activity_id: str) -> Any:
    with open_current(directory) as current:
        assert current is not None
        return (
            current[1]
            .execute(
                "SELECT a.minutes, s.score FROM activities a LEFT JOIN scores s USING (activity_id) WHERE activity_id = ?",
                [activity_id],
            )
            .fetchone()
        )


async def test_only_changes_are_loaded_and_the_result_equals_a_full_rebuild(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    first = refresh(database_url, incremental)
    total = (await run(engine, "SELECT count(*) FROM learning_history")).scalar_one()
    assert first.full and first.rows_added == total > 0

    before = contents(incremental)
    nothing = refresh(database_url, incremental)
    assert not nothing.full and nothing.rows_added == 0
    assert contents(incremental) == before

    now = datetime.now(UTC)
    await add_visit(engine, "h_new_1", now)
    await add_visit(engine, "h_new_2", now, score=40)
    changed = (
        # (a row whose score is not 99 already: setting it to 99 must be a real change, which
        # the demo's random scores made it about once in a hundred runs)
        (
            await run(
                engine,
                "SELECT id FROM learning_history WHERE score IS NOT NULL AND score <> 99 "
                "ORDER BY id",
            )
        )
        .scalars()
        .first()
    )
    await run(
        engine,
        "UPDATE learning_history SET score = 99, updated_at = :now WHERE id = :id",
        now=now,
        id=changed,
    )
    second = refresh(database_url, incremental)
    assert not second.full and second.rows_added == 3  # two new rows, one changed
    assert activity(incremental, changed)[1] == 99
    assert activity(incremental, "h_new_2") == (12.0, 40.0)

    # A row that becomes impossible leaves the warehouse and is counted.
    await run(
        engine,
        "UPDATE learning_history SET duration_minutes = -3, updated_at = :now WHERE id = 'h_new_1'",
        now=datetime.now(UTC),
    )
    third = refresh(database_url, incremental)
    assert third.dropped[NEGATIVE_MINUTES] == 1 and third.rows_added == 0
    assert activity(incremental, "h_new_1") is None

    rebuilt = refresh(database_url, full, full=True)
    assert rebuilt.full and rebuilt.rows_added == total + 1  # h_new_1 is dropped
    assert contents(incremental) == contents(full)


async def test_a_late_commit_inside_the_lag_is_still_loaded(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    refresh(database_url, tmp_path)
    newest = (await run(engine, "SELECT max(updated_at) FROM learning_history")).scalar_one()
    newest = newest if isinstance(newest, datetime) else datetime.fromisoformat(str(newest))
    newest = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
    # Stamped before the watermark, committed after the refresh read it.
    await add_visit(engine, "h_late", newest - timedelta(minutes=5))
    later = refresh(database_url, tmp_path)
    assert later.rows_added == 1 and activity(tmp_path, "h_late") is not None


async def test_a_deleted_student_leaves_the_warehouse(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    refresh(database_url, tmp_path)
    student = (
        await run(
            engine,
            "SELECT student_id FROM learning_history GROUP BY student_id ORDER BY count(*) DESC LIMIT 1",
        )
    ).scalar_one()
    # Every row that points at the student goes first (children before parents).
    for table in reversed(SQLModel.metadata.sorted_tables):
        for column in table.columns:
            if any(key.target_fullname == "users.id" for key in column.foreign_keys):
                await run(engine, f"DELETE FROM {table.name} WHERE {column.name} = :s", s=student)
    await run(engine, "DELETE FROM users WHERE id = :s", s=student)
    refresh(database_url, tmp_path)
    with open_current(tmp_path) as current:
        assert current is not None
        for table in ("students", "activities", "scores", "enrollment_facts", "student_daily"):
            found = (
                current[1]
                .execute(f"SELECT count(*) FROM {table} WHERE student_id = ?", [student])
                .fetchone()
            )
            assert found == (0,), table


async def test_progress_counts_the_rows_read(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    reports: list[tuple[str, int, int]] = []
    refresh(database_url, tmp_path, lambda step, done, total: reports.append((step, done, total)))
    total = (await run(engine, "SELECT count(*) FROM learning_history")).scalar_one()
    reading = [(done, of) for step, done, of in reports if step == READING]
    assert reading[0] == (0, total) and reading[-1] == (total, total)
    assert [done for done, _ in reading] == sorted(done for done, _ in reading)
    assert reports[-1][1] == reports[-1][2]  # the last step completes
    await add_visit(engine, "h_progress", datetime.now(UTC))
    reports.clear()
    refresh(database_url, tmp_path, lambda step, done, total: reports.append((step, done, total)))
    assert [r for r in reports if r[0] == READING][-1][2] < total  # only what changed


def snapshots(directory: Path) -> list[Path]:
    return sorted(directory.glob("snapshot-*.duckdb"))


async def test_a_refresh_without_changes_publishes_nothing(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    first = refresh(database_url, tmp_path)
    assert first.published and current_version(tmp_path) == first.version
    loaded = last_refreshed(tmp_path)
    for full in (False, True):  # a full rebuild of the same data is no change either
        again = refresh(database_url, tmp_path, full=full)
        assert not again.published and again.version == first.version and again.rows_added == 0
        assert (
            snapshots(tmp_path) == snapshots(tmp_path)[:1]
            and current_version(tmp_path) == first.version
        )
    checked = last_refreshed(tmp_path)
    assert loaded is not None and checked is not None and checked > loaded  # counts as a refresh

    await add_visit(engine, "h_after", datetime.now(UTC))
    changed = refresh(database_url, tmp_path)
    assert changed.published and changed.rows_added == 1 and changed.version != first.version
    assert current_version(tmp_path) == changed.version and len(snapshots(tmp_path)) == 2
    # A change in place to a table read in full (a student's name) is a change too.
    await run(
        engine,
        "UPDATE users SET first_name = 'Renamed' WHERE id = (SELECT min(student_id) FROM subject_enrollments)",
    )
    renamed = refresh(database_url, tmp_path)
    assert renamed.published and renamed.rows_added == 0 and renamed.version != changed.version


async def test_etags_follow_a_new_snapshot_only(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    async for client in client_for(make_settings(database_url, tmp_path)):
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
        tag = (await client.get("/api/average-score", headers=admin)).headers["etag"]
        cached = {**admin, "If-None-Match": tag}
        unchanged = await client.post("/api/refresh-data", headers=admin)
        assert unchanged.status_code == 200 and unchanged.json()["rows_added"] == 0
        assert (await client.get("/api/average-score", headers=cached)).status_code == 304
        await add_visit(engine, "h_etag", datetime.now(UTC), score=3)
        assert (await client.post("/api/refresh-data", headers=admin)).json()["rows_added"] == 1
        after = await client.get("/api/average-score", headers=cached)
        assert after.status_code == 200 and after.headers["etag"] != tag
