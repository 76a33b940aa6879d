"""The analytics benchmark (docs/budgets.md): 10,000 students and 10 million activities in
PostgreSQL; the warehouse refresh's wall time and peak memory (full, then incremental);
each analytics endpoint's first answer on a new snapshot and its p50/p99 under 16
concurrent clients against a running server; and the same figures computed directly on
PostgreSQL with plain SQL, with the ratios, all from one run.

    python -m bench.analytics [--students N] [--activities N] [--seconds S] [--regenerate]

The data set is generated once into the database `learnloom_bench_analytics` (on the server
of LEARNLOOM_BENCH_DATABASE_URL, default the local PostgreSQL) and reused while its size
matches; the warehouse and the server's files go to var/bench-analytics."""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

from analytics import completion
from analytics.model_store import publish
from analytics.warehouse import open_current
from bench import analytics_data, load, wrk
from bench.analytics_data import Size, dsn
from bench.facade import HOST, free_port
from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

DATABASE = "learnloom_bench_analytics"  # + the size, so several sizes can be kept
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATA_DIR = Path("var/bench-analytics")
CONCURRENCY = 16
P50_BUDGET_MS, P99_BUDGET_MS = 10.0, 50.0
ETL_SECONDS_BUDGET, ETL_MB_BUDGET = 60.0, 2048.0

# Enrolled activities with possible minutes, as the warehouse keeps them (docs/analytics.md).
HISTORY = """
    WITH h AS (
        SELECT h.student_id, t.subject_id, h.accessed_at AT TIME ZONE 'UTC' AS at, h.score
        FROM learning_history h JOIN lessons l ON l.id = h.lesson_id JOIN topics t ON t.id = l.topic_id
        JOIN subject_enrollments e ON e.student_id = h.student_id AND e.subject_id = t.subject_id
        WHERE h.duration_minutes >= 0),
    as_of AS (SELECT max(accessed_at) AT TIME ZONE 'UTC' AS t FROM learning_history WHERE duration_minutes >= 0)
"""
COURSES = (
    HISTORY
    + """,
    recent AS (SELECT DISTINCT student_id, subject_id FROM h, as_of WHERE at > as_of.t - interval '30 days'),
    scored AS (SELECT subject_id, avg(score) AS average FROM h WHERE score BETWEEN 0 AND 100 GROUP BY subject_id),
    courses AS (
        SELECT e.subject_id, count(*) AS enrollments, round(max(scored.average)::numeric, 1) AS average,
               round(avg(CASE WHEN e.status = 'completed' THEN 1.0 ELSE 0 END), 4) AS completion,
               round(avg(CASE WHEN e.status = 'withdrawn' OR (e.status <> 'completed' AND r.student_id IS NULL)
                              THEN 1.0 ELSE 0 END), 4) AS dropout
        FROM subject_enrollments e
        LEFT JOIN recent r ON r.student_id = e.student_id AND r.subject_id = e.subject_id
        LEFT JOIN scored ON scored.subject_id = e.subject_id
        GROUP BY e.subject_id)
"""
)
PLAIN_SQL = {
    "average-score": HISTORY
    + "SELECT round(avg(score)::numeric, 1) FROM h WHERE score BETWEEN 0 AND 100",
    "completion-rate": "SELECT round(avg(CASE WHEN status = 'completed' THEN 1.0 ELSE 0 END), 4) FROM subject_enrollments",
    "dropout-rate": COURSES
    + "SELECT round(sum(dropout * enrollments) / sum(enrollments), 4) FROM courses",
    "total-students": "SELECT count(DISTINCT student_id) FROM subject_enrollments",
    "active-students": HISTORY
    + "SELECT count(DISTINCT student_id) FROM h, as_of WHERE at > as_of.t - interval '7 days'",
    "score-trend": HISTORY
    + "SELECT to_char(at, 'YYYY-MM-DD') AS d, round(avg(score)::numeric, 1) FROM h WHERE score BETWEEN 0 AND 100 GROUP BY d ORDER BY d",
    "activity-trend": HISTORY
    + "SELECT to_char(at, 'YYYY-MM-DD') AS d, count(*) FROM h GROUP BY d ORDER BY d",
    "weekly-progress": HISTORY
    + """SELECT to_char(at, 'IYYY-"W"IW') AS w, round(avg(score)::numeric, 1) FROM h WHERE score BETWEEN 0 AND 100 GROUP BY w ORDER BY w""",
    "course-analytics": COURSES + "SELECT * FROM courses ORDER BY subject_id",
    "top-courses": COURSES + "SELECT * FROM courses ORDER BY completion DESC, subject_id LIMIT 10",
    "hardest-courses": COURSES + "SELECT * FROM courses ORDER BY average, subject_id LIMIT 10",
    "student profile": """
        SELECT (SELECT round(avg(score)::numeric, 1) FROM learning_history WHERE student_id = %(s)s AND score BETWEEN 0 AND 100),
               (SELECT sum(duration_minutes) FROM learning_history WHERE student_id = %(s)s AND duration_minutes >= 0),
               (SELECT max(accessed_at) FROM learning_history WHERE student_id = %(s)s),
               (SELECT json_agg(d) FROM (SELECT to_char(accessed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, avg(score)
                FROM learning_history WHERE student_id = %(s)s AND score BETWEEN 0 AND 100 GROUP BY day ORDER BY day) d),
               (SELECT json_agg(d) FROM (SELECT to_char(accessed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)
                FROM learning_history WHERE student_id = %(s)s GROUP BY day ORDER BY day) d)
    """,
}


