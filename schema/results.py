"""Resolvers' result classes that become GraphQL types themselves, decorated in place. Used
where a type has no field to compute lazily, so a second class per type would only repeat
the first one's fields."""

import strawberry

import schema.enums  # noqa: F401  # registers the enums that result classes' fields are typed with


def graphql_type(result: type, name: str | None = None) -> None:
    """Makes a resolver's frozen dataclass a GraphQL object type, described by its docstring."""
    strawberry.type(result, name=name, description=result.__doc__)
