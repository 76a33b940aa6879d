"""The top-level names are generic (`schema`, `models`): each must be this repository's."""

import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "name", ["learnloom", "schema", "resolvers", "rest_compat", "models", "analytics", "tutor"]
)
def test_package_imports_from_this_repository(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve() == REPO / name / "__init__.py"


@pytest.mark.parametrize(
    "name", ["learnloom", "schema", "resolvers", "rest_compat", "models", "analytics", "tutor"]
)
def test_package_init_holds_no_logic(name: str) -> None:
    assert (REPO / name / "__init__.py").read_text().strip() == ""
