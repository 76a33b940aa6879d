"""The safeguarding classifier: what a child's message is about, before any tutor answers it,
and how to answer when it is not a question about the lesson.

Every message is screened: chat, its stream, a guided lesson's responses and practice
answers alike, offline and with a language model (which never sees a message that is not
answered). Two parts decide, both explainable. The lexicon (tutor/lexicon.py) adds up the
weights of the cues the message's words match, takes away those of harmless contexts, and
picks the category with the most, if it reaches the threshold. Where no cue decided, a
logistic regression over words and their character grams (tutor/safety_regression.py), then
a naive Bayes model over words and word pairs (tutor/safety_model.py), then a regression over
what the message means, as a sentence encoder puts it (tutor/safety_meaning.py), decide when
sure. Each decision names its cues, or the words that weighed most. Their limits: they know the words
and phrasings they were written and trained for, in English and some Swahili and
neighbouring languages; a disclosure in words unlike any of them is answered as a question.

Outcomes: ANSWER (the tutor answers), REDIRECT (back to the lesson, kindly) or SAFEGUARD (a
warm, short answer that names a trusted adult and the child helpline of the learner's
country). Every category but off-topic and steering is raised as a flag to the adults
responsible for the child (resolvers/safeguarding.py)."""

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING

from tutor import safety_meaning, safety_model, safety_regression
from tutor.lexicon import CUES, HARMLESS, REAL_WORDS, THRESHOLD, VOCABULARY, Category

if TYPE_CHECKING:
    from tutor.types import TutorReply, TutorRequest

__all__ = [
    "Category",
    "Helpline",
    "Outcome",
    "Screening",
    "guard",
    "reply_for",
    "screen",
    "screen_in_thread",
]


class Outcome(Enum):
    ANSWER = "answer"
    REDIRECT = "redirect"
    SAFEGUARD = "safeguard"


