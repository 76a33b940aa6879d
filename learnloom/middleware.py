"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware on every request)."""

import itertools
import re
import secrets

import anyio
import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ground.asgi import send_json
from ground.errors import AppError, BadRequest, PayloadTooLarge, RequestTimeout
from ground.logs import REQUEST_ID

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Unique across processes (random prefix) and requests (counter); cheaper than uuid4,
# which reads the OS entropy pool on every request.
_PROCESS = secrets.token_hex(6)
_COUNTER = itertools.count(1)

# Scripts only from this server (GraphiQL and the docs keep theirs in /static); styles may be
# inline because GraphiQL and Swagger UI set element styles; nothing may frame the pages.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class StandardHeadersMiddleware:
    """Gives every request an id (the caller's X-Request-ID when it is sane), stored in
    `scope["state"]["request_id"]` and echoed in the response, and puts the security
    headers on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or f"{_PROCESS}-{next(_COUNTER):x}"
        scope.setdefault("state", {})["request_id"] = request_id
        REQUEST_ID.set(request_id)  # for every log line of this request (ground/logs.py)
        if scope["type"] == "websocket":  # a connection's id, for its log lines
            await self.app(scope, receive, send)
            return
        extra = [(b"x-request-id", request_id.encode()), *SECURITY_HEADERS]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _SAFE_ID.match(text) else None
    return None


class BodyLimitMiddleware:
    """Reads each request body, at most `max_bytes` of it, within `timeout` seconds, before
    any route parses it: a larger body is refused with 413 (at once when its Content-Length
    says so), a body still arriving after the timeout with 408, a JSON body that is not
    JSON (invalid UTF-8, a lone surrogate, nesting past 1,024 levels, a number too large
    for a double) with 400. The route then reads the body from memory, so nothing
    downstream can be made to hold a huge or endless body, or to parse a hostile one."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send, PayloadTooLarge(details=self._details()))
            return
        chunks: list[bytes] = []
        size, more = 0, True
        with anyio.move_on_after(self.timeout) as waited:
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_bytes:
                    await self._refuse(scope, send, PayloadTooLarge(details=self._details()))
                    return
                chunks.append(chunk)
                more = message.get("more_body", False)
        if waited.cancelled_caught:
            await self._refuse(scope, send, RequestTimeout())
            return
        body, delivered = b"".join(chunks), False
        if body and _is_json(scope):
            try:
                orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                await self._refuse(
                    scope, send, BadRequest(f"Malformed JSON in the request body: {exc}")
                )
                return

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # the disconnect, once the response is sent

        await self.app(scope, replay, send)

    def _details(self) -> dict[str, list[str]]:
        return {"body": [f"At most {self.max_bytes} bytes are accepted."]}

    @staticmethod
    async def _refuse(scope: Scope, send: Send, error: AppError) -> None:
        body = error.body_for(scope["path"])
        await send_json(send, error.status, body, extra=[(b"connection", b"close")])


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return b"json" in value.lower()
    return False


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
