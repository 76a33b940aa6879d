"""`python -m bench.plan`: does the REST facade's compiled plan (rest_compat/plan.py) earn its
place? The same five real routes of the demo world, served in one process by two copies of
the application: one running each route's plan, one running graphql-core's executor with
FacadeExecutor (the path of every route without a plan). Requests go straight to the ASGI
application (no sockets), so what differs is only the execution; rounds of the two
alternate, and the median time per request is compared (issue 17: keep the plan only if it
is at least 1.3 times faster).

The demo world is built once in a temporary folder (migrate, seed, refresh)."""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from unittest import mock

import orjson

BUDGET = 1.3
Asgi = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def build_world(folder: Path) -> dict[str, str]:
    env = {**os.environ, "LEARNLOOM_ENV": "dev", "LEARNLOOM_DATA_DIR": str(folder)}
    # the limit per caller would refuse a benchmark's thousands of requests
    env["LEARNLOOM_RATE_LIMIT_DEFAULT"] = "1000000/minute"
    env.pop("LEARNLOOM_DATABASE_URL", None)
    learnloom = str(Path(sys.executable).with_name("learnloom"))
    for step in (["migrate"], ["seed", "--demo"], ["etl", "refresh"]):
        print(f"  learnloom {' '.join(step)}", flush=True)
        subprocess.run([learnloom, *step], env=env, check=True, capture_output=True)
    return env


class Client:
    """Requests straight into an ASGI application, with its lifespan started."""

    def __init__(self, app: Asgi) -> None:
        self.app = app
        self._lifespan: asyncio.Task[None] | None = None
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def start(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self._lifespan = asyncio.create_task(
            self.app(scope, self._to_app.get, self._from_app.put)  # type: ignore[arg-type]
        )
        await self._to_app.put({"type": "lifespan.startup"})
        assert (await self._from_app.get())["type"] == "lifespan.startup.complete"

    async def stop(self) -> None:
        await self._to_app.put({"type": "lifespan.shutdown"})
        await self._from_app.get()
        assert self._lifespan is not None
        await self._lifespan

    async def request(
        self, method: str, path: str, token: str | None = None, body: Any = None
    ) -> tuple[int, Any]:
        raw_path, _, query = path.partition("?")
        headers = [(b"host", b"bench"), (b"content-type", b"application/json")]
        if token:
            headers.append((b"authorization", f"Bearer {token}".encode()))
        payload = orjson.dumps(body) if body is not None else b""
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": raw_path,
            "raw_path": raw_path.encode(),
            "query_string": query.encode(),
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
            "state": {},
        }
        sent = False
        status, chunks = 0, []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, orjson.loads(b"".join(chunks)) if chunks else None


def make_app(with_plan: bool) -> Asgi:
    from learnloom.app import create_app
    from rest_compat import compile as compile_module

    if with_plan:
        return create_app()  # type: ignore[return-value]
    with mock.patch.object(compile_module, "build_plan", lambda *_: None):
        return create_app()  # type: ignore[return-value]


async def token_of(client: Client, email: str) -> str:
    from learnloom.demo import DEMO_PASSWORD

    status, body = await client.request(
        "POST", "/api/v1/auth/login/", body={"email": email, "password": DEMO_PASSWORD}
    )
    assert status == 200, body
    return str(body["data"]["access_token"])


async def routes_of(client: Client) -> list[tuple[str, str, str, str, Any]]:
    """(name, method, path, token, body) of the five routes, with ids from the demo world."""
    from learnloom.demo import DEMO_ACCOUNTS

    admin = await token_of(client, DEMO_ACCOUNTS["SUPER_ADMIN"])
    teacher = await token_of(client, DEMO_ACCOUNTS["TEACHER"])
    _, users = await client.request("GET", "/api/v1/admin/users/?limit=20", admin)
    user = users["data"][0]
    _, curricula = await client.request("GET", "/api/v1/curricula/", teacher)
    _, classes = await client.request(
        "GET", f"/api/v1/classes/?curriculum_id={curricula['data'][0]['id']}", teacher
    )
    _, subjects = await client.request(
        "GET", f"/api/v1/subjects/?class_id={classes['data'][0]['id']}", teacher
    )
    subject = subjects["data"][0]["id"]
    _, topics = await client.request("GET", f"/api/v1/topics/?class_subject_id={subject}", teacher)
    _, lessons = await client.request(
        "GET", f"/api/v1/lessons/?topic_id={topics['data'][0]['id']}", teacher
    )
    lesson = lessons["data"][0]["id"]
    _, classes_taught = await client.request("GET", "/api/v1/teachers/me/classes/", teacher)
    _, at_risk = await client.request(
        "GET", f"/api/v1/teachers/me/classes/{classes_taught['data'][0]['id']}/at-risk/", teacher
    )
    student = at_risk["data"][0]["student_id"]
    return [
        ("the health probe: GET /api/health", "GET", "/api/health", "", None),
        ("a one-row read: GET /api/v1/auth/me/", "GET", "/api/v1/auth/me/", teacher, None),
        ("a list with pagination: GET /api/v1/admin/users/", "GET",
         "/api/v1/admin/users/?limit=20", admin, None),
        ("a nested tree: GET /api/v1/lessons/{id}/content/", "GET",
         f"/api/v1/lessons/{lesson}/content/", teacher, None),
        ("a mutation: PATCH /api/v1/admin/users/{id}/", "PATCH",
         f"/api/v1/admin/users/{user['id']}/", admin, {"first_name": user["first_name"]}),
        ("an analytics figure: GET /api/average-score", "GET", "/api/average-score", admin, None),
        ("the student profile: GET /api/student/{id}/profile", "GET",
         f"/api/student/{student}/profile", admin, None),
    ]  # fmt: skip


async def time_route(
    client: Client, method: str, path: str, token: str, body: Any, n: int
) -> float:
    start = time.perf_counter()
    for _ in range(n):
        status, answer = await client.request(method, path, token, body)
        assert status == 200, (path, status, answer)
    return (time.perf_counter() - start) / n


async def main(rounds: int, per_round: int) -> int:
    planned, plain = Client(make_app(True)), Client(make_app(False))
    await planned.start()
    await plain.start()
    routes = await routes_of(planned)
    failures = 0
    print(f"\n{'route':<56} {'plan':>9} {'executor':>9} {'ratio':>6}  (budget {BUDGET}x)")
    for name, method, path, token, body in routes:
        same = [await c.request(method, path, token, body) for c in (planned, plain)]
        assert same[0] == same[1], f"{name}: the two paths answer differently"
        timings: dict[str, list[float]] = {"plan": [], "executor": []}
        for _ in range(rounds):
            timings["plan"].append(await time_route(planned, method, path, token, body, per_round))
            timings["executor"].append(
                await time_route(plain, method, path, token, body, per_round)
            )
        with_plan = statistics.median(timings["plan"])
        without = statistics.median(timings["executor"])
        ratio = without / with_plan
        failures += ratio < BUDGET
        print(
            f"{name:<56} {with_plan * 1e3:7.2f}ms {without * 1e3:7.2f}ms {ratio:5.2f}x"
            f"  {'met' if ratio >= BUDGET else 'NOT MET'}"
        )
    await planned.stop()
    await plain.stop()
    return failures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="learnloom-bench-plan-") as tmp:
        print("building the demo world")
        os.environ.update(build_world(Path(tmp)))
        sys.exit(1 if asyncio.run(main(args.rounds, args.per_round)) else 0)
