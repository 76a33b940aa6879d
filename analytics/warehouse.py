"""Versioned DuckDB snapshots of the warehouse.

The ETL writes each load to a new file and publishes it by swapping the `CURRENT` pointer
(an atomic rename), so readers never see a half-loaded snapshot and a failed load leaves the
previous one serving. A new path per version matters: DuckDB locks files per process, and a
path reopened after being rewritten can serve stale pages. Readers open the current file
read-only with external access disabled, so no query can reach the file system."""

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

POINTER = "CURRENT"
CHECKED = "CHECKED"  # "VERSION TIME": a refresh at TIME found snapshot VERSION unchanged
KEEP = 3  # published snapshots kept; older ones are removed (readers holding one keep it open)
# Readers run small queries on the aggregates, many at once: one DuckDB thread each keeps
# them from competing for the cores (a point lookup is also faster single-threaded).
READ_ONLY: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "threads": 1,
}


def new_version() -> str:
    """Sortable by time, unique across processes."""
    return f"{int(time.time() * 1000):013d}-{secrets.token_hex(3)}"


def snapshot_path(directory: Path, version: str) -> Path:
    return directory / f"snapshot-{version}.duckdb"


def current_version(directory: Path) -> str | None:
    try:
        return (directory / POINTER).read_text().strip() or None
    except FileNotFoundError:
        return None


def publish(directory: Path, version: str) -> None:
    """Point readers at `version`, atomically, then prune old snapshots."""
    pointer = directory / POINTER
    staging = directory / f".{POINTER}.{version}"
    staging.write_text(version)
    os.replace(staging, pointer)
    snapshots = sorted(directory.glob("snapshot-*.duckdb"))
    for old in snapshots[:-KEEP]:
        if old != snapshot_path(directory, version):
            old.unlink(missing_ok=True)


@contextmanager
def open_current(directory: Path) -> Iterator[tuple[str, duckdb.DuckDBPyConnection] | None]:
    """The current snapshot, read-only, or None before the first load."""
    version = current_version(directory)
    if version is None:
        yield None
        return
    connection = duckdb.connect(
        str(snapshot_path(directory, version)), read_only=True, config=READ_ONLY
    )
    try:
        yield version, connection
    finally:
        connection.close()


def mark_checked(directory: Path, version: str, moment: datetime) -> None:
    """Record that a refresh at `moment` found the data as snapshot `version` has it (and
    so published nothing): the data is as fresh as a refresh at that moment made it."""
    staging = directory / f".{CHECKED}.{secrets.token_hex(3)}"
    staging.write_text(f"{version} {moment.astimezone(UTC).isoformat()}")
    os.replace(staging, directory / CHECKED)


def last_checked(directory: Path, version: str) -> datetime | None:
    """When a refresh last found snapshot `version` unchanged, if one did."""
    try:
        checked, _, moment = (directory / CHECKED).read_text().partition(" ")
        return datetime.fromisoformat(moment.strip()) if checked == version else None
    except (FileNotFoundError, ValueError):
        return None


def last_refreshed(directory: Path) -> datetime | None:
    """When the current snapshot was loaded, or later found unchanged by a refresh (aware
    UTC); None before the first load."""
    with open_current(directory) as current:
        if current is None:
            return None
        version, connection = current
        row = connection.execute("SELECT max(refreshed_at) FROM meta").fetchone()
    loaded = row[0].replace(tzinfo=UTC) if row and row[0] else None
    checked = last_checked(directory, version)
    if loaded is None or checked is None:
        return loaded or checked
    return max(loaded, checked)
