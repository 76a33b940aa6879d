"""Reading what a learner says in a guided lesson, so the tutor can answer it as a teacher
would: notice an empty or nonsense answer and ask again, hear "I don't know", recognise a
misconception against the lesson's key terms and correct it, or pick up the word of the
lesson the learner used. Plain text tools, no database (resolvers/guided_lessons.py keeps
the lesson's state)."""

import re
from dataclasses import dataclass

from tutor.text import PREAMBLE, STOPWORDS, WORD, fold, sentences, terms

# "A noun is a word that names ...": the concept (group 2) and its definition.
DEFINITION = re.compile(r"^(An?|The) ([A-Za-z]{3,}) (is|are|describes|shows|means)\b")
UNSURE = re.compile(
    r"\b(?:i )?(?:don'?t|do not|dont) know\b|\bnot sure\b|\bno idea\b|\bidk\b|\bsijui\b|"
    r"\bi forgot\b|\bno clue\b",
    re.I,
)
KEYBOARD = re.compile(r"asdf|qwer|zxcv|hjkl|sdfg|wert|xcvb|jkl;", re.I)


@dataclass(frozen=True)
class Concept:
    """A word a lesson defines, the sentence that defines it, and that sentence's terms."""

    word: str
    sentence: str
    terms: frozenset[str]


def concepts(text: str) -> list[Concept]:
    found = []
    for sentence in sentences(text):
        match = DEFINITION.match(sentence)
        if match:
            word = match.group(2).lower()
            defined = frozenset(terms(sentence)) - frozenset(terms(word))
            found.append(Concept(word, sentence, defined))
    return found


def new_sentences(text: str, presented: set[str]) -> list[str]:
    """The sentences of `text` the learner has not been shown yet (a video transcript that
    retells the text adds only what is new), without a transcript's "In this video..."."""
    fresh = []
    for sentence in sentences(text):
        key = " ".join(terms(sentence))
        if PREAMBLE.match(sentence) or not key or key in presented:
            continue
        presented.add(key)
        fresh.append(sentence)
    return fresh


def gibberish(word: str) -> bool:
    return len(word) >= 4 and (
        not re.search(r"[aeiouy]", word)
        or re.search(r"(.)\1\1", word) is not None
        or KEYBOARD.search(word) is not None
    )


@dataclass(frozen=True)
class Reading:
    kind: str  # empty, nonsense, unsure, misconception, related, unrelated
    word: str | None = None  # the lesson's word the learner used
    correction: str | None = None  # for a misconception: what it mistook the concept for
    definition: str | None = None  # and the lesson's sentence that defines it


def read(
    response: str | None, lesson: list[Concept], topic: list[Concept], vocabulary: set[str]
) -> Reading:
    """What a learner's free answer is. `lesson`: the concepts this lesson defines; `topic`:
    those of the whole topic; `vocabulary`: the stems of the topic's text."""
    text = (response or "").strip()
    words = WORD.findall(fold(text))
    letters = [w for w in words if re.search(r"[a-z]", w)]
    if not letters:
        return Reading("empty" if not text or not words else "nonsense")
    if UNSURE.search(text):
        return Reading("unsure")
    said = set(terms(text))
    if any(gibberish(w) for w in letters) and not said & vocabulary:
        return Reading("nonsense")
    for concept in lesson:
        if concept.word not in words and terms(concept.word)[0] not in said:
            continue
        if said & concept.terms:
            break  # they used the lesson's own words for it
        for other in topic:
            if other.word != concept.word and said & other.terms:
                return Reading(
                    "misconception",
                    concept.word,
                    f"Careful: that describes {_article(other.word)} {other.word}, not "
                    f"{_article(concept.word)} {concept.word}.",
                    concept.sentence,
                )
    shared = [w for w in letters if w not in STOPWORDS and terms(w) and terms(w)[0] in vocabulary]
    if shared:
        return Reading("related", shared[0])
    if len(letters) >= 2 and not said:
        return Reading("nonsense")
    return Reading("unrelated")


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
