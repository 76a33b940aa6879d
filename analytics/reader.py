"""Reading the current warehouse snapshot from web processes: one read-only connection
per published version, shared by the process, and a fresh cursor per query (DuckDB cursors
are the unit of thread safety). A newly published version is picked up on the next query."""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from analytics.warehouse import READ_ONLY, current_version, snapshot_path

T = TypeVar("T")


class NoSnapshot(Exception):
    """Nothing has been loaded into the warehouse yet."""


class WarehouseReader:
    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self._connections: dict[str, duckdb.DuckDBPyConnection] = {}

    def current(self) -> str:
        """The published version, read from the pointer file."""
        version = current_version(self._directory)
        if version is None:
            raise NoSnapshot()
        return version

    def query(self, run: Callable[[duckdb.DuckDBPyConnection], T], version: str | None = None) -> T:
        """Run `run(cursor)` on `version` (default: the current one). Blocking: call it
        from a thread."""
        version = version or self.current()
        cursor = self._connection(version).cursor()
        try:
            return run(cursor)
        finally:
            cursor.close()

    def _connection(self, version: str) -> duckdb.DuckDBPyConnection:
        with self._lock:
            connection = self._connections.get(version)
            if connection is None:
                path = snapshot_path(self._directory, version)
                connection = duckdb.connect(str(path), read_only=True, config=READ_ONLY)
                self._connections[version] = connection
                # Keep the previous version open for queries still running on it.
                for old in sorted(self._connections)[:-2]:
                    self._connections.pop(old).close()
            return connection

    def close(self) -> None:
        with self._lock:
            for connection in self._connections.values():
                connection.close()
            self._connections.clear()
