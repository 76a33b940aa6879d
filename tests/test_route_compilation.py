"""Operation documents are checked at start-up: a bad one fails start-up, not a request."""

from pathlib import Path

import pytest

import learnloom.app
from learnloom.app import create_app
from resolvers.field_limits import BY_FIELD
from rest_compat.compile import DocumentError, compile_route, compile_routes, load_document
from rest_compat.route import Envelope, RestRoute
from rest_compat.routes import ROUTES
from schema.root import default_schema
from tests.conftest import make_settings
from tests.rest_fixture_schema import test_schema


def route(method: str = "GET", path: str = "/api/x") -> RestRoute:
    return RestRoute(method, path, "x", Envelope.BARE, "x", "test")


@pytest.mark.parametrize(
    ("method", "path", "source", "message"),
    [
        ("GET", "/api/x", "query { nope }", "Cannot query field 'nope'"),
        ("GET", "/api/x", "query { echo(count: 1) { count } ", "Syntax Error"),
        ("GET", "/api/x", "query A { boom } query B { boom }", "exactly one operation"),
        ("GET", "/api/x", "query { boom echo(count: 1) { count } }", "exactly one root field"),
        ("PATCH", "/api/x", "query { boom }", "mutations"),
        ("GET", "/api/x", 'mutation { create(title: "a") { title } }', "GET routes run queries"),
        (
            "GET",
            "/api/x/{item_id}/",
            "query { boom }",
            "path parameters ['item_id'] have no variable",
        ),
        ("GET", "/api/x", "query($Count: Int!) { echo(count: $Count) { count } }", "snake_case"),
    ],
)
def test_bad_documents_are_refused(method: str, path: str, source: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message.replace("[", r"\[").replace("]", r"\]")):
        compile_route(test_schema._schema, route(method, path), source)


def test_missing_document_and_duplicate_rows_are_refused() -> None:
    with pytest.raises(DocumentError, match="does not exist"):
        compile_routes(
            default_schema()._schema,
            (RestRoute("GET", "/api/x", "no_such_document", Envelope.BARE, "x", "t"),),
        )
    with pytest.raises(DocumentError, match="listed twice"):
        compile_routes(default_schema()._schema, (ROUTES[0], ROUTES[0]))


def test_a_bad_route_table_fails_application_start_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = RestRoute("GET", "/api/broken", "health", Envelope.BARE, "x", "t")
    monkeypatch.setattr(learnloom.app, "ROUTES", (*ROUTES, broken, broken))
    with pytest.raises(DocumentError):
        create_app(make_settings("sqlite+aiosqlite:///:memory:", tmp_path))


def test_every_row_of_the_real_table_compiles() -> None:
    compiled = compile_routes(default_schema()._schema, ROUTES)
    assert [c.route for c in compiled] == list(ROUTES)


@pytest.mark.parametrize(
    ("stream", "message"),
    [
        ("query { health { status } }", "needs a subscription"),
        (
            "subscription($other: String!) { chatStream(sessionId: $other, message: $other) "
            "{ delta } }",
            "same variables",
        ),
    ],
)
def test_a_bad_stream_document_is_refused(stream: str, message: str) -> None:
    chat = next(r for r in ROUTES if r.stream is not None)
    documents = {chat.operation: load_document(chat.operation), str(chat.stream): stream}
    with pytest.raises(DocumentError, match=message):
        compile_routes(default_schema()._schema, (chat,), documents.__getitem__)


def test_every_field_limit_names_a_field_the_api_takes() -> None:
    """A limit keyed by a misspelt operation or field would silently limit nothing (and
    the document would not show it)."""
    compiled = compile_routes(default_schema()._schema, ROUTES)
    taken = {(c.route.operation, v.rest_name) for c in compiled for v in c.variables}
    for key in BY_FIELD:
        operation, _, field = key.rpartition(":")
        if operation:
            assert (operation, field) in taken, key
        else:
            assert any(name == field for _, name in taken), key
