"""REST speaks an enum's values, as the contract spells them ("teach", "TEACHER"); GraphQL
speaks its names (TEACH). These convert between the two at the facade's edges."""

from typing import Any

from graphql import GraphQLEnumType


def values_of(enum_type: GraphQLEnumType) -> list[str]:
    return [str(value.value) for value in enum_type.values.values()]


def name_of(enum_type: GraphQLEnumType, text: str) -> str:
    """The name of the enum value a REST client sent, in any case ("Teach" is TEACH);
    ValueError naming the values otherwise."""
    wanted = text.lower()
    for name, value in enum_type.values.items():
        if wanted in (str(value.value).lower(), name.lower()):
            return name
    raise ValueError(f"Must be one of {', '.join(values_of(enum_type))}, got {text!r}.")


def value_of(enum_type: GraphQLEnumType, name: Any) -> Any:
    """The value REST answers with for a name that serializing an enum gave."""
    return enum_type.values[name].value
