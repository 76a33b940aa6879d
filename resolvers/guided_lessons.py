"""AI-led lessons (docs/tutor.md, Guided lessons), taught Socratically: a stored state machine
per delivery that walks introduction → content (each passage once: a video transcript that
retells the text adds only what is new) → question (each quiz question) → feedback → ... →
summary → completed, and reads what the learner says on the way (tutor/socratic.py):

- an empty or nonsense answer to a reflective question, or to a quiz question, is asked
  again (it is not a try);
- "I don't know" is met kindly; a misconception against the lesson's key terms ("nouns are
  action words") is corrected with the lesson's own definition; a lesson word the learner
  used is picked up;
- a wrong answer gets a hint and a second try; after the second, the key is given, unless
  the learner has the same item open in practice, where it must be found alone;
- the summary fits the result, and the lesson is recorded as completed only at the mastery
  rule: at least half of its questions answered right (at either try), or no questions;
  otherwise as attempted, with its score (resolvers/progress.py, which also unlocks
  milestones).
Every response passes the safeguarding classifier first (resolvers/safeguarding.py): a
message an adult must hear about is answered with care, flagged in the step's transaction,
and the lesson waits where it was."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from ground.errors import Conflict, NotFound, ValidationFailed
from ground.ids import new_id
from models.curriculum import ContentBlock, Lesson, QuizQuestion, Topic
from models.db import lock_rows, transaction
from models.enums import LessonAction, LessonPhase, Role, TeachingStyle
from models.sessions import LessonDelivery
from resolvers import progress, safeguarding, tutor_context
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.field_limits import LESSON_RESPONSE
from resolvers.permissions import TUTORED, require_role
from tutor import safety, socratic
from tutor.answers import BLANK, is_right, lettered, mask, reveals
from tutor.text import sentences, terms

MASTERY = 0.5  # the share of questions answered right for the lesson to count as completed
REFLECT = "What do you think this means, in your own words?"
ASK_AGAIN = "I didn't quite understand that. Tell me in a few words of your own: "


class LessonCompleted(Conflict):
    code, default_message = "LESSON_COMPLETED", "This lesson delivery is already completed"


@dataclass(frozen=True)
class LessonStart:
    """A delivery begun: its introduction, and what comes next."""

    lesson_delivery_id: str
    lesson_id: int
    phase: LessonPhase
    introduction_message: str
    next_action: LessonAction


@dataclass(frozen=True)
class LessonStep:
    """The delivery's next step: what to show, and what the learner is asked, if anything."""

    phase: LessonPhase
    content: str
    next_action: LessonAction
    question: str | None


def _introduction(style: str, title: str) -> tuple[str, str | None]:
    """The opening, and the question it asks the learner first, if any."""
    subject = title.lower()
    if style == "socratic":
        return (
            f"Today we'll explore {subject}. Before we begin: what do you already know "
            f"about {subject}?",
            f"What do you already know about {subject}?",
        )
    return {
        "story": f"Let me tell you a story about {subject}. Listen carefully, because there "
        "will be a question at the end.",
        "example": f"Today we'll learn about {subject} through examples you can find around you.",
    }.get(style, f"Today we'll learn about {subject}. Let's begin."), None


def _content(style: str, text: str) -> tuple[str, str | None]:
    """The passage in the style, and the reflective question it ends with, if any."""
    if style == "socratic":
        return text, REFLECT
    if style == "story":
        return f"Picture this: {text}", None
    if style == "example":
        return f"{text} Try to think of one example of this from your own day.", None
    return text, None


def _action(steps: list[dict[str, Any]], position: int) -> LessonAction:
    """What comes after the step before `position`."""
    if position >= len(steps):
        return LessonAction.COMPLETE
    return {
        "content": LessonAction.PRESENT_CONTENT,
        "question": LessonAction.ASK_QUESTION,
        "summary": LessonAction.SUMMARIZE,
    }[steps[position]["phase"]]


