"""Webhooks end to end on SQLite and PostgreSQL: endpoints registered
over REST, outbox events delivered by the dispatcher to a real HTTP receiver on loopback
that checks the Standard Webhooks signatures with the `standardwebhooks` package, retries
after 500s, each event once after a 200, dead letters and their replay, two dispatchers at
once, and a dispatcher killed mid-delivery losing nothing."""

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import httpx
import pytest

from ground.ids import new_id
from ground.settings import Settings
from ground.webhook_addresses import pinned
from ground.webhook_signing import new_secret
from learnloom.demo import DEMO_ACCOUNTS
from learnloom.webhooks.dispatcher import Dispatcher
from models.db import make_engine, make_session_factory, transaction
from models.events import OutboxEvent, WebhookEndpoint
from tests.conftest import client_for, make_settings
from tests.helpers import assert_error, headers_of, rows
from tests.waiting import eventually
from tests.webhook_helpers import FAST, HOOKS, Receiver, dispatch_until, end_a_session

pytestmark = [pytest.mark.anyio, pytest.mark.settings(**FAST)]


async def register(
    writable_client: httpx.AsyncClient, headers: dict[str, str], url: str, **extra: object
) -> dict:
    response = await writable_client.post(
        HOOKS,
        json={"url": url, "events": ["session.completed", "student.milestone_unlocked"], **extra},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def add_events(database_url: str, count: int, school_id: int | None = 1) -> list[str]:
    engine = make_engine(database_url)
    ids = [new_id("evt") for _ in range(count)]
    try:
        async with transaction(make_session_factory(engine)) as session:
            for event_id in ids:
                session.add(
                    OutboxEvent(
                        id=event_id,
                        event_type="session.completed",
                        school_id=school_id,
                        payload={"event_type": "session.completed", "event_id": event_id},
                        created_at=datetime.now(UTC),
                    )
                )
    finally:
        await engine.dispose()
    return ids


async def test_retries_after_500s_then_delivers_once_signed(
    writable_client: httpx.AsyncClient,
    settings: Settings,
    database_url: str,
) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    with Receiver(statuses=[500, 500]).running() as receiver:
        endpoint = await register(writable_client, admin, receiver.url)
        assert endpoint["secret"].startswith("whsec_")
        session_id = await end_a_session(writable_client, database_url)
        await dispatch_until(settings, lambda: len(receiver.requests) >= 3)
        payloads = receiver.verified(endpoint["secret"])  # raises on a bad signature
        # A few more passes: a delivered event is not sent again.
        await dispatch_until(settings)
        for _ in range(3):
            await dispatch_until(settings)
    assert len(receiver.requests) == 3
    assert len(set(receiver.ids())) == 1  # the same event id on every retry
    payload = payloads[0]
    assert payload["event_type"] == "session.completed"
    assert payload["event_id"] == receiver.ids()[0]
    assert set(payload) == {"event_type", "event_id", "timestamp", "data"}
    assert payload["data"]["session_id"] == session_id
    assert set(payload["data"]) == {
        "session_id",
        "class_id",
        "duration_minutes",
        "participants",
        "completed_lessons",
    }
    listed = (await writable_client.get(f"{HOOKS}deliveries/", headers=admin)).json()
    [delivery] = listed["data"]
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
        "delivered",
        3,
        200,
    )
    attempts = (
        await writable_client.post(
            "/graphql",
            json={
                "query": "query($d: Int!) { webhookAttempts(deliveryId: $d) { statusCode error } }",
                "variables": {"d": delivery["id"]},
            },
            headers=admin,
        )
    ).json()["data"]["webhookAttempts"]
    assert [(a["statusCode"], a["error"]) for a in attempts] == [
        (500, "HTTP 500"),
        (500, "HTTP 500"),
        (200, None),
    ]


