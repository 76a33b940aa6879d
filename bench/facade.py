"""`make bench`: the REST facade against a bare Starlette endpoint and against Strawberry's
own /graphql view, one server process, one run, printed as ratios against docs/budgets.md.

Four real routes too (issue 18): a teacher's class list, a lesson's content tree, an
analytics figure and a student's profile, each through the facade, through the /graphql
view with the facade's own document, and through a hand-written Starlette endpoint doing
the same statements (bench/hand_written.py), whose answer must equal the facade's.

Also an authenticated one-row read (`/api/v1/auth/me/`: token, user, rate-limit
bookkeeping) against /api/health in the same run (issue 18: at least 0.3 of its
requests/s), the start-up to the first 200 on /api/health and the idle RSS. SQLite by
default; `--database-url` runs the same against PostgreSQL."""

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import httpx

from bench import analytics, analytics_data, load, wrk
from bench.load import Result, Target

HOST = "127.0.0.1"
ME = "authenticated one-row read GET /api/v1/auth/me/"
TARGETS = (
    Target("bare Starlette JSON endpoint", "GET", "/bench/bare"),
    Target("REST facade GET /api/health", "GET", "/api/health"),
    Target(
        "Strawberry /graphql view, same operation",
        "POST",
        "/graphql",
        json.dumps({"query": "query Health { health { status message } }"}).encode(),
    ),
)
ACCOUNT = {"email": "teacher@demo.learnloom.test", "password": "learnloom-demo"}
OPERATIONS = Path(__file__).resolve().parents[1] / "rest_compat" / "operations"


@dataclass(frozen=True)
class RealRoute:
    name: str
    facade: str  # the REST path
    operation: str  # its document in rest_compat/operations
    variables: dict[str, Any]
    hand: str  # the hand-written endpoint's path

    def targets(self, token: str) -> tuple[Target, Target, Target]:
        auth = (("Authorization", f"Bearer {token}"),)
        document = (OPERATIONS / f"{self.operation}.graphql").read_text()
        body = json.dumps({"query": document, "variables": self.variables}).encode()
        return (
            Target(f"{self.name}: facade", "GET", self.facade, headers=auth),
            Target(f"{self.name}: /graphql view", "POST", "/graphql", body, headers=auth),
            Target(f"{self.name}: hand-written", "GET", self.hand, headers=auth),
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(
    data_dir: Path, port: int, database_url: str | None
) -> tuple[subprocess.Popen[bytes], float]:
    env = {
        **os.environ,
        "LEARNLOOM_DATA_DIR": str(data_dir),
        "LEARNLOOM_ENV": "test",
        "LEARNLOOM_LOG_LEVEL": "WARNING",
        "LEARNLOOM_BACKGROUND_JOBS": "false",
        # The per-user limit is still counted on every request; it just never refuses one.
        "LEARNLOOM_RATE_LIMIT_DEFAULT": "100000000/minute",
    }
    if database_url:
        env["LEARNLOOM_DATABASE_URL"] = database_url
    for step in (["migrate"], ["seed", "--demo", "--students", "12"], ["etl", "refresh"]):
        subprocess.run(
            [sys.executable, "-m", "learnloom", *step], env=env, check=True, capture_output=True
        )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.facade_app:create_bench_app",
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    started = time.perf_counter()
    server = subprocess.Popen(command, env=env)
    while True:
        try:
            if httpx.get(f"http://{HOST}:{port}/api/health", timeout=1).status_code == 200:
                return server, time.perf_counter() - started
        except httpx.TransportError:
            if server.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.01)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def sign_in(port: int) -> str:
    answer = httpx.post(f"http://{HOST}:{port}/api/v1/auth/login/", json=ACCOUNT, timeout=10)
    answer.raise_for_status()
    return str(answer.json()["data"]["access_token"])


def signed_in_target(token: str) -> Target:
    return Target(ME, "GET", "/api/v1/auth/me/", headers=(("Authorization", f"Bearer {token}"),))


def real_routes(port: int, token: str) -> list[RealRoute]:
    """The four routes on ids of the demo teacher's own world."""
    base, auth = f"http://{HOST}:{port}", {"Authorization": f"Bearer {token}"}
    classes = httpx.get(f"{base}/api/v1/teachers/me/classes/", headers=auth, timeout=10).json()
    class_id = classes["data"][0]["id"]
    students = httpx.get(
        f"{base}/api/v1/teachers/me/classes/{class_id}/students/", headers=auth, timeout=10
    ).json()
    student_id = students["data"][0]["id"]
    lesson_id = 1
    return [
        RealRoute(
            "class list",
            "/api/v1/teachers/me/classes/",
            "teacher_classes",
            {},
            "/bench/hand/classes",
        ),
        RealRoute(
            "lesson tree",
            f"/api/v1/lessons/{lesson_id}/content/",
            "lesson_content",
            {"id": lesson_id},
            f"/bench/hand/lessons/{lesson_id}",
        ),
        RealRoute(
            "analytics figure",
            "/api/average-score",
            "average_score",
            {},
            "/bench/hand/average-score",
        ),
        RealRoute(
            "student profile",
            f"/api/student/{student_id}/profile",
            "student_profile",
            {"studentId": student_id},
            f"/bench/hand/profile/{student_id}",
        ),
    ]


