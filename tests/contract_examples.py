"""The response examples of the Grio API contract (kept in tests/fixtures/), and a check that a
response has the example's keys and value types."""

import json
from functools import cache
from pathlib import Path
from typing import Any

# The success responses that the Grio API contract documents, one per "METHOD path", kept
# in the repository: this file is the copy the checks read.
EXAMPLES = Path(__file__).parent / "fixtures" / "grio_response_examples.json"


@cache
def examples() -> dict[tuple[str, str], Any]:
    """(method, path) -> the documented success response."""
    documented = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    return {tuple(key.split(" ", 1)): value for key, value in documented.items()}  # type: ignore[misc]


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
