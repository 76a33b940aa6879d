"""The facade's compiled plans give exactly what graphql-core gives, batch DataLoaders,
and fall back to graphql-core for documents they do not cover."""

import pytest
from graphql import execute
from graphql.execution.values import get_variable_values

from rest_compat.endpoint import FacadeExecutor
from rest_compat.plan import execute_plan
from tests.rest_fixture_schema import FakeContext, compiled_routes, test_schema

pytestmark = pytest.mark.anyio

INPUTS = {
    "echo": {"count": 2, "flag": True, "level": "HARD", "names": ["a"], "ratio": 0.5},
    "item": {"itemId": 1},
    "create": {"title": "x", "note": {"lessonId": 3}, "dueDate": "2026-03-28T23:59:59Z"},
    "lessons": {"count": 7},
}


def by_operation() -> dict:
    return {c.route.operation: c for c in compiled_routes()}


@pytest.mark.parametrize("operation", sorted(INPUTS))
async def test_plan_and_graphql_core_agree(operation: str) -> None:
    compiled = by_operation()[operation]
    assert compiled.plan is not None
    variables = get_variable_values(
        test_schema._schema, compiled.operation.variable_definitions or (), INPUTS[operation]
    )
    assert not isinstance(variables, list)
    planned = await execute_plan(compiled.plan, FakeContext("a"), variables)
    result = execute(
        test_schema._schema,
        compiled.document,
        context_value=FakeContext("b"),
        variable_values=INPUTS[operation],
        executor_class=FacadeExecutor,
    )
    if not hasattr(result, "data"):
        result = await result
    assert result.errors is None
    assert planned == result.data


async def test_plan_batches_dataloader_calls_across_list_items() -> None:
    compiled = by_operation()["lessons"]
    variables = get_variable_values(
        test_schema._schema, compiled.operation.variable_definitions or (), {"count": 9}
    )
    context = FakeContext("a")
    data = await execute_plan(compiled.plan, context, variables)  # type: ignore[arg-type]
    assert [lesson["topic"]["name"] for lesson in data["lessons"][:4]] == [
        "topic 0",
        "topic 1",
        "topic 2",
        "topic 0",
    ]
    assert context.batches == [[0, 1, 2]]


def test_documents_with_directives_fall_back_to_graphql_core() -> None:
    assert by_operation()["echo_skip"].plan is None
    assert by_operation()["echo"].plan is not None


async def test_errors_from_async_resolvers_propagate() -> None:
    from graphql import parse

    from ground.errors import NotFound
    from rest_compat.plan import build_plan

    plan = build_plan(test_schema._schema, parse("{ slowFailure { id } }"))
    assert plan is not None
    with pytest.raises(NotFound):
        await execute_plan(plan, FakeContext("a"), get_variable_values(test_schema._schema, (), {}))  # type: ignore[arg-type]
