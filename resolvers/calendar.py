"""The school calendar: which of the three terms a country is in on a given day."""

from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.curriculum import Term


async def current_term(session: AsyncSession, country: str, today: date) -> int | None:
    """The term running today; in a holiday, the term that comes next (after the last term
    of the year, term 1). None when no calendar is configured for the country."""
    statement = (
        select(Term)
        .where(col(Term.country) == country, col(Term.ends_on) >= today)
        .order_by(col(Term.starts_on))
        .limit(1)
    )
    upcoming = (await session.exec(statement)).first()
    if upcoming is not None:
        return upcoming.number
    any_term = (
        await session.exec(select(Term).where(col(Term.country) == country).limit(1))
    ).first()
    return 1 if any_term is not None else None
