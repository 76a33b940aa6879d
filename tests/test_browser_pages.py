"""GraphiQL (/graphql) and the API docs (/docs) load every asset from this server; the
landing page (/) leads to them."""

import json
import re
from pathlib import Path

import httpx
import pytest
from graphql import parse, validate

from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from schema.root import default_schema
from tests.conftest import client_for, make_settings

pytestmark = pytest.mark.anyio

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


async def assert_self_contained(client: httpx.AsyncClient, page: str) -> list[str]:
    response = await client.get(page, headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assets = ASSET.findall(response.text)
    assert assets, "the page references no assets"
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not served by this app"
        fetched = await client.get(asset)
        assert fetched.status_code == 200, asset
        assert fetched.content, asset
    return assets


async def test_graphiql_page_works_offline(client: httpx.AsyncClient) -> None:
    assets = await assert_self_contained(client, "/graphql")
    assert any(a.endswith("graphiql.min.js") for a in assets)
    assert any(a.endswith("react.production.min.js") for a in assets)
    init = (await client.get("/static/graphiql-init.js")).text
    assert "createFetcher" in init


async def test_docs_page_works_offline(client: httpx.AsyncClient) -> None:
    assets = await assert_self_contained(client, "/docs")
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert "/openapi.json" in (await client.get("/static/docs-init.js")).text


async def test_vendored_assets_ship_their_licences(client: httpx.AsyncClient) -> None:
    for package in ("graphiql", "react", "react-dom", "swagger-ui-dist"):
        licence = await client.get(f"/static/vendor/{package}/LICENSE")
        assert licence.status_code == 200
        assert "license" in licence.text.lower()
        version = await client.get(f"/static/vendor/{package}/VERSION")
        assert version.text.startswith(f"{package}@")


LINK = re.compile(r'<a href="([^"]+)"')


async def test_the_landing_page_says_what_this_is_and_where_to_go(
    client: httpx.AsyncClient,
) -> None:
    """`/` was a raw JSON 404: now a page with the version, the health and links that work,
    and the slash-ended /docs/ and /graphql/ lead to their pages."""
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "LearnLoom" in page.text and "the database answers" in page.text
    links = LINK.findall(page.text)
    assert {"/graphql", "/docs", "/openapi.json", "/api/system-status"} <= set(links)
    for link in links:
        assert (await client.get(link, headers={"accept": "text/html"})).status_code == 200, link
    # A test server is not a development one: no demo accounts on show.
    assert "superadmin@" not in page.text
    for path in ("/docs/", "/graphql/"):
        moved = await client.get(path)
        assert moved.status_code == 308 and moved.headers["location"] == path.rstrip("/")
    answered = await client.post("/graphql/", json={"query": "{ health { status } }"})
    assert answered.status_code == 308  # httpx does not follow; a browser re-posts
    icon = await client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg")


async def test_a_development_server_lists_the_demo_accounts(
    demo_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(demo_database_url, tmp_path).model_copy(update={"env": "dev"})
    async for client in client_for(settings):
        page = (await client.get("/")).text
        for email in DEMO_ACCOUNTS.values():
            assert email in page
        assert DEMO_PASSWORD in page


async def test_graphiql_opens_with_an_example_per_role_that_the_schema_accepts(
    client: httpx.AsyncClient,
) -> None:
    """GraphiQL opened empty: now with example tabs (sign in, a teacher's class screen,
    school KPIs, a student profile, the tutor chat), each a valid document."""
    assert "graphiql-examples.json" in (await client.get("/static/graphiql-init.js")).text
    examples = (await client.get("/static/graphiql-examples.json")).json()
    assert [e["title"][3:] for e in examples][:2] == ["Sign in", "Teacher: my class screen"]
    graphql_schema = default_schema()._schema
    for example in examples:
        assert validate(graphql_schema, parse(example["query"])) == [], example["title"]
        json.loads(example["variables"])


async def test_the_header_placeholder_does_not_stop_signing_in(client: httpx.AsyncClient) -> None:
    """GraphiQL sends its default Headers tab with every request, the Sign in tab's too,
    before the learner has replaced the placeholder."""
    [sign_in, *_] = (await client.get("/static/graphiql-examples.json")).json()
    placeholder = "Bearer <accessToken from the Sign in tab>"
    assert placeholder in (await client.get("/static/graphiql-init.js")).text
    answer = await client.post(
        "/graphql",
        json={"query": sign_in["query"], "variables": json.loads(sign_in["variables"])},
        headers={"Authorization": placeholder},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["login"]["accessToken"]
