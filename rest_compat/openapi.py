"""The OpenAPI 3.1 document, generated from the route table and the operation documents:
parameters and bodies from the variables, response schemas from the selection sets."""

import json
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    SelectionSetNode,
)

from rest_compat.compile import CompiledRoute
from rest_compat.enums import values_of
from rest_compat.naming import snake
from rest_compat.route import Envelope
from rest_compat.selections import selected_fields
from schema.input_rules import MAX_LIMIT, MAX_SEARCH, SCHEDULE_SCHEMA, export_schema, limited

JSONSchema = dict[str, Any]

_SCALARS: dict[str, JSONSchema] = {
    "Int": {"type": "integer", "format": "int32", "minimum": -(2**31), "maximum": 2**31 - 1},
    "Float": {"type": "number"},
    "String": {"type": "string"},
    "ID": {"type": "string"},
    "Boolean": {"type": "boolean"},
    "DateTime": {"type": "string", "format": "date-time"},
    "Date": {"type": "string", "format": "date"},
    "JSON": {},
}

_ERROR_DESCRIPTIONS = {
    400: "Malformed JSON or an unreadable request",
    408: "The request body did not arrive in time",
    413: "The request body is larger than the server reads",
    401: "Missing or invalid token",
    403: "The caller may not do this",
    404: "The resource does not exist",
    409: "Conflicts with the current state",
    422: "Validation failed; details name each field",
    429: "Rate limit exceeded",
    500: "Unexpected server error",
    503: "A dependency is not ready, or storage cannot be read or written",
}
# The code each status carries most often, as its example (not RESOURCE_NOT_FOUND for all).
_ERROR_CODES = {
    400: "BAD_REQUEST",
    401: "INVALID_TOKEN",
    403: "PERMISSION_DENIED",
    404: "RESOURCE_NOT_FOUND",
    408: "REQUEST_TIMEOUT",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMIT_EXCEEDED",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}
# The shapes of answers that GraphQL leaves as JSON scalars, by "Type.field".
_JSON_SHAPES: dict[str, JSONSchema] = {
    "TeacherClass.schedule": SCHEDULE_SCHEMA,
    "Query.studentDataExport": export_schema(),
}
# Every response reports the caller's rate-limit budget (learnloom/rate_limits.py).
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed in the window",
    "X-RateLimit-Remaining": "Requests left in the window",
    "X-RateLimit-Reset": "When the window frees up, in seconds since the epoch",
}
# Query parameters whose range the resolvers check, from the same constants.
_PAGING = {
    "limit": {
        "minimum": 1,
        "maximum": MAX_LIMIT,
        "description": f"Items per page (1 to {MAX_LIMIT})",
    },
    "offset": {"minimum": 0, "description": "Items to skip"},
    "search": {"maxLength": MAX_SEARCH, "description": "Text the names contain (any case)"},
}

ERROR_SCHEMA: JSONSchema = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "examples": ["RESOURCE_NOT_FOUND"]},
                "message": {"type": "string"},
                "details": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}


class _Components:
    """The named object schemas of the answers: one per GraphQL type and selection, so a
    generated client has one `Pagination`, one `AdminSchool`, ... A type selected with other
    fields elsewhere is named after that operation too (`LessonContentLesson`)."""

    def __init__(self) -> None:
        self.schemas: dict[str, JSONSchema] = {}
        self._names: dict[str, str] = {}

    def ref(self, type_name: str, operation: str, schema: JSONSchema) -> JSONSchema:
        key = json.dumps(schema, sort_keys=True)
        name = self._names.get(key)
        if name is None:
            name = type_name if type_name not in self.schemas else operation + type_name
            suffix = 2
            while name in self.schemas:
                name, suffix = f"{operation}{type_name}{suffix}", suffix + 1
            self.schemas[name] = schema
            self._names[key] = name
        return {"$ref": f"#/components/schemas/{name}"}


