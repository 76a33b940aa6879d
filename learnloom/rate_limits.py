"""Rate limits with the `limits` library: in memory, or in Redis so that several server
processes share one budget. A default limit per user (per IP when anonymous) applies to
every request; resolvers add stricter ones (login per IP, AI chat per user). Every response
reports the limit that applied in X-RateLimit-* headers; a refusal is a 429 with Retry-After."""

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ground.asgi import send_json
from ground.errors import InvalidToken
from ground.settings import Settings
from resolvers.rate_limiter import RateLimiter, Verdict
from resolvers.tokens import TokenService, TokenType

log = logging.getLogger(__name__)

# Probes and static files are not counted: a load balancer checking health every second
# must never lock a school out, nor must a page's twenty assets. Probes still report the
# caller's budget in the headers: every response carries them (docs/api.md, Rate limits).
EXEMPT_PATHS = ("/api/health", "/api/v1/ai/health/")
EXEMPT_PREFIXES = ("/static/",)


def client_ip(scope: Scope, trusted_proxies: frozenset[str]) -> str:
    """The peer's address, or the nearest untrusted address in X-Forwarded-For when the
    peer is one of our proxies. A client cannot choose its IP by sending the header."""
    peer = scope["client"][0] if scope.get("client") else "unknown"
    if peer not in trusted_proxies:
        return peer
    for name, value in scope["headers"]:
        if name == b"x-forwarded-for":
            hops = [hop.strip() for hop in value.decode("latin-1").split(",") if hop.strip()]
            for hop in reversed(hops):
                if hop not in trusted_proxies:
                    return hop
    return peer


class RateLimitMiddleware:
    def __init__(
        self, app: ASGIApp, limiter: RateLimiter, tokens: TokenService, settings: Settings
    ) -> None:
        self.app = app
        self._limiter = limiter
        self._tokens = tokens
        self._trusted = frozenset(settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["client_ip"] = ip = client_ip(scope, self._trusted)
        path = scope["path"]
        if scope["method"] == "OPTIONS" or path.startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        caller = self._caller(scope, ip)
        if path in EXEMPT_PATHS:
            verdict = await self._limiter.peek(self._limiter.default, "default", caller)
        else:
            verdict = await self._limiter.hit(self._limiter.default, "default", caller)
        if not verdict.allowed:
            await _refuse(send, verdict, path)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A resolver's stricter limit (login, AI chat), when one applied, is reported.
                applied: Verdict = state.get("rate_limit", verdict)
                message["headers"] = [*message.get("headers", []), *_headers(applied)]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _caller(self, scope: Scope, ip: str) -> str:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer":
                    try:
                        return (
                            f"user:{self._tokens.decode(token.strip(), TokenType.ACCESS).user_id}"
                        )
                    except InvalidToken:
                        break
        return f"ip:{ip}"


async def _refuse(send: Send, verdict: Verdict, path: str) -> None:
    async def with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message["headers"], *_headers(verdict)]
        await send(message)

    error = verdict.refusal()
    await send_json(with_headers, error.status, error.body_for(path))


def _headers(verdict: Verdict) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-ratelimit-limit", str(verdict.limit).encode()),
        (b"x-ratelimit-remaining", str(verdict.remaining).encode()),
        (b"x-ratelimit-reset", str(verdict.reset).encode()),
    ]
    if not verdict.allowed:
        headers.append((b"retry-after", str(max(1, verdict.reset - int(time.time()))).encode()))
    return headers