@dataclass
class Row:
    endpoint: str
    cold_ms: float
    result: load.Result
    sql_ms: float


def say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def prepare_data(size: Size, regenerate: bool) -> str:
    admin = os.environ.get("LEARNLOOM_BENCH_DATABASE_URL", ADMIN_URL)
    name = f"{DATABASE}_{size.students}_{size.activities}"
    existing = make_url(admin).set(database=name).render_as_string(hide_password=False)
    if (
        not regenerate
        and analytics_data.database_exists(admin, name)
        and analytics_data.generated_size(existing) == size
    ):
        say(f"reusing {name} ({size.students:,} students, {size.activities:,} activities)")
        return existing
    target = analytics_data.create(admin, name)
    started = time.perf_counter()
    analytics_data.generate(target, size, say)
    say(f"data generated in {time.perf_counter() - started:.0f} s")
    return target


def run_etl(url: str, directory: Path, full: bool) -> dict:  # type: ignore[type-arg]
    command = [sys.executable, "-m", "bench.etl_run", url, str(directory)]
    done = subprocess.run(
        command + (["--full"] if full else []), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def add_changes(url: str, rows: int) -> None:
    """New visits for the incremental refresh to pick up."""
    with psycopg.connect(dsn(url), autocommit=True) as db:
        db.execute(
            """
            INSERT INTO learning_history (id, student_id, lesson_id, accessed_at, duration_minutes, status, score, updated_at)
            SELECT 'hb_new_' || g || '_' || extract(epoch FROM now())::bigint, h.student_id, h.lesson_id, now(), 20, 'completed', 75, now()
            FROM generate_series(1, %(rows)s) g
            JOIN LATERAL (SELECT student_id, lesson_id FROM learning_history WHERE id = 'hb_' || g * 997) h ON true
        """,
            {"rows": rows},
        )


def start_server(url: str, directory: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LEARNLOOM_ENV": "test",
        "LEARNLOOM_DATABASE_URL": url,
        "LEARNLOOM_DATA_DIR": str(directory),
        "LEARNLOOM_LOG_LEVEL": "WARNING",
        "LEARNLOOM_BACKGROUND_JOBS": "false",
        "LEARNLOOM_RATE_LIMIT_DEFAULT": "100000000/minute",
        "LEARNLOOM_RATE_LIMIT_LOGIN": "100000/minute",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "learnloom",
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://{HOST}:{port}/api/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


PREDICT_BODY = {"hours_watched": 12, "average_score": 78, "activity_level": 5}
PREDICT_P50_BUDGET_MS = 5.0


def train_model(warehouse: Path, models: Path) -> str:
    """A model for /api/predict to serve. The benchmark's outcomes are random, so it is
    published whatever its AUC: only its speed is measured here."""
    started = time.perf_counter()
    with open_current(warehouse) as current:
        assert current is not None
        version, connection = current
        trained = completion.train(completion.load_dataset(connection.cursor()))
    publish(models, trained, version)
    return (
        f"trained on {trained.rows:,} enrollments in {time.perf_counter() - started:.1f} s "
        f"(AUC {trained.evaluation.auc:.2f} on random outcomes)"
    )


def first_answer_ms(client: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code} {response.text[:200]}")
    return (time.perf_counter() - started) * 1000


def plain_sql_ms(url: str, name: str, student: int, runs: int) -> float:
    timings = []
    with psycopg.connect(dsn(url)) as db:
        for _ in range(runs):
            started = time.perf_counter()
            db.execute(PLAIN_SQL[name], {"s": student}).fetchall()  # type: ignore[arg-type]
            timings.append((time.perf_counter() - started) * 1000)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=10_000_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="load per endpoint")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--sql-runs", type=int, default=2, help="plain-SQL runs (best kept)")
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if not wrk.available():
        raise SystemExit("the analytics benchmark needs wrk (apt-get install wrk)")

    print("data set", file=sys.stderr)
    url = prepare_data(Size(args.students, args.activities), args.regenerate)
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    warehouse = DATA_DIR / "warehouse"
    print("warehouse refresh", file=sys.stderr)
    full = run_etl(url, warehouse, full=True)
    say(
        f"full: {full['seconds']:.1f} s, peak {full['peak_mb']:.0f} MB, {full['rows_added']:,} rows"
    )
    add_changes(url, 10_000)
    incremental = run_etl(url, warehouse, full=False)
    say(
        f"incremental: {incremental['seconds']:.1f} s, peak {incremental['peak_mb']:.0f} MB, "
        f"{incremental['rows_added']:,} rows"
    )

    print("completion model", file=sys.stderr)
    say(train_model(warehouse, DATA_DIR / "models"))

    port = free_port()
    server = start_server(url, DATA_DIR, port, args.workers)
    rows: list[Row] = []
    try:
        base = f"http://{HOST}:{port}"
        token = httpx.post(
            f"{base}/api/v1/auth/login/",
            json={"email": DEMO_ACCOUNTS["SUPER_ADMIN"], "password": DEMO_PASSWORD},
        ).json()["data"]["access_token"]
        headers = (("Authorization", f"Bearer {token}"),)
        with psycopg.connect(dsn(url)) as db:
            students = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM users WHERE email LIKE 'bench.student%%' ORDER BY id LIMIT 2000"
                )
            ]
        paths = {name: f"/api/{name}" for name in PLAIN_SQL if name != "student profile"}
        paths["student profile"] = f"/api/student/{students[0]}/profile"
        print("endpoints", file=sys.stderr)
        profiles = tuple(f"/api/student/{s}/profile" for s in students)
        with httpx.Client(base_url=base, headers=dict(headers), timeout=60) as client:
            for name, path in paths.items():
                # The first answer of each figure on the new snapshot; for profiles, the
                # median over the 2,000 students (each computed once here, then served from
                # memory under load, as the other figures are).
                cold = statistics.median(
                    first_answer_ms(client, p)
                    for p in (profiles if name == "student profile" else (path,))
                )
                target = load.Target(
                    name,
                    "GET",
                    path,
                    headers=headers,
                    paths=profiles if name == "student profile" else (),  # wrk picks at random
                )
                result = wrk.run(target, HOST, port, CONCURRENCY, args.seconds)
                sql = plain_sql_ms(url, name, students[0], args.sql_runs)
                rows.append(Row(name, cold, result, sql))
                say(
                    f"{name}: first {cold:.1f} ms, p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, "
                    f"plain SQL {sql:.0f} ms"
                )
        target = load.Target(
            "predict",
            "POST",
            "/api/predict",
            body=json.dumps(PREDICT_BODY).encode(),
            headers=headers,
        )
        first = httpx.post(base + target.path, json=PREDICT_BODY, headers=dict(headers))
        if first.status_code != 200:
            raise SystemExit(f"/api/predict: {first.status_code} {first.text[:200]}")
        predict = wrk.run(target, HOST, port, CONCURRENCY, args.seconds)
        say(f"predict: p50 {predict.p50_ms:.2f} ms, p99 {predict.p99_ms:.2f} ms")
    finally:
        server.terminate()
        server.wait()
    report(args, full, incremental, rows, predict)


