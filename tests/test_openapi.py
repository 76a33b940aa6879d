"""The served OpenAPI document is valid 3.1 and lists every row of the route table."""

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from learnloom.demo import DEMO_ACCOUNTS
from rest_compat.routes import ROUTES
from tests.helpers import bearer, login

pytestmark = pytest.mark.anyio


def resolved(document: dict, schema: dict) -> dict:
    """`schema`, or the component its $ref names."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


async def test_openapi_document_is_valid_and_complete(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    listed = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert listed == {(r.method, r.path) for r in ROUTES}
    # A route with a subscription also answers as Server-Sent Events.
    streamed = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status, answer in operation["responses"].items()
        if status.startswith("2") and "text/event-stream" in answer.get("content", {})
    }
    assert (
        streamed
        == {(r.method, r.path) for r in ROUTES if r.stream}
        == {("POST", "/api/v1/ai/chat/")}
    )


async def test_health_response_schema_matches_the_contract(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    health = document["paths"]["/api/health"]["get"]["responses"]["200"]
    schema = resolved(document, health["content"]["application/json"]["schema"])
    assert schema["required"] == ["status", "message"]
    status = document["paths"]["/api/system-status"]["get"]["responses"]["200"]
    properties = resolved(document, status["content"]["application/json"]["schema"])["properties"]
    shapes = {
        name: {k: v for k, v in field.items() if k != "description"}
        for name, field in properties.items()
    }
    assert shapes["database_connected"] == {"type": "boolean"}
    assert shapes["last_data_refresh"] == {"type": ["string", "null"], "format": "date-time"}
    assert properties["database_connected"]["description"]  # from the GraphQL field


async def test_every_operation_documents_rate_limits_errors_and_parameter_ranges(
    client: httpx.AsyncClient,
) -> None:
    """What a generated client or a fuzzer needs: 429 and the rate-limit headers wherever
    they occur, 413 wherever a body is read, an example code that fits each status, the
    paging ranges the server enforces and If-None-Match where 304 is possible."""
    document = (await client.get("/openapi.json")).json()
    assert document["servers"] and document["info"]["license"]["name"]
    operations = [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    for method, path, operation in operations:
        responses = operation["responses"]
        probe = path in ("/api/health", "/api/v1/ai/health/")
        assert ("429" in responses) != probe, (method, path)
        if method != "GET":
            assert "413" in responses, (method, path)
        for status, answer in responses.items():
            assert "X-RateLimit-Remaining" in answer["headers"], (method, path, status)
            example = answer.get("content", {}).get("application/json", {}).get("example")
            if example is not None and status.startswith(("4", "5")):
                code = example["error"]["code"]
                assert (status, code) in {
                    ("400", "BAD_REQUEST"), ("401", "INVALID_TOKEN"), ("403", "PERMISSION_DENIED"),
                    ("404", "RESOURCE_NOT_FOUND"), ("408", "REQUEST_TIMEOUT"), ("409", "CONFLICT"),
                    ("413", "PAYLOAD_TOO_LARGE"), ("422", "VALIDATION_ERROR"),
                    ("429", "RATE_LIMIT_EXCEEDED"), ("500", "INTERNAL_SERVER_ERROR"),
                    ("503", "SERVICE_UNAVAILABLE"),
                }, (status, code)  # fmt: skip
        if "429" in responses:
            assert "Retry-After" in responses["429"]["headers"]
        names = {p["name"]: p for p in operation.get("parameters", [])}
        if "limit" in names:
            assert names["limit"]["schema"]["minimum"] == 1
            assert names["limit"]["schema"]["maximum"] == 100
        if "304" in responses:
            assert names["If-None-Match"]["in"] == "header"


async def test_enum_inputs_list_the_values_rest_accepts(client: httpx.AsyncClient) -> None:
    """The contract's values, as REST takes and answers them: not the GraphQL names."""
    document = (await client.get("/openapi.json")).json()

    def body(method: str, path: str) -> dict:
        """The body's fields, an optional one without the null that means "left out"."""
        content = document["paths"][path][method]["requestBody"]["content"]
        schema = content["application/json"]["schema"]
        fields = {}
        for name, field in schema["properties"].items():
            if name not in schema["required"] and "enum" in field:
                assert field.pop("description") == "null is the same as leaving the field out"
                assert field["type"][1] == "null" and field["enum"][-1] is None, (path, name)
                field = {**field, "type": field["type"][0], "enum": field["enum"][:-1]}
            fields[name] = field
        return fields

    def query(path: str) -> dict:
        parameters = document["paths"][path]["get"]["parameters"]
        return {p["name"]: p["schema"] for p in parameters}

    modes = {"type": "string", "enum": ["teach", "explore", "practice", "revision"]}
    assert body("post", "/api/v1/sessions/start/")["mode"] == modes
    assert body("patch", "/api/v1/sessions/{id}/mode/")["mode"] == modes
    assert body("post", "/api/v1/ai/chat/")["mode"] == modes
    practice = body("post", "/api/v1/ai/practice/question/")
    assert practice["difficulty"] == {"type": "string", "enum": ["easy", "medium", "hard"]}
    assert practice["question_type"] == {
        "type": "string",
        "enum": ["multiple_choice", "short_answer"],
    }
    roles = ["SUPER_ADMIN", "SCHOOL_ADMIN", "TEACHER", "STUDENT", "INDEPENDENT_LEARNER"]
    assert body("post", "/api/v1/admin/users/")["role"] == {"type": "string", "enum": roles}
    assert query("/api/v1/admin/users/")["role"] == {"type": "string", "enum": roles}
    assert query("/api/v1/teachers/me/flags/")["status"] == {
        "type": "string",
        "enum": ["open", "acknowledged", "all"],
    }
    statuses = query("/api/v1/admin/webhooks/deliveries/")["status"]["enum"]
    assert statuses == ["pending", "retrying", "sending", "delivered", "dead", "disabled"]
    # The answers too: what the facade returns, e.g. a session's mode.
    started = document["paths"]["/api/v1/sessions/start/"]["post"]["responses"]["201"]
    session = started["content"]["application/json"]["schema"]["properties"]["data"]
    assert resolved(document, session)["properties"]["mode"] == modes


