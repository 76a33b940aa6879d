"""DataLoaders batch: one statement for many keys, results in key order, None if missing."""

import asyncio
from pathlib import Path

import pytest

from learnloom.state import build_state
from resolvers.context import Context
from tests.conftest import make_settings
from tests.sql_counter import count_statements

pytestmark = pytest.mark.anyio


async def test_school_loader_batches_and_keeps_key_order(
    demo_database_url: str, tmp_path: Path
) -> None:
    state = build_state(make_settings(demo_database_url, tmp_path))
    try:
        context = Context(state=state, request_id="test")
        with count_statements(state.engine) as statements:
            schools = await asyncio.gather(
                *(context.loaders.school.load(k) for k in (3, 1, 999, 2, 1))
            )
        assert len(statements) == 1
        assert [s.id if s else None for s in schools] == [3, 1, None, 2, 1]
        assert schools[1] is not None and schools[1].name == "St. Mary's Academy"
    finally:
        await state.close()


async def test_loaders_are_not_shared_between_requests(
    demo_database_url: str, tmp_path: Path
) -> None:
    state = build_state(make_settings(demo_database_url, tmp_path))
    try:
        first, second = Context(state=state, request_id="a"), Context(state=state, request_id="b")
        assert first.loaders.school is first.loaders.school
        assert first.loaders.school is not second.loaders.school
    finally:
        await state.close()
