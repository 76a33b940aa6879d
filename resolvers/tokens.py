"""JWT access and refresh tokens (pyjwt). HS256 only, pinned on decode; issuer, audience,
expiry, not-before and token type always checked; the `kid` header names the key, so a
rotated-out key keeps verifying the tokens it signed until they expire."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt

from ground.errors import InvalidToken
from ground.settings import Settings

ALGORITHM = "HS256"
LEEWAY = timedelta(seconds=10)  # clock skew between processes
VERIFIED = 4096  # access tokens whose signature and claims were checked, per process


class TokenType(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


@dataclass(frozen=True)
class Claims:
    user_id: int
    type: TokenType
    token_version: int
    expires_at: datetime
    family: str | None = None  # refresh tokens only
    remember_me: bool = False  # refresh tokens only


def key_id(key: str) -> str:
    """A short public fingerprint of a key, so tokens say which key signed them."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def token_hash(token: str) -> str:
    """Refresh tokens are stored only as this hash."""
    return hashlib.sha256(token.encode()).hexdigest()


class TokenService:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._signing_key = settings.jwt_key
        self._keys = {key_id(settings.jwt_key): settings.jwt_key}
        if settings.jwt_previous_key:
            self._keys[key_id(settings.jwt_previous_key)] = settings.jwt_previous_key
        # Every request carries its access token and every check gives the same answer
        # until the token expires, so a checked token is remembered (expiry still applies).
        self._verified: dict[str, Claims] = {}

    def issue(
        self,
        *,
        user_id: int,
        token_type: TokenType,
        token_version: int,
        ttl: timedelta,
        family: str | None = None,
        remember_me: bool = False,
        now: datetime | None = None,
    ) -> tuple[str, datetime]:
        now = now or datetime.now(UTC)
        expires_at = now + ttl
        claims: dict[str, Any] = {
            "sub": str(user_id),
            "typ": token_type.value,
            "tv": token_version,
            "iss": self._settings.jwt_issuer,
            "aud": self._settings.jwt_audience,
            "iat": now,
            "nbf": now,
            "exp": expires_at,
            "jti": secrets.token_urlsafe(16),
        }
        if token_type is TokenType.REFRESH:
            claims.update(fam=family, rm=remember_me)
        headers = {"kid": key_id(self._signing_key)}
        return jwt.encode(
            claims, self._signing_key, algorithm=ALGORITHM, headers=headers
        ), expires_at

    def decode(self, token: str, expected: TokenType) -> Claims:
        if expected is TokenType.ACCESS:
            claims = self._verified.get(token)
            if claims is not None:
                if datetime.now(UTC) >= claims.expires_at + LEEWAY:
                    del self._verified[token]
                    raise InvalidToken("The token has expired")
                return claims
            claims = self._decode(token, expected)
            if len(self._verified) >= VERIFIED:
                self._verified.clear()
            self._verified[token] = claims
            return claims
        return self._decode(token, expected)

    def _decode(self, token: str, expected: TokenType) -> Claims:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self._keys.get(kid) if isinstance(kid, str) else None
            if key is None:
                raise InvalidToken("The token was signed with an unknown key")
            payload = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub", "typ"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("The token has expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken("The token is invalid") from exc
        if payload.get("typ") != expected.value:
            raise InvalidToken(f"An {expected.value} token is required here")
        try:
            user_id = int(payload["sub"])
            if not 0 < user_id < 2**63:
                raise ValueError(user_id)  # no account has such an id: never a query for it
            return Claims(
                user_id=user_id,
                type=expected,
                token_version=int(payload.get("tv", -1)),
                expires_at=datetime.fromtimestamp(payload["exp"], UTC),
                family=payload.get("fam"),
                remember_me=bool(payload.get("rm", False)),
            )
        except (TypeError, ValueError, OverflowError, OSError) as exc:  # e.g. exp in year 10^12
            raise InvalidToken("The token is invalid") from exc
