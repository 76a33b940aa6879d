"""Small text tools for the offline tutor: words, their stems and sentences."""

import re
import unicodedata

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Words that carry no meaning of their own in a question about a lesson.
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over
    own please same she should so some such tell than that the their them then there these
    they this those through to too under until up us very was we were what when where which
    while who whom why will with would you your yours explain mean means meaning know
    understand help show give example examples again something thing things word words""".split()  # noqa: SIM905 (a word list reads better as text)
)


# Verbs and adjectives a question leans on without naming what it asks about ("what
# *makes* something a mixture", "what do we *call* the place..."): they count for less
# than the question's other words when passages are ranked.
LIGHT = frozenset(
    """make mak call start work big small happen use need find get go come take put say
    called named begin thing kind type way part good bad best""".split()  # noqa: SIM905
)
PREAMBLE = re.compile(r"^in this video we (?:explore|learn about|look at)\b", re.I)


def without_preamble(text: str) -> str:
    """A video transcript without its "In this video we explore..." opening, which says
    nothing the lesson teaches."""
    return " ".join(s for s in sentences(text) if not PREAMBLE.match(s))


def fold(text: str) -> str:
    """Lower case without accents, so "Café" and "cafe" match."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    """A light suffix-stripping stem: "nouns" and "noun", "adding" and "add" meet."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + keep
            break
    return word


def terms(text: str) -> list[str]:
    """The meaningful stems of `text`, in order."""
    return [stem(w.replace("'", "")) for w in WORD.findall(fold(text)) if w not in STOPWORDS]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text.strip()) if s.strip()]


def normalise_answer(text: str) -> str:
    """An answer as compared with the key: folded case, single spaces, no outer punctuation."""
    spaced = " ".join(fold(text).split())
    return spaced.strip(" .,;:!?'\"()[]")
