"""Finding the passages of a lesson that answer a question: BM25 over stems, the ranking
search engines have long used for short texts. Passages are few (one lesson and its topic),
so the index is built per question."""

import math
import re
from collections import Counter
from dataclasses import dataclass

from tutor.text import LIGHT, terms
from tutor.types import Passage

K1, B = 1.2, 0.75
LIGHT_WEIGHT = 0.3
DEFINITION = re.compile(
    r"\b(?:an?|the)\s+(\w+)\s+(?:is|are|means|describes|shows|contains|consists)\b", re.I
)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    matched: frozenset[str]  # the question's stems found in the passage


def rank(passages: list[Passage], question: str, *, boost_lesson: int | None = None) -> list[Hit]:
    """Passages by relevance to `question`, best first; those sharing no stem are left out.
    Passages of `boost_lesson` (the lesson being studied) win close calls."""
    query = set(terms(question))
    if not query or not passages:
        return []
    documents = [Counter(terms(p.text)) for p in passages]
    average = sum(sum(d.values()) for d in documents) / len(documents) or 1.0
    frequency = Counter(term for d in documents for term in set(d))
    hits = []
    for passage, counts in zip(passages, documents, strict=True):
        matched = frozenset(query & set(counts))
        if not matched:
            continue
        length = sum(counts.values())
        score = 0.0
        for term in matched:
            idf = math.log(1 + (len(documents) - frequency[term] + 0.5) / (frequency[term] + 0.5))
            tf = counts[term]
            weight = LIGHT_WEIGHT if term in LIGHT else 1.0  # the question's content words lead
            score += weight * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        if boost_lesson is not None and passage.lesson_id == boost_lesson:
            score *= 1.5  # the lesson being studied is the likeliest meaning of a question
        if _defines(passage.text, matched):
            score *= 3.0  # "A noun is a word that...": the passage that says what it is wins
        if passage.kind != "text":
            score *= 0.9  # a transcript retells the lesson's text: the text itself first
        hits.append(Hit(passage, score, matched))
    hits.sort(key=lambda hit: (-hit.score, hit.passage.kind != "text", hit.passage.id))
    return hits


def _defines(text: str, stems: frozenset[str]) -> bool:
    """Whether the passage defines one of the question's words ("A noun is ...")."""
    return any(terms(word) and terms(word)[0] in stems for word in DEFINITION.findall(text))
