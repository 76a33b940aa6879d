"""Chat with the AI tutor (docs/tutor.md, Chat): a question inside an active session,
answered within its lesson and topic and mode by the configured tutor (tutor/gateway.py).
The question and the answer are stored in the session (they feed its summary counts); the
learner's last messages are given to the tutor as the conversation. Limited to
LEARNLOOM_RATE_LIMIT_AI_CHAT per user."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from ground.errors import ValidationFailed
from ground.ids import new_id
from models.db import transaction
from models.enums import MessageRole, MessageType, Role, SessionMode
from models.identity import User
from models.sessions import ChatMessage, ClassSession
from resolvers import safeguarding, tutor_context
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.field_limits import CHAT_MESSAGE
from resolvers.permissions import require_role
from resolvers.throttle import throttle
from tutor import safety
from tutor.offline import stream_whole
from tutor.safety import Screening
from tutor.types import TutorReply, TutorRequest

CHATTERS = {Role.STUDENT, Role.INDEPENDENT_LEARNER, Role.TEACHER}


@dataclass(frozen=True)
class Question:
    session_id: str
    message: str
    mode: SessionMode | None
    lesson_id: int | None
    topic_id: int | None


@dataclass(frozen=True)
class ChatMetadata:
    """Where the answer comes from (lesson and content segment ids), what to ask next, and
    which model answered ("offline": the offline tutor)."""

    sources: list[str]
    follow_up_suggestions: list[str]
    model: str


@dataclass(frozen=True)
class ChatAnswer:
    """The tutor's stored answer."""

    id: str
    session_id: str
    role: MessageRole
    message: str
    type: MessageType
    confidence: float
    metadata: ChatMetadata
    timestamp: datetime


@dataclass(frozen=True)
class ChatPiece:
    """One event of a streamed answer: a piece of its text, or at the end the whole answer."""

    delta: str | None = None
    message: ChatAnswer | None = None


def _check(question: Question) -> str:
    if not CHAT_MESSAGE.fits(question.message):
        raise ValidationFailed(
            details={"message": [f"Must be 1 to {CHAT_MESSAGE.longest} characters, not blank."]}
        )
    text = question.message.strip()
    return text


def _mode(question: Question, user: User, place: ClassSession) -> str:
    """The session's mode is the teacher's: a request may only narrow it to practice. In a
    learning session of their own, the learner chooses."""
    own = place.classroom_id is None and place.owner_id == user.id
    if question.mode is not None and (own or question.mode == SessionMode.PRACTICE):
        return question.mode
    return place.mode


@dataclass(frozen=True)
class _Prepared:
    user: User
    request: TutorRequest
    screening: Screening
    place: ClassSession


async def _prepare(context: Context, question: Question) -> _Prepared:
    user = await current_user(context)
    require_role(user, CHATTERS)
    text = _check(question)
    await throttle(context, "ai_chat", f"user:{user.id}")
    assert user.id is not None
    async with context.state.sessions() as session:
        where = await tutor_context.place(
            session, user, question.session_id, question.lesson_id, question.topic_id
        )
        mode = _mode(question, user, where.session)
        withheld = await tutor_context.withheld_answers(session, user.id)
        request = TutorRequest(
            message=text,
            mode=mode,  # type: ignore[arg-type]
            grade=where.grade,
            lesson_title=where.lesson.title if where.lesson else None,
            topic_name=where.topic.name if where.topic else None,
            passages=await tutor_context.passages(session, where),
            history=await tutor_context.history(
                session,
                question.session_id,
                user.id,
                context.state.settings.tutor_history_messages,
            ),
            lesson_id=where.lesson.id if where.lesson else None,
            withheld_answers=withheld,
            helpline=await safeguarding.helpline_for(session, context, user),
        )
    screening = await safety.screen_in_thread(text)
    if screening.category is None:  # the provider's moderation too, where it has one
        moderated = await context.state.tutor.moderate(text)
        if moderated is not None:
            screening = Screening(moderated, 1.0, ("provider moderation",))
    return _Prepared(user, request, screening, where.session)


async def _store(context: Context, prepared: _Prepared, reply: TutorReply) -> ChatAnswer:
    """The question, the answer and, for a message an adult must hear about, its flag: one
    transaction."""
    now = datetime.now(UTC)
    user, text, place = prepared.user, prepared.request.message, prepared.place
    assert user.id is not None
    question_id, answer_id = new_id("msg"), new_id("msg")
    async with transaction(context.state.sessions) as session:
        session.add(
            ChatMessage(
                id=question_id,
                session_id=place.id,
                user_id=user.id,
                role="user",
                message=text,
                type="question",
                created_at=now,
            )
        )
        session.add(
            ChatMessage(
                id=answer_id,
                session_id=place.id,
                user_id=user.id,
                role="assistant",
                message=reply.message,
                type=reply.type,
                confidence=reply.confidence,
                meta={
                    "sources": reply.sources,
                    "follow_up_suggestions": reply.follow_up_suggestions,
                },
                model=reply.model,
                created_at=now,
            )
        )
        await session.flush()  # the message exists before the flag that names it
        await safeguarding.raise_flag(
            session,
            user,
            prepared.screening,
            text,
            source="chat",
            place=place,
            chat_message_id=question_id,
        )
    return ChatAnswer(
        id=answer_id,
        session_id=place.id,
        role=MessageRole.ASSISTANT,
        message=reply.message,
        type=MessageType(reply.type),
        confidence=reply.confidence,
        metadata=ChatMetadata(reply.sources, reply.follow_up_suggestions, reply.model),
        timestamp=now,
    )


async def chat(context: Context, question: Question) -> ChatAnswer:
    prepared = await _prepare(context, question)
    guarded = safety.guarded_reply(prepared.screening, prepared.request)
    reply = guarded or await context.state.tutor.reply(prepared.request)
    return await _store(context, prepared, reply)


async def chat_stream(context: Context, question: Question) -> AsyncIterator[ChatPiece]:
    """The answer's text as the tutor produces it, then the stored answer."""
    prepared = await _prepare(context, question)
    guarded = safety.guarded_reply(prepared.screening, prepared.request)
    pieces = stream_whole(guarded) if guarded else context.state.tutor.stream(prepared.request)
    async for piece in pieces:
        if isinstance(piece, str):
            yield ChatPiece(delta=piece)
        else:
            yield ChatPiece(message=await _store(context, prepared, piece))
