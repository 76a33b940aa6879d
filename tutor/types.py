"""What a tutor is given and what it answers, whichever provider answers."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from tutor.lexicon import Category
    from tutor.safety import Helpline

Mode = Literal["teach", "explore", "practice", "revision"]
ReplyType = Literal[
    "explanation", "hint", "question", "summary", "redirect", "clarification", "encouragement"
]


@dataclass(frozen=True)
class Passage:
    """A piece of lesson material the tutor may quote: a text block or a video transcript.
    `id` is what sources cite: "content_segment_<block id>"."""

    id: str
    lesson_id: int
    lesson_title: str
    kind: str  # text or video
    text: str

    @property
    def lesson_source(self) -> str:
        return f"lesson_{self.lesson_id}"


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class TutorRequest:
    message: str
    mode: Mode
    grade: str | None  # "P4", "S1"... the learner's class, for the level of language
    lesson_title: str | None
    topic_name: str | None
    passages: list[Passage]
    history: list[Turn] = field(default_factory=list)
    lesson_id: int | None = None
    # Answers the learner must find alone (open practice questions): never to be revealed.
    withheld_answers: list[str] = field(default_factory=list)
    # The child helpline of the learner's country, named by safeguarding answers.
    helpline: "Helpline | None" = None


@dataclass(frozen=True)
class TutorReply:
    message: str
    type: ReplyType
    confidence: float
    sources: list[str]
    follow_up_suggestions: list[str]
    model: str  # which model answered ("offline" for the offline tutor)


class Tutor(Protocol):
    name: str

    async def moderate(self, text: str) -> "Category | None":
        """A provider's own moderation of a learner's message, where it has one."""
        ...

    async def reply(self, request: TutorRequest) -> TutorReply: ...

    def stream(self, request: TutorRequest) -> AsyncIterator["str | TutorReply"]:
        """Pieces of the answer's text as they come, then the whole reply."""
        ...