async def test_dead_letters_are_listed_and_replayed_with_the_same_event_id(
    writable_client: httpx.AsyncClient,
    database_url: str,
    tmp_path: Path,
) -> None:
    settings = make_settings(database_url, tmp_path, **FAST, webhook_max_attempts=2)
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    with Receiver(default=503).running() as receiver:
        endpoint = await register(writable_client, admin, receiver.url)
        await end_a_session(writable_client, database_url)
        await dispatch_until(settings, lambda: len(receiver.requests) >= 2)
        dead = (await writable_client.get(f"{HOOKS}deliveries/?status=dead", headers=admin)).json()
        assert [d["attempts"] for d in dead["data"]] == [2]
        assert dead["data"][0]["last_error"] == "HTTP 503"
        assert dead["data"][0]["next_attempt_at"] is None
        await dispatch_until(settings)
        assert len(receiver.requests) == 2  # given up: no third attempt

        receiver.default = 200
        replayed = await writable_client.post(
            f"{HOOKS}deliveries/{dead['data'][0]['id']}/replay/", headers=admin
        )
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["data"]["status"] == "pending"
        assert_error(
            await writable_client.post(
                f"{HOOKS}deliveries/{dead['data'][0]['id']}/replay/", headers=admin
            ),
            409,
            "DELIVERY_IN_PROGRESS",
        )
        await dispatch_until(settings, lambda: len(receiver.requests) >= 3)
        receiver.verified(endpoint["secret"])
    assert len(set(receiver.ids())) == 1
    after = (
        await writable_client.get(f"{HOOKS}deliveries/?status=delivered", headers=admin)
    ).json()
    assert after["pagination"]["total"] == 1
    [(action,)] = await rows(
        database_url, "SELECT action FROM audit_log WHERE action = 'webhook_replayed'"
    )
    assert action == "webhook_replayed"


async def test_two_dispatchers_at_once_deliver_each_event_once(
    writable_client: httpx.AsyncClient,
    settings: Settings,
    database_url: str,
) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    with Receiver().running() as receiver:
        await register(writable_client, admin, receiver.url)
        events = await add_events(database_url, 30)

        async def dispatcher() -> None:
            await dispatch_until(settings, lambda: len(receiver.requests) >= len(events))

        async with anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(dispatcher)
        for _ in range(3):
            await dispatch_until(settings)
    assert sorted(receiver.ids()) == sorted(events)  # each exactly once


