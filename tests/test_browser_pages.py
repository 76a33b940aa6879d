"""GraphiQL (/graphql) and the API docs (/docs) load every asset from this server."""

import re

import httpx
import pytest

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
