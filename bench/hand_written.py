"""The anchor of `make bench`'s real routes: what a team would write instead of GraphQL, a
Starlette endpoint per route running its statements with SQLAlchemy and writing the JSON
itself, answering exactly what the REST facade answers (the bench compares the bodies
before it measures). Sign-in is the application's own (token, cached user), so both pay
the same for it; the analytics endpoints call the analytics layer and its per-snapshot
cache directly, as a hand-written endpoint over the same warehouse would."""

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

import orjson
from sqlmodel import col, func, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ground.errors import AppError, PermissionDenied
from models.classrooms import Classroom, ClassroomStudent, ClassroomSubject, ClassroomTeacher
from models.curriculum import ContentBlock, GradeClass, Lesson, QuizQuestion
from models.enums import Role
from models.identity import User
from resolvers import figures
from resolvers.analytics import scope_of
from resolvers.authentication import current_user
from resolvers.context import AppState, Context
from rest_compat.responses import error_response
from schema.scalars import serialize_datetime

Handler = Callable[[Request, Context, User], Awaitable[Any]]


def json(body: Any) -> Response:
    body = orjson.dumps(body, default=_time, option=orjson.OPT_PASSTHROUGH_DATETIME)
    return Response(body, media_type="application/json")


def _time(value: Any) -> str:
    if isinstance(value, datetime):
        return serialize_datetime(value)  # the API's own format: UTC with a Z
    raise TypeError(f"{type(value).__name__} is not JSON")


def endpoint(state: AppState, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def answer(request: Request) -> Response:
        context = Context(
            state=state,
            request_id=request.scope["state"]["request_id"],
            request=request,
            report_limit=lambda _: None,
        )
        try:
            return json(await handler(request, context, await current_user(context)))
        except AppError as error:
            return error_response(error)

    return answer


async def teacher_classes(request: Request, context: Context, user: User) -> Any:
    if user.role != Role.TEACHER:
        raise PermissionDenied()
    limit, offset = (
        int(request.query_params.get("limit", 20)),
        int(request.query_params.get("offset", 0)),
    )
    mine = col(ClassroomTeacher.teacher_id) == user.id
    async with context.state.sessions() as session:
        total = (
            await session.exec(select(func.count()).select_from(ClassroomTeacher).where(mine))
        ).one()
        rooms = (
            await session.exec(
                select(Classroom, GradeClass.grade)
                .join(ClassroomTeacher, col(ClassroomTeacher.classroom_id) == col(Classroom.id))
                .join(GradeClass, col(GradeClass.id) == col(Classroom.class_id))
                .where(mine)
                .order_by(col(Classroom.name), col(Classroom.id))
                .limit(limit)
                .offset(offset)
            )
        ).all()
        ids = [room.id for room, _ in rooms]
        subjects: dict[int, list[int]] = {}
        for classroom_id, subject_id in await session.exec(
            select(ClassroomSubject.classroom_id, ClassroomSubject.subject_id)
            .where(col(ClassroomSubject.classroom_id).in_(ids))
            .order_by(col(ClassroomSubject.subject_id))
        ):
            subjects.setdefault(classroom_id, []).append(subject_id)
        counts = dict(
            (
                await session.exec(
                    select(ClassroomStudent.classroom_id, func.count())
                    .where(col(ClassroomStudent.classroom_id).in_(ids))
                    .group_by(col(ClassroomStudent.classroom_id))
                )
            ).all()
        )
    data = [
        {
            "id": room.id,
            "name": room.name,
            "grade": grade,
            "subject_ids": subjects.get(room.id, []),
            "student_count": counts.get(room.id, 0),
            "schedule": room.schedule,
        }
        for room, grade in rooms
    ]
    return {
        "data": data,
        "pagination": {
            "limit": limit,
            "offset": offset,
            "total": total,
            "has_next": offset + len(data) < total,
            "has_previous": offset > 0,
        },
    }


async def lesson_content(request: Request, context: Context, user: User) -> Any:
    lesson_id = int(request.path_params["id"])  # the bench's caller is a teacher: no visit
    async with context.state.sessions() as session:
        lesson = await session.get(Lesson, lesson_id)
        if lesson is None:
            raise AppError("no such lesson")
        blocks = (
            await session.exec(
                select(ContentBlock)
                .where(col(ContentBlock.lesson_id) == lesson_id)
                .order_by(col(ContentBlock.position))
            )
        ).all()
        quizzes = [block.quiz_id for block in blocks if block.quiz_id is not None]
        questions = (
            dict(
                (
                    await session.exec(
                        select(QuizQuestion.quiz_id, func.count())
                        .where(col(QuizQuestion.quiz_id).in_(quizzes))
                        .group_by(col(QuizQuestion.quiz_id))
                    )
                ).all()
            )
            if quizzes
            else {}
        )
    return {
        "data": {
            "id": lesson.id,
            "title": lesson.title,
            "content_blocks": [_block(block, questions) for block in blocks],
            "estimated_completion_time": lesson.duration_minutes,
        }
    }


def _block(block: ContentBlock, questions: dict[int, int]) -> dict[str, Any]:
    if block.type == "video":
        return {
            "type": "video",
            "url": block.url or "",
            "duration": block.duration_seconds or 0,
            "transcript": block.transcript,
        }
    if block.type == "quiz":
        assert block.quiz_id is not None
        return {
            "type": "quiz",
            "quiz_id": block.quiz_id,
            "questions_count": questions.get(block.quiz_id, 0),
        }
    return {"type": "text", "content": block.content or ""}


async def average_score(_: Request, context: Context, user: User) -> Any:
    scope = await scope_of(context)
    return {"average_score": await figures.single_figure(context, scope, "average_score")}


async def student_profile(request: Request, context: Context, user: User) -> Any:
    profile = await figures.student_profile(context, int(request.path_params["student_id"]))
    return asdict(profile)


def hand_written_routes(state: AppState) -> list[Route]:
    return [
        Route("/bench/hand/classes", endpoint(state, teacher_classes), methods=["GET"]),
        Route("/bench/hand/lessons/{id:int}", endpoint(state, lesson_content), methods=["GET"]),
        Route("/bench/hand/average-score", endpoint(state, average_score), methods=["GET"]),
        Route(
            "/bench/hand/profile/{student_id:int}",
            endpoint(state, student_profile),
            methods=["GET"],
        ),
    ]