def report(  # type: ignore[type-arg]
    args: argparse.Namespace, full: dict, incremental: dict, rows: list[Row], predict: load.Result
) -> None:
    missed = []
    print(
        f"\n{args.students:,} students, {args.activities:,} activities; "
        f"{CONCURRENCY} concurrent clients (wrk), {args.seconds:.0f} s per endpoint, "
        f"{args.workers} server process(es)\n"
    )
    print("| warehouse refresh | wall s | peak MB | rows added |")
    print("| --- | ---: | ---: | ---: |")
    for label, run in (("full", full), ("incremental (10,000 new rows)", incremental)):
        print(f"| {label} | {run['seconds']:.1f} | {run['peak_mb']:.0f} | {run['rows_added']:,} |")
    if full["seconds"] > ETL_SECONDS_BUDGET or full["peak_mb"] > ETL_MB_BUDGET:
        missed.append("full refresh")
    print(
        "\n| endpoint | first answer ms | req/s | p50 ms | p99 ms | plain SQL ms | plain SQL ÷ p50 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        r = row.result
        print(
            f"| {row.endpoint} | {row.cold_ms:.1f} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
            f"| {row.sql_ms:,.0f} | {row.sql_ms / r.p50_ms:,.0f} |"
        )
        if r.p50_ms > P50_BUDGET_MS or r.p99_ms > P99_BUDGET_MS or r.errors:
            missed.append(row.endpoint)
    print(
        f"\n| POST /api/predict | req/s {predict.rps:,.0f} | p50 {predict.p50_ms:.2f} ms | "
        f"p99 {predict.p99_ms:.2f} ms | budget p50 ≤ {PREDICT_P50_BUDGET_MS:.0f} ms |"
    )
    if predict.p50_ms > PREDICT_P50_BUDGET_MS or predict.errors:
        missed.append("predict")
    p50s = [row.result.p50_ms for row in rows]
    print(
        f"\nworst p50 {max(p50s):.2f} ms (budget {P50_BUDGET_MS:.0f}), "
        f"worst p99 {max(row.result.p99_ms for row in rows):.2f} ms (budget {P99_BUDGET_MS:.0f}), "
        f"median p50 {statistics.median(p50s):.2f} ms; "
        f"full refresh {full['seconds']:.1f} s / {full['peak_mb']:.0f} MB "
        f"(budgets {ETL_SECONDS_BUDGET:.0f} s / {ETL_MB_BUDGET:.0f} MB)"
    )
    if missed:
        print("budget missed: " + ", ".join(missed))
        raise SystemExit(1)
    print("all budgets met")


if __name__ == "__main__":
    main()
