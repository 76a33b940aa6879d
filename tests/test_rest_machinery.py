"""The REST facade machinery, driven through a purpose-built schema and route table."""

from collections.abc import AsyncIterator

import httpx
import pytest
from openapi_spec_validator import validate

from rest_compat.openapi import openapi_document
from tests.helpers import assert_error
from tests.rest_fixture_schema import compiled_routes, make_app

pytestmark = pytest.mark.anyio


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def test_query_parameters_are_typed_from_the_variables(api: httpx.AsyncClient) -> None:
    response = await api.get(
        "/api/echo",
        params={"count": "3", "flag": "true", "level": "hard", "names": "a,b", "ratio": "0.5"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "count": 3,
        "flag": True,
        "level": "hard",  # an enum's value, as REST clients send it: not its GraphQL name
        "names": ["a", "b"],
        "ratio": 0.5,
    }
    repeated = await api.get("/api/echo?count=1&names=x&names=y")
    assert repeated.json()["names"] == ["x", "y"]


async def test_missing_required_parameter_is_422_naming_it(api: httpx.AsyncClient) -> None:
    error = assert_error(await api.get("/api/echo"), 422, "VALIDATION_ERROR")
    assert error["details"] == {"count": ["This field is required."]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("count=abc", "count"),
        ("count=1&flag=maybe", "flag"),
        ("count=1&level=medium", "level"),
        ("count=1&ratio=nan", "ratio"),
        ("count=99999999999", "count"),
    ],
)
async def test_badly_typed_parameters_are_422(
    api: httpx.AsyncClient, query: str, field: str
) -> None:
    error = assert_error(await api.get(f"/api/echo?{query}"), 422, "VALIDATION_ERROR")
    assert list(error["details"]) == [field]


