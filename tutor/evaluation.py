"""Scores the offline tutor on a fixed set of learner questions drawn from the demo lessons
(models/demo_content.py): each lesson's check question, asked within its topic.

- grounded: the first passage the answer cites belongs to the lesson that holds the answer;
- answered: the answer's text contains the right option;
- leaks (practice mode, the question's answer withheld): answers that say it anyway (more
  often than the question itself does), which must be none.

`learnloom evaluate-tutor` (`make eval-tutor`) prints the table; tests/test_tutor_evaluation.py holds the bars."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.demo_content import SUBJECTS
from tutor.answers import reveals
from tutor.lexicon import Category
from tutor.offline import OfflineTutor
from tutor.safety import OUTCOMES, SEVERITIES, Outcome, screen
from tutor.text import without_preamble
from tutor.types import Passage, TutorRequest


@dataclass
class Score:
    questions: int = 0
    grounded: int = 0
    answered: int = 0
    leaks: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        self.questions += other.questions
        self.grounded += other.grounded
        self.answered += other.answered
        self.leaks += other.leaks
        self.misses += other.misses

    @property
    def grounded_rate(self) -> float:
        return self.grounded / self.questions if self.questions else 0.0

    @property
    def answered_rate(self) -> float:
        return self.answered / self.questions if self.questions else 0.0


def _contains(text: str, answer: str) -> bool:
    return re.search(rf"(?i)\b{re.escape(answer)}\b", text) is not None


def topic_passages(code: str, topic_index: int) -> list[Passage]:
    """A demo topic's passages as the platform builds them: each lesson's text, and its
    video transcript that retells it."""
    _, _, topics = SUBJECTS[code]
    passages, block = [], topic_index * 100
    for lesson_index, lesson in enumerate(topics[topic_index].lessons):
        lesson_id = topic_index * 10 + lesson_index + 1
        # As the demo seeds it, and as the platform hands it to the tutor (no opening line).
        transcript = without_preamble(
            f"In this video we explore {lesson.title.lower()}. {lesson.text}"
        )
        for kind, text in (("text", lesson.text), ("video", transcript)):
            block += 1
            passages.append(
                Passage(f"content_segment_{block}", lesson_id, lesson.title, kind, text)
            )
    return passages


async def evaluate_subject(code: str, grade: str = "P6") -> Score:
    tutor = OfflineTutor()
    name, _, topics = SUBJECTS[code]
    score = Score()
    for topic_index, topic in enumerate(topics):
        passages = topic_passages(code, topic_index)
        by_id = {p.id: p for p in passages}
        for lesson_index, lesson in enumerate(topic.lessons):
            lesson_id = topic_index * 10 + lesson_index + 1
            answer = lesson.options[0]
            asked = TutorRequest(
                message=lesson.question,
                mode="teach",
                grade=grade,
                lesson_title=None,  # asked within the topic, not from inside the lesson
                topic_name=topic.name,
                passages=passages,
            )
            reply = await tutor.reply(asked)
            segments = [s for s in reply.sources if s in by_id]
            score.questions += 1
            if segments and by_id[segments[0]].lesson_id == lesson_id:
                score.grounded += 1
            else:
                score.misses.append(f"{name}: {lesson.question}")
            score.answered += _contains(reply.message, answer)
            practice = await tutor.reply(
                TutorRequest(
                    message=lesson.question,
                    mode="practice",
                    grade=grade,
                    lesson_title=None,
                    topic_name=topic.name,
                    passages=passages,
                    withheld_answers=[answer],
                )
            )
            text = " ".join([practice.message, *practice.follow_up_suggestions])
            score.leaks += reveals(text, [answer])
    return score


async def evaluate() -> dict[str, Score]:
    return {SUBJECTS[code][0]: await evaluate_subject(code) for code in SUBJECTS}


def report(scores: dict[str, Score]) -> str:
    total = Score()
    lines = [f"{'subject':<20} {'questions':>9} {'grounded':>9} {'answered':>9} {'leaks':>6}"]
    for name, score in scores.items():
        total.add(score)
        lines.append(
            f"{name:<20} {score.questions:>9} {score.grounded_rate:>9.0%} "
            f"{score.answered_rate:>9.0%} {score.leaks:>6}"
        )
    lines.append(
        f"{'all':<20} {total.questions:>9} {total.grounded_rate:>9.0%} "
        f"{total.answered_rate:>9.0%} {total.leaks:>6}"
    )
    if total.misses:
        lines.append("not grounded: " + "; ".join(total.misses))
    return "\n".join(lines)


# The held-out sets (tutor/eval_sets/), written apart from the classifier and the tutor.
# Each is split into a development half, the only one looked at while tuning, and a held-out
# half; both are reported.
SETS = Path(__file__).parent / "eval_sets"
SPLITS = ("dev", "heldout")
PROTECTIVE = {Outcome.REDIRECT: 1, Outcome.SAFEGUARD: 2}


def load_set(name: str) -> list[dict[str, Any]]:
    return list(json.loads((SETS / f"{name}.json").read_text(encoding="utf-8")))


@dataclass
class Tally:
    total: int = 0
    right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 0.0

    def add(self, ok: bool, label: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses.append(label)


def safety_caught(category: str, text: str) -> bool:
    """A prompt of a category is handled when it gets that category's outcome or a more
    protective one, and is flagged exactly when the category is one to flag; a harmless
    prompt ("none") is handled when it is simply answered."""
    screening = screen(text)
    if category == "none":
        return screening.category is None
    expected = Category(category)
    if screening.category is None:
        return False
    got, wanted = PROTECTIVE.get(screening.outcome, 0), PROTECTIVE[OUTCOMES[expected]]
    return got >= wanted and screening.flagged >= (expected in SEVERITIES)


# Eight more held-out sets, each by another author, that nobody working on the classifier has
# read (only their totals were ever printed): reported as "fresh" to "fresh 8" beside the two
# halves of the first. The fourth weighs ordinary classroom chatter ("bye teacher", "i am
# going home now") among the harmless prompts, where false alarms had been common.
FRESH = {
    "fresh": "safety_fresh",
    **{f"fresh {n}": f"safety_fresh_{n}" for n in range(2, 9)},
}


def evaluate_safety() -> dict[str, dict[str, Tally]]:
    """Per split (dev, heldout and the fresh sets), per category: how many were handled."""
    found: dict[str, dict[str, Tally]] = {split: {} for split in (*SPLITS, *FRESH)}
    items = [(item["split"], item) for item in load_set("safety")]
    for split, name in FRESH.items():
        if (SETS / f"{name}.json").exists():
            items += [(split, item) for item in load_set(name)]
    for split, item in items:
        tally = found[split].setdefault(item["category"], Tally())
        tally.add(safety_caught(item["category"], item["text"]), item["text"])
    return found


async def evaluate_factual() -> dict[str, Tally]:
    """Per split: questions (not the lessons' quiz questions) whose answer holds a phrase of
    the lesson that carries the fact."""
    tutor = OfflineTutor()
    found = {split: Tally() for split in SPLITS}
    for item in load_set("factual"):
        passages = topic_passages(item["subject"], item["topic_index"])
        topic = SUBJECTS[item["subject"]][2][item["topic_index"]]
        reply = await tutor.reply(
            TutorRequest(
                message=item["question"],
                mode="teach",
                grade="P6",
                lesson_title=None,
                topic_name=topic.name,
                passages=passages,
            )
        )
        ok = any(phrase.lower() in reply.message.lower() for phrase in item["expected"])
        found[item["split"]].add(ok, item["question"])
    return found


def held_out_report(safety: dict[str, dict[str, Tally]], factual: dict[str, Tally]) -> str:
    categories = sorted({c for split in safety.values() for c in split})
    columns = [split for split in safety if safety[split]]
    lines = [
        "",
        "safety sets (handled / prompts; fresh to fresh 8: held-out sets nobody tuned with)",
        f"{'category':<15}" + "".join(f"{split:>16}" for split in columns),
    ]
    for category in categories:
        cells = []
        for split in columns:
            tally = safety[split].get(category, Tally())
            cells.append(f"{tally.right:>4}/{tally.total:<4} {tally.rate:>6.0%}")
        lines.append(f"{category:<15}" + "".join(f"{cell:>16}" for cell in cells))
    lines.append("")
    lines.append("factual set (answered / questions)")
    for split in SPLITS:
        tally = factual[split]
        lines.append(f"{split:<15}{tally.right:>4}/{tally.total:<4} {tally.rate:>6.0%}")
    # Only the development half's misses are shown: the held-out half's are for nobody to
    # tune against.
    misses = [m for c in categories for m in safety["dev"].get(c, Tally()).misses]
    if misses:
        lines.append("safety, dev, not handled: " + " | ".join(misses))
    if factual["dev"].misses:
        lines.append("factual, dev, not answered: " + " | ".join(factual["dev"].misses))
    return "\n".join(lines)
