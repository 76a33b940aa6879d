"""Load a source into a new warehouse snapshot and publish it. Runs synchronously (call it
off the event loop); one refresh at a time across processes, through a lock file in the
warehouse directory.

A refresh is incremental by default: it starts from a copy of the current snapshot and
loads only what changed since that snapshot's watermark. It rebuilds in full when asked,
when there is no snapshot yet, when the snapshot came from another source or schema version,
and always for OULAD folders (a fixed dataset has nothing to add).

A refresh that finds the data as the current snapshot has it publishes nothing: the new
file is dropped, the current version keeps serving (and its cached answers stay valid), and
the check is recorded so the schedule counts it as a refresh (warehouse.mark_checked)."""

import fcntl
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from analytics import oulad, platform_source, star
from analytics.errors import BadSource, RefreshInProgress
from analytics.warehouse import (
    READ_ONLY,
    current_version,
    last_refreshed,
    mark_checked,
    new_version,
    publish,
    snapshot_path,
)
from models.db import sync_url

Progress = Callable[[str, int, int], None]
STEPS = ("Reading the source", "Cleaning activities", "Aggregating", "Publishing")
UNCHANGED = "Nothing to publish"
# DuckDB may use this much memory for the load; beyond it, it spills to the warehouse folder.
MEMORY_LIMIT = "1GB"


@dataclass
class RefreshResult:
    version: str  # the snapshot published, or the current one when `published` is false
    rows_added: int
    refreshed_at: datetime
    dropped: dict[str, int] = field(default_factory=dict)
    full: bool = True
    # False when the source had not changed since snapshot `version`, which keeps serving.
    published: bool = True


@dataclass(frozen=True)
class _Current:
    """The published snapshot, when it came from the same source and schema version."""

    version: str
    path: Path
    watermark: datetime | None
    digest: str | None


@contextmanager
def refresh_lock(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".refresh.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshInProgress() from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Source:
    """`platform` (the database at `database_url`) or `oulad:PATH`."""

    name: str
    path: Path | None = None

    @classmethod
    def parse(cls, text: str) -> "Source":
        if text == platform_source.NAME:
            return cls(text)
        kind, _, path = text.partition(":")
        if kind == oulad.NAME and path:
            return cls(kind, Path(path))
        raise BadSource(
            "Unknown data source",
            details={"source": ["Use 'platform' or 'oulad:PATH' (a folder of OULAD CSV files)."]},
        )

    @property
    def label(self) -> str:
        return self.name if self.path is None else f"{self.name}:{self.path.resolve()}"


PLATFORM = Source(platform_source.NAME)


def refresh(
    database_url: str,
    directory: Path,
    progress: Progress = lambda *_: None,
    *,
    source: Source = PLATFORM,
    full: bool = False,
) -> RefreshResult:
    """Build the next snapshot and publish it only once it is complete; on any failure the
    new file is removed and the previous snapshot keeps serving."""
    with refresh_lock(directory):
        return _refresh(database_url, directory, progress, source, full)


def refresh_if_older(database_url: str, directory: Path, moment: datetime) -> RefreshResult | None:
    """A platform refresh unless the current snapshot was loaded after `moment` (None then).
    Checked under the lock, so processes that find a refresh due together run it once."""
    with refresh_lock(directory):
        loaded = last_refreshed(directory)
        if loaded is not None and loaded > moment:
            return None
        return _refresh(database_url, directory, lambda *_: None, PLATFORM, False)


def _refresh(
    database_url: str, directory: Path, progress: Progress, source: Source, full: bool
) -> RefreshResult:
    current = _current(directory, source)
    version = new_version()
    target = snapshot_path(directory, version)
    start_from = None if full or source.name == oulad.NAME else current
    try:
        result, digest = _build(
            database_url, directory, target, version, source, start_from, progress
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if current is not None and current.digest == digest:
        target.unlink(missing_ok=True)
        mark_checked(directory, current.version, result.refreshed_at)
        progress(UNCHANGED, len(STEPS), len(STEPS))
        return RefreshResult(
            version=current.version,
            rows_added=0,
            refreshed_at=result.refreshed_at,
            dropped=result.dropped,
            full=result.full,
            published=False,
        )
    progress(STEPS[3], 3, len(STEPS))
    publish(directory, version)
    progress(STEPS[3], 4, len(STEPS))
    return result


def _current(directory: Path, source: Source) -> _Current | None:
    """The current snapshot, when it came from `source` under this schema version: the next
    load may start from it, and a load that gives the same digest changed nothing."""
    version = current_version(directory)
    if version is None:
        return None
    path = snapshot_path(directory, version)
    # The same options as the web readers: one process may not open a file two ways.
    with duckdb.connect(str(path), read_only=True, config=READ_ONLY) as previous:
        try:
            cursor = previous.execute("SELECT * FROM meta")
            names = [column[0] for column in cursor.description or ()]
            values = cursor.fetchone()
        except duckdb.Error:  # a snapshot from before the meta table existed
            return None
    if values is None:
        return None
    meta = dict(zip(names, values, strict=True))
    if meta.get("source") != source.label or meta.get("schema_version") != star.SCHEMA_VERSION:
        return None
    return _Current(version, path, meta["watermark"], meta["digest"])


def _build(
    database_url: str,
    directory: Path,
    target: Path,
    version: str,
    source: Source,
    previous: _Current | None,
    progress: Progress,
) -> tuple[RefreshResult, str]:
    """The next snapshot in `target` (starting from `previous` when given), and its digest."""
    if previous is not None:
        shutil.copyfile(previous.path, target)
    warehouse = duckdb.connect(str(target))
    try:
        # Its progress bar would draw over the command's own, and into logs.
        warehouse.execute("SET enable_progress_bar = false")
        # The load reads the source folder and spills to disk; readers never get this access.
        warehouse.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        warehouse.execute(f"SET temp_directory = '{directory / '.spill'}'")
        if previous is None:
            star.create(warehouse)
        progress(STEPS[0], 0, len(STEPS))
        if source.name == oulad.NAME:
            assert source.path is not None
            oulad.load(source.path, warehouse)
            watermark = None
        else:
            engine = create_engine(sync_url(database_url), poolclass=NullPool)
            try:
                since = previous.watermark if previous is not None else None
                watermark = platform_source.load(engine, warehouse, since, progress)
            finally:
                engine.dispose()
        progress(STEPS[1], 1, len(STEPS))
        merged = star.merge_staged(warehouse, full=previous is None)
        star.forget_missing_students(warehouse)
        progress(STEPS[2], 2, len(STEPS))
        star.derive(warehouse)
        now = datetime.now(UTC).replace(tzinfo=None)
        digest = star.digest(warehouse)
        warehouse.execute("DELETE FROM cleaning; DELETE FROM meta")
        for reason, count in merged.dropped.items():
            warehouse.execute("INSERT INTO cleaning VALUES (?, ?)", [reason, count])
        warehouse.execute(
            """
            INSERT INTO meta SELECT ?, ?, (SELECT max(occurred_at) FROM activities), ?, ?, ?, ?, ?, ?
        """,
            [
                version,
                now,
                merged.rows_added,
                source.label,
                watermark,
                star.SCHEMA_VERSION,
                previous is None,
                digest,
            ],
        )
        warehouse.execute("CHECKPOINT")
    finally:
        warehouse.close()
    result = RefreshResult(
        version=version,
        rows_added=merged.rows_added,
        refreshed_at=now.replace(tzinfo=UTC),
        dropped=merged.dropped,
        full=previous is None,
    )
    return result, digest
