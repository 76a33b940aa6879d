"""AI-led lessons (grio-api-v1.txt §5.2, §5.3): a stored state machine per delivery that
walks introduction → content (each text and video block) → question (each quiz question)
→ feedback → ... → summary → completed. The teaching style shapes the wording; answers
are checked against the quiz's key, and finishing the lesson records it as completed with
the share of questions answered right as its score (resolvers/progress.py, which also
unlocks milestones)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from learnloom.errors import Conflict, NotFound, ValidationFailed
from models.base import new_id
from models.curriculum import ContentBlock, Lesson, QuizQuestion, Topic
from models.db import lock_rows, transaction
from models.enums import Role
from models.sessions import LessonDelivery
from resolvers import progress, tutor_context
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.permissions import TUTORED, require_role
from tutor.answers import is_right, lettered
from tutor.text import sentences

STYLES = ("direct", "socratic", "story", "example")


class LessonCompleted(Conflict):
    code, default_message = "LESSON_COMPLETED", "This lesson delivery is already completed"


@dataclass(frozen=True)
class LessonStart:
    """A delivery begun: its introduction, and what comes next."""

    lesson_delivery_id: str
    lesson_id: int
    phase: str
    introduction_message: str
    next_action: str


@dataclass(frozen=True)
class LessonStep:
    """The delivery's next step: what to show, and what the learner is asked, if anything."""

    phase: str
    content: str
    next_action: str
    question: str | None


def _introduction(style: str, title: str) -> str:
    subject = title.lower()
    return {
        "socratic": f"Today we'll explore {subject}. Before we begin: what do you already "
        f"know about {subject}?",
        "story": f"Let me tell you a story about {subject}. Listen carefully, because there "
        "will be a question at the end.",
        "example": f"Today we'll learn about {subject} through examples you can find around you.",
    }.get(style, f"Today we'll learn about {subject}. Let's begin.")


def _content(style: str, text: str) -> tuple[str, str | None]:
    """The block's text in the style, and the reflective question it ends with, if any."""
    if style == "socratic":
        return text, "What do you think this means, in your own words?"
    if style == "story":
        return f"Picture this: {text}", None
    if style == "example":
        return f"{text} Try to think of one example of this from your own day.", None
    return text, None


def _action(steps: list[dict[str, Any]], position: int) -> str:
    """What comes after the step before `position`."""
    if position >= len(steps):
        return "complete"
    return {"content": "present_content", "question": "ask_question", "summary": "summarize"}[
        steps[position]["phase"]
    ]


async def start(
    context: Context, session_id: str, lesson_id: int, teaching_style: str
) -> LessonStart:
    user = await current_user(context)
    require_role(user, TUTORED)
    if teaching_style not in STYLES:
        raise ValidationFailed(details={"teaching_style": [f"Must be one of {', '.join(STYLES)}."]})
    assert user.id is not None
    async with transaction(context.state.sessions) as session:
        await tutor_context.active_session(session, user, session_id)
        lesson = await session.get(Lesson, lesson_id)
        if lesson is None:
            raise NotFound(
                "The requested lesson does not exist",
                details={"lesson_id": [f"Lesson with ID {lesson_id} not found"]},
            )
        # Refused now rather than at its end, when the finished lesson is recorded.
        topic = await session.get(Topic, lesson.topic_id)
        assert topic is not None
        if user.role != Role.TEACHER:  # a teacher delivers to the class: no progress of theirs
            await progress.enrollment_for(session, user, topic.subject_id)
        blocks = (
            await session.exec(
                select(ContentBlock)
                .where(col(ContentBlock.lesson_id) == lesson_id)
                .order_by(col(ContentBlock.position))
            )
        ).all()
        quizzes = [b.quiz_id for b in blocks if b.type == "quiz" and b.quiz_id is not None]
        questions = (
            await session.exec(
                select(QuizQuestion)
                .where(col(QuizQuestion.quiz_id).in_(quizzes))
                .order_by(col(QuizQuestion.quiz_id), col(QuizQuestion.position))
            )
        ).all()
        steps: list[dict[str, Any]] = []
        for index, block in enumerate(blocks):
            text = block.content if block.type == "text" else block.transcript
            if text:
                steps.append({"phase": "content", "text": text, "block_index": index})
        for question in questions:
            steps.append(
                {
                    "phase": "question",
                    "prompt": question.prompt,
                    "options": list(question.options),
                    "answer": question.answer,
                    "explanation": question.explanation or "",
                }
            )
        steps.append({"phase": "summary"})
        delivery = LessonDelivery(
            id=new_id("ld"),
            session_id=session_id,
            lesson_id=lesson_id,
            student_id=user.id,
            teaching_style=teaching_style,
            phase="introduction",
            step=0,
            state={"steps": steps, "answers": [], "title": lesson.title},
        )
        session.add(delivery)
    return LessonStart(
        delivery.id,
        lesson_id,
        "introduction",
        _introduction(teaching_style, lesson.title),
        _action(steps, 0),
    )


