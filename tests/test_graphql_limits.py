"""Abuse limits on client GraphQL documents, each with its own error code."""

import time
from pathlib import Path

import httpx
import pytest
import strawberry
from graphql import get_introspection_query, parse

from schema.limits import QueryLimits, check
from tests.conftest import client_for, make_settings

pytestmark = pytest.mark.anyio


async def first_error(
    settings_overrides: dict, database_url: str, tmp_path: Path, query: str
) -> dict:
    async for client in client_for(make_settings(database_url, tmp_path, **settings_overrides)):
        response = await client.post("/graphql", json={"query": query})
        return response.json()["errors"][0]
    raise AssertionError("no client")


async def test_depth_limit(empty_database_url: str, tmp_path: Path) -> None:
    query = 'mutation { login(email: "a@b.c", password: "x") { user { id } } }'
    error = await first_error({"graphql_max_depth": 2}, empty_database_url, tmp_path, query)
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"


async def test_aliases_are_counted_inside_fragments(
    empty_database_url: str, tmp_path: Path
) -> None:
    # GHSA-fr49-mhgj-crfc: aliases hidden in a fragment once escaped the count.
    query = "query { ...F } fragment F on Query { a: health { status } b: health { status } c: health { status } }"
    error = await first_error({"graphql_max_aliases": 2}, empty_database_url, tmp_path, query)
    assert error["extensions"]["code"] == "TOO_MANY_ALIASES"


async def test_cost_budget(empty_database_url: str, tmp_path: Path) -> None:
    query = "{ a: health { status message } b: health { status message } c: health { status message } d: health { status } }"
    error = await first_error({"graphql_max_cost": 10}, empty_database_url, tmp_path, query)
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_token_limit(empty_database_url: str, tmp_path: Path) -> None:
    query = "{ " + " ".join(f"a{i}: health {{ status }}" for i in range(40)) + " }"
    error = await first_error({"graphql_max_tokens": 100}, empty_database_url, tmp_path, query)
    assert error["extensions"]["code"] == "TOO_MANY_TOKENS"


async def test_introspection_is_on_by_default_and_can_be_switched_off(
    client: httpx.AsyncClient, empty_database_url: str, tmp_path: Path
) -> None:
    query = "{ __schema { queryType { name } } }"
    on = (await client.post("/graphql", json={"query": query})).json()
    assert on["data"]["__schema"]["queryType"]["name"] == "Query"
    error = await first_error({"graphql_introspection": False}, empty_database_url, tmp_path, query)
    assert error["extensions"]["code"] == "INTROSPECTION_DISABLED"


async def test_field_suggestions_are_off_outside_dev(client: httpx.AsyncClient) -> None:
    error = (await client.post("/graphql", json={"query": "{ helth { status } }"})).json()[
        "errors"
    ][0]
    assert "Did you mean" not in error["message"]


async def test_batched_requests_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=[{"query": "{ health { status } }"}] * 2)
    assert response.status_code == 400
    # A refusal before any GraphQL runs still reads as GraphQL: errors[].extensions.code.
    body = response.json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_get_never_runs_mutations(client: httpx.AsyncClient) -> None:
    query = 'mutation { logout(refreshToken: "x") { loggedOut } }'
    response = await client.get(
        "/graphql", params={"query": query}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "mutations are not allowed" in error["message"]


@strawberry.type
class Item:
    id: int

    @strawberry.field
    def children(self, limit: int = 10) -> list["Item"]:
        return []


@strawberry.type
class ListQuery:
    @strawberry.field
    def items(self, limit: int = 10) -> list[Item]:
        return []


def cost_errors(query: str, max_cost: int) -> list[str]:
    limits = QueryLimits(
        max_depth=10,
        max_aliases=10,
        max_cost=max_cost,
        default_page_size=10,
        max_page_size=100,
        introspection=True,
    )
    schema = strawberry.Schema(query=ListQuery)._schema
    return [e.extensions["code"] for e in check(schema, parse(query), None, limits)]


def test_lists_multiply_the_cost_of_what_they_hold() -> None:
    # items(limit: 5) { id children(limit: 4) { id } }: 1 + 5 * (1 + (1 + 4 * 1)) = 31
    query = "{ items(limit: 5) { id children(limit: 4) { id } } }"
    assert cost_errors(query, 31) == []
    assert cost_errors(query, 30) == ["QUERY_TOO_COSTLY"]
    # Unpaged lists cost the default page size; a variable page costs the maximum.
    assert cost_errors("{ items { id } }", 11) == []
    assert cost_errors("query($n: Int!) { items(limit: $n) { id } }", 100) == ["QUERY_TOO_COSTLY"]


async def test_aliases_and_fields_inside_introspection_are_counted(
    client: httpx.AsyncClient,
) -> None:
    """118 aliases of the whole schema once returned 12 MB in 12-41 s, anonymously."""
    copies = " ".join(f"a{i}: types {{ name fields {{ name }} }}" for i in range(118))
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": f"{{ __schema {{ {copies} }} }}"})
    took = time.perf_counter() - started
    codes = {e["extensions"]["code"] for e in response.json()["errors"]}
    assert {"TOO_MANY_ALIASES", "TOO_MANY_FIELDS"} <= codes and response.json()["data"] is None
    assert len(response.content) < 10_000
    print(f"refused in {took * 1000:.0f} ms")
    # GraphiQL's own introspection query still passes.
    full = await client.post("/graphql", json={"query": get_introspection_query(descriptions=True)})
    assert "errors" not in full.json() and full.json()["data"]["__schema"]["types"]


async def test_repeated_fields_are_refused_before_the_costly_validation(
    client: httpx.AsyncClient,
) -> None:
    """440 copies of one field cost seconds of validation (it compares every pair)."""
    for copies in (440, 439):  # a changed copy must not miss a cache and be validated
        query = "{ " + " ".join(["health { status }"] * copies) + " }"
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": query})
        took = time.perf_counter() - started
        assert response.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_FIELDS"
        print(f"{copies} copies refused in {took * 1000:.0f} ms")
    few = await client.post("/graphql", json={"query": "{ health { status } health { status } }"})
    assert few.json()["data"]["health"]["status"] == "ok"


async def test_input_lists_count_toward_the_cost(client: httpx.AsyncClient) -> None:
    """30 aliases of predictCompletions with 1,000 inputs each: refused on cost, whether the
    inputs are inline or in variables, before anyone is authenticated."""
    item = {"hoursWatched": 1, "averageScore": 50, "activityLevel": 1}
    inputs = [item] * 1000
    body = " ".join(
        f"p{i}: predictCompletions(inputs: $inputs) {{ completionLikelihood }}" for i in range(30)
    )
    query = f"query($inputs: [CompletionInput!]!) {{ {body} }}"
    response = await client.post("/graphql", json={"query": query, "variables": {"inputs": inputs}})
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_COSTLY", errors
