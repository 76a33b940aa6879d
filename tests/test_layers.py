"""What the import-linter contracts of `make lint` cannot say: no project module imports a
private name of a third-party package (a name or module starting with `_`), which a minor
release may change without notice; and the one private attribute read, Strawberry's
graphql-core schema, is read in one module."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "ground",
    "models",
    "analytics",
    "tutor",
    "resolvers",
    "schema",
    "rest_compat",
    "learnloom",
)
PRIVATE = re.compile(r"(^|\.)_[^_]")


def project_modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def private_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in PACKAGES:
                continue
            names = [alias.name for alias in node.names]
            if PRIVATE.search(node.module) or any(PRIVATE.search(name) for name in names):
                found.append(f"from {node.module} import {', '.join(names)}")
        elif isinstance(node, ast.Import):
            found += [
                f"import {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] not in PACKAGES and PRIVATE.search(alias.name)
            ]
    return found


def test_the_check_sees_a_private_import() -> None:
    assert private_imports("from strawberry.schema.schema import _Info") != []
    assert private_imports("import graphql._private.thing") != []
    assert private_imports("from ground._x import y") == []  # the project's own
    assert private_imports("from graphql import GraphQLError, __version__") == []


@pytest.mark.parametrize("module", project_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_of_a_third_party_package_is_imported(module: Path) -> None:
    assert private_imports(module.read_text()) == []


def test_strawberrys_graphql_core_schema_is_read_in_one_place() -> None:
    readers = [
        str(p.relative_to(ROOT))
        for p in project_modules()
        if re.search(r"\bschema\)?\._schema\b", p.read_text())
    ]
    assert readers == ["schema/core_schema.py"]


# The schema's own classes: the roots, the scope whose every figure is computed when asked
# for, and the generic page (each `XPage` type is Strawberry's specialisation of it).
SCHEMA_CLASSES = {"Query", "Mutation", "Subscription", "Analytics"}


def test_every_object_type_is_a_resolvers_result() -> None:
    """One way from a resolver's answer to a GraphQL type: the answer's own class, registered
    in schema/. A class declared in schema/ beside a resolver's class with the same fields
    (copied over in an `of(row)`) is what this stops."""
    from graphql import GraphQLObjectType

    from schema.core_schema import graphql_core_schema
    from schema.root import default_schema

    schema = default_schema()
    elsewhere = {}
    for name, graphql_type in graphql_core_schema(schema).type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or name.startswith("__"):
            continue
        definition = schema.get_type_by_name(name)
        origin = definition.origin if definition is not None else None  # type: ignore[union-attr]
        module = getattr(origin, "__module__", "")
        is_page = name.endswith("Page") and getattr(origin, "__name__", "") == "Page"
        if not module.startswith("resolvers.") and not is_page and name not in SCHEMA_CLASSES:
            elsewhere[name] = module
    assert elsewhere == {}
