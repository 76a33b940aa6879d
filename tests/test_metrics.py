"""`GET /metrics` as an operator's Prometheus reads it, through the real application on SQLite
and PostgreSQL: requests counted under their route's template, rate-limit refusals, flags
by category without a word of the message, webhook and outbox figures, the snapshot's age
and the served model's per-horizon AUC; refused to other machines, and to anyone without
the token once one is set. Counts are process-wide (other tests count too), so each check
compares a figure before and after."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from analytics.model_store import current_version
from ground.settings import Settings
from learnloom.demo import DEMO_ACCOUNTS
from tests.conftest import client_for, make_settings
from tests.helpers import assert_error, bearer, headers_of, login, rows
from tests.servers import free_port, wait_until_healthy
from tests.tutor_helpers import ask, start_lesson
from tests.webhook_helpers import end_a_session

pytestmark = pytest.mark.anyio
Series = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Series:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(client: httpx.AsyncClient, **headers: str) -> Series:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return parse(response.text)


def value(series: Series, name: str, **labels: str) -> float:
    return series.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_requests_are_counted_by_route_template_method_and_status(
    writable_client: httpx.AsyncClient, database_url: str
) -> None:
    teacher = await headers_of(writable_client, "TEACHER")
    [(class_id,)] = await rows(
        database_url,
        "SELECT classroom_id FROM classroom_teachers WHERE teacher_id = "
        "(SELECT id FROM users WHERE email = :e) ORDER BY classroom_id LIMIT 1",
        e=DEMO_ACCOUNTS["TEACHER"],
    )
    route = "/api/v1/teachers/me/classes/{id}/students/"
    before = await scrape(writable_client)
    for _ in range(3):
        answer = await writable_client.get(route.format(id=class_id), headers=teacher)
        assert answer.status_code == 200, answer.text
    assert (await writable_client.get("/api/v1/no/such/path/")).status_code == 404
    assert (await writable_client.get(route.format(id=class_id))).status_code == 401
    after = await scrape(writable_client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    ok = {"route": route, "method": "GET", "status": "200"}
    assert grew("learnloom_requests_total", **ok) == 3
    assert grew("learnloom_requests_total", route=route, method="GET", status="401") == 1
    assert grew("learnloom_requests_total", route="unmatched", method="GET", status="404") == 1
    assert grew("learnloom_request_duration_seconds_count", route=route) == 4
    seconds = grew("learnloom_request_duration_seconds_sum", route=route)
    assert 0 < seconds < 30
    # The template, never the path with its id: series stay bounded however many classes.
    concrete = route.format(id=class_id)
    assert not [key for key in after if dict(key[1]).get("route") == concrete]


async def test_rate_limit_refusals_are_counted_by_limit(
    empty_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(empty_database_url, tmp_path, rate_limit_login="2/hour")
    async for client in client_for(settings):
        before = await scrape(client)
        wrong = {"email": "nobody@school.test", "password": "not the password"}
        statuses = [
            (await client.post("/api/v1/auth/login/", json=wrong)).status_code for _ in range(4)
        ]
        assert statuses == [401, 401, 429, 429]
        after = await scrape(client)
        refused = value(after, "learnloom_rate_limit_refusals_total", limit="login")
        assert refused - value(before, "learnloom_rate_limit_refusals_total", limit="login") == 2


async def test_flags_are_counted_by_category_without_the_message(
    writable_client: httpx.AsyncClient, database_url: str
) -> None:
    lesson = await start_lesson(writable_client, database_url, "Parts of Speech Overview")
    student = await headers_of(writable_client, "STUDENT")
    labels = {"category": "self_harm", "acknowledged": "false"}
    before = value(await scrape(writable_client), "learnloom_tutor_flags", **labels)
    said = "nobody would even notice if i was gone for good"
    reply = await ask(writable_client, student, lesson.session_id, said)
    assert reply["type"] == "redirect"
    response = await writable_client.get("/metrics")
    after = parse(response.text)
    assert value(after, "learnloom_tutor_flags", **labels) == before + 1
    assert "gone for good" not in response.text and "notice" not in response.text
    [(stored,)] = await rows(
        database_url, "SELECT count(*) FROM tutor_flags WHERE category = 'self_harm'"
    )
    assert value(after, "learnloom_tutor_flags", **labels) == stored  # counted from the source


async def test_outbox_and_webhook_figures_come_from_the_database(
    writable_client: httpx.AsyncClient, database_url: str
) -> None:
    before = await scrape(writable_client)
    await end_a_session(writable_client, database_url)  # session.completed enters the outbox
    after = await scrape(writable_client)
    [(waiting,)] = await rows(
        database_url, "SELECT count(*) FROM outbox_events WHERE fanned_out_at IS NULL"
    )
    assert value(after, "learnloom_outbox_events_waiting") == waiting
    assert waiting == value(before, "learnloom_outbox_events_waiting") + 1
    by_status = dict(
        await rows(database_url, "SELECT status, count(*) FROM webhook_deliveries GROUP BY status")
    )
    for status, count in by_status.items():
        assert value(after, "learnloom_webhook_deliveries", status=status) == count


async def test_the_snapshot_age_and_the_models_figures(
    demo_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(demo_database_url, tmp_path, model_retrain_rows=1, model_min_auc=0.5)
    async for client in client_for(settings):
        empty = await scrape(client)
        assert not [key for key in empty if key[0] == "learnloom_warehouse_snapshot_age_seconds"]
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        refreshed_at = datetime.now(UTC)
        assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
        series = await scrape(client)
        age = value(series, "learnloom_warehouse_snapshot_age_seconds")
        assert 0 <= age <= (datetime.now(UTC) - refreshed_at).total_seconds() + 1
        version = current_version(settings.model_dir)
        assert value(series, "learnloom_model_info", model="completion", version=str(version)) == 1
        health = (await client.get("/api/v1/ai/health/")).json()
        horizons = health["data"]["model_horizons"]
        assert horizons
        for horizon in horizons:
            auc = value(
                series, "learnloom_model_auc", model="completion", horizon=horizon["horizon"]
            )
            assert auc == pytest.approx(horizon["auc"], abs=1e-4)
        assert (
            value(series, "learnloom_warehouse_refresh_duration_seconds_count", trigger="api") >= 1
        )


async def test_metrics_are_only_for_this_machine_without_a_token(settings: Settings) -> None:
    from learnloom.app import create_app

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        remote = httpx.ASGITransport(app=app, client=("10.1.2.3", 40000))
        async with httpx.AsyncClient(transport=remote, base_url="http://learnloom.test") as c:
            assert_error(await c.get("/metrics"), 403, "PERMISSION_DENIED")
        local = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=local, base_url="http://learnloom.test") as c:
            assert (await c.get("/metrics")).status_code == 200
            # A proxy on this machine forwards someone else's request: not this machine's.
            forwarded = await c.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
            assert_error(forwarded, 403, "PERMISSION_DENIED")


@pytest.mark.settings(metrics_token="scrape-secret-1234")
async def test_with_a_token_only_its_bearer_reads_the_metrics(
    writable_client: httpx.AsyncClient,
) -> None:
    assert_error(await writable_client.get("/metrics"), 401, "INVALID_TOKEN")
    wrong = await writable_client.get("/metrics", headers=bearer("scrape-secret-9999"))
    assert_error(wrong, 401, "INVALID_TOKEN")
    assert (
        await writable_client.get("/metrics", headers=bearer("scrape-secret-1234"))
    ).status_code == 200


def per_process(folder: Path, name: str, **labels: str) -> dict[str, float]:
    """The count of each worker process, read from its own file of the shared folder."""
    found = {}
    for counts in folder.glob("counter_*.db"):
        alone = folder.parent / f"alone-{counts.stem}"
        alone.mkdir(exist_ok=True)
        shutil.copy(counts, alone / counts.name)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(alone))
        found[counts.stem] = value(parse(generate_latest(registry).decode()), name, **labels)
        shutil.rmtree(alone)
    return found


def test_two_worker_processes_are_counted_together(tmp_path: Path) -> None:
    """`learnloom serve --workers 2`: each request is answered by one worker or the other,
    and a scrape of either counts them all."""
    env = {
        **os.environ,
        "LEARNLOOM_ENV": "test",
        "LEARNLOOM_DATA_DIR": str(tmp_path),
        "LEARNLOOM_BACKGROUND_JOBS": "false",
        "LEARNLOOM_LOG_LEVEL": "WARNING",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    before = set(Path(tempfile.gettempdir()).glob("learnloom-metrics-*"))
    learnloom = [sys.executable, "-m", "learnloom"]
    subprocess.run([*learnloom, "migrate"], env=env, check=True, capture_output=True)
    port = free_port()
    serve = [*learnloom, "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    labels = {"route": "/api/health", "method": "GET", "status": "200"}
    try:
        wait_until_healthy(base)
        # The workers' counts are in a new local folder of this run (never the data folder,
        # which several hosts may share), removed when the server stops.
        [folder] = set(Path(tempfile.gettempdir()).glob("learnloom-metrics-*")) - before
        assert not (tmp_path / "metrics").exists()
        sent = 1  # wait_until_healthy's
        while sent < 400:  # new connections, which the two workers take in turn or not
            for _ in range(20):
                with httpx.Client(base_url=base) as once:
                    assert once.get("/api/health").status_code == 200
            sent += 20
            counts = per_process(folder, "learnloom_requests_total", **labels)
            if len([c for c in counts.values() if c > 0]) == 2:
                break
        assert len([c for c in counts.values() if c > 0]) == 2, counts
        # A request is counted once its response has gone, so the last ones may still be
        # on their way into the files: wait for them, a moment at most.
        deadline = time.monotonic() + 5
        while sum(counts.values()) < sent and time.monotonic() < deadline:
            time.sleep(0.05)
            counts = per_process(folder, "learnloom_requests_total", **labels)
        assert sum(counts.values()) == sent
        scraped = parse(httpx.get(f"{base}/metrics").text)
        assert value(scraped, "learnloom_requests_total", **labels) == sent
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert not folder.exists()


async def test_a_down_database_is_reported_not_a_failed_scrape(tmp_path: Path) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    settings = make_settings("postgresql+psycopg://postgres@127.0.0.1:1/none", tmp_path)
    async for client in client_for(settings):
        series = await scrape(client)  # 200, not a 500
        assert value(series, "learnloom_database_up") == 0
        assert not [key for key in series if key[0] == "learnloom_tutor_flags"]


async def test_the_database_is_up_when_it_answers(writable_client: httpx.AsyncClient) -> None:
    assert value(await scrape(writable_client), "learnloom_database_up") == 1