async def test_a_dispatcher_killed_mid_delivery_loses_nothing(
    writable_client: httpx.AsyncClient,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    receiver = Receiver()
    receiver.hold = threading.Event()
    with receiver.running():
        endpoint = await register(writable_client, admin, receiver.url)
        await end_a_session(writable_client, database_url)
        env = {
            **os.environ,
            "LEARNLOOM_ENV": "test",
            "LEARNLOOM_DATA_DIR": str(tmp_path),
            "LEARNLOOM_DATABASE_URL": database_url,
            "LEARNLOOM_ANALYTICS_REFRESH_SECONDS": "0",
            **{f"LEARNLOOM_{name.upper()}": str(value) for name, value in FAST.items()},
        }
        worker = await anyio.open_process(
            [sys.executable, "-m", "learnloom", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert await anyio.to_thread.run_sync(receiver.arrived.wait, 60), "never delivered"
        finally:
            worker.kill()  # SIGKILL, mid-delivery: the receiver is holding the request
            await worker.wait()
        receiver.hold.set()
        [(status,)] = await rows(database_url, "SELECT status FROM webhook_deliveries")
        assert status == "sending"  # claimed by the dead worker, not lost, not delivered
        # Once the dead worker's claim expires, another dispatcher delivers the event.
        await dispatch_until(settings, lambda: len(receiver.requests) >= 2)
        await eventually(lambda: _delivered(database_url), 10)
        payloads = receiver.verified(endpoint["secret"])
    assert len(set(receiver.ids())) == 1 and payloads[0] == payloads[1]


async def _delivered(database_url: str) -> bool:
    return await rows(database_url, "SELECT status FROM webhook_deliveries") == [("delivered",)]


async def test_endpoints_are_validated_and_confined_to_their_school(
    writable_client: httpx.AsyncClient,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    school_admin = await headers_of(writable_client, "SCHOOL_ADMIN")
    bad = assert_error(
        await writable_client.post(
            HOOKS,
            json={"url": "ftp://example.org/x", "events": [], "secret": "nope"},
            headers=admin,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert set(bad["details"]) == {"url", "events", "secret"}
    # An unknown event is not a WebhookEvent: refused before anything else is looked at.
    unknown = assert_error(
        await writable_client.post(
            HOOKS, json={"url": "http://127.0.0.1:9/x", "events": ["lesson.eaten"]}, headers=admin
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert set(unknown["details"]) == {"events"}
    # Without the setting, loopback and private addresses are refused.
    async for strict in client_for(make_settings(database_url, tmp_path / "strict")):
        strict_admin = await headers_of(strict, "SUPER_ADMIN")
        for url in (
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://10.1.2.3/x",
            "http://169.254.169.254/latest",
            "http://[::1]/x",
        ):
            refused = assert_error(
                await strict.post(
                    HOOKS, json={"url": url, "events": ["session.completed"]}, headers=strict_admin
                ),
                422,
                "VALIDATION_ERROR",
            )
            # (an IPv6 literal is refused by the URL's shape already)
            reason = refused["details"]["url"][0]
            assert "public addresses only" in reason or "[" in url, url

    everywhere = await register(writable_client, admin, "http://127.0.0.1:9/all")
    [(own_school,)] = await rows(
        database_url,
        "SELECT school_id FROM users WHERE email = :e",
        e=DEMO_ACCOUNTS["SCHOOL_ADMIN"],
    )
    mine = await register(writable_client, school_admin, "http://127.0.0.1:9/mine", school_id=None)
    assert (everywhere["school_id"], mine["school_id"]) == (None, own_school)
    assert_error(
        await writable_client.post(
            HOOKS,
            json={"url": "http://127.0.0.1:9/x", "events": ["session.completed"], "school_id": 999},
            headers=school_admin,
        ),
        403,
        "PERMISSION_DENIED",
    )
    listed = (await writable_client.get(HOOKS, headers=school_admin)).json()
    assert [e["id"] for e in listed["data"]] == [mine["id"]]
    assert listed["data"][0]["secret"] is None  # shown once, at creation
    for method in ("GET", "PATCH", "DELETE"):
        assert_error(
            await writable_client.request(
                method, f"{HOOKS}{everywhere['id']}/", json={}, headers=school_admin
            ),
            404,
            "RESOURCE_NOT_FOUND",
        )
    # Another school's event reaches the everywhere endpoint only.
    await add_events(database_url, 1, school_id=own_school + 1)
    engine = make_engine(database_url)
    try:
        async with httpx.AsyncClient() as http:
            await Dispatcher(settings, make_session_factory(engine), http).fan_out()
    finally:
        await engine.dispose()
    fanned = await rows(database_url, "SELECT endpoint_id FROM webhook_deliveries")
    assert fanned == [(everywhere["id"],)]
    assert (await writable_client.get(f"{HOOKS}deliveries/", headers=school_admin)).json()[
        "data"
    ] == []

    changed = await writable_client.patch(
        f"{HOOKS}{mine['id']}/", json={"is_active": False}, headers=school_admin
    )
    assert changed.status_code == 200 and changed.json()["data"]["is_active"] is False
    removed = await writable_client.delete(f"{HOOKS}{mine['id']}/", headers=school_admin)
    assert removed.status_code == 200
    assert_error(
        await writable_client.get(f"{HOOKS}{mine['id']}/", headers=school_admin),
        404,
        "RESOURCE_NOT_FOUND",
    )
    actions = await rows(
        database_url,
        "SELECT action, details FROM audit_log WHERE target_type = 'webhook_endpoint' ORDER BY id",
    )
    assert [a for a, _ in actions] == [
        "webhook_created",
        "webhook_created",
        "webhook_updated",
        "webhook_deleted",
    ]
    assert all("whsec_" not in json.dumps(details, default=str) for _, details in actions)
    teacher = await headers_of(writable_client, "TEACHER")
    assert_error(await writable_client.get(HOOKS, headers=teacher), 403, "PERMISSION_DENIED")


def test_a_pinned_request_goes_to_the_checked_address_under_the_original_name() -> None:
    assert pinned("https://hooks.example.org:8443/in?x=1", "93.184.216.34") == (
        "https://93.184.216.34:8443/in?x=1",
        {"host": "hooks.example.org:8443"},
        {"sni_hostname": "hooks.example.org"},
    )
    assert pinned("http://hooks.example.org/in", "2606:2800:220:1::25") == (
        "http://[2606:2800:220:1::25]/in",
        {"host": "hooks.example.org"},
        {},
    )
    with Receiver().running() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        target, host, extensions = pinned(f"http://localhost:{port}/hooks", "127.0.0.1")
        with httpx.Client() as http:
            sent = http.post(target, content=b"{}", headers=host, extensions=extensions)
        assert sent.is_success
    [(headers, _)] = receiver.requests
    assert headers["host"] == f"localhost:{port}"


async def test_an_endpoint_that_has_come_to_point_inside_is_not_called(
    writable_client: httpx.AsyncClient,
    database_url: str,
    tmp_path: Path,
) -> None:
    """Registered while it was public (here: written straight into the table), an endpoint
    whose address is now loopback is refused at the attempt, and the refusal recorded."""
    strict = make_settings(database_url, tmp_path, **{**FAST, "webhook_allow_private_urls": False})
    with Receiver().running() as receiver:
        engine = make_engine(database_url)
        try:
            async with transaction(make_session_factory(engine)) as session:
                session.add(
                    WebhookEndpoint(
                        url=receiver.url, secret=new_secret(), events=["session.completed"]
                    )
                )
        finally:
            await engine.dispose()
        await add_events(database_url, 1)
        await dispatch_until(strict)
    assert receiver.requests == []
    [(status, error)] = await rows(
        database_url, "SELECT status, last_error FROM webhook_deliveries"
    )
    assert status == "retrying" and "public addresses only" in error


@pytest.mark.parametrize("url", ["http://999.1.1.1/hook", "http://xn--zz.example/hook"])
async def test_a_host_the_http_client_cannot_reach_is_refused_and_fails_its_attempt_alone(
    writable_client: httpx.AsyncClient, settings: Settings, database_url: str, url: str
) -> None:
    """An address no HTTP client can send to (an IPv4 part over 255, an invalid IDNA label)
    is refused at registration; one stored before that check (written straight into the
    table) fails its own attempts, recorded, while the other endpoint gets the event."""
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    refused = assert_error(
        await writable_client.post(
            HOOKS, json={"url": url, "events": ["session.completed"]}, headers=admin
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert "invalid host" in refused["details"]["url"][0]
    with Receiver().running() as receiver:
        await register(writable_client, admin, receiver.url)
        engine = make_engine(database_url)
        try:
            async with transaction(make_session_factory(engine)) as session:
                session.add(
                    WebhookEndpoint(url=url, secret=new_secret(), events=["session.completed"])
                )
        finally:
            await engine.dispose()
        await add_events(database_url, 1)
        await dispatch_until(settings, lambda: len(receiver.requests) == 1)
    states = await rows(
        database_url,
        "SELECT e.url, d.status, d.last_error FROM webhook_deliveries d "
        "JOIN webhook_endpoints e ON e.id = d.endpoint_id ORDER BY e.url",
    )
    assert {(u, status) for u, status, _ in states} == {
        (receiver.url, "delivered"),
        (url, "retrying"),
    }
    [error] = [error for u, _, error in states if u == url]
    assert "invalid host" in error


async def test_settled_deliveries_and_their_events_are_pruned_after_the_retention(
    writable_client: httpx.AsyncClient,
    database_url: str,
    tmp_path: Path,
) -> None:
    settings = make_settings(database_url, tmp_path, **FAST, webhook_max_attempts=1)
    admin = await headers_of(writable_client, "SUPER_ADMIN")
    with Receiver().running() as good, Receiver(default=500).running() as bad:
        await register(writable_client, admin, good.url)
        await add_events(database_url, 2)
        await dispatch_until(settings, lambda: len(good.requests) == 2)
        failing = await register(writable_client, admin, bad.url)
        [late] = await add_events(database_url, 1)
        await dispatch_until(settings, lambda: len(bad.requests) == 1 and len(good.requests) == 3)
    statuses = await rows(
        database_url, "SELECT status, count(*) FROM webhook_deliveries GROUP BY status ORDER BY 1"
    )
    assert statuses == [("dead", 1), ("delivered", 3)]

    engine = make_engine(database_url)
    try:
        async with httpx.AsyncClient() as http:
            dispatcher = Dispatcher(settings, make_session_factory(engine), http)
            soon = datetime.now(UTC) + timedelta(days=29)
            assert await dispatcher.prune(soon) == 0  # within the 30 days kept
            later = datetime.now(UTC) + timedelta(days=31)
            assert await dispatcher.prune(later) == 3
    finally:
        await engine.dispose()
    left = await rows(database_url, "SELECT endpoint_id, event_id, status FROM webhook_deliveries")
    assert left == [(failing["id"], late, "dead")]  # the dead letter stays, for replay
    assert await rows(database_url, "SELECT id FROM outbox_events") == [(late,)]
    [(attempts,)] = await rows(database_url, "SELECT count(*) FROM webhook_attempts")
    assert attempts == 1  # the dead letter's