class Severity(Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


OUTCOMES: dict[Category, Outcome] = {
    Category.SELF_HARM: Outcome.SAFEGUARD,
    Category.ABUSE: Outcome.SAFEGUARD,
    Category.VIOLENCE: Outcome.SAFEGUARD,
    Category.BULLYING: Outcome.SAFEGUARD,
    Category.SEXUAL: Outcome.REDIRECT,
    Category.DRUGS: Outcome.REDIRECT,
    Category.PERSONAL_DATA: Outcome.REDIRECT,
    Category.OFF_TOPIC: Outcome.REDIRECT,
    Category.STEERING: Outcome.REDIRECT,
}
# Which categories an adult must hear about, and how urgently.
SEVERITIES: dict[Category, Severity] = {
    Category.SELF_HARM: Severity.HIGH,
    Category.ABUSE: Severity.HIGH,
    Category.VIOLENCE: Severity.MEDIUM,
    Category.BULLYING: Severity.MEDIUM,
    Category.SEXUAL: Severity.MEDIUM,
    Category.DRUGS: Severity.MEDIUM,
    Category.PERSONAL_DATA: Severity.LOW,
}


@dataclass(frozen=True)
class Screening:
    category: Category | None
    score: float
    cues: tuple[str, ...]  # the names of the cues that decided, for the reviewing adult

    @property
    def outcome(self) -> Outcome:
        return OUTCOMES[self.category] if self.category else Outcome.ANSWER

    @property
    def severity(self) -> Severity | None:
        return SEVERITIES.get(self.category) if self.category else None

    @property
    def flagged(self) -> bool:
        return self.severity is not None


ANSWER = Screening(None, 0.0, ())
PARTIAL = 1.0  # a cue this weighty, below the threshold, decides with the model's agreement

_LOOKALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s"})
_REPEATS = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[a-z0-9'@$]+(?:-[a-z0-9']+)*|[^\sa-z0-9']")


def normalise(text: str) -> str:
    """Lower case without accents; digits and symbols read as the letters they stand for
    inside words ("k1ll"); letters held down cut to two ("pleeease"); near-misspellings of
    the lexicon's key words corrected ("sucide")."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = []
    for token in _WORD.findall(folded):
        if re.search(r"[a-z]", token) and re.search(r"[0-9@$]", token):
            token = token.translate(_LOOKALIKES)
        token = _REPEATS.sub(r"\1\1", token)
        words.append(_corrected(token))
    return re.sub(r" ([^\w\s'])", r"\1", " ".join(words))


def _corrected(word: str) -> str:
    if len(word) < 5 or word in VOCABULARY or word in REAL_WORDS or not word.isalpha():
        return word
    for known in VOCABULARY:
        if known[0] == word[0] and _one_edit(word, known):
            return known
    return word


def _one_edit(a: str, b: str) -> bool:
    """One letter added, dropped, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def scores(text: str) -> dict[Category, tuple[float, tuple[str, ...]]]:
    """Each category's weight for `text` and the cues that gave it (before the threshold)."""
    said = normalise(text)
    found: dict[Category, tuple[float, tuple[str, ...]]] = {}
    for category, cues in CUES.items():
        matched = [cue for cue in cues if cue.pattern.search(said)]
        if matched:
            found[category] = (sum(c.weight for c in matched), tuple(c.name for c in matched))
    for name, weight, categories, cue in HARMLESS:
        if cue.pattern.search(said):
            for category in categories & found.keys():
                total, names = found[category]
                found[category] = (total - weight, (*names, f"not: {name}"))
    return found


def steers(text: str) -> bool:
    """Whether `text` addresses the tutor ("ignore your instructions"): the steering cues
    alone, since every sentence of the lesson material is asked this on each answer."""
    said = normalise(text)
    weight = sum(cue.weight for cue in CUES[Category.STEERING] if cue.pattern.search(said))
    return weight >= THRESHOLD


@lru_cache(maxsize=4096)
def screen(text: str) -> Screening:
    """The category of `text` (None: a question to answer), remembered, since the chat, the
    provider and the offline tutor each ask it of the same message. The lexicon's cues
    decide first: when several categories reach the threshold, the one a child most needs an
    adult for wins a close call. Without a cue, the trained models decide when sure: the
    regression (tutor/safety_regression.py), then naive Bayes (tutor/safety_model.py), whose
    reasons are the words that weighed most, then the sentence vectors' regression
    (tutor/safety_meaning.py)."""
    found = scores(text)
    best: Screening = ANSWER
    for category in CUES:  # in order of urgency
        total, names = found.get(category, (0.0, ()))
        if total >= THRESHOLD and total > best.score + (0.0 if best.category is None else 0.5):
            best = Screening(category, total, names)
    if best.category is not None:
        return best
    if any(name.startswith("not: ") for _, names in found.values() for name in names):
        return best  # a harmless context the lexicon recognised: not for the model to undo
    said = normalise(text)
    leans, leaning = safety_model.leaning(said)
    partial, names = found.get(leans, (0.0, ())) if leans else (0.0, ())
    if leans is not None and partial >= PARTIAL and leaning >= safety_model.AGREEING:
        return Screening(leans, round(partial, 2), (*names, "model agrees"))
    predicted, probability, words = safety_regression.predict(said)
    if predicted is not None:
        return Screening(predicted, round(probability, 2), tuple(f"regression: {w}" for w in words))
    predicted, probability, words = safety_model.predict(said)
    if predicted is not None:
        return Screening(predicted, round(probability, 2), tuple(f"model: {w}" for w in words))
    meant, probability = safety_meaning.predict(said)
    if meant is None:
        return best
    return Screening(meant, round(probability, 2), (f"meaning: close to {meant.value} examples",))


async def screen_in_thread(text: str) -> Screening:
    """`screen` in a worker thread, for the request handlers: the sentence encoder's few
    milliseconds of arithmetic would otherwise hold up every other request of the process."""
    from anyio import to_thread

    return await to_thread.run_sync(screen, text)


@dataclass(frozen=True)
class Helpline:
    name: str
    number: str


GENERIC_HELPLINE = "a child helpline in your country"


def reply_for(screening: Screening, helpline: Helpline | None, lesson_title: str | None) -> str:
    """What the tutor says instead of an answer: short, warm, never a lecture."""
    line = (
        f"You can also call {helpline.name} free on {helpline.number}, any time."
        if helpline
        else f"You can also call {GENERIC_HELPLINE}: it is free."
    )
    back = (
        f"Would you like to carry on with {lesson_title}?"
        if lesson_title
        else "What would you like to learn about today?"
    )
    category = screening.category
    if category is Category.SELF_HARM:
        return (
            "I'm really glad you told me. You matter, and you don't have to carry this alone. "
            f"Please talk to your teacher or another adult you trust today. {line} If you might "
            "hurt yourself now, go to an adult near you straight away."
        )
    if category is Category.ABUSE:
        return (
            "Thank you for telling me. What is happening is not your fault, and you deserve "
            f"to be safe. Please tell your teacher or another adult you trust soon. {line} If "
            "you are in danger now, go to an adult near you straight away."
        )
    if category is Category.VIOLENCE:
        return (
            "It sounds like something has made you very angry or scared. I can't help with "
            "hurting anyone, but your teacher or another adult you trust can help sort it out. "
            f"{line}"
        )
    if category is Category.BULLYING:
        return (
            "I'm sorry. Nobody deserves to be treated unkindly, and being kind matters for "
            "everyone. Your teacher or another adult you trust can help make it stop. "
            f"{line}"
        )
    if category is Category.SEXUAL:
        return (
            "That's not something I can help with here. If you have questions about your body "
            f"or growing up, a teacher or a parent you trust is a good person to ask. {back}"
        )
    if category is Category.DRUGS:
        return (
            "I can't help with that: drugs, alcohol and smoking can harm a growing body. If "
            f"you are worried about them, talk to an adult you trust. {back}"
        )
    if category is Category.PERSONAL_DATA:
        return (
            "I can't share anyone's passwords, marks or personal details: everyone's "
            "information stays private, just like yours. For help with your own account, ask "
            f"your teacher. {back}"
        )
    if category is Category.STEERING:
        return f"I'm your tutor for this lesson, and I'll keep helping with it the same way. {back}"
    return f"That's not part of your lessons, so I'll leave it for another time. {back}"


def answered_by_tutor(screening: Screening) -> bool:
    """Whether the tutor answers the message at all. An attempt to steer it is answered
    from the lesson as any question (the tutor treats the message as data, not orders)."""
    return screening.category in (None, Category.STEERING)


def guard(request: "TutorRequest") -> "TutorReply | None":
    """The answer to a message the tutor must not answer (it never reaches a model), or
    None. Every provider calls it first, whatever the caller checked before."""
    return guarded_reply(screen(request.message), request)


def guarded_reply(screening: Screening, request: "TutorRequest") -> "TutorReply | None":
    """What is said instead of an answer to a message so screened, or None (answer it)."""
    from tutor.types import TutorReply

    if answered_by_tutor(screening):
        return None
    text = reply_for(screening, request.helpline, request.lesson_title or request.topic_name)
    return TutorReply(text, "redirect", 1.0, [], [], "safeguarding")
