"""The offline tutor: no network, no model. It finds the passages of the lesson and topic
that share the most meaning with the question (tutor/retrieval.py) and answers with their
own sentences, shaped by the mode: explain (teach, explore), guide without giving answers
away (practice), or sum up (revision). Its sources are the passages it quoted, so every
answer can be checked against the lesson."""

import re
from collections.abc import AsyncIterator

from tutor import safety
from tutor.answers import mask
from tutor.lexicon import Category
from tutor.retrieval import Hit, rank
from tutor.text import STOPWORDS, WORD, fold, sentences, terms
from tutor.types import Passage, ReplyType, TutorReply, TutorRequest

NAME = "offline"
# A follow-up ("why?", "another example") means the question before it.
FOLLOW_UP = re.compile(r"^\s*(why|how|really|and|what about|another|more|again|example)\b", re.I)
GENERIC = re.compile(
    r"\b(don'?t understand|do not understand|confused|explain (it|this|that)|again|lost|help)\b",
    re.I,
)


def level(grade: str | None) -> int:
    """How many sentences an answer may hold: lower primary 1, upper primary 2, secondary 3."""
    if not grade:
        return 2
    digits = "".join(c for c in grade if c.isdigit())
    number = int(digits) if digits else 4
    if grade.upper().startswith("P"):
        return 1 if number <= 3 else 2
    return 3


def _safe_sentences(passage: Passage) -> list[str]:
    """The passage's sentences, less any that address the tutor rather than the learner:
    lesson text is material to quote, never instructions to follow."""
    return [s for s in sentences(passage.text) if not safety.steers(s)]


def _best_sentences(hit: Hit, count: int) -> list[str]:
    ranked = sorted(
        enumerate(_safe_sentences(hit.passage)),
        key=lambda item: (-len(set(terms(item[1])) & hit.matched), -len(item[1]), item[0]),
    )
    chosen = sorted(ranked[:count])  # in the passage's own order
    return [sentence for _, sentence in chosen]


def _focus(hit: Hit) -> str:
    """A word of the passage the question was about, as the passage writes it."""
    for word in WORD.findall(fold(hit.passage.text)):
        if word not in STOPWORDS and terms(word) and terms(word)[0] in hit.matched:
            return word
    return hit.passage.lesson_title.lower()


def _suggestions(hits: list[Hit], request: TutorRequest) -> list[str]:
    found = []
    if hits:
        found.append(f"Can you give me another example of {_focus(hits[0])}?")
        others = [h for h in hits[1:] if h.passage.lesson_id != hits[0].passage.lesson_id]
        if others:
            found.append(f"How does this connect to {others[0].passage.lesson_title}?")
    if request.lesson_title:
        found.append(f"Can you quiz me on {request.lesson_title}?")
    else:
        found.append("Can you quiz me on this?")
    return found[:3]


def _sources(hits: list[Hit]) -> list[str]:
    sources: list[str] = []
    for hit in hits[:2]:
        for source in (hit.passage.lesson_source, hit.passage.id):
            if source not in sources:
                sources.append(source)
    return sources


def _confidence(hits: list[Hit], question_terms: set[str]) -> float:
    if not hits or not question_terms:
        return 0.3
    coverage = len(hits[0].matched) / len(question_terms)
    return round(min(0.95, 0.4 + 0.55 * coverage), 2)


def _question_of(request: TutorRequest) -> str:
    """The question to search for: a short follow-up takes its meaning from the learner's
    previous message."""
    if FOLLOW_UP.match(request.message) or not terms(request.message):
        earlier = [t.text for t in request.history if t.role == "user"]
        if earlier:
            return f"{earlier[-1]} {request.message}"
    return request.message


StreamPiece = str | TutorReply


class OfflineTutor:
    name = NAME

    async def moderate(self, text: str) -> Category | None:
        return None  # no provider to ask: the offline classifier has screened the message

    async def reply(self, request: TutorRequest) -> TutorReply:
        return answer(request)

    async def stream(self, request: TutorRequest) -> AsyncIterator[StreamPiece]:
        async for piece in stream_whole(answer(request)):
            yield piece


async def stream_whole(reply: TutorReply) -> AsyncIterator[StreamPiece]:
    """A finished reply as a stream: its words, a few at a time, then the reply itself."""
    words = reply.message.split(" ")
    for index in range(0, len(words), 8):
        yield " ".join(words[index : index + 8]) + (" " if index + 8 < len(words) else "")
    yield reply


def answer(request: TutorRequest) -> TutorReply:
    guarded = safety.guard(request)
    if guarded is not None:
        return guarded
    steering = safety.steers(request.message)
    question = _question_of(request)
    usable = [p for p in request.passages if _safe_sentences(p)]
    hits = rank(usable, question, boost_lesson=request.lesson_id)
    if not hits and GENERIC.search(request.message) and usable:
        # "I don't understand": start again from the lesson's first passage.
        first = [p for p in usable if p.lesson_id == request.lesson_id]
        passage = (first or usable)[0]
        hits = [Hit(passage, 0.0, frozenset(terms(passage.text)))]
    if not hits:
        back = request.lesson_title or request.topic_name
        if steering:
            text = safety.reply_for(safety.screen(request.message), None, back)
        else:
            where = f"today's lesson on {back}" if back else "your lessons"
            text = (
                "That's an interesting question, but I can't find it in "
                f"{where}. Let's stay with the lesson: what part of it would you like "
                "to go over?"
            )
        return _reply(text, "redirect", 0.3, [], _suggestions([], request), request)
    confidence = _confidence(hits, set(terms(question)))
    if request.mode == "practice":
        return _hint(request, hits, confidence)
    if request.mode == "revision":
        points = list(dict.fromkeys(s for hit in hits[:4] for s in _best_sentences(hit, 1)))[:3]
        text = "Let's review the key points:\n" + "\n".join(f"- {p}" for p in points)
        return _reply(
            text, "summary", confidence, _sources(hits[:3]), _suggestions(hits, request), request
        )
    quoted = " ".join(_best_sentences(hits[0], level(request.grade)))
    if request.mode == "explore":
        text = f"{quoted} What do you think would happen if you tried this with an example of your own?"
    else:
        text = quoted
    return _reply(
        text, "explanation", confidence, _sources(hits), _suggestions(hits, request), request
    )


def _hint(request: TutorRequest, hits: list[Hit], confidence: float) -> TutorReply:
    """Practice: a clue and a question back, never the answer itself."""
    clue = mask(" ".join(_best_sentences(hits[0], 1)), request.withheld_answers)
    text = (
        f"Let's work it out together rather than me telling you. Here's a clue from the "
        f'lesson: "{clue}" What do you think the answer is, and why?'
    )
    return _reply(
        text, "hint", confidence, _sources(hits[:1]), _suggestions(hits, request), request
    )


def _reply(
    text: str,
    kind: ReplyType,
    confidence: float,
    sources: list[str],
    suggestions: list[str],
    request: TutorRequest,
) -> TutorReply:
    # Every mode: an open practice question's key is never said, whatever is asked.
    text = mask(text, request.withheld_answers)
    suggestions = [mask(s, request.withheld_answers) for s in suggestions]
    return TutorReply(text, kind, confidence, sources, suggestions, NAME)
