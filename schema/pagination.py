"""The contract's `pagination` object and the page types built on it."""

from typing import Generic, TypeVar

import strawberry

from resolvers.pagination import Page as PageResult
from resolvers.pagination import Pagination
from schema.results import graphql_type

T = TypeVar("T")

graphql_type(Pagination)


@strawberry.type(
    description="One page of a list: its items and where the page lies in the whole list."
)
class Page(Generic[T]):
    items: list[T]
    pagination: Pagination

    @classmethod
    def of(cls, page: PageResult[T]) -> "Page[T]":
        return cls(items=page.items, pagination=page.pagination)
