"""The client side of `make cluster-test` (scripts/cluster_test.py), run inside the client's
network namespace so that every request reaches the web hosts from one address, as a load
balancer's would.

It balances requests over the web hosts as a load balancer does: a live host at random. A
host that refuses the connection is marked down and the request goes to another (nothing
was sent, so nothing can be done twice). A request whose connection breaks after it was
sent is *in flight on a host that died*: it marks the host down too and is not retried (a
write may have happened). Anything else that is not an answer of the application's own (a
5xx, a timeout on a live host) is *lost*.

    python scripts/cluster_load.py CONFIG.json RESULT.json

CONFIG: {"hosts": [base URLs], "seconds": N, "readers": N, "tokens": {...}, "class_ids":
[...], "lesson": {...}}. RESULT: what was answered, by host and route, and what was not."""

import asyncio
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

READS = [
    ("teacher", "GET", "/api/v1/auth/me/"),
    ("teacher", "GET", "/api/v1/teachers/me/classes/"),
    ("admin", "GET", "/api/average-score"),
]


class Balancer:
    def __init__(self, hosts: list[str]) -> None:
        self.hosts = hosts
        self.down: set[str] = set()
        self.clients = {host: httpx.AsyncClient(base_url=host, timeout=10.0) for host in hosts}
        self.answered: Counter[tuple[str, str, int]] = Counter()  # host, route, status
        self.retried = 0  # refused by a dead host, sent to another
        self.in_flight: Counter[str] = Counter()  # broken after sending, by host
        self.lost: list[str] = []
        self.seconds: dict[tuple[str, str], list[float]] = {}
        self.choose = random.Random(7)

    def _next(self) -> str:
        """A live host at random (the route a request takes does not follow the host)."""
        alive = [h for h in self.hosts if h not in self.down]
        if not alive:
            raise RuntimeError("every web host is down")
        return self.choose.choice(alive)

    async def send(self, method: str, path: str, token: str, body: Any = None) -> Any:
        """The answer's JSON, or None when the request did not get one."""
        while True:
            host = self._next()
            began = time.monotonic()
            try:
                response = await self.clients[host].request(
                    method, path, json=body, headers={"Authorization": f"Bearer {token}"}
                )
            except httpx.ConnectError:
                self.down.add(host)
                self.retried += 1
                continue
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
                # A broken connection marks the host down too (a passive health check), so
                # no later request goes to it over a connection kept alive from before.
                self.down.add(host)
                self.in_flight[host] += 1
                return None
            except httpx.HTTPError as exc:
                self.lost.append(f"{method} {path} on {host}: {type(exc).__name__}")
                return None
            self.answered[(host, path.split("?")[0], response.status_code)] += 1
            route = "/api/v1/sessions/{id}/end/" if path.endswith("/end/") else path
            self.seconds.setdefault((host, route), []).append(time.monotonic() - began)
            if response.status_code >= 500:
                self.lost.append(f"{method} {path} on {host}: {response.status_code}")
                return None
            return response.json()

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()


async def reader(balancer: Balancer, tokens: dict[str, str], until: float, n: int) -> None:
    i = n
    while time.monotonic() < until:
        role, method, path = READS[i % len(READS)]
        i += 1
        await balancer.send(method, path, tokens[role])


async def writer(
    balancer: Balancer, token: str, class_id: int, lesson: dict, until: float, done: dict
) -> None:
    """Starts and ends sessions of one class, one after the other: each ended session is a
    session.completed event for the webhooks."""
    while time.monotonic() < until:
        started = await balancer.send(
            "POST",
            "/api/v1/sessions/start/",
            token,
            {"class_id": class_id, "mode": "teach", "session_name": "cluster test", **lesson},
        )
        if started is None:  # in flight on a host that died: it may have started
            done["start_failed"] += 1
            continue
        if "data" not in started:  # refused: a start in flight did happen, and is active
            done["refused"].append(started["error"]["code"])
            return
        session_id = started["data"]["id"]
        done["started"].append(session_id)
        ended = await balancer.send("POST", f"/api/v1/sessions/{session_id}/end/", token)
        if ended and "data" in ended:
            done["ended"].append(session_id)
        else:
            done["end_failed"] += 1


async def logins(balancer: Balancer, attempts: int) -> Counter[int]:
    """Sign-in attempts with a wrong password, one host after the other: the login limit is
    per address, and every attempt comes from this one."""
    found: Counter[int] = Counter()
    for host in balancer.hosts * (attempts // len(balancer.hosts)):
        response = await balancer.clients[host].post(
            "/api/v1/auth/login/",
            json={"email": "nobody@cluster.test", "password": "wrong-password"},
        )
        found[response.status_code] += 1
    return found


async def main(config: dict) -> dict:
    balancer = Balancer(config["hosts"])
    tokens = config["tokens"]
    try:
        login_statuses = await logins(balancer, config["login_attempts"])
        Path(config["started"]).touch()  # noqa: ASYNC240 (once; the kill is timed from here)
        until = time.monotonic() + config["seconds"]
        done: dict[str, Any] = {
            "started": [],
            "ended": [],
            "start_failed": 0,
            "end_failed": 0,
            "refused": [],
        }
        tasks = [reader(balancer, tokens, until, n) for n in range(config["readers"])]
        tasks += [
            writer(balancer, tokens["teacher"], class_id, config["lesson"], until, done)
            for class_id in config["class_ids"]
        ]
        await asyncio.gather(*tasks)
    finally:
        await balancer.close()
    return {
        "logins": dict(login_statuses),
        "answered": [[h, r, s, n] for (h, r, s), n in balancer.answered.items()],
        "retried": balancer.retried,
        "in_flight": dict(balancer.in_flight),
        "lost": balancer.lost,
        "down": sorted(balancer.down),
        "median_ms": [
            [host, route, round(1000 * sorted(times)[len(times) // 2], 1)]
            for (host, route), times in sorted(balancer.seconds.items())
        ],
        "sessions": done,
    }


if __name__ == "__main__":
    settings = json.loads(Path(sys.argv[1]).read_text())
    Path(sys.argv[2]).write_text(json.dumps(asyncio.run(main(settings))))
