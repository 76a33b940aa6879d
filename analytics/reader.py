"""Reading the current warehouse snapshot from web processes: one read-only connection
per published version, shared by the process, and a fresh cursor per query (DuckDB cursors
are the unit of thread safety). A newly published version is picked up on the next query.

A snapshot never changes once published, so each figure is computed once per version and
key and kept in a bounded cache; publishing a new version empties it."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

import duckdb

from analytics.warehouse import READ_ONLY, current_version, snapshot_path

T = TypeVar("T")
CACHED = 2048  # figures kept per process
POLL = 1.0  # seconds between reads of the snapshot pointer


class NoSnapshot(Exception):
    """Nothing has been loaded into the warehouse yet."""


class SnapshotMissing(Exception):
    """The pointer names a snapshot that cannot be opened (deleted, damaged, unreadable)."""


class WarehouseReader:
    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self._connections: dict[str, duckdb.DuckDBPyConnection] = {}
        self._pointer: tuple[float, str | None] | None = None  # (read at, version)
        self._users: dict[str, int] = {}  # queries running per version
        self._cache: OrderedDict[tuple[str, Hashable], object] = OrderedDict()

    def current(self) -> str:
        """The published version, read from the pointer file at most every POLL seconds
        (a refresh is seen that much later; the file read was a tenth of a request)."""
        now = time.monotonic()
        if self._pointer is None or now - self._pointer[0] >= POLL:
            self._pointer = (now, current_version(self._directory))
        version = self._pointer[1]
        if version is None:
            self._pointer = None  # before the first load, look again every time
            raise NoSnapshot()
        if (
            version not in self._connections
            and not snapshot_path(self._directory, version).is_file()
        ):
            self._pointer = None
            raise SnapshotMissing(version)
        return version

    def look_again(self) -> None:
        """Read the pointer on the next query (this process has just published)."""
        self._pointer = None

    def query(self, run: Callable[[duckdb.DuckDBPyConnection], T], version: str | None = None) -> T:
        """Run `run(cursor)` on `version` (default: the current one). Blocking: call it
        from a thread."""
        version = version or self.current()
        connection = self._acquire(version)
        try:
            cursor = connection.cursor()
            try:
                return run(cursor)
            finally:
                cursor.close()
        finally:
            self._release(version)

    def lookup(self, version: str, key: Hashable) -> tuple[bool, object]:
        """(True, the figure) when it is cached; cheap enough for the event loop."""
        with self._lock:
            if (version, key) not in self._cache:
                return False, None
            self._cache.move_to_end((version, key))
            return True, self._cache[(version, key)]

    def cached(
        self, version: str, key: Hashable, run: Callable[[duckdb.DuckDBPyConnection], T]
    ) -> T:
        """`query`, remembered per version and key. Callers must not mutate the result."""
        found, result = self.lookup(version, key)
        if found:
            return result  # type: ignore[return-value]
        result = self.query(run, version)
        with self._lock:
            newest = max((cached for cached, _ in self._cache), default=version)
            if version > newest:  # versions sort by time: a newer one was published
                self._cache.clear()
            if version >= newest:
                self._cache[(version, key)] = result
                while len(self._cache) > CACHED:
                    self._cache.popitem(last=False)
        return result

    def _acquire(self, version: str) -> duckdb.DuckDBPyConnection:
        with self._lock:
            connection = self._connections.get(version)
            if connection is None:
                path = snapshot_path(self._directory, version)
                try:
                    connection = duckdb.connect(str(path), read_only=True, config=READ_ONLY)
                except duckdb.Error as exc:
                    raise SnapshotMissing(version) from exc
                self._connections[version] = connection
            self._users[version] = self._users.get(version, 0) + 1
            self._close_old()
            return connection

    def _release(self, version: str) -> None:
        with self._lock:
            self._users[version] -= 1
            self._close_old()

    def _close_old(self) -> None:
        """Keep the two newest versions open; close older ones once no query uses them."""
        for old in sorted(self._connections)[:-2]:
            if not self._users.get(old):
                self._connections.pop(old).close()
                self._users.pop(old, None)

    def close(self) -> None:
        with self._lock:
            for connection in self._connections.values():
                connection.close()
            self._connections.clear()