def openapi_document(routes: list[CompiledRoute], *, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    components = _Components()
    for compiled in routes:
        route = compiled.route
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(compiled, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "LearnLoom API",
            "version": version,
            "description": "REST facade of the LearnLoom GraphQL API (/graphql). Each path runs "
            "one GraphQL operation; errors share the body shown in components/schemas/Error.",
            "license": {"name": "Proprietary", "identifier": "LicenseRef-LearnLoom"},
        },
        "servers": [{"url": "/", "description": "This server"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA, **components.schemas},
            "headers": {
                name: {"description": description, "schema": {"type": "integer"}}
                for name, description in RATE_LIMIT_HEADERS.items()
            },
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _operation(compiled: CompiledRoute, components: _Components) -> dict[str, Any]:
    route = compiled.route
    operation: dict[str, Any] = {
        "operationId": compiled.operation.name.value
        if compiled.operation.name
        else route.operation,
        "summary": route.summary,
        "tags": [route.tag],
        "description": f"Runs the GraphQL operation `rest_compat/operations/{route.operation}.graphql`.",
        "security": [] if route.public else [{"bearerAuth": []}],
    }
    parameters = [
        _parameter(
            variable.rest_name, variable.location, variable.required, variable.type, route.operation
        )
        for variable in compiled.variables
        if variable.location in ("path", "query")
    ]
    if 304 in route.errors:
        parameters.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "The ETag of a copy the client holds: 304 while it is current",
                "schema": {"type": "string"},
            }
        )
    if parameters:
        operation["parameters"] = parameters
    body = [v for v in compiled.variables if v.location == "body"]
    if body:
        operation["requestBody"] = {
            "required": any(v.required for v in body),
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            v.rest_name: _optional(
                                limited(_input_schema(v.type), route.operation, v.rest_name),
                                v.required,
                            )
                            for v in body
                        },
                        "required": [v.rest_name for v in body if v.required],
                        "additionalProperties": False,
                    }
                }
            },
        }
    operation["responses"] = {
        str(route.status): {
            "description": "Success",
            "content": {"application/json": {"schema": _response_schema(compiled, components)}},
        },
        **{str(status): _error_response(status) for status in _error_statuses(compiled)},
    }
    if compiled.stream is not None:  # Accept: text/event-stream (rest_compat/stream.py)
        operation["responses"][str(route.status)]["content"]["text/event-stream"] = {
            "schema": {
                "type": "string",
                "description": "Server-Sent Events: `delta` events with pieces of the answer "
                '({"data": text}), then one `message` event with the whole answer as JSON '
                '({"data": {...}}); an `error` event in the error format if it fails midway.',
            }
        }
    success = operation["responses"][str(route.status)]
    success["headers"] = _rate_limit_headers()
    if 304 in route.errors:  # answers read from a warehouse snapshot carry its ETag
        success["headers"]["ETag"] = {
            "description": "The snapshot version and the caller's scope",
            "schema": {"type": "string"},
        }
    return operation


def _parameter(
    name: str, location: str, required: bool, graphql_type: Any, operation: str
) -> dict[str, Any]:
    schema = limited(_input_schema(graphql_type), operation, name)
    found: dict[str, Any] = {
        "name": name,
        "in": location,
        "required": location == "path" or required,
    }
    paging = _PAGING.get(name) if location == "query" else None
    if paging is not None:
        found["description"] = paging["description"]
        schema = {**schema, **{k: v for k, v in paging.items() if k != "description"}}
    elif location == "path" and schema.get("type") == "integer":
        schema = {**schema, "minimum": 1}  # ids start at 1
        found["description"] = f"The {name.replace('_', ' ')}"
    found["schema"] = schema
    return found


def _rate_limit_headers() -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT_HEADERS}


def _error_statuses(compiled: CompiledRoute) -> list[int]:
    statuses = {500, *compiled.route.errors}
    if compiled.route.path not in ("/api/health", "/api/v1/ai/health/"):
        statuses.add(429)  # the default limit counts every request but the health probes
        statuses.add(503)  # STORAGE_UNAVAILABLE: the probes alone touch no storage
    if compiled.route.method != "GET":
        statuses |= {408, 413}  # learnloom/middleware.py reads every body first
    if not compiled.route.public:
        statuses |= {401, 403}
    if any(v.location == "body" for v in compiled.variables):
        statuses.add(400)
    if compiled.variables:
        statuses.add(422)
    if compiled.path_params or any(
        v.rest_name.endswith(("_id", "_ids")) for v in compiled.variables
    ):
        statuses.add(404)  # an id in the path, query or body may name nothing the caller sees
    return sorted(statuses)


def _error_response(status: int) -> dict[str, Any]:
    if status == 304:
        return {
            "description": "Not modified: If-None-Match named the current ETag (no body)",
            "headers": _rate_limit_headers(),
        }
    headers = _rate_limit_headers()
    if status == 429:
        headers["Retry-After"] = {
            "description": "Seconds until a request may succeed",
            "schema": {"type": "integer"},
        }
    example = {"error": {"code": _ERROR_CODES.get(status, "ERROR"), "message": "…", "details": {}}}
    return {
        "description": _ERROR_DESCRIPTIONS.get(status, "Error"),
        "headers": headers,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": example,
            }
        },
    }


@dataclass(frozen=True)
class _Answer:
    """What shaping one operation's answer needs besides the types."""

    fragments: dict[str, FragmentDefinitionNode]
    components: _Components
    operation: str  # the operation's name, for the names of its own shapes


def _response_schema(compiled: CompiledRoute, components: _Components) -> JSONSchema:
    answer = _Answer(
        fragments={
            d.name.value: d
            for d in compiled.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        },
        components=components,
        operation=compiled.operation.name.value if compiled.operation.name else "",
    )
    root_field = compiled.operation.selection_set.selections[0]
    assert isinstance(root_field, FieldNode)
    shape = _JSON_SHAPES.get(
        f"{compiled.operation.operation.value.title()}.{root_field.name.value}"
    )
    if shape is not None:
        schema = answer.components.ref(
            root_field.name.value[:1].upper() + root_field.name.value[1:], answer.operation, shape
        )
    else:
        schema = _output_schema(compiled.root_type, root_field.selection_set, answer)
    if compiled.route.envelope is Envelope.DATA:
        return {"type": "object", "required": ["data"], "properties": {"data": schema}}
    return schema


