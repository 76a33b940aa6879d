"""The school calendar: which of the three terms a country is in on a given day."""

from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.errors import ValidationFailed
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


async def set_term(
    session: AsyncSession, *, country: str, year: int, number: int, starts_on: date, ends_on: date
) -> Term:
    """Create or move one term of a country's school year; terms may not overlap."""
    country = country.strip().upper()
    details: dict[str, list[str]] = {}
    if len(country) != 2 or not country.isalpha():
        details["country"] = ["Must be a two-letter country code, e.g. UG."]
    if number not in (1, 2, 3):
        details["term"] = ["Must be 1, 2 or 3."]
    if ends_on <= starts_on:
        details["ends_on"] = ["Must be after the start."]
    if details:
        raise ValidationFailed(details=details)
    others = await session.exec(
        select(Term).where(
            col(Term.country) == country, col(Term.year) == year, col(Term.number) != number
        )
    )
    for other in others:
        if other.starts_on <= ends_on and starts_on <= other.ends_on:
            raise ValidationFailed(
                details={
                    "starts_on": [
                        f"Overlaps term {other.number} ({other.starts_on} to {other.ends_on})."
                    ]
                }
            )
    term = (
        await session.exec(
            select(Term).where(
                col(Term.country) == country, col(Term.year) == year, col(Term.number) == number
            )
        )
    ).first() or Term(
        country=country, year=year, number=number, starts_on=starts_on, ends_on=ends_on
    )
    term.starts_on, term.ends_on = starts_on, ends_on
    session.add(term)
    return term
