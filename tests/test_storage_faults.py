"""Storage faults an operator must hear about without the service falling over: a warehouse
pointer that names a missing snapshot, a read-only data directory. The analytics routes answer 503 with a code; the
health probe and the status page still answer."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.conftest import client_for, make_settings
from tests.helpers import assert_error, bearer, login
from tests.servers import free_port, running_servers, wait_until_healthy


@pytest.mark.anyio
async def test_a_pointer_to_a_missing_snapshot_is_a_503(
    demo_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(demo_database_url, tmp_path)
    async for client in client_for(settings):
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
        assert (await client.get("/api/course-analytics", headers=admin)).status_code == 200
        (settings.warehouse_dir / "CURRENT").write_text("1700000000000-abcdef")
        for snapshot in settings.warehouse_dir.glob("snapshot-*.duckdb"):
            snapshot.unlink()
        state = client._transport.app.state.learnloom  # type: ignore[attr-defined]
        state.warehouse.look_again()
        for path in (
            "/api/course-analytics",
            "/api/average-score",
            "/api/v1/admin/analytics/school/1/",
        ):
            assert_error(await client.get(path, headers=admin), 503, "WAREHOUSE_UNAVAILABLE")
        status = await client.get("/api/system-status")
        assert status.status_code == 200 and status.json()["last_data_refresh"] is None
        assert (await client.get("/api/health")).status_code == 200


def _can_mount_read_only(folder: Path) -> bool:
    """A private mount namespace with a read-only bind mount (root on Linux): the only way
    to make a folder read-only for root, who ignores file modes."""
    probe = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            f"mount --bind -o ro {folder} {folder} && ! touch {folder}/x",
        ],
        capture_output=True,
    )
    return probe.returncode == 0


def test_a_read_only_data_directory_is_a_503_and_health_still_answers(tmp_path: Path) -> None:
    """The data directory (SQLite database, warehouse, secret) turned read-only under a
    running service: every route answered 500 with a traceback per request; now a 503
    STORAGE_UNAVAILABLE logged as one line, and the health probe answers."""
    data = tmp_path / "data"
    data.mkdir()
    if shutil.which("unshare") is None or not _can_mount_read_only(data):
        pytest.skip("needs unshare and mount (root on Linux) to make a folder read-only")
    env = {**os.environ, "LEARNLOOM_ENV": "dev", "LEARNLOOM_DATA_DIR": str(data)}
    for key in ("LEARNLOOM_DATABASE_URL", "LEARNLOOM_REDIS_URL"):
        env.pop(key, None)
    for command in (["migrate"], ["seed", "--demo", "--students", "8"], ["etl", "refresh"]):
        subprocess.run([sys.executable, "-m", "learnloom", *command], env=env, check=True)
    with running_servers(env) as [base]:
        token = httpx.post(
            f"{base}/api/v1/auth/login/",
            json={"email": DEMO_ACCOUNTS["SUPER_ADMIN"], "password": DEMO_PASSWORD},
        ).json()["data"]["access_token"]
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                "unshare",
                "-m",
                "sh",
                "-c",
                f"mount --bind -o ro {data} {data} && exec {sys.executable} -m learnloom "
                f"serve --port {port}",
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_healthy(base)
            admin = {"Authorization": f"Bearer {token}"}
            assert httpx.get(f"{base}/api/health").status_code == 200
            login_response = httpx.post(
                f"{base}/api/v1/auth/login/",
                json={"email": DEMO_ACCOUNTS["TEACHER"], "password": DEMO_PASSWORD},
            )
            assert_error(login_response, 503, "STORAGE_UNAVAILABLE")
            for path in ("/api/v1/auth/me/", "/api/total-students", "/api/v1/admin/schools/"):
                assert_error(httpx.get(f"{base}{path}", headers=admin), 503, "STORAGE_UNAVAILABLE")
            answer = httpx.post(
                f"{base}/graphql", json={"query": "{ me { id } }"}, headers=admin
            ).json()
            assert answer["errors"][0]["extensions"]["code"] == "STORAGE_UNAVAILABLE"
        finally:
            server.terminate()
            server.wait(timeout=10)
    written = log.read_text()
    assert "storage unavailable" in written
    assert "Traceback" not in written, written[-3000:]