async def test_path_parameters_and_data_envelope(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/items/1/")
    assert response.json() == {"data": {"item_id": 1, "name": "first"}}
    error = assert_error(await api.get("/api/v1/items/9999/"), 404, "RESOURCE_NOT_FOUND")
    assert error["details"] == {"item_id": ["Item with ID 9999 not found"]}
    assert_error(await api.get("/api/v1/items/x/"), 422, "VALIDATION_ERROR")


async def test_body_becomes_variables_with_status_201(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/v1/items/",
        json={"title": "Nouns", "note": {"lesson_id": 2001}, "due_date": "2026-03-28T23:59:59Z"},
    )
    assert response.status_code == 201
    assert response.json() == {
        "data": {
            "title": "Nouns",
            "lesson_id": 2001,
            "due_date": "2026-03-28T23:59:59Z",
            "levels": [],
        }
    }


async def test_body_enums_are_values_inside_objects_and_lists(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/v1/items/", json={"title": "x", "note": {"lesson_id": 1, "levels": ["hard", "Easy"]}}
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["levels"] == ["hard", "easy"]
    one = await api.post(
        "/api/v1/items/", json={"title": "x", "note": {"lesson_id": 1, "levels": "hard"}}
    )
    assert one.json()["data"]["levels"] == ["hard"]  # GraphQL takes one item for a list
    unknown = assert_error(
        await api.post(
            "/api/v1/items/", json={"title": "x", "note": {"lesson_id": 1, "levels": ["medium"]}}
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert unknown["details"] == {"note": ["Must be one of easy, hard, got 'medium'."]}
    not_text = assert_error(
        await api.post(
            "/api/v1/items/", json={"title": "x", "note": {"lesson_id": 1, "levels": [7]}}
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert list(not_text["details"]) == ["note"]


async def test_body_errors(api: httpx.AsyncClient) -> None:
    assert_error(
        await api.post(
            "/api/v1/items/", content=b"{not json", headers={"content-type": "application/json"}
        ),
        400,
        "BAD_REQUEST",
    )
    assert_error(await api.post("/api/v1/items/", json=[1, 2]), 400, "BAD_REQUEST")
    missing = assert_error(await api.post("/api/v1/items/", json={}), 422, "VALIDATION_ERROR")
    assert missing["details"] == {"title": ["This field is required."]}
    unknown = assert_error(
        await api.post("/api/v1/items/", json={"title": "x", "role": "SUPER_ADMIN"}),
        422,
        "VALIDATION_ERROR",
    )
    assert unknown["details"] == {"role": ["Unknown field."]}
    nested = assert_error(
        await api.post("/api/v1/items/", json={"title": "x", "note": {"topic_id": 1}}),
        422,
        "VALIDATION_ERROR",
    )
    assert list(nested["details"]) == ["note"]
    wrong_type = assert_error(
        await api.post("/api/v1/items/", json={"title": 5}), 422, "VALIDATION_ERROR"
    )
    assert list(wrong_type["details"]) == ["title"]
    bad_time = assert_error(
        await api.post("/api/v1/items/", json={"title": "x", "due_date": "tomorrow"}),
        422,
        "VALIDATION_ERROR",
    )
    assert list(bad_time["details"]) == ["due_date"]


async def test_app_errors_keep_their_status(api: httpx.AsyncClient) -> None:
    error = assert_error(await api.post("/api/v1/items/", json={"title": "taken"}), 409, "CONFLICT")
    assert error["message"] == "That title is taken"


async def test_unexpected_errors_are_masked(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/boom")
    assert_error(response, 500, "INTERNAL_SERVER_ERROR")
    assert "internal detail" not in response.text


async def test_unknown_paths_and_methods(api: httpx.AsyncClient) -> None:
    assert_error(await api.get("/api/v1/items/"), 405, "METHOD_NOT_ALLOWED")
    assert_error(await api.patch("/api/v1/items/1/"), 405, "METHOD_NOT_ALLOWED")
    assert_error(await api.get("/api/v1/items/1"), 404, "RESOURCE_NOT_FOUND")


async def test_head_is_served_like_get(api: httpx.AsyncClient) -> None:
    response = await api.head("/api/v1/items/1/")
    assert response.status_code == 200


def test_openapi_document_describes_parameters_bodies_and_responses() -> None:
    document = openapi_document(compiled_routes(), version="test")
    validate(document)
    echo = document["paths"]["/api/echo"]["get"]
    parameters = {p["name"]: p for p in echo["parameters"]}
    assert parameters["count"]["required"] is True and parameters["count"]["in"] == "query"
    assert parameters["flag"]["required"] is False
    assert parameters["level"]["schema"] == {"type": "string", "enum": ["easy", "hard"]}
    assert "requestBody" not in echo
    item = document["paths"]["/api/v1/items/{item_id}/"]["get"]
    int32 = {"type": "integer", "format": "int32", "minimum": -(2**31), "maximum": 2**31 - 1}
    assert item["parameters"] == [
        {
            "name": "item_id",
            "in": "path",
            "required": True,
            "description": "The item id",
            "schema": {**int32, "minimum": 1},
        }
    ]
    assert {"200", "404", "422", "500"} <= set(item["responses"])
    data = item["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]
    data = document["components"]["schemas"][data["$ref"].rsplit("/", 1)[1]]
    assert data["properties"] == {"item_id": int32, "name": {"type": "string"}}
    create = document["paths"]["/api/v1/items/"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["title"]
    # Optional fields also take null, which means "left out".
    left_out = "null is the same as leaving the field out"
    note = body["properties"]["note"]
    assert note["anyOf"][1] == {"type": "null"} and note["description"] == left_out
    assert note["anyOf"][0]["properties"]["lesson_id"] == int32
    levels = {"type": "array", "items": {"type": "string", "enum": ["easy", "hard"]}}
    assert note["anyOf"][0]["properties"]["levels"] == levels
    assert body["properties"]["due_date"] == {
        "type": ["string", "null"],
        "format": "date-time",
        "description": left_out,
    }
    assert {"201", "400", "401", "403", "408", "409", "413", "422", "429", "500", "503"} == set(
        create["responses"]
    )
    assert create["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


async def test_a_directive_document_still_answers(api: httpx.AsyncClient) -> None:
    shown = await api.get("/api/echo-skip?count=2&flag=true")
    assert shown.json() == {"count": 2, "level": "easy", "names": []}  # graphql-core's run
    hidden = await api.get("/api/echo-skip?count=2&flag=false")
    assert hidden.json() == {"count": 2, "level": "easy"}


async def test_lists_of_objects_through_the_facade(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/lessons?count=3")
    assert response.json() == [{"id": i, "topic": {"name": f"topic {i}"}} for i in range(3)]


def test_a_cached_copy_is_current_only_for_its_own_tag() -> None:
    """A dashboard that sends back its ETag, alone, weak or among others, gets a 304;
    a different tag (an older snapshot) never does."""
    from starlette.datastructures import Headers

    from rest_compat.conditional import still_current

    tag = '"abc"'
    for given in ('"abc"', 'W/"abc"', '"old", "abc"', "*"):
        assert still_current(Headers({"if-none-match": given}), tag), given
    for given in ('"old"', '"abcd"', "abc", ""):
        assert not still_current(Headers({"if-none-match": given}), tag), given
    assert not still_current(Headers({}), tag)
