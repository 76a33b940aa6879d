"""A webhook receiver of the tests (it records and can refuse or hold deliveries), settings
that retry fast, and running the dispatcher until something has happened."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import anyio
import httpx
from standardwebhooks.webhooks import Webhook

from ground.settings import Settings
from learnloom.demo import DEMO_ACCOUNTS
from learnloom.webhooks.dispatcher import Dispatcher
from models.db import make_engine, make_session_factory
from tests.helpers import headers_of, rows
from tests.openai_stub import QuietServer

HOOKS = "/api/v1/admin/webhooks/"
# Fast retries, for tests: the backoff doubles from 50 ms.
FAST = {
    "webhook_allow_private_urls": True,
    "webhook_backoff_seconds": 0.05,
    "webhook_backoff_max_seconds": 0.2,
    "webhook_timeout_seconds": 1.0,
    "webhook_poll_seconds": 0.1,
}


class Receiver:
    """A webhook receiver on loopback: records each request and answers with the next of
    `statuses` (then `default`). With `hold`, the first request waits until it is set."""

    def __init__(self, statuses: list[int] | None = None, default: int = 200) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses, self.default = list(statuses or []), default
        self.hold: threading.Event | None = None
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.arrived.set()
                if receiver.hold is not None and len(receiver.requests) == 1:
                    receiver.hold.wait(30)
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.default
                self.send_response(status)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    @contextmanager
    def running(self) -> Iterator["Receiver"]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            if self.hold is not None:
                self.hold.set()
            self.server.shutdown()
            self.server.server_close()

    def verified(self, secret: str) -> list[dict]:
        """Every request's payload, after checking its signature as a receiver would."""
        return [Webhook(secret).verify(body, headers) for headers, body in self.requests]

    def ids(self) -> list[str]:
        return [headers["webhook-id"] for headers, _ in self.requests]


async def dispatch_until(
    settings: Settings, done: Callable[[], bool] = lambda: True, seconds: float = 20
) -> None:
    """Runs dispatcher passes, at least one, until `done()` is true."""
    engine = make_engine(settings.database_url)
    try:
        async with httpx.AsyncClient() as client:
            dispatcher = Dispatcher(settings, make_session_factory(engine), client)
            with anyio.fail_after(seconds):
                for _ in iter(int, 1):  # until returned from
                    attempts = await dispatcher.run_once()
                    if done():
                        return
                    if not attempts:
                        await anyio.sleep(0.05)
    finally:
        await engine.dispose()


async def end_a_session(writable_client: httpx.AsyncClient, database_url: str) -> str:
    """A teacher runs and ends a session: session.completed enters the outbox."""
    teacher = await headers_of(writable_client, "TEACHER")
    [(class_id,)] = await rows(
        database_url,
        "SELECT min(classroom_id) FROM classroom_teachers WHERE teacher_id = "
        "(SELECT id FROM users WHERE email = :e)",
        e=DEMO_ACCOUNTS["TEACHER"],
    )
    started = await writable_client.post(
        "/api/v1/sessions/start/", json={"class_id": class_id}, headers=teacher
    )
    assert started.status_code == 201, started.text
    session_id = started.json()["data"]["id"]
    ended = await writable_client.post(f"/api/v1/sessions/{session_id}/end/", headers=teacher)
    assert ended.status_code == 200, ended.text
    return session_id
