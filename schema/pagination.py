"""The contract's `pagination` object and the page types built on it."""

from typing import Any, Generic, TypeVar

import strawberry

from resolvers.pagination import Page as PageResult

T = TypeVar("T")


@strawberry.type(description="Offset pagination: where a page lies in the whole list.")
class Pagination:
    limit: int
    offset: int
    total: int
    has_next: bool
    has_previous: bool

    @classmethod
    def of(cls, page: PageResult[Any]) -> "Pagination":
        return cls(
            limit=page.limit,
            offset=page.offset,
            total=page.total,
            has_next=page.has_next,
            has_previous=page.has_previous,
        )


@strawberry.type(
    description="One page of a list: its items and where the page lies in the whole list."
)
class Page(Generic[T]):
    items: list[T]
    pagination: Pagination
