"""The OpenAPI document states the server's own rules for a field, no more and no less: a value
the document's pattern allows passes the server's check of that field, and a value it does
not allow is refused, through real HTTP (schemathesis found both kinds of mismatch)."""

import base64
import re
from pathlib import Path

import pytest

from tests.conftest import client_for, make_settings
from tests.helpers import assert_error, headers_of

pytestmark = pytest.mark.anyio
HOOKS = "/api/v1/admin/webhooks/"
USERS = "/api/v1/admin/users/"
PUBLIC = "93.184.216.34"  # a public address: no name to look up


def _b64(size: int) -> str:
    return base64.b64encode(bytes(range(size))).decode()


URLS = [
    f"https://{PUBLIC}/hook",
    f"https://{PUBLIC}:65535/x?y=1#z",
    f"  http://{PUBLIC}/padded  ",
    f"http://{PUBLIC}:65536/",
    f"ftp://{PUBLIC}/",
    "http:///x",
    "http://a_b/x",
    f"http://{PUBLIC}/é",
    "http://[::1]/x",
    f"http://user:pw@{PUBLIC}/x",
    "http://[zz/x",
]
SECRETS = [
    _b64(24),
    "whsec_" + _b64(32),
    "whsec_" + _b64(64),
    _b64(23),
    _b64(65),
    _b64(30) + "=",  # padding where none belongs
    _b64(31).rstrip("="),  # padding left out
    "whsec_" + _b64(32) + " ",
    "nope",
]
EMAILS = [
    "ada@school.test",
    "  Bea@School.Test  ",
    "cat@school",
    "d d@school.test",
    "@school.test",
    "e" * 250 + "@s.test",
]


def _pattern(document: dict, path: str, field: str) -> re.Pattern[str]:
    body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return re.compile(body["schema"]["properties"][field]["pattern"])


async def test_webhook_url_and_secret_rules_are_the_documented_patterns(
    database_url: str,
    tmp_path: Path,
) -> None:
    # The address rules (no loopback or private hosts) apply too, here to a public address.
    async for client in client_for(make_settings(database_url, tmp_path)):
        document = (await client.get("/openapi.json")).json()
        admin = await headers_of(client, "SUPER_ADMIN")
        url_pattern = _pattern(document, HOOKS, "url")
        for url in URLS:
            response = await client.post(
                HOOKS, json={"url": url, "events": ["session.completed"]}, headers=admin
            )
            documented = url_pattern.search(url) is not None
            assert response.status_code == (201 if documented else 422), (url, response.text)
            if not documented:
                assert set(response.json()["error"]["details"]) == {"url"}
        secret_pattern = _pattern(document, HOOKS, "secret")
        for secret in SECRETS:
            response = await client.post(
                HOOKS,
                json={
                    "url": f"https://{PUBLIC}/s",
                    "events": ["session.completed"],
                    "secret": secret,
                },
                headers=admin,
            )
            documented = secret_pattern.search(secret) is not None
            assert response.status_code == (201 if documented else 422), (secret, response.text)
        events = document["paths"][HOOKS]["post"]["requestBody"]["content"]["application/json"]
        assert {"minItems": 1, "uniqueItems": True}.items() <= events["schema"]["properties"][
            "events"
        ].items()
        for listed in ([], ["session.completed", "session.completed"]):
            refused = assert_error(
                await client.post(
                    HOOKS, json={"url": f"https://{PUBLIC}/e", "events": listed}, headers=admin
                ),
                422,
                "VALIDATION_ERROR",
            )
            assert set(refused["details"]) == {"events"}


async def test_a_new_users_email_rule_is_the_documented_pattern(
    database_url: str,
    tmp_path: Path,
) -> None:
    async for client in client_for(make_settings(database_url, tmp_path)):
        document = (await client.get("/openapi.json")).json()
        admin = await headers_of(client, "SUPER_ADMIN")
        body = document["paths"][USERS]["post"]["requestBody"]["content"]["application/json"]
        email_schema = body["schema"]["properties"]["email"]
        pattern = re.compile(email_schema["pattern"])
        for email in EMAILS:
            response = await client.post(
                USERS,
                json={
                    "email": email,
                    "password": "lesson-plan-2026",
                    "first_name": "Test",
                    "last_name": "Teacher",
                    "role": "TEACHER",
                },
                headers=admin,
            )
            documented = (
                pattern.search(email) is not None and len(email) <= email_schema["maxLength"]
            )
            assert response.status_code == (201 if documented else 422), (email, response.text)
            if documented:  # stored trimmed and in lower case
                assert response.json()["data"]["email"] == email.strip().lower()
