"""REST speaks snake_case, GraphQL camelCase; these convert between the two."""

import re
from typing import Any

_UPPER = re.compile(r"(?<!^)(?=[A-Z])")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    return _UPPER.sub("_", name).lower()


def camelize_keys(value: Any) -> Any:
    """Body objects are sent with snake_case keys; GraphQL input fields are camelCase."""
    if isinstance(value, dict):
        return {camel(key): camelize_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camelize_keys(item) for item in value]
    return value
