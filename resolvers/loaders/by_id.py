"""Rows of one table by primary key, one SELECT per batch of keys."""

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from strawberry.dataloader import DataLoader

from models.db import read_rows

Row = TypeVar("Row", bound=SQLModel)


class ByIdLoader(DataLoader[Any, Row | None], Generic[Row]):
    def __init__(self, engine: AsyncEngine, model: type[Row]) -> None:
        self._engine = engine
        self._model = model
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[Any]) -> list[Row | None]:
        table = self._model.__table__  # type: ignore[attr-defined]
        found = await read_rows(self._engine, select(table).where(table.c.id.in_(keys)))
        by_id = {row.id: self._model(**row._mapping) for row in found}
        return [by_id.get(key) for key in keys]
