"""The response examples of grio-api-v1.txt, read from the contract itself, and a check
that a response has the example's keys and value types."""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contracts" / "grio-api-v1.txt"
_SECTION = re.compile(r"^\d+\.\d+ (GET|POST|PATCH|PUT|DELETE) (/api/\S+)", re.M)


@cache
def examples() -> dict[tuple[str, str], Any]:
    """(method, path) -> the documented success response."""
    if not CONTRACT.is_file():
        pytest.skip(f"the contract is not at {CONTRACT}")
    text = CONTRACT.read_text()
    found: dict[tuple[str, str], Any] = {}
    sections = list(_SECTION.finditer(text))
    for section, following in zip(sections, [*sections[1:], None], strict=True):
        body = text[section.end() : following.start() if following else len(text)]
        marker = body.find("Response (")
        if marker < 0:
            continue
        start = body.find("{", marker)
        found[(section.group(1), section.group(2))] = json.JSONDecoder().raw_decode(body[start:])[0]
    return found


def assert_shape(
    actual: Any, example: Any, where: str = "$", extra: frozenset[str] = frozenset()
) -> None:
    """Same keys as the example, values of the same JSON types (null stands for any
    optional value); lists are checked item by item against the example's items."""
    if example is None or actual is None:
        return
    if isinstance(example, dict):
        assert isinstance(actual, dict), f"{where}: expected an object"
        assert set(actual) - extra == set(example), (
            f"{where}: keys {sorted(actual)} != {sorted(example)}"
        )
        for key, value in example.items():
            assert_shape(actual[key], value, f"{where}.{key}")
    elif isinstance(example, list):
        assert isinstance(actual, list), f"{where}: expected a list"
        for index, item in enumerate(actual):
            assert_shape(item, _matching_item(item, example), f"{where}[{index}]")
    elif isinstance(example, bool):
        assert isinstance(actual, bool), f"{where}: expected a boolean, got {actual!r}"
    elif isinstance(example, int | float):
        assert isinstance(actual, int | float) and not isinstance(actual, bool), (
            f"{where}: expected a number"
        )
        if isinstance(example, int) and not isinstance(example, bool) and "." not in str(example):
            assert isinstance(actual, int), f"{where}: expected an integer, got {actual!r}"
    else:
        assert isinstance(actual, str), f"{where}: expected a string, got {actual!r}"


def _matching_item(item: Any, example: list[Any]) -> Any:
    """The example item to compare with: the one of the same `type` (content blocks), or,
    for lists of objects, all the example items' keys together (some omit optional keys)."""
    if not example:
        return None
    objects = [e for e in example if isinstance(e, dict)]
    if not objects or not isinstance(item, dict):
        return example[0]
    if "type" in item:
        same = [e for e in objects if e.get("type") == item["type"]]
        if same:
            return same[0]
    merged: dict[str, Any] = {}
    for candidate in objects:
        for key, value in candidate.items():
            if merged.get(key) is None:
                merged[key] = value
    return merged