async def advance(context: Context, delivery_id: str, student_response: str | None) -> LessonStep:
    user = await current_user(context)
    require_role(user, TUTORED)
    if student_response is not None and len(student_response) > 2000:
        raise ValidationFailed(details={"student_response": ["Must be at most 2000 characters."]})
    async with transaction(context.state.sessions) as session:
        mine = (
            col(LessonDelivery.id) == delivery_id,
            col(LessonDelivery.student_id) == user.id,
        )
        await lock_rows(session, LessonDelivery, *mine)  # one step at a time, even from two tabs
        delivery = (await session.exec(select(LessonDelivery).where(*mine))).first()
        if delivery is None:
            raise NotFound(
                "The requested lesson delivery does not exist",
                details={"lesson_delivery_id": [f"Lesson delivery {delivery_id[:40]} not found"]},
            )
        if delivery.phase == "completed":
            raise LessonCompleted()
        await tutor_context.active_session(session, user, delivery.session_id)
        state = dict(delivery.state)
        steps: list[dict[str, Any]] = state["steps"]
        answers: list[bool] = list(state["answers"])
        if delivery.phase == "question":
            step = _answer(delivery, steps, answers, student_response)
        elif delivery.step >= len(steps):
            step = LessonStep(
                "completed", "Well done: you have finished this lesson!", "none", None
            )
            delivery.phase = "completed"
        else:
            step = _present(delivery, steps, answers, student_response)
        state["answers"] = answers
        delivery.state = state
        delivery.updated_at = datetime.now(UTC)
        session.add(delivery)
        lesson_id, block = delivery.lesson_id, _block_reached(steps, delivery.step)
    if step.phase in ("content", "completed") and user.role != Role.TEACHER:
        score = 100 * sum(answers) / len(answers) if answers else None
        done = step.phase == "completed"
        await progress.record(
            context,
            progress.Step(lesson_id, block, completed=done, score=score if done else None),
        )
    return step


def _block_reached(steps: list[dict[str, Any]], position: int) -> int:
    shown = [s["block_index"] for s in steps[:position] if s["phase"] == "content"]
    return max(shown, default=0)


def _present(
    delivery: LessonDelivery,
    steps: list[dict[str, Any]],
    answers: list[bool],
    response: str | None,
) -> LessonStep:
    step = steps[delivery.step]
    delivery.step += 1
    delivery.phase = step["phase"]
    if step["phase"] == "content":
        text, reflective = _content(delivery.teaching_style, step["text"])
        if response and response.strip():
            text = f"Thank you for sharing your thinking. {text}"
        action = "ask_question" if reflective else _action(steps, delivery.step)
        return LessonStep("content", text, action, reflective)
    if step["phase"] == "question":
        return LessonStep(
            "question",
            "Let's check your understanding.",
            "submit_answer",
            lettered(step["prompt"], step["options"]),
        )
    title = delivery.state.get("title", "this lesson")
    points = [sentences(s["text"])[-1] for s in steps if s["phase"] == "content"][:3]
    right = (
        f" You answered {sum(answers)} of {len(answers)} questions correctly." if answers else ""
    )
    summary = f"Let's sum up {title}: " + " ".join(dict.fromkeys(points)) + right
    return LessonStep("summary", summary, "complete", None)


def _answer(
    delivery: LessonDelivery,
    steps: list[dict[str, Any]],
    answers: list[bool],
    response: str | None,
) -> LessonStep:
    if response is None or not response.strip():
        raise ValidationFailed(details={"student_response": ["Answer the question to go on."]})
    asked = steps[delivery.step - 1]
    correct = is_right(response, asked["answer"], asked["options"])
    answers.append(correct)
    delivery.phase = "feedback"
    if correct:
        text = f"That's right! {asked['explanation']}".strip()
    elif delivery.teaching_style == "socratic":
        text = (
            f"Not quite. Think again about this: {asked['explanation']} "
            f"The answer is {asked['answer']}."
        )
    else:
        text = f"Not quite: the answer is {asked['answer']}. {asked['explanation']}".strip()
    return LessonStep("feedback", text, _action(steps, delivery.step), None)