async def start(
    context: Context, session_id: str, lesson_id: int, teaching_style: TeachingStyle
) -> LessonStart:
    user = await current_user(context)
    require_role(user, TUTORED)
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
                select(ContentBlock, Lesson.id)
                .join(Lesson, col(Lesson.id) == col(ContentBlock.lesson_id))
                .where(col(Lesson.topic_id) == topic.id)
                .order_by(col(Lesson.order), col(Lesson.id), col(ContentBlock.position))
            )
        ).all()
        mine = [b for b, owner in blocks if owner == lesson_id]
        quizzes = [b.quiz_id for b in mine if b.type == "quiz" and b.quiz_id is not None]
        questions = (
            await session.exec(
                select(QuizQuestion)
                .where(col(QuizQuestion.quiz_id).in_(quizzes))
                .order_by(col(QuizQuestion.quiz_id), col(QuizQuestion.position))
            )
        ).all()
        steps: list[dict[str, Any]] = []
        presented: set[str] = set()
        for index, block in enumerate(mine):
            text = block.content if block.type == "text" else block.transcript
            fresh = socratic.new_sentences(text or "", presented)
            if fresh:
                steps.append({"phase": "content", "text": " ".join(fresh), "block_index": index})
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
        lesson_text = " ".join(b.content or "" for b in mine if b.type == "text")
        topic_text = " ".join(b.content or "" for b, _ in blocks if b.type == "text")
        opening, asked = _introduction(teaching_style, lesson.title)
        delivery = LessonDelivery(
            id=new_id("ld"),
            session_id=session_id,
            lesson_id=lesson_id,
            student_id=user.id,
            teaching_style=teaching_style,
            phase="introduction",
            step=0,
            state={
                "steps": steps,
                "results": [],  # per question answered: right at either try
                "tries": 0,  # wrong tries at the question now open
                "asked": asked,  # the reflective question awaiting an answer, if any
                "title": lesson.title,
                "lesson_text": lesson_text,
                "topic_text": topic_text,
            },
        )
        session.add(delivery)
    return LessonStart(
        delivery.id,
        lesson_id,
        LessonPhase.INTRODUCTION,
        opening,
        LessonAction.ASK_QUESTION if asked else _action(steps, 0),
    )


async def advance(context: Context, delivery_id: str, student_response: str | None) -> LessonStep:
    user = await current_user(context)
    require_role(user, TUTORED)
    if student_response is not None and not LESSON_RESPONSE.fits(student_response):
        raise ValidationFailed(
            details={"student_response": [f"Must be at most {LESSON_RESPONSE.longest} characters."]}
        )
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
        if delivery.phase == LessonPhase.COMPLETED:
            raise LessonCompleted()
        place = await tutor_context.active_session(session, user, delivery.session_id)
        state = dict(delivery.state)
        screening = await safety.screen_in_thread(student_response or "")
        if student_response and user.role != Role.TEACHER and screening.flagged:
            helpline = await safeguarding.helpline_for(session, context, user)
            await safeguarding.raise_flag(
                session, user, screening, student_response, source="guided_lesson", place=place
            )
            return _waiting(delivery, state, safety.reply_for(screening, helpline, state["title"]))
        withheld = (
            await tutor_context.withheld_answers(session, user.id)  # type: ignore[arg-type]
            if user.role != Role.TEACHER
            else []
        )
        lesson = Lessonlike(state, withheld)
        if delivery.phase == "question":
            step = _answer(delivery, lesson, student_response)
        elif state.get("asked"):
            step = _reflected(delivery, lesson, student_response)
        elif delivery.step >= len(lesson.steps):
            step = _finish(delivery, lesson)
        else:
            step = _present(delivery, lesson, "")
        delivery.state = lesson.state
        delivery.updated_at = datetime.now(UTC)
        session.add(delivery)
        lesson_id, block = delivery.lesson_id, _block_reached(lesson.steps, delivery.step)
    if step.phase in (LessonPhase.CONTENT, LessonPhase.COMPLETED) and user.role != Role.TEACHER:
        finished = step.phase == LessonPhase.COMPLETED
        await progress.record(
            context,
            progress.Step(
                lesson_id,
                block,
                completed=finished and lesson.mastered,
                score=lesson.score if finished else None,
            ),
        )
    return step