def _output_schema(
    graphql_type: Any, selection_set: SelectionSetNode | None, answer: _Answer
) -> JSONSchema:
    if isinstance(graphql_type, GraphQLNonNull):
        return _output_schema_non_null(graphql_type.of_type, selection_set, answer)
    return _nullable(_output_schema_non_null(graphql_type, selection_set, answer))


def _output_schema_non_null(
    graphql_type: Any, selection_set: SelectionSetNode | None, answer: _Answer
) -> JSONSchema:
    if isinstance(graphql_type, GraphQLNonNull):
        return _output_schema_non_null(graphql_type.of_type, selection_set, answer)
    if isinstance(graphql_type, GraphQLList):
        return {
            "type": "array",
            "items": _output_schema(graphql_type.of_type, selection_set, answer),
        }
    if isinstance(graphql_type, GraphQLScalarType):
        return dict(_SCALARS.get(graphql_type.name, {}))
    if isinstance(graphql_type, GraphQLEnumType):
        return {"type": "string", "enum": values_of(graphql_type)}
    assert selection_set is not None
    if isinstance(graphql_type, GraphQLUnionType):
        return _union_schema(graphql_type, selection_set, answer)
    assert isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType)
    return answer.components.ref(
        graphql_type.name,
        answer.operation,
        _object_schema(graphql_type, selection_set, answer, None),
    )


def _union_schema(
    union: GraphQLUnionType, selection_set: SelectionSetNode, answer: _Answer
) -> JSONSchema:
    """One of the members; where each member selects an enum `type` whose value names it
    (TextBlock: "text"), that field is the discriminator a client narrows the union by."""
    members = {
        member.name: _object_schema(member, selection_set, answer, member.name)
        for member in union.types
    }
    mapping = {}
    for name, schema in members.items():
        values = schema["properties"].get("type", {}).get("enum", [])
        own = [value for value in values if name.lower().startswith(str(value).lower())]
        if len(own) == 1:
            mapping[own[0]] = name
            schema["properties"]["type"] = {"type": "string", "enum": own}
    refs = {
        name: answer.components.ref(name, answer.operation, schema)
        for name, schema in members.items()
    }
    found: JSONSchema = {"oneOf": list(refs.values())}
    if len(mapping) == len(members):
        found["discriminator"] = {
            "propertyName": "type",
            "mapping": {value: refs[name]["$ref"] for value, name in mapping.items()},
        }
    return found


def _object_schema(
    graphql_type: GraphQLObjectType | GraphQLInterfaceType,
    selection_set: SelectionSetNode,
    answer: _Answer,
    type_name: str | None,
) -> JSONSchema:
    properties: dict[str, JSONSchema] = {}
    for field in selected_fields(selection_set, answer.fragments, type_name):
        key = (field.alias or field.name).value
        if field.name.value == "__typename":
            properties[key] = {"type": "string"}
            continue
        definition = graphql_type.fields[field.name.value]
        shape = _JSON_SHAPES.get(f"{graphql_type.name}.{field.name.value}")
        properties[key] = shape or _output_schema(definition.type, field.selection_set, answer)
        if definition.description:
            properties[key] = {**properties[key], "description": definition.description}
    found: JSONSchema = {"type": "object", "properties": properties, "required": list(properties)}
    if graphql_type.description:
        found["description"] = graphql_type.description
    return found


def _nullable(schema: JSONSchema) -> JSONSchema:
    kind = schema.get("type")
    if isinstance(kind, str) and kind not in ("object", "array"):
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _optional(schema: JSONSchema, required: bool) -> JSONSchema:
    """An optional body field also takes null, which means the same as leaving it out
    (rest_compat/inputs.py reads both as "not given")."""
    if required:
        return schema
    if "enum" in schema:
        schema = {**schema, "enum": [*schema["enum"], None]}
    return {**_nullable(schema), "description": "null is the same as leaving the field out"}


def _input_schema(graphql_type: Any) -> JSONSchema:
    # Optional query parameters are left out, never null; body fields may be null (_optional).
    if isinstance(graphql_type, GraphQLNonNull):
        return _input_schema(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        schema: JSONSchema = {"type": "array", "items": _input_schema(graphql_type.of_type)}
    elif isinstance(graphql_type, GraphQLScalarType):
        schema = dict(_SCALARS.get(graphql_type.name, {}))
    elif isinstance(graphql_type, GraphQLEnumType):
        schema = {"type": "string", "enum": values_of(graphql_type)}
    else:
        assert isinstance(graphql_type, GraphQLInputObjectType)
        fields = graphql_type.fields
        return {
            "type": "object",
            "properties": {
                snake(name): _input_schema(field.type) for name, field in fields.items()
            },
            "required": [
                snake(name)
                for name, field in fields.items()
                if isinstance(field.type, GraphQLNonNull) and field.default_value is None
            ],
            "additionalProperties": False,
        }
    return schema
