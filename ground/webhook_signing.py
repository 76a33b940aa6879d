"""Signatures per the Standard Webhooks scheme: the receiver recomputes
HMAC-SHA256(secret, "{webhook-id}.{webhook-timestamp}.{body}") and compares it with
`webhook-signature` ("v1,<base64>"). Secrets are "whsec_" and 32 random bytes in base64."""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_problem(secret: str) -> str | None:
    """Why a secret an admin supplied cannot be used, or None."""
    try:
        key = _key(secret)
    except ValueError:
        return 'Must be "whsec_" followed by base64.'
    if not 24 <= len(key) <= 64:
        return "Must hold 24 to 64 random bytes."
    return None


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(PREFIX)
    return base64.b64decode(encoded, validate=True)


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
