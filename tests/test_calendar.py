"""The current term comes from the school calendar, per country."""

from datetime import date

import pytest

from models.db import make_engine, make_session_factory, transaction
from resolvers.calendar import current_term, set_term

pytestmark = pytest.mark.anyio


async def test_current_term_in_terms_holidays_and_after_the_year(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    factory = make_session_factory(engine)
    try:
        async with transaction(factory) as session:
            for number, starts, ends in (
                (1, date(2030, 1, 10), date(2030, 4, 1)),
                (2, date(2030, 5, 1), date(2030, 8, 1)),
                (3, date(2030, 9, 1), date(2030, 12, 1)),
            ):
                await set_term(
                    session, country="qq", year=2030, number=number, starts_on=starts, ends_on=ends
                )
        async with factory() as session:
            assert await current_term(session, "QQ", date(2030, 2, 1)) == 1
            assert (
                await current_term(session, "QQ", date(2030, 4, 15)) == 2
            )  # holiday: the coming term
            assert await current_term(session, "QQ", date(2030, 10, 1)) == 3
            assert (
                await current_term(session, "QQ", date(2030, 12, 20)) == 1
            )  # after the year: next year's first
            assert await current_term(session, "QW", date(2030, 2, 1)) is None  # no calendar
    finally:
        await engine.dispose()
