"""Parses and validates every operation document against the schema once, at start-up.
A document that does not fit the schema or its route fails start-up, not a request."""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLInputType,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableDefinitionNode,
    parse,
    type_from_ast,
    validate,
)

from rest_compat.naming import camel, snake
from rest_compat.route import RestRoute

OPERATIONS = Path(__file__).parent / "operations"
_PATH_PARAM = re.compile(r"{(\w+)}")
BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})


class DocumentError(Exception):
    """An operation document that cannot serve its route."""


@dataclass(frozen=True)
class Variable:
    name: str  # GraphQL variable, camelCase
    rest_name: str  # what the REST client sends, snake_case
    location: str  # "path", "query" or "body"
    type: GraphQLInputType
    required: bool  # non-null and without a default


@dataclass(frozen=True)
class CompiledRoute:
    route: RestRoute
    document: DocumentNode
    operation: OperationDefinitionNode
    root_key: str  # the response key of the single root field (its alias, if any)
    root_type: GraphQLOutputType  # that field's type, for the OpenAPI response schema
    variables: tuple[Variable, ...]
    stream: DocumentNode | None = None  # the route's subscription, for text/event-stream

    @property
    def path_params(self) -> list[str]:
        return _PATH_PARAM.findall(self.route.path)


def compile_routes(
    schema: GraphQLSchema,
    routes: tuple[RestRoute, ...],
    load: Callable[[str], str] | None = None,
) -> list[CompiledRoute]:
    """`load` reads an operation document by name (the files in operations/ by default)."""
    load = load or load_document
    seen: set[tuple[str, str]] = set()
    compiled = []
    for route in routes:
        if (route.method, route.path) in seen:
            raise DocumentError(f"{route.method} {route.path} is listed twice")
        seen.add((route.method, route.path))
        item = compile_route(schema, route, load(route.operation))
        if route.stream is not None:
            item = replace(item, stream=compile_stream(schema, item, load(route.stream)))
        compiled.append(item)
    return compiled


def compile_stream(schema: GraphQLSchema, compiled: CompiledRoute, source: str) -> DocumentNode:
    """A route's subscription: one root field, and the variables of its operation, so one
    reading of the request serves both."""
    route = compiled.route
    where = f"{route.method} {route.path} ({route.stream}.graphql)"
    document, operation = _parsed(schema, source, where)
    if operation.operation != OperationType.SUBSCRIPTION:
        raise DocumentError(f"{where}: needs a subscription")
    names = {d.variable.name.value for d in operation.variable_definitions or ()}
    if names != {v.name for v in compiled.variables}:
        raise DocumentError(f"{where}: needs the same variables as {route.operation}.graphql")
    return document


def load_document(name: str) -> str:
    path = OPERATIONS / f"{name}.graphql"
    if not path.is_file():
        raise DocumentError(f"operation document {path} does not exist")
    return path.read_text()


def _parsed(
    schema: GraphQLSchema, source: str, where: str
) -> tuple[DocumentNode, OperationDefinitionNode]:
    """The document, valid against the schema, and its one operation."""
    try:
        document = parse(source)
    except Exception as exc:
        raise DocumentError(f"{where}: {exc}") from exc
    if errors := validate(schema, document):
        raise DocumentError(f"{where}: " + "; ".join(error.message for error in errors))
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise DocumentError(f"{where}: needs exactly one operation, found {len(operations)}")
    return document, operations[0]


def compile_route(schema: GraphQLSchema, route: RestRoute, source: str) -> CompiledRoute:
    where = f"{route.method} {route.path} ({route.operation}.graphql)"
    document, operation = _parsed(schema, source, where)
    # A read may come by POST when its inputs are a JSON body (a prediction); nothing that
    # writes may come by GET.
    reads = operation.operation == OperationType.QUERY
    if reads != (route.method in {"GET", "HEAD"}) and not (reads and route.method == "POST"):
        raise DocumentError(
            f"{where}: GET routes run queries, PATCH/PUT/DELETE mutations, POST either"
        )
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    if len(fields) != 1 or len(operation.selection_set.selections) != 1:
        raise DocumentError(f"{where}: needs exactly one root field")
    root = fields[0]
    root_parent = (
        schema.query_type if operation.operation == OperationType.QUERY else schema.mutation_type
    )
    assert root_parent is not None
    path_params = _PATH_PARAM.findall(route.path)
    variables = tuple(
        _variable(schema, definition, route, path_params, where)
        for definition in operation.variable_definitions or ()
    )
    missing = set(path_params) - {v.rest_name for v in variables}
    if missing:
        raise DocumentError(f"{where}: path parameters {sorted(missing)} have no variable")
    return CompiledRoute(
        route=route,
        document=document,
        operation=operation,
        root_key=(root.alias or root.name).value,
        root_type=root_parent.fields[root.name.value].type,
        variables=variables,
    )


def _variable(
    schema: GraphQLSchema,
    definition: VariableDefinitionNode,
    route: RestRoute,
    path_params: list[str],
    where: str,
) -> Variable:
    name = definition.variable.name.value
    rest_name = snake(name)
    if camel(rest_name) != name:
        raise DocumentError(f"{where}: variable ${name} has no snake_case spelling")
    graphql_type = type_from_ast(schema, definition.type)
    if rest_name in path_params:
        location = "path"
    elif route.method in BODY_METHODS:
        location = "body"
    else:
        location = "query"
    return Variable(
        name=name,
        rest_name=rest_name,
        location=location,
        type=graphql_type,  # type: ignore[arg-type]
        required=isinstance(graphql_type, GraphQLNonNull) and definition.default_value is None,
    )