class Lessonlike:
    """A delivery's state with what reading it needs: its steps and results, the concepts
    its text defines, and the answers the learner must find alone (open practice)."""

    def __init__(self, state: dict[str, Any], withheld: list[str]) -> None:
        self.state = dict(state)
        self.steps: list[dict[str, Any]] = self.state["steps"]
        self.results: list[bool] = list(self.state.get("results", []))
        self.withheld = withheld
        self.concepts = socratic.concepts(self.state.get("lesson_text", ""))
        self.topic_concepts = socratic.concepts(self.state.get("topic_text", ""))
        self.vocabulary = set(terms(self.state.get("topic_text", "")))

    def save(self) -> None:
        self.state["results"] = self.results

    def safe(self, text: str) -> str:
        return mask(text, self.withheld)

    @property
    def score(self) -> float | None:
        return 100 * sum(self.results) / len(self.results) if self.results else None

    @property
    def mastered(self) -> bool:
        return not self.results or sum(self.results) / len(self.results) >= MASTERY


def _waiting(delivery: LessonDelivery, state: dict[str, Any], text: str) -> LessonStep:
    """The lesson stays where it is: the same question, or the same next step, after `text`."""
    steps = state["steps"]
    if delivery.phase == "question":
        asked = steps[delivery.step - 1]
        return LessonStep(
            LessonPhase.QUESTION,
            text,
            LessonAction.SUBMIT_ANSWER,
            lettered(asked["prompt"], asked["options"]),
        )
    if state.get("asked"):
        return LessonStep(_shown_phase(delivery), text, LessonAction.ASK_QUESTION, state["asked"])
    return LessonStep(_shown_phase(delivery), text, _action(steps, delivery.step), None)


def _shown_phase(delivery: LessonDelivery) -> LessonPhase:
    return LessonPhase.CONTENT if delivery.phase == "introduction" else LessonPhase(delivery.phase)


def _reflected(delivery: LessonDelivery, lesson: Lessonlike, response: str | None) -> LessonStep:
    """The learner's answer to a reflective question, read before the lesson goes on."""
    reading = socratic.read(response, lesson.concepts, lesson.topic_concepts, lesson.vocabulary)
    if reading.kind in ("empty", "nonsense"):
        asked = lesson.state["asked"]
        return LessonStep(
            _shown_phase(delivery), ASK_AGAIN + asked, LessonAction.ASK_QUESTION, asked
        )
    correction = reading.correction or ""
    coming = lesson.steps[delivery.step] if delivery.step < len(lesson.steps) else {}
    if reading.definition and reading.definition not in coming.get("text", ""):
        correction += f" {reading.definition}"  # else the passage coming next says it
    said = {
        "unsure": "That's fine: let's find out together.",
        "misconception": correction,
        "related": f"Good thinking: you used the word \u201c{reading.word}\u201d.",
        "unrelated": "Thank you. Let's see what the lesson says.",
    }[reading.kind]
    lesson.state["asked"] = None
    if delivery.step >= len(lesson.steps):
        return _finish(delivery, lesson)
    return _present(delivery, lesson, lesson.safe(said))


def _block_reached(steps: list[dict[str, Any]], position: int) -> int:
    shown = [s["block_index"] for s in steps[:position] if s["phase"] == "content"]
    return max(shown, default=0)


def _present(delivery: LessonDelivery, lesson: Lessonlike, before: str) -> LessonStep:
    step = lesson.steps[delivery.step]
    delivery.step += 1
    delivery.phase = step["phase"]
    prefix = f"{before} " if before else ""
    if step["phase"] == "content":
        text, reflective = _content(delivery.teaching_style, lesson.safe(step["text"]))
        lesson.state["asked"] = reflective
        action = LessonAction.ASK_QUESTION if reflective else _action(lesson.steps, delivery.step)
        return LessonStep(LessonPhase.CONTENT, prefix + text, action, reflective)
    if step["phase"] == "question":
        lesson.state["tries"] = 0
        return LessonStep(
            LessonPhase.QUESTION,
            prefix + "Let's check your understanding.",
            LessonAction.SUBMIT_ANSWER,
            lettered(step["prompt"], step["options"]),
        )
    return LessonStep(LessonPhase.SUMMARY, prefix + _summary(lesson), LessonAction.COMPLETE, None)


