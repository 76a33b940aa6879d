"""Offset pagination with totals (docs/api.md, Pagination)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from ground.errors import ValidationFailed

T = TypeVar("T")
U = TypeVar("U")
DEFAULT_LIMIT, MAX_LIMIT = 20, 100


@dataclass(frozen=True)
class Pagination:
    """Offset pagination: where a page lies in the whole list."""

    limit: int
    offset: int
    total: int
    has_next: bool
    has_previous: bool


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    limit: int
    offset: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def pagination(self) -> Pagination:
        return Pagination(
            limit=self.limit,
            offset=self.offset,
            total=self.total,
            has_next=self.has_next,
            has_previous=self.has_previous,
        )

    def map(self, make: Callable[[T], U]) -> "Page[U]":
        """The same page of what `make` makes of each item (a result of each row)."""
        return Page([make(item) for item in self.items], self.limit, self.offset, self.total)


MAX_SEARCH = 100  # characters: longer than any name, e-mail or region a list is searched by


def search_pattern(search: str | None) -> str | None:
    """The LIKE pattern of a list's `search` filter (None: no filter); a search longer than
    any name could be is refused rather than scanned for."""
    if not search or not search.strip():
        return None
    if len(search) > MAX_SEARCH:
        raise ValidationFailed(details={"search": [f"At most {MAX_SEARCH} characters."]})
    escaped = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def check_window(limit: int, offset: int) -> None:
    details = {}
    if not 1 <= limit <= MAX_LIMIT:
        details["limit"] = [f"Must be between 1 and {MAX_LIMIT}."]
    if offset < 0:
        details["offset"] = ["Must be 0 or more."]
    if details:
        raise ValidationFailed(details=details)


async def paginate(
    session: AsyncSession, statement: SelectOfScalar[T], limit: int, offset: int
) -> Page[T]:
    """Two statements whatever the size: the total, and the window of rows."""
    check_window(limit, offset)
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    total = (await session.exec(counted)).one()
    rows = (await session.exec(statement.limit(limit).offset(offset))).all()
    return Page(items=list(rows), limit=limit, offset=offset, total=int(total))
