"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware on every request)."""

import itertools
import re
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Unique across processes (random prefix) and requests (counter); cheaper than uuid4,
# which reads the OS entropy pool on every request.
_PROCESS = secrets.token_hex(6)
_COUNTER = itertools.count(1)


class RequestIdMiddleware:
    """Gives every request an id (the caller's X-Request-ID when it is sane), stored in
    `request.state.request_id`, echoed in the response and written with every log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or f"{_PROCESS}-{next(_COUNTER):x}"
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_id)


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _SAFE_ID.match(text) else None
    return None
