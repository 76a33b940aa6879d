"""The offline tutor on passages made here (no database): the level of language follows the
grade, follow-ups take their meaning from the conversation, and answers are never given
away in practice, even where the question repeats numbers of the answer."""

import pytest

from tutor.answers import mask, reveals
from tutor.offline import answer, level
from tutor.types import Passage, Turn, TutorRequest

PASSAGES = [
    Passage(
        "content_segment_1",
        1,
        "Plants Make Food",
        "text",
        "Green plants make their own food by photosynthesis. They use sunlight, water and "
        "carbon dioxide. The food is made in the leaves.",
    ),
    Passage(
        "content_segment_2",
        2,
        "The Water Cycle",
        "text",
        "Water evaporates from rivers and lakes. The vapour cools and forms clouds. Rain "
        "falls back to the ground.",
    ),
]


def ask(message: str, grade: str | None = "P5", **extra: object) -> TutorRequest:
    fields: dict[str, object] = {
        "message": message,
        "mode": "teach",
        "grade": grade,
        "lesson_title": "Plants Make Food",
        "topic_name": "Living Things",
        "passages": PASSAGES,
        "lesson_id": 1,
        **extra,
    }
    return TutorRequest(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("grade", "sentences"), [("P2", 1), ("P5", 2), ("S2", 3)])
def test_younger_learners_get_shorter_answers(grade: str, sentences: int) -> None:
    reply = answer(ask("How do plants make food in their leaves?", grade))
    assert level(grade) == sentences
    assert reply.message.count(".") == sentences, reply.message
    assert reply.sources == ["lesson_1", "content_segment_1"]


def test_a_follow_up_means_the_question_before_it() -> None:
    history = [Turn("user", "How do clouds form?"), Turn("assistant", "...")]
    reply = answer(ask("Why?", history=history))
    assert "cloud" in reply.message.lower() and reply.sources[0] == "lesson_2"


def test_practice_clues_blank_the_answer_however_it_is_written() -> None:
    # The learner pasting the options back is no reason to repeat the right one.
    assert mask("3,201 is greater than 3,120, and 3201 > 3120.", ["3,201"]) == (
        "____ is greater than 3,120, and ____ > 3120."
    )
    assert mask("12 / 3 = 4, not 14 or 4.5", ["4"]) == "12 / 3 = ____, not 14 or 4.5"
    assert reveals("such as Dog", ["dog"])
    assert not reveals("such as ____", ["dog"])
    reply = answer(
        ask(
            "What do plants use to make food?",
            mode="practice",
            withheld_answers=["sunlight", "photosynthesis"],
        )
    )
    assert reply.type == "hint" and "?" in reply.message
    assert "sunlight" not in reply.message and "photosynthesis" not in reply.message
    assert "____" in reply.message


def test_a_question_naming_a_concept_is_answered_from_the_passage_that_defines_it() -> None:
    """The contract's own example: "sentence" appears in the verb lesson, but the question
    is about nouns."""
    from tutor.evaluation import topic_passages

    passages = topic_passages("ENG", 0)
    request = TutorRequest(
        "How do I identify a noun in a sentence?", "teach", "P6", None, "Grammar", passages
    )
    reply = answer(request)
    assert reply.message.startswith("A noun is a word that names") or (
        "a noun is a word that names" in reply.message.lower()
    ), reply.message
    assert reply.sources[0] == "lesson_1"
