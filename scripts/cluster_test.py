"""`make cluster-test`: the multi-host layout of docs/operations.md, on one machine.

Two web hosts and one worker, each in its own network namespace, joined by a bridge as
machines on a LAN are: web hosts at 10.77.0.2 and .3, the worker at .5, a client at .4, and
PostgreSQL and Redis at the bridge's own address 10.77.0.1 (they listen on loopback only, so
the script forwards that address's ports to them). Every process shares one data folder for
the warehouse snapshots and the models, as hosts share a network file system. The web hosts
run no background jobs; the worker runs them all.

What it checks, reading the hosts' own /metrics where a count is the server's:
1. a refresh asked of both hosts at once runs once: one 200 and one 409, one snapshot more,
   one refresh counted over the hosts' /metrics;
2. under load through both hosts (reads of the teacher's classes, an analytics figure and
   the signed-in user; sessions started and ended), web host 1 is killed (SIGKILL) halfway:
   no request is lost but those in flight on it (at most one per client task), the survivor
   answered exactly what its /metrics count, and every session the API said it started is in
   the database once, with no more beside than starts were in flight; sign-in attempts from
   one address, alternating hosts, are refused after the login limit, counted in Redis
   once for both (refusals summed over the hosts' /metrics);
3. the worker delivers one session.completed webhook per ended session, each once, with a
   valid signature.

Needs root (ip netns) and the PostgreSQL and Redis of the machine; makes and drops its own
database, namespaces and bridge. Exits non-zero on any failure.

    python scripts/cluster_test.py [--seconds 20] [--readers 6] [--students 60]
"""

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
from serving import wait_for

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
BRIDGE, GATEWAY = "llc-br0", "10.77.0.1"
HOSTS = {"web1": "10.77.0.2", "web2": "10.77.0.3", "client": "10.77.0.4", "worker": "10.77.0.5"}
PORT = 8000
SERVICES = {5432: 5432, 6379: 6379}  # the bridge's port: loopback's
DATABASE = "learnloom_cluster_test"
PASSWORD = "learnloom-demo"
LOGIN_LIMIT = 6
END = "/api/v1/sessions/{id}/end/"


def sh(*command: str) -> None:
    subprocess.run(command, check=True)


def namespace(name: str) -> str:
    return f"llc-{name}"


def network_down() -> None:
    for name in HOSTS:
        subprocess.run(["ip", "netns", "del", namespace(name)], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "link", "del", BRIDGE], stderr=subprocess.DEVNULL)


