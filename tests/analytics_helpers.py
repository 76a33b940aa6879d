"""The analytics figures computed independently, in plain Python, from the platform's rows,
and a check that the figures served over HTTP equal them."""

from collections import defaultdict
from datetime import datetime, timedelta
from statistics import mean

import httpx
import pytest
from sqlalchemy import text

from models.db import make_engine


async def source_rows(database_url: str) -> tuple[list, list]:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            enrollments = (
                await connection.execute(
                    text("""
                SELECT e.student_id, e.subject_id, e.classroom_id, COALESCE(c.school_id, u.school_id) AS school_id, e.status
                FROM subject_enrollments e LEFT JOIN classrooms c ON c.id = e.classroom_id JOIN users u ON u.id = e.student_id
            """)
                )
            ).all()
            history = (
                await connection.execute(
                    text("""
                SELECT h.student_id, t.subject_id, h.accessed_at, h.score FROM learning_history h
                JOIN lessons l ON l.id = h.lesson_id JOIN topics t ON t.id = l.topic_id WHERE h.duration_minutes >= 0
            """)
                )
            ).all()
    finally:
        await engine.dispose()
    return enrollments, history


def as_time(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (
        moment.replace(tzinfo=None)
        if moment.tzinfo is None
        else moment.astimezone().replace(tzinfo=None)
        - (moment.astimezone().utcoffset() or timedelta())
    )


def expected(enrollments: list, history: list, keep) -> dict:  # type: ignore[no-untyped-def]
    """docs/analytics.md, computed in plain Python."""
    scoped = [e for e in enrollments if keep(e)]
    pairs = {(e.student_id, e.subject_id) for e in scoped}
    as_of = max(as_time(h.accessed_at) for h in history)
    activities = [h for h in history if (h.student_id, h.subject_id) in pairs]
    scores = [h for h in activities if h.score is not None and 0 <= h.score <= 100]
    recent30 = {
        (h.student_id, h.subject_id)
        for h in activities
        if as_time(h.accessed_at) > as_of - timedelta(days=30)
    }
    by_day, by_week, count_day = defaultdict(list), defaultdict(list), defaultdict(int)
    for h in scores:
        day = as_time(h.accessed_at).date()
        by_day[day.isoformat()].append(h.score)
        year, week, _ = day.isocalendar()
        by_week[f"{year}-W{week:02d}"].append(h.score)
    for h in activities:
        count_day[as_time(h.accessed_at).date().isoformat()] += 1
    dropped = [
        e
        for e in scoped
        if e.status == "withdrawn"
        or (e.status != "completed" and (e.student_id, e.subject_id) not in recent30)
    ]
    return {
        "total_students": len({e.student_id for e in scoped}),
        "active_students": len(
            {h.student_id for h in activities if as_time(h.accessed_at) > as_of - timedelta(days=7)}
        ),
        "average_score": mean(h.score for h in scores),
        "completion_rate": sum(e.status == "completed" for e in scoped) / len(scoped),
        "dropout_rate": len(dropped) / len(scoped),
        "score_trend": {day: mean(v) for day, v in sorted(by_day.items())},
        "weekly": {week: mean(v) for week, v in sorted(by_week.items())},
        "activity": dict(sorted(count_day.items())),
    }


async def assert_summary_figures(
    client: httpx.AsyncClient, headers: dict[str, str], want: dict
) -> None:
    """The summary figures and trends over HTTP equal `want` (from `expected`)."""

    async def get(path: str) -> dict:
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    assert await get("/api/total-students") == {"total_students": want["total_students"]}
    assert await get("/api/active-students") == {"active_students": want["active_students"]}
    assert (await get("/api/average-score"))["average_score"] == pytest.approx(
        want["average_score"], abs=0.051
    )
    assert (await get("/api/completion-rate"))["completion_rate"] == pytest.approx(
        want["completion_rate"], abs=1e-4
    )
    assert (await get("/api/dropout-rate"))["dropout_rate"] == pytest.approx(
        want["dropout_rate"], abs=1e-4
    )
    trend = await get("/api/score-trend")
    assert trend["dates"] == list(want["score_trend"])
    assert trend["scores"] == pytest.approx(list(want["score_trend"].values()), abs=0.051)
    assert await get("/api/activity-trend") == {
        "dates": list(want["activity"]),
        "activity": list(want["activity"].values()),
    }
    weekly = await get("/api/weekly-progress")
    assert weekly["weeks"] == list(want["weekly"])
    assert weekly["average_scores"] == pytest.approx(list(want["weekly"].values()), abs=0.051)
