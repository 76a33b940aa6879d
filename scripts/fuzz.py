"""`make fuzz`: schemathesis against a real server, as a teacher and as the super admin,
then /graphql.

A throwaway demo world (its own data directory, SQLite) is served with the rate limits
raised, so the generated requests reach the operations instead of 429s. Each role runs every
check schemathesis has (no server error, no undocumented status or header, a valid request
accepted, an invalid one rejected, ...) with a fixed seed and a bounded number of examples
per operation, so a run is repeatable and its length known. Exits non-zero on any failure.

    python scripts/fuzz.py [--examples 25] [--seed 20261201] [--keep DIR]
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import tomllib
import urllib.request
from pathlib import Path

from serving import wait_for

ROLES = {
    "teacher": "teacher@demo.learnloom.test",
    "super admin": "superadmin@demo.learnloom.test",
}
PASSWORD = "learnloom-demo"
# Logging out ends the token the run uses; every other operation is fuzzed.
EXCLUDED = ("/api/v1/auth/logout/",)
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
# schemathesis's own list for a valid request, and 422 where a rule lies beyond the schema
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _learnloom(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([str(BIN / "learnloom"), *arguments], env=env, check=True)


def _config(folder: Path) -> Path:
    """schemathesis's settings, written from [tool.learnloom.fuzz] in pyproject.toml (the one
    place for tool settings; schemathesis reads only its own file)."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["learnloom"]["fuzz"]
    lines = []
    for rule in settings["beyond-the-schema"]:
        for name in rule["operations"]:
            lines += [
                f"# {rule['reason']}",
                "[[operations]]",
                f"include-name = {json.dumps(name)}",
                f"checks.positive_data_acceptance.expected-statuses = {json.dumps(ACCEPTED)}",
                "",
            ]
    for name in settings["archives"]:
        lines += [
            "[[operations]]",
            f"include-name = {json.dumps(name)}",
            "checks.use_after_free.enabled = false",
            "",
        ]
    path = folder / "schemathesis.toml"
    path.write_text("\n".join(lines))
    return path


def _graphql_pass(base: str, folder: Path, options: argparse.Namespace) -> bool:
    """Every query and mutation of /graphql with generated arguments. schemathesis counts
    any GraphQL error as a failure (ST113), while most generated arguments name nothing
    or are refused on purpose; so its answers are recorded and each must be either data
    or an error with an application code: none may be INTERNAL_SERVER_ERROR or a 5xx."""
    har = folder / "graphql.har"
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base}/graphql",
        "--header",
        f"Authorization: Bearer {_token(base, ROLES['super admin'])}",
        "--exclude-checks",
        "not_a_server_error",
        *_bounded(options),
        "--report",
        "har",
        "--report-har-path",
        str(har),
    ]
    subprocess.run(command, env={**os.environ}, stdout=subprocess.DEVNULL)
    entries = json.loads(har.read_text())["log"]["entries"]
    broken = [
        entry["request"]["postData"]["text"][:300]
        for entry in entries
        if entry["response"]["status"] >= 500
        or "INTERNAL_SERVER_ERROR" in entry["response"]["content"].get("text", "")
    ]
    print(f"{len(entries)} GraphQL requests, {len(broken)} answered with a server error")
    for request in broken[:10]:
        print("  ", request)
    return bool(entries) and not broken


def _bounded(options: argparse.Namespace) -> list[str]:
    """The flags that make every pass repeatable and its length known."""
    return [
        "--max-examples",
        str(options.examples),
        "--seed",
        str(options.seed),
        "--generation-database",
        "none",
        # One worker: CPython 3.11's ast.parse, which hypothesis calls to describe its
        # strategies, can fail in concurrent threads (gh-106905).
        "--workers",
        "1",
        "--request-timeout",
        "10",
        "--no-color",
    ]


def _token(base: str, email: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/login/",
        data=json.dumps({"email": email, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.load(response)["data"]["access_token"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="test cases per operation")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--students", type=int, default=200, help="size of the demo world")
    parser.add_argument("--keep", type=Path, help="serve from this data directory and keep it")
    options = parser.parse_args()

    folder = options.keep or Path(tempfile.mkdtemp(prefix="learnloom-fuzz-"))
    # SQLite in the data directory, in-process rate limits: nothing shared with other runs.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LEARNLOOM_DATABASE_URL", "LEARNLOOM_REDIS_URL")
    }
    env |= {
        "LEARNLOOM_ENV": "dev",
        "LEARNLOOM_DATA_DIR": str(folder),
        "LEARNLOOM_RATE_LIMIT_DEFAULT": "1000000/minute",
        "LEARNLOOM_RATE_LIMIT_LOGIN": "1000000/minute",
        "LEARNLOOM_RATE_LIMIT_AI_CHAT": "1000000/minute",
        "LEARNLOOM_ACCESS_TOKEN_TTL": "7200",
        "LEARNLOOM_ANALYTICS_REFRESH_SECONDS": "0",
        # generated webhook hosts are not looked up (no DNS here); the address rules have
        # their own tests (tests/test_webhooks.py)
        "LEARNLOOM_WEBHOOK_ALLOW_PRIVATE_URLS": "true",
    }
    _learnloom(env, "migrate")
    _learnloom(env, "seed", "--demo", "--students", str(options.students))
    _learnloom(env, "etl", "refresh")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "learnloom"), "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    config = _config(folder)
    failed = []
    try:
        wait_for(f"{base}/api/health")
        for role, email in ROLES.items():
            print(f"\n=== schemathesis as the {role} ===", flush=True)
            command = [
                str(BIN / "schemathesis"),
                "--config-file",
                str(config),
                "run",
                f"{base}/openapi.json",
                "--header",
                f"Authorization: Bearer {_token(base, email)}",
                "--checks",
                "all",
                *_bounded(options),
                *[flag for path in EXCLUDED for flag in ("--exclude-path", path)],
            ]
            if subprocess.run(command, env=env).returncode != 0:
                failed.append(role)
        print("\n=== schemathesis on /graphql as the super admin ===", flush=True)
        if not _graphql_pass(base, folder, options):
            failed.append("graphql")
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        tracebacks = (folder / "server.log").read_text().count("Traceback")
        if tracebacks:
            print(f"the server logged {tracebacks} tracebacks (see {folder / 'server.log'})")
            failed.append("server log")
        if options.keep is None and not failed:
            shutil.rmtree(folder, ignore_errors=True)
    if failed:
        print(f"\nfuzzing failed: {', '.join(failed)} (data kept in {folder})")
        return 1
    print("\nfuzzing found nothing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
