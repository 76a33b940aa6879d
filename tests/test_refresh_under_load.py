"""Refreshes publishing while clients read: every answer comes whole from one snapshot
(never a mix of two, never empty or an error), and readers move on to newer snapshots."""

from datetime import UTC, datetime
from pathlib import Path

import anyio
import duckdb
import httpx
import pytest
from anyio import to_thread

from analytics import metrics
from analytics.etl import refresh
from analytics.warehouse import READ_ONLY, snapshot_path
from learnloom.demo import DEMO_ACCOUNTS
from models.db import make_engine
from tests.conftest import client_for, make_settings
from tests.helpers import bearer, login
from tests.source_edits import add_visit

pytestmark = pytest.mark.anyio

QUERY = "{ analytics { totalStudents averageScore } activityTrend { activity } }"


def answer_of(directory: Path, version: str) -> tuple[float | None, int]:
    """What the snapshot itself says, read straight from its file."""
    path = snapshot_path(directory, version)
    with duckdb.connect(str(path), read_only=True, config=READ_ONLY) as snapshot:
        cursor = snapshot.cursor()
        average = metrics.average_score(cursor, metrics.Scope())
        activities = sum(n for _, n in metrics.activity_trend(cursor, metrics.Scope(), None, None))
    return average, activities


async def test_reads_during_refreshes_come_whole_from_one_snapshot(
    database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(database_url, tmp_path)
    directory = settings.warehouse_dir
    first = refresh(database_url, directory)
    snapshots = {first.version: answer_of(directory, first.version)}
    answers: list[tuple[float | None, int]] = []
    totals: set[int] = set()
    engine = make_engine(database_url)
    try:
        async for client in client_for(settings):
            headers = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
            done = anyio.Event()

            async def read(
                client: httpx.AsyncClient, headers: dict[str, str], done: anyio.Event
            ) -> None:
                while not done.is_set():
                    response = await client.post("/graphql", json={"query": QUERY}, headers=headers)
                    body = response.json()
                    assert response.status_code == 200 and "errors" not in body, body
                    data = body["data"]
                    answers.append(
                        (data["analytics"]["averageScore"], sum(data["activityTrend"]["activity"]))
                    )
                    rest = await client.get("/api/total-students", headers=headers)
                    assert rest.status_code == 200, rest.text
                    totals.add(rest.json()["total_students"])
                    # A breath between reads, so the refreshes' thread gets the interpreter
                    # too: still dozens of reads during each refresh.
                    await anyio.sleep(0.005)

            async def refresh_repeatedly(done: anyio.Event) -> None:
                for n, score in enumerate((0, 100, 3, 97, 50)):
                    await add_visit(engine, f"h_load_{n}", datetime.now(UTC), score=score)
                    result = await to_thread.run_sync(refresh, database_url, directory)
                    snapshots[result.version] = answer_of(directory, result.version)
                    await anyio.sleep(0.05)
                done.set()

            async with anyio.create_task_group() as group:
                for _ in range(4):
                    group.start_soon(read, client, headers, done)
                group.start_soon(refresh_repeatedly, done)
    finally:
        await engine.dispose()
    assert len(snapshots) == 6
    assert answers and set(answers) <= set(snapshots.values())
    assert len(set(answers)) > 1, "readers never saw a newer snapshot"
    assert len(totals) == 1 and totals.pop() > 0
