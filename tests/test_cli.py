"""The `learnloom` command line, run as a user runs it, and a real server on a socket."""

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from schema.root import sdl
from tests.servers import running_servers

LEARNLOOM = [sys.executable, "-m", "learnloom"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOM_")}
    environment.update(LEARNLOOM_ENV="test", LEARNLOOM_DATA_DIR=str(tmp_path / "data"))
    return environment


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LEARNLOOM, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_schema_and_openapi_commands(env: dict[str, str]) -> None:
    schema = run(env, "schema")
    assert schema.returncode == 0 and schema.stdout == sdl()
    openapi = run(env, "openapi")
    assert openapi.returncode == 0
    assert "/api/health" in json.loads(openapi.stdout)["paths"]


def test_migrate_and_seed_a_fresh_data_dir(env: dict[str, str], tmp_path: Path) -> None:
    # It says what it did: every migration on a new database, nothing the second time.
    first = run(env, "migrate")
    assert first.returncode == 0, first.stderr
    assert re.search(r"applied \d+ migrations", " ".join(first.stderr.split())), first.stderr
    assert (tmp_path / "data" / "learnloom.db").is_file()
    second = run(env, "migrate")
    assert "already up to date" in " ".join(second.stderr.split()), second.stderr
    seeded = run(env, "seed", "--demo", "--students", "12", "--now", "2026-03-24")
    assert seeded.returncode == 0, seeded.stderr
    assert "demo world written" in seeded.stderr
    again = run(env, "seed", "--demo", "--students", "12")
    assert again.returncode == 0 and "already present" in again.stderr
    refused = run(env, "seed")
    assert refused.returncode == 2


TERMINAL_CODES = re.compile(r"[\x1b\r]")  # escape sequences, carriage-return redraws


def plain_lines(output: str, most: int) -> list[str]:
    """The lines of a command's output to a pipe: plain text, and not many of them."""
    assert not TERMINAL_CODES.search(output), repr(output[:500])
    lines = output.splitlines()
    assert 0 < len(lines) <= most, output
    return lines


def current_snapshot(tmp_path: Path) -> str:
    return (tmp_path / "data" / "warehouse" / "CURRENT").read_text().strip()


def test_progress_to_a_pipe_and_refreshes_without_changes(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Progress to a pipe is a few plain lines; a refresh that finds nothing new publishes
    nothing and says so; a new activity is published by the next one."""
    env = {**env, "LEARNLOOM_MODEL_RETRAIN_ROWS": "0"}  # the warehouse only, no training
    assert run(env, "migrate").returncode == 0
    seeded = run(env, "seed", "--demo", "--students", "12", "--now", "2026-03-24")
    assert seeded.returncode == 0, seeded.stderr
    # About one line per tenth of each step (three steps), whatever the number of rows.
    lines = plain_lines(seeded.stderr, 40)
    assert lines[-1].startswith("demo world written")
    assert any(
        re.fullmatch(r"Writing rows: [\d,]+/[\d,]+ \(100%\) \[[\d.]+ s\]", line) for line in lines
    )

    first = run(env, "etl", "refresh")
    assert first.returncode == 0, first.stderr
    assert "published" in plain_lines(first.stderr, 20)[-1]
    version = current_snapshot(tmp_path)
    again = run(env, "etl", "refresh")
    assert again.returncode == 0, again.stderr
    assert f"no changes since snapshot {version}" in plain_lines(again.stderr, 20)[-1]
    assert current_snapshot(tmp_path) == version
    assert len(list((tmp_path / "data" / "warehouse").glob("snapshot-*.duckdb"))) == 1

    with sqlite3.connect(tmp_path / "data" / "learnloom.db") as database:
        database.execute(
            "INSERT INTO learning_history (id, student_id, lesson_id, accessed_at, updated_at, "
            "duration_minutes, status, score) SELECT 'h_cli_new', student_id, lesson_id, "
            "accessed_at, datetime('now'), 7, 'completed', 80 FROM learning_history LIMIT 1"
        )
    changed = run(env, "etl", "refresh")
    assert changed.returncode == 0, changed.stderr
    assert "published (changes only): 1 rows added" in changed.stderr
    assert current_snapshot(tmp_path) != version
    assert len(list((tmp_path / "data" / "warehouse").glob("snapshot-*.duckdb"))) == 2


def test_calendar_commands(env: dict[str, str]) -> None:
    assert run(env, "migrate").returncode == 0
    first = run(
        env,
        "calendar",
        "set",
        "--country",
        "ke",
        "--year",
        "2027",
        "--term",
        "1",
        "--starts",
        "2027-01-04",
        "--ends",
        "2027-04-02",
    )
    assert first.returncode == 0, first.stderr
    moved = run(
        env,
        "calendar",
        "set",
        "--country",
        "KE",
        "--year",
        "2027",
        "--term",
        "1",
        "--starts",
        "2027-01-05",
        "--ends",
        "2027-04-01",
    )
    assert moved.returncode == 0
    overlapping = run(
        env,
        "calendar",
        "set",
        "--country",
        "KE",
        "--year",
        "2027",
        "--term",
        "2",
        "--starts",
        "2027-03-01",
        "--ends",
        "2027-06-01",
    )
    assert overlapping.returncode == 2 and "Overlaps term 1" in overlapping.stderr
    backwards = run(
        env,
        "calendar",
        "set",
        "--country",
        "KE",
        "--year",
        "2027",
        "--term",
        "3",
        "--starts",
        "2027-12-01",
        "--ends",
        "2027-09-01",
    )
    assert backwards.returncode == 2 and "ends_on" in backwards.stderr
    shown = run(env, "calendar", "show", "--country", "KE")
    assert shown.stdout.splitlines() == ["KE 2027 term 1: 2027-01-05 to 2027-04-01"]


@pytest.fixture
def server(env: dict[str, str]) -> Iterator[str]:
    assert run(env, "migrate").returncode == 0
    with running_servers(env) as (base,):
        yield base


def test_serve_answers_over_real_http(server: str) -> None:
    assert httpx.get(f"{server}/api/health").json() == {
        "status": "ok",
        "message": "Backend is running",
    }
    status = httpx.get(f"{server}/api/system-status").json()
    assert status["database_connected"] is True
    graphiql = httpx.get(f"{server}/graphql", headers={"accept": "text/html"})
    assert "graphiql.min.js" in graphiql.text