def network_up() -> None:
    network_down()
    sh("ip", "link", "add", BRIDGE, "type", "bridge")
    sh("ip", "addr", "add", f"{GATEWAY}/24", "dev", BRIDGE)
    sh("ip", "link", "set", BRIDGE, "up")
    for i, (name, address) in enumerate(HOSTS.items()):
        ns, outside, inside = namespace(name), f"llc-h{i}", f"llc-p{i}"
        sh("ip", "netns", "add", ns)
        sh("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
        sh("ip", "link", "set", inside, "netns", ns)
        sh("ip", "link", "set", outside, "master", BRIDGE, "up")
        run_in = ("ip", "netns", "exec", ns)
        sh(*run_in, "ip", "addr", "add", f"{address}/24", "dev", inside)
        sh(*run_in, "ip", "link", "set", inside, "up")
        sh(*run_in, "ip", "link", "set", "lo", "up")


class Forwarder:
    """The bridge address's ports, forwarded to the services on loopback, in a thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        if not self.ready.wait(10):
            raise SystemExit("the port forwarder did not start")

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except OSError:
                pass
            finally:
                writer.close()

        async def start() -> None:
            for outer, inner in SERVICES.items():

                async def handle(r: Any, w: Any, inner: int = inner) -> None:
                    try:
                        tr, tw = await asyncio.open_connection("127.0.0.1", inner)
                    except OSError:
                        w.close()
                        return
                    await asyncio.gather(pipe(r, tw), pipe(tr, w))

                await asyncio.start_server(handle, GATEWAY, outer)
            self.ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()


class Receiver(ThreadingHTTPServer):
    """The webhook receiver, on the bridge address: each delivery's webhook-id and body, its
    signature checked by the `standardwebhooks` package (an implementation not ours)."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[str, dict]] = []
        self.unsigned = 0
        self.secret = ""
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                from standardwebhooks.webhooks import Webhook, WebhookVerificationError

                raw = self.rfile.read(int(self.headers["content-length"]))
                with receiver.lock:
                    try:
                        Webhook(receiver.secret).verify(raw, dict(self.headers.items()))
                    except WebhookVerificationError:
                        receiver.unsigned += 1
                    receiver.deliveries.append((self.headers["webhook-id"], json.loads(raw)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__((GATEWAY, 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def sessions(self) -> set[str]:
        with self.lock:
            return {body["data"]["session_id"] for _, body in self.deliveries}

    @property
    def url(self) -> str:
        return f"http://{GATEWAY}:{self.server_address[1]}/hook"


def request(url: str, token: str | None = None, body: Any = None, method: str = "GET") -> Any:
    """(status, JSON or text) of one request from this machine's own namespace."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    call = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(call, timeout=30) as response:
            raw = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read().decode(), error.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw


def metrics(base: str, token: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The samples of a host's /metrics: (name, labels) -> value."""
    from prometheus_client.parser import text_string_to_metric_families

    _, text = request(f"{base}/metrics", token)
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def total(samples: dict, name: str, **labels: str) -> float:
    return sum(
        value
        for (sample, found), value in samples.items()
        if sample == name and all((k, v) in found for k, v in labels.items())
    )


def answered_by_route(samples: dict) -> Counter[tuple[str, int]]:
    counts: Counter[tuple[str, int]] = Counter()
    for (sample, labels), value in samples.items():
        if sample == "learnloom_requests_total":
            found = dict(labels)
            counts[(found["route"], int(found["status"]))] += int(value)
    return counts


def database(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True)


def count(db: psycopg.Connection, sql: str) -> int:
    row = db.execute(sql).fetchone()
    return int(row[0]) if row else 0


class Cluster:
    """The hosts, their settings and what the checks found, one step after another."""

    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.folder = Path(tempfile.mkdtemp(prefix="learnloom-cluster-"))
        self.metrics_token = secrets.token_urlsafe(24)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOM_")},
            "LEARNLOOM_ENV": "prod",
            "LEARNLOOM_JWT_SECRET": secrets.token_urlsafe(48),
            "LEARNLOOM_DATA_DIR": str(self.folder / "shared"),
            "LEARNLOOM_DATABASE_URL": f"postgresql+psycopg://postgres@{GATEWAY}:5432/{DATABASE}",
            "LEARNLOOM_REDIS_URL": f"redis://{GATEWAY}:6379/0",
            "LEARNLOOM_RATE_LIMIT_PREFIX": f"llc-{secrets.token_hex(4)}",
            # per day: a sliding window counter could let more through at a window edge
            "LEARNLOOM_RATE_LIMIT_LOGIN": f"{LOGIN_LIMIT}/day",
            "LEARNLOOM_RATE_LIMIT_DEFAULT": "1000000/minute",
            "LEARNLOOM_METRICS_TOKEN": self.metrics_token,
            "LEARNLOOM_ANALYTICS_REFRESH_SECONDS": "0",
            "LEARNLOOM_MODEL_RETRAIN_ROWS": "0",
            "LEARNLOOM_WEBHOOK_ALLOW_PRIVATE_URLS": "true",
            "LEARNLOOM_WEBHOOK_POLL_SECONDS": "0.2",
            "LEARNLOOM_LOG_FORMAT": "json",
        }
        self.local_db = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
        self.bases = {name: f"http://{HOSTS[name]}:{PORT}" for name in ("web1", "web2")}
        self.processes: dict[str, subprocess.Popen] = {}
        self.failures: list[str] = []
        self.tokens: dict[str, str] = {}
        self.class_ids: list[int] = []
        self.sessions_before = 0
        self.web1_metrics: dict = {}

    def check(self, ok: bool, what: str) -> None:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            self.failures.append(what)

    def learnloom(self, *command: str, log: Any = None) -> None:
        local = {**self.env, "LEARNLOOM_DATABASE_URL": self.local_db.replace("://", "+psycopg://")}
        subprocess.run(
            [str(BIN / "learnloom"), *command], env=local, check=True, stdout=log, stderr=log
        )

    def set_up(self) -> None:
        print("setting up: database, demo world, warehouse, network, hosts", flush=True)
        with database("postgresql://postgres@127.0.0.1:5432/postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
        with (self.folder / "setup.log").open("w") as log:
            self.learnloom("migrate", log=log)
            self.learnloom("seed", "--demo", "--students", str(self.options.students), log=log)
            self.learnloom("etl", "refresh", log=log)
        network_up()
        Forwarder()
        self.receiver = Receiver()
        for name in ("web1", "web2"):
            self.start(name, "serve", "--host", HOSTS[name], "--port", str(PORT), jobs=False)
        self.start("worker", "worker", jobs=True)
        for base in self.bases.values():
            wait_for(f"{base}/api/health")
        self.tokens = {"teacher": self.sign_in("teacher"), "admin": self.sign_in("superadmin")}
        status, body = request(
            f"{self.bases['web1']}/api/v1/admin/webhooks/",
            self.tokens["admin"],
            {"url": self.receiver.url, "events": ["session.completed"]},
            "POST",
        )
        assert status == 201, body
        self.receiver.secret = body["data"]["secret"]
        _, classes = request(
            f"{self.bases['web2']}/api/v1/teachers/me/classes/", self.tokens["teacher"]
        )
        self.class_ids = [c["id"] for c in classes["data"]]
        with database(self.local_db) as db:
            # The demo leaves sessions running: each class starts from none.
            db.execute(
                "UPDATE class_sessions SET status = 'completed', ended_at = now() "
                "WHERE status = 'active'"
            )
            self.sessions_before = count(db, "SELECT count(*) FROM class_sessions")
            # A lesson done since the last load: something for the refresh to publish.
            db.execute(
                "INSERT INTO learning_history (id, student_id, lesson_id, accessed_at, "
                "updated_at, duration_minutes, status, score) SELECT 'h_cluster', "
                "(SELECT min(id) FROM users WHERE role = 'STUDENT'), min(id), now(), now(), "
                "12, 'completed', 80 FROM lessons"
            )

    def start(self, name: str, *command: str, jobs: bool) -> None:
        log = (self.folder / f"{name}.log").open("w")
        env = {**self.env, "LEARNLOOM_BACKGROUND_JOBS": "true" if jobs else "false"}
        self.processes[name] = subprocess.Popen(
            ["ip", "netns", "exec", namespace(name), str(BIN / "learnloom"), *command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def sign_in(self, role: str) -> str:
        status, body = request(
            f"{self.bases['web1']}/api/v1/auth/login/",
            body={"email": f"{role}@demo.learnloom.test", "password": PASSWORD},
            method="POST",
        )
        assert status == 200, body
        return str(body["data"]["access_token"])

    def check_one_refresh(self) -> None:
        print("1. a refresh asked of both hosts at once", flush=True)
        warehouse = self.folder / "shared" / "warehouse"
        version_before = (warehouse / "CURRENT").read_text().strip()
        answers: dict[str, int] = {}

        def refresh(name: str) -> None:
            answers[name], _ = request(
                f"{self.bases[name]}/api/refresh-data", self.tokens["admin"], {"full": True}, "POST"
            )

        both = [threading.Thread(target=refresh, args=(name,)) for name in self.bases]
        for thread in both:
            thread.start()
        for thread in both:
            thread.join()
        newer = [
            path
            for path in warehouse.glob("snapshot-*.duckdb")
            if path.stem.removeprefix("snapshot-") > version_before
        ]
        counted = sum(
            total(
                metrics(base, self.metrics_token),
                "learnloom_warehouse_refresh_duration_seconds_count",
            )
            for base in self.bases.values()
        )
        self.check(
            sorted(answers.values()) == [200, 409] and len(newer) == 1 and counted == 1,
            f"one refresh for two asked at once: answers {answers}, {len(newer)} new snapshot, "
            f"{counted:.0f} refresh in the hosts' /metrics",
        )

    def run_load(self) -> dict:
        seconds = self.options.seconds
        print(f"2. load for {seconds:.0f} s through both hosts; web1 killed halfway", flush=True)
        config = {
            "hosts": list(self.bases.values()),
            "seconds": seconds,
            "readers": self.options.readers,
            "tokens": self.tokens,
            "class_ids": self.class_ids,
            "lesson": {},
            "login_attempts": 2 * LOGIN_LIMIT,
            "started": str(self.folder / "load-started"),
        }
        (self.folder / "load.json").write_text(json.dumps(config))
        client = subprocess.Popen(
            [
                *("ip", "netns", "exec", namespace("client"), sys.executable),
                str(ROOT / "scripts" / "cluster_load.py"),
                str(self.folder / "load.json"),
                str(self.folder / "result.json"),
            ],
        )
        while not (self.folder / "load-started").exists():
            if client.poll() is not None:
                raise SystemExit("the load client failed before the load began")
            time.sleep(0.1)
        time.sleep(seconds / 2)
        self.web1_metrics = metrics(self.bases["web1"], self.metrics_token)
        self.processes["web1"].send_signal(signal.SIGKILL)
        self.processes["web1"].wait()
        print("   web1 killed", flush=True)
        if client.wait(timeout=seconds * 4 + 60) != 0:
            raise SystemExit("the load client failed")
        return dict(json.loads((self.folder / "result.json").read_text()))

    def check_requests(self, result: dict) -> None:
        web1, web2 = self.bases["web1"], self.bases["web2"]
        answered = Counter({(h, r, s): n for h, r, s, n in result["answered"]})
        in_flight = result["in_flight"]
        tasks = self.options.readers + len(self.class_ids)
        sent = sum(answered.values()) + sum(in_flight.values()) + len(result["lost"])
        print(
            f"   {sent} requests: {sum(answered.values())} answered "
            f"({sum(n for (h, _, _), n in answered.items() if h == web1)} by web1, "
            f"{sum(n for (h, _, _), n in answered.items() if h == web2)} by web2), "
            f"{result['retried']} refused by the dead host and sent on, "
            f"{sum(in_flight.values())} in flight on it, {len(result['lost'])} lost"
        )
        for host, route, median in result["median_ms"]:
            print(f"     median {median:6.1f} ms  {host}  {route}")
        self.check(result["lost"] == [], f"no request lost: {result['lost'][:5]}")
        self.check(
            set(in_flight) <= {web1} and sum(in_flight.values()) <= tasks,
            f"only requests in flight on the killed host broke ({in_flight}, at most {tasks})",
        )
        # What web2 answered, by route template (the load's, and set_up's one read of the
        # classes): its /metrics must count the same.
        expected: Counter[str] = Counter({"/api/v1/teachers/me/classes/": 1})
        for (host, path, _), n in answered.items():
            if host == web2:
                expected[END if path.endswith("/end/") else path] += n
        time.sleep(1)  # a request is counted just after its response has gone
        counted: Counter[str] = Counter()
        survivor = metrics(web2, self.metrics_token)
        for (route, _), n in answered_by_route(survivor).items():
            if route in expected:
                counted[route] += n
        self.check(expected == counted, f"web2's /metrics count what it answered: {dict(counted)}")

        logins = {int(k): v for k, v in result["logins"].items()}
        refused = sum(
            total(samples, "learnloom_rate_limit_refusals_total", limit="login")
            for samples in (self.web1_metrics, survivor)
        )
        self.check(
            logins == {401: LOGIN_LIMIT, 429: LOGIN_LIMIT} and refused == LOGIN_LIMIT,
            f"the login limit held across hosts: answers {logins}, refusals in /metrics "
            f"{refused:.0f}",
        )

    def check_sessions(self, result: dict) -> None:
        sessions = result["sessions"]
        with database(self.local_db) as db:
            now = count(db, "SELECT count(*) FROM class_sessions")
            ids = {row[0] for row in db.execute("SELECT id FROM class_sessions").fetchall()}
        started, made = sessions["started"], now - self.sessions_before
        self.check(
            len(set(started)) == len(started) and set(started) <= ids,
            f"every session the API started is in the database once ({len(started)})",
        )
        self.check(
            0 <= made - len(started) <= sessions["start_failed"],
            f"{made} sessions made: {len(started)} answered, {sessions['start_failed']} starts "
            "in flight on the killed host",
        )

    def check_webhooks(self, result: dict) -> None:
        print("3. webhooks: one signed delivery per ended session", flush=True)
        ended = set(result["sessions"]["ended"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ended <= self.receiver.sessions():
            time.sleep(0.5)
        with self.receiver.lock:
            ids = Counter(webhook_id for webhook_id, _ in self.receiver.deliveries)
            unsigned = self.receiver.unsigned
        duplicates = sum(n - 1 for n in ids.values() if n > 1)
        missing = ended - self.receiver.sessions()
        self.check(
            not missing and duplicates == 0 and unsigned == 0,
            f"{len(ids)} events delivered for {len(ended)} ended sessions: {len(missing)} "
            f"missing, {duplicates} duplicates, {unsigned} without a valid signature",
        )

    def tear_down(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        network_down()
        with database("postgresql://postgres@127.0.0.1:5432/postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        logs = [self.folder / f"{name}.log" for name in self.processes]
        tracebacks = sum(log.read_text().count("Traceback") for log in logs)
        self.check(tracebacks == 0, f"no traceback in the hosts' logs ({tracebacks})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of the load run")
    parser.add_argument("--readers", type=int, default=6, help="client tasks reading")
    parser.add_argument("--students", type=int, default=60, help="size of the demo world")
    options = parser.parse_args()
    if os.geteuid() != 0:
        print("cluster-test needs root (ip netns)")
        return 2
    cluster = Cluster(options)
    try:
        cluster.set_up()
        cluster.check_one_refresh()
        result = cluster.run_load()
        cluster.check_requests(result)
        cluster.check_sessions(result)
        cluster.check_webhooks(result)
    finally:
        cluster.tear_down()
    if cluster.failures:
        print(f"\ncluster test failed: {len(cluster.failures)} checks (kept: {cluster.folder})")
        return 1
    shutil.rmtree(cluster.folder, ignore_errors=True)
    print("\ncluster test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
