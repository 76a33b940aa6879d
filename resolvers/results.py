"""How a table row becomes a resolver's result: the one place columns are copied.

A result is a frozen dataclass of the resolver module that answers with it; schema/
registers it as a GraphQL type (schema/results.py). `result_of` fills each of its fields
from the row's column of the same name, so a result lists its fields once and a new column
reaches the API only when a result names it (a password hash never does by accident)."""

from dataclasses import fields
from enum import Enum
from functools import cache
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

Result = TypeVar("Result")


def result_of(
    result: type[Result], row: object, columns: dict[str, str] | None = None, **values: Any
) -> Result:
    """`result` made from `row`: each field from the column of its name (or the column
    `columns` maps it to), stored strings turned into the field's enum; `values` gives
    fields that are not columns."""
    renamed = columns or {}
    made = dict(values)
    for name, enum in _fields(result):  # type: ignore[arg-type]  # a class is hashable
        if name in made:
            continue
        value = getattr(row, renamed.get(name, name))
        made[name] = enum(value) if enum is not None and value is not None else value
    return result(**made)


@cache
def _fields(result: type) -> tuple[tuple[str, type[Enum] | None], ...]:
    hints = get_type_hints(result)
    made = [field for field in fields(result) if field.init]  # not the computed GraphQL fields
    return tuple((field.name, _enum_in(hints[field.name])) for field in made)


def _enum_in(hint: Any) -> type[Enum] | None:
    """The enum a field holds (`Role` or `Role | None`), if any."""
    if get_origin(hint) in (Union, UnionType):
        found = [_enum_in(arg) for arg in get_args(hint) if arg is not type(None)]
        return found[0] if len(found) == 1 else None
    return hint if isinstance(hint, type) and issubclass(hint, Enum) else None
