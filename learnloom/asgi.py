"""Sending a JSON response straight over ASGI, for the paths where Starlette's Response
objects cost more than they give (the REST facade, rate-limit refusals)."""

import json
from typing import Any

from starlette.types import Send

_JSON = (b"content-type", b"application/json")
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


async def send_json(send: Send, status: int, payload: Any) -> None:
    body = _ENCODER.encode(payload).encode()
    headers = [_JSON, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
