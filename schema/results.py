"""Resolvers' result classes become the GraphQL types themselves, registered here in the
schema: the one way resolver results reach the API. A type's fields are the result's
fields, written once in its resolver module; fields worth computing only when a query asks
for them (a lesson's topic, a class's students) are functions of the schema module, each
taking the result as `root` and handing off to a resolver."""

from collections.abc import Iterable

import strawberry
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField

import schema.enums  # noqa: F401  # registers the enums that result classes' fields are typed with


def graphql_type(
    result: type,
    name: str | None = None,
    fields: dict[str, str] | None = None,
    computed: Iterable[StrawberryField] = (),
) -> None:
    """Makes a resolver's frozen dataclass a GraphQL object type, described by its docstring,
    with `fields` describing fields by their Python names and `computed` adding the fields
    resolved when asked for (after the result's own)."""
    for field in computed:
        assert field.base_resolver is not None, "a computed field has a resolver"
        setattr(result, field.base_resolver.name, field)
    description = " ".join((result.__doc__ or "").split()) or None  # a docstring's lines, as one
    strawberry.type(result, name=name, description=description)
    for field in get_object_definition(result, strict=True).fields:
        if fields and field.python_name in fields:
            field.description = fields[field.python_name]
