"""Sending a JSON response straight over ASGI, for the paths where Starlette's Response
objects cost more than they give (the REST facade, rate-limit refusals)."""

from collections.abc import Sequence
from typing import Any

import orjson
from starlette.types import Send

_JSON = (b"content-type", b"application/json")


async def send_json(
    send: Send, status: int, payload: Any, extra: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = orjson.dumps(payload)  # UTF-8, compact; several times faster than json
    headers = [_JSON, (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_not_modified(send: Send, etag: str) -> None:
    await send(
        {"type": "http.response.start", "status": 304, "headers": [(b"etag", etag.encode())]}
    )
    await send({"type": "http.response.body", "body": b""})