def _difference(a: Any, b: Any, at: str = "") -> str:
    """Where two JSON values first differ, and how."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return next((_difference(a[k], b[k], f"{at}.{k}") for k in a if a[k] != b[k]), "")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return next(
            (
                _difference(x, y, f"{at}[{i}]")
                for i, (x, y) in enumerate(zip(a, b, strict=True))
                if x != y
            ),
            "",
        )
    return f"{at or 'the top'}: {str(a)[:120]!r} != {str(b)[:120]!r}"


def same_answers(port: int, token: str, routes: list[RealRoute]) -> list[str]:
    """Where the three paths do not do the same work: the hand-written answer must equal
    the facade's, and the /graphql view must answer without errors."""
    base, auth = f"http://{HOST}:{port}", {"Authorization": f"Bearer {token}"}
    problems = []
    for route in routes:
        facade = httpx.get(base + route.facade, headers=auth, timeout=10)
        hand = httpx.get(base + route.hand, headers=auth, timeout=10)
        document = (OPERATIONS / f"{route.operation}.graphql").read_text()
        view = httpx.post(
            f"{base}/graphql",
            json={"query": document, "variables": route.variables},
            headers=auth,
            timeout=10,
        )
        if facade.status_code != 200 or facade.json() != hand.json():
            differ = _difference(facade.json(), hand.json())
            problems.append(f"{route.name}: facade {facade.status_code}, differs at {differ}")
        if view.status_code != 200 or view.json().get("errors"):
            problems.append(f"{route.name}: /graphql view {view.text[:300]}")
    return problems


def measure(
    targets: tuple[Target, ...],
    port: int,
    concurrency: int,
    seconds: float,
    rounds: int,
    use_wrk: bool,
) -> dict[str, list[Result]]:
    """Rounds alternate between the targets so drift on a shared machine hits all alike.
    The load runs in a child process so its CPU never counts against the server's."""
    results: dict[str, list[Result]] = {t.name: [] for t in targets}
    run = wrk.run if use_wrk else load.run
    with Pool(1) as pool:
        for target in targets:  # warm-up
            pool.apply(run, (target, HOST, port, concurrency, 1.0))
        for _ in range(rounds):
            for target in targets:
                results[target.name].append(
                    pool.apply(run, (target, HOST, port, concurrency, seconds))
                )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=4.0, help="per target per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="run on a new PostgreSQL database made in LEARNLOOM_BENCH_DATABASE_URL's "
        "server (default: the local one) instead of a new SQLite file",
    )
    args = parser.parse_args()
    use_wrk = args.client == "wrk" or (args.client == "auto" and wrk.available())
    database_url = None
    if args.postgres:
        admin = os.environ.get("LEARNLOOM_BENCH_DATABASE_URL", analytics.ADMIN_URL)
        database_url = analytics_data.create(admin, "learnloom_bench_facade")

    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        server, startup = start_server(Path(data_dir), port, database_url)
        try:
            time.sleep(0.5)
            idle_rss = rss_mb(server.pid)
            token = sign_in(port)
            routes = real_routes(port, token)
            problems = same_answers(port, token, routes)
            if problems:
                print("the paths of a real route do not answer alike:", *problems, sep="\n")
                return 1
            real = tuple(target for route in routes for target in route.targets(token))
            targets = (*TARGETS, signed_in_target(token), *real)
            results = measure(targets, port, args.concurrency, args.seconds, args.rounds, use_wrk)
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.platform()}"
    )
    generator = "wrk" if use_wrk else "bench/load.py (install wrk for a lighter client)"
    database = "PostgreSQL" if database_url else "SQLite"
    print(f"database: {database}")
    print(
        f"load: {generator}, {args.concurrency} keep-alive connections, {args.rounds} rounds x "
        f"{args.seconds:.0f} s per target, medians of the rounds\n"
    )
    print(f"{'target':44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    rps: dict[str, float] = {}
    for name, rounds in results.items():
        rps[name] = statistics.median(r.rps for r in rounds)
        p50 = statistics.median(r.p50_ms for r in rounds)
        p99 = statistics.median(r.p99_ms for r in rounds)
        errors = sum(r.errors for r in rounds)
        print(f"{name:44} {rps[name]:9.0f} {p50:8.2f} {p99:8.2f} {errors:7d}")
    bare, facade, graphql = (rps[t.name] for t in TARGETS)
    checks = [
        ("REST facade / bare Starlette endpoint", facade / bare, ">=", 0.6),
        ("REST facade / Strawberry /graphql view", facade / graphql, ">=", 1.5),
        ("authenticated read / /api/health", rps[ME] / facade, ">=", 0.3),
        ("start to first 200 on /api/health (s)", startup, "<=", 1.0),
        ("idle server RSS (MB)", idle_rss, "<=", 150.0),
    ]
    for route in routes:
        facade, view, hand = (rps[target.name] for target in route.targets(""))
        checks.append((f"{route.name}: facade / /graphql view", facade / view, ">=", 1.5))
        checks.append((f"{route.name}: facade / hand-written", facade / hand, ">=", 0.8))
    print(f"\n{'budget (docs/budgets.md)':44} {'measured':>9} {'budget':>10}  verdict")
    failed = any(r.errors for rounds in results.values() for r in rounds)
    if failed:
        print("some responses were not 200: the figures above are not comparable")
    for label, value, op, budget in checks:
        ok = value >= budget if op == ">=" else value <= budget
        failed |= not ok
        print(
            f"{label:44} {value:9.2f} {op + ' ' + str(budget):>10}  {'ok' if ok else 'OVER BUDGET'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
