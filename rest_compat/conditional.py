"""Conditional requests for the analytics figures. An answer's ETag names what it depends
on: the warehouse snapshot the request pinned and the scopes of its figures, which the
resolvers note in the request's context. A client's copy so stays valid until a refresh
publishes a new snapshot, and a GET whose If-None-Match holds the current tag is answered
304 without a body."""

import hashlib
from typing import Any

from starlette.datastructures import Headers


def etag_of(context: Any) -> str | None:
    """None for an answer that holds no figure (it is not cached this way)."""
    version: str | None = getattr(context, "warehouse_version", None)
    scopes: set[str] = getattr(context, "figure_scopes", set())
    if version is None or not scopes:
        return None
    named = "|".join([version, *sorted(scopes)])
    return '"' + hashlib.sha256(named.encode()).hexdigest()[:24] + '"'


def still_current(headers: Headers, etag: str) -> bool:
    """If-None-Match holds `etag` (alone, in a list, weak or not) or is `*`."""
    given = headers.get("if-none-match")
    if given is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in given.split(",")}
    return etag in tags or "*" in tags
