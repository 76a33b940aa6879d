"""Resolvers' result classes that become GraphQL types themselves, registered here in the
schema: the one way resolver results reach the API where a type has no field to compute
lazily (a second class per type would only repeat the first one's fields)."""

import strawberry
from strawberry.types.base import get_object_definition

import schema.enums  # noqa: F401  # registers the enums that result classes' fields are typed with


def graphql_type(
    result: type, name: str | None = None, fields: dict[str, str] | None = None
) -> None:
    """Makes a resolver's frozen dataclass a GraphQL object type, described by its docstring,
    with `fields` describing fields by their Python names."""
    strawberry.type(result, name=name, description=result.__doc__)
    for field in get_object_definition(result, strict=True).fields:
        if fields and field.python_name in fields:
            field.description = fields[field.python_name]