def _summary(lesson: Lessonlike) -> str:
    title = lesson.state.get("title", "this lesson")
    points = [sentences(s["text"])[-1] for s in lesson.steps if s["phase"] == "content"][:3]
    recap = lesson.safe(f"Let's sum up {title}: " + " ".join(dict.fromkeys(points)))
    right, asked = sum(lesson.results), len(lesson.results)
    if not asked:
        return recap
    if right == asked:
        return f"Well done: you answered {right} of {asked} correctly. {recap}"
    if right == 0:
        return (
            f"This one was tricky: you answered {right} of {asked} correctly, and that's "
            f"all right. {recap} Have another go at the lesson soon."
        )
    return (
        f"Good effort: you answered {right} of {asked} correctly. {recap} Look again at the "
        "question you found hardest."
    )


def _finish(delivery: LessonDelivery, lesson: Lessonlike) -> LessonStep:
    delivery.phase = LessonPhase.COMPLETED
    lesson.save()
    if lesson.mastered:
        return LessonStep(
            LessonPhase.COMPLETED,
            "Well done: you have finished this lesson!",
            LessonAction.NONE,
            None,
        )
    return LessonStep(
        LessonPhase.COMPLETED,
        "You have reached the end of this lesson. It isn't marked complete yet: come back "
        "and try it again when you are ready.",
        LessonAction.NONE,
        None,
    )


def _hint(lesson: Lessonlike, asked: dict[str, Any]) -> str:
    """A clue from the lesson that does not give the key (nor any open practice key)."""
    keys = [asked["answer"], *lesson.withheld]
    for candidate in (*(c.sentence for c in lesson.concepts), asked["explanation"]):
        clue = mask(candidate, keys)
        if clue and BLANK not in clue and not reveals(clue, keys):
            return clue
        if clue and clue.count(BLANK) < len(clue.split()) // 3:
            return clue
    return "Think back to what the lesson said, and look at each option in turn."


def _answer(delivery: LessonDelivery, lesson: Lessonlike, response: str | None) -> LessonStep:
    if response is None or not response.strip():
        raise ValidationFailed(details={"student_response": ["Answer the question to go on."]})
    asked = lesson.steps[delivery.step - 1]
    question = lettered(asked["prompt"], asked["options"])
    correct = is_right(response, asked["answer"], asked["options"])
    unreadable = socratic.read(response, [], [], lesson.vocabulary).kind in ("empty", "nonsense")
    if (
        not correct
        and unreadable
        and not any(c.isdigit() for c in response)  # "7" is an answer, if a wrong one
        and not _names_an_option(response, asked["options"])
    ):
        return LessonStep(
            LessonPhase.QUESTION,
            "I didn't catch an answer there. Have another go.",
            LessonAction.SUBMIT_ANSWER,
            question,
        )
    tries = int(lesson.state.get("tries", 0))
    if not correct and tries == 0:
        lesson.state["tries"] = 1
        return LessonStep(
            LessonPhase.QUESTION,
            f"Not quite. Here's a hint: {_hint(lesson, asked)} Have another try.",
            LessonAction.SUBMIT_ANSWER,
            question,
        )
    lesson.results.append(correct)
    lesson.save()
    lesson.state["tries"] = 0
    delivery.phase = "feedback"
    action = _action(lesson.steps, delivery.step)
    if correct:
        return LessonStep(
            LessonPhase.FEEDBACK, f"That's right! {asked['explanation']}".strip(), action, None
        )
    if reveals(asked["answer"], lesson.withheld):
        return LessonStep(
            LessonPhase.FEEDBACK,
            "Not this time. This question is open in your practice too, so I won't give the "
            "answer away: look at the lesson again and try it there.",
            action,
            None,
        )
    text = f"Not quite: the answer is {asked['answer']}. {lesson.safe(asked['explanation'])}"
    return LessonStep(LessonPhase.FEEDBACK, text.strip(), action, None)


def _names_an_option(response: str, options: list[str]) -> bool:
    given = response.strip().lower()
    return len(given) == 1 or any(given == o.lower() for o in options)