async def test_answers_are_named_components_and_blocks_have_a_discriminator(
    client: httpx.AsyncClient,
) -> None:
    """A generated client gets one Pagination (not one per list) and can narrow a lesson's
    content blocks by `type`; the served lesson content fits the schemas it names."""
    document = (await client.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert [name for name in schemas if "Pagination" in name] == ["Pagination"]
    lists = [
        resolved(document, operation["responses"]["200"]["content"]["application/json"]["schema"])
        for item in document["paths"].values()
        for operation in item.values()
        if "200" in operation["responses"]
        and "pagination"
        in resolved(
            document, operation["responses"]["200"]["content"]["application/json"]["schema"]
        ).get("properties", {})
    ]
    assert len(lists) >= 10
    assert all(
        page["properties"]["pagination"] == {"$ref": "#/components/schemas/Pagination"}
        for page in lists
    )
    content = document["paths"]["/api/v1/lessons/{id}/content/"]["get"]["responses"]["200"]
    lesson = resolved(
        document, content["content"]["application/json"]["schema"]["properties"]["data"]
    )
    blocks = lesson["properties"]["content_blocks"]["items"]
    assert blocks["discriminator"]["propertyName"] == "type"
    mapping = blocks["discriminator"]["mapping"]
    assert mapping == {
        "text": "#/components/schemas/TextBlock",
        "video": "#/components/schemas/VideoBlock",
        "quiz": "#/components/schemas/QuizBlock",
    }
    for value, ref in mapping.items():
        assert resolved(document, {"$ref": ref})["properties"]["type"] == {
            "type": "string",
            "enum": [value],
        }
    # The demo lessons' blocks, as served, each fit the member their type names, and only it.
    teacher = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
    seen = set()
    for lesson_id in range(1, 31):
        served = await client.get(f"/api/v1/lessons/{lesson_id}/content/", headers=teacher)
        if served.status_code == 404:
            continue
        for block in served.json()["data"]["content_blocks"]:
            fits = {
                value
                for value, ref in mapping.items()
                if Draft202012Validator(
                    {**resolved(document, {"$ref": ref}), "components": document["components"]}
                ).is_valid(block)
            }
            assert fits == {block["type"]}, block
            seen.add(block["type"])
    assert seen == {"text", "video", "quiz"}


async def test_a_class_schedule_is_typed(client: httpx.AsyncClient) -> None:
    """A schedule such as {"monday": ["09:00-10:30"]}: no longer an untyped JSON value."""
    document = (await client.get("/openapi.json")).json()
    schedule = document["components"]["schemas"]["TeacherClass"]["properties"]["schedule"]
    assert schedule["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    teacher = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
    classes = (await client.get("/api/v1/teachers/me/classes/", headers=teacher)).json()["data"]
    assert classes and any(c["schedule"] for c in classes)
    for taught in classes:
        Draft202012Validator(schedule).validate(taught["schedule"])
    assert not Draft202012Validator(schedule).is_valid({"monday": "09:00"})
