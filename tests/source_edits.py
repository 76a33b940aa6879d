"""Edits to the platform database that tests of the warehouse load make between refreshes."""

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import DEMO_NOW


async def run(engine: AsyncEngine, sql: str, **values: Any) -> Any:
    async with engine.begin() as connection:
        return await connection.execute(text(sql), values)


async def add_visit(
    engine: AsyncEngine, hid: str, updated_at: datetime, minutes: float = 12.0, score: float = 70
) -> None:
    await run(
        engine,
        """
        INSERT INTO learning_history (id, student_id, lesson_id, accessed_at, updated_at, duration_minutes, status, score)
        SELECT :id, e.student_id, l.id, :at, :updated, :minutes, 'completed', :score
        FROM subject_enrollments e JOIN topics t ON t.subject_id = e.subject_id JOIN lessons l ON l.topic_id = t.id
        ORDER BY e.id, l.id LIMIT 1
    """,
        id=hid,
        at=DEMO_NOW,
        updated=updated_at,
        minutes=minutes,
        score=score,
    )
