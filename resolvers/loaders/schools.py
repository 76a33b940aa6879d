"""Schools by id, one SELECT per batch of keys."""

from collections.abc import Sequence

from sqlmodel import col, select
from strawberry.dataloader import DataLoader

from models.db import SessionFactory
from models.identity import School


class SchoolLoader(DataLoader[int, School | None]):
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[School | None]:
        async with self._sessions() as session:
            rows = await session.exec(select(School).where(col(School.id).in_(keys)))
            by_id = {school.id: school for school in rows}
        return [by_id.get(key) for key in keys]
