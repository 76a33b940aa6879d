"""Unguessable prefixed ids for every row a client can name."""

import secrets


def new_id(prefix: str) -> str:
    """`sess_`, `msg_`, ... followed by 16 random url-safe characters (96 bits)."""
    return f"{prefix}_{secrets.token_urlsafe(12)}"
