"""The scheduled warehouse refresh: due when the snapshot is older
than the interval, run once however many processes wake together, survives failures, and
runs inside the web app and as `learnloom worker`."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from analytics.warehouse import current_version, last_refreshed
from learnloom.worker import run_jobs
from tests.conftest import client_for, make_settings

pytestmark = pytest.mark.anyio


async def run_for(seconds: float, *settings_list: object) -> None:
    stop = anyio.Event()
    async with anyio.create_task_group() as group:
        for settings in settings_list:
            group.start_soon(run_jobs, settings, stop, 0.05)
        await anyio.sleep(seconds)
        stop.set()


async def test_processes_that_wake_together_refresh_once(
    demo_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(demo_database_url, tmp_path, analytics_refresh_seconds=3600)
    await run_for(1.5, settings, settings, settings)
    snapshots = list(settings.warehouse_dir.glob("snapshot-*.duckdb"))
    assert len(snapshots) == 1 and current_version(settings.warehouse_dir) is not None


async def test_a_refresh_is_due_again_after_the_interval(
    demo_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(demo_database_url, tmp_path, analytics_refresh_seconds=1)
    await run_for(0.5, settings)
    first = current_version(settings.warehouse_dir)
    loaded = last_refreshed(settings.warehouse_dir)
    await run_for(2.0, settings)
    # The demo data did not change: the refreshes that ran published nothing, and count as
    # refreshes (not due again until the interval has passed once more).
    assert first is not None and current_version(settings.warehouse_dir) == first
    assert len(list(settings.warehouse_dir.glob("snapshot-*.duckdb"))) == 1
    again = last_refreshed(settings.warehouse_dir)
    assert loaded is not None and again is not None and again > loaded


async def test_no_refresh_when_switched_off(demo_database_url: str, tmp_path: Path) -> None:
    settings = make_settings(demo_database_url, tmp_path, analytics_refresh_seconds=0)
    await run_for(0.5, settings)
    assert current_version(settings.warehouse_dir) is None


async def test_a_failing_refresh_is_logged_and_the_loop_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'absent' / 'none.db'}", tmp_path)
    with caplog.at_level(logging.WARNING, logger="learnloom.worker"):
        await run_for(0.5, broken)  # returns: the loop kept running until told to stop
    # A database file that cannot be opened is a storage fault: one line, no traceback.
    assert "storage unavailable in the scheduled warehouse refresh" in caplog.text
    assert "Traceback" not in caplog.text
    assert current_version(broken.warehouse_dir) is None


async def test_the_web_app_runs_the_schedule(demo_database_url: str, tmp_path: Path) -> None:
    settings = make_settings(demo_database_url, tmp_path, background_jobs=True)
    async for client in client_for(settings):
        with anyio.fail_after(60):
            for _ in iter(int, 1):  # until the scheduled refresh has published
                status = (await client.get("/api/system-status")).json()
                if status["last_data_refresh"] is not None:
                    break
                await anyio.sleep(0.1)
    assert last_refreshed(settings.warehouse_dir) is not None


def test_the_worker_command_runs_what_is_due(demo_database_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOM_")}
    env.update(
        LEARNLOOM_ENV="test",
        LEARNLOOM_DATA_DIR=str(tmp_path),
        LEARNLOOM_DATABASE_URL=demo_database_url,
    )

    def once() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "learnloom", "worker", "--once"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout + done.stderr

    assert "warehouse refreshed" in once()
    assert "no warehouse refresh was due" in once()
