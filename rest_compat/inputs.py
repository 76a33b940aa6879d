"""Turns a REST request's path, query string and JSON body into the operation's
variables, with per-field errors named as the REST client spelled them."""

import math
import re
from typing import Any

import orjson
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLFloat,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLString,
    Undefined,
)
from graphql.execution.values import VariableValues, get_variable_values
from starlette.requests import Request

from ground.errors import BadRequest, Details, ValidationFailed
from rest_compat.compile import BODY_METHODS, CompiledRoute, Variable
from rest_compat.enums import name_of
from rest_compat.naming import camelize_keys

_ENCOUNTERED = re.compile(r"encountered error '(.*)'; found:")
_VARIABLE_PREFIX = re.compile(
    r"^Variable '\$\w+' (?:has invalid value: |got invalid value [^;]*; )"
)
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


NO_VARIABLES = VariableValues(sources={}, coerced={})


def as_given(variables: VariableValues) -> dict[str, Any]:
    """The variables as a client gives them (before coercion), which is what graphql-core's
    execute and subscribe take: they coerce them again, and coerced values (a datetime, an
    input object's Python names) would not coerce."""
    return {
        name: source.value
        for name, source in variables.sources.items()
        if source.value is not Undefined
    }


async def read_variables(
    request: Request, compiled: CompiledRoute, schema: GraphQLSchema
) -> VariableValues:
    """The operation's variables, coerced as graphql-core would, or ValidationFailed."""
    body = await _read_body(request) if compiled.route.method in BODY_METHODS else {}
    values: dict[str, Any] = {}
    details: Details = {}
    for variable in compiled.variables:
        raw = _raw_value(request, body, variable)
        if raw is None:  # left out, or null: the same (the document says so)
            if variable.required:
                details[variable.rest_name] = ["This field is required."]
            continue
        try:
            values[variable.name] = (
                _enum_names(camelize_keys(raw), variable.type)
                if variable.location == "body"
                else _from_text(raw, variable)
            )
        except ValueError as exc:
            details[variable.rest_name] = [str(exc)]
    known = {v.rest_name for v in compiled.variables if v.location == "body"}
    for key in body.keys() - known:
        details[key] = ["Unknown field."]
    if details:
        raise ValidationFailed(details=details)
    return _coerce(schema, compiled, values)


async def _read_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = orjson.loads(raw)  # no recursion: nesting past 1,024 levels is an error
    except (UnicodeDecodeError, orjson.JSONDecodeError) as exc:
        raise BadRequest(f"Malformed JSON in the request body: {exc}") from exc
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


def _raw_value(request: Request, body: dict[str, Any], variable: Variable) -> Any:
    if variable.location == "path":
        return request.path_params.get(variable.rest_name)
    if variable.location == "body":
        return body.get(variable.rest_name)
    if _is_list(variable):
        items = request.query_params.getlist(variable.rest_name)
        if len(items) == 1:
            items = [item for item in items[0].split(",") if item]
        return items or None
    value = request.query_params.get(variable.rest_name)
    # `?search=` is a search for nothing, as if left out; `?start_date=` or `?limit=` names
    # no value of its type and is refused by the parsing
    return None if value == "" and _is_text(variable) else value


def _is_text(variable: Variable) -> bool:
    inner = variable.type.of_type if isinstance(variable.type, GraphQLNonNull) else variable.type
    return inner in (GraphQLString, GraphQLID)


def _is_list(variable: Variable) -> bool:
    inner = variable.type.of_type if isinstance(variable.type, GraphQLNonNull) else variable.type
    return isinstance(inner, GraphQLList)


def _from_text(raw: Any, variable: Variable) -> Any:
    """Path and query values arrive as text; GraphQL wants the typed value."""
    graphql_type: Any = variable.type
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    if isinstance(graphql_type, GraphQLList):
        inner = graphql_type.of_type
        inner = inner.of_type if isinstance(inner, GraphQLNonNull) else inner
        return [_parse_text(item, inner) for item in raw]
    return _parse_text(raw, graphql_type)


def _parse_text(text: str, graphql_type: Any) -> Any:
    if graphql_type is GraphQLInt:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"Must be an integer, got {text!r}.") from None
    if graphql_type is GraphQLFloat:
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise ValueError(f"Must be a number, got {text!r}.")
        return number
    if graphql_type is GraphQLBoolean:
        lowered = text.lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ValueError(f"Must be true or false, got {text!r}.")
    if isinstance(graphql_type, GraphQLEnumType):
        return name_of(graphql_type, text)
    return text


def _enum_names(value: Any, graphql_type: Any) -> Any:
    """A body value with each enum's value ("teach") as its name (TEACH), which GraphQL
    variables take, inside input objects and lists too. Values of the wrong shape are left
    to coercion, which names the field."""
    if isinstance(graphql_type, GraphQLNonNull):
        return _enum_names(value, graphql_type.of_type)
    if isinstance(graphql_type, GraphQLEnumType):
        return name_of(graphql_type, value) if isinstance(value, str) else value
    if isinstance(graphql_type, GraphQLList):
        if isinstance(value, list):
            return [_enum_names(item, graphql_type.of_type) for item in value]
        return _enum_names(value, graphql_type.of_type)  # GraphQL takes one item as a list
    if isinstance(graphql_type, GraphQLInputObjectType) and isinstance(value, dict):
        fields = graphql_type.fields
        return {
            key: _enum_names(item, fields[key].type) if key in fields else item
            for key, item in value.items()
        }
    return value


def _coerce(
    schema: GraphQLSchema, compiled: CompiledRoute, values: dict[str, Any]
) -> VariableValues:
    coerced = get_variable_values(schema, compiled.operation.variable_definitions or (), values)
    if not isinstance(coerced, list):
        return coerced
    by_name = {v.name: v.rest_name for v in compiled.variables}
    details: Details = {}
    for error in coerced:
        details.setdefault(_variable_of(error, by_name), []).append(_short(error.message))
    raise ValidationFailed(details=details)


def _variable_of(error: GraphQLError, by_name: dict[str, str]) -> str:
    for node in error.nodes or ():
        variable = getattr(node, "variable", None)
        if variable is not None:
            return by_name.get(variable.name.value, variable.name.value)
    return "body"


def _short(message: str) -> str:
    """graphql-core's coercion message, cut to the reason a REST client can act on:
    "Variable '$x' has invalid value: ...error 'Must be ...'; found: 'y'." -> "Must be ..."."""
    if found := _ENCOUNTERED.search(message):
        return found.group(1)
    message = _VARIABLE_PREFIX.sub("", message)
    return message.split("; found:")[0].strip()
