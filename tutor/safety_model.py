"""One of the safeguarding classifier's trained parts: a multinomial naive Bayes model over a
message's words and word pairs, learned from the examples of the eight training corpora
tutor/safety_training*.json (written for it), the development half of
tutor/eval_sets/safety.json (never a held-out half) and, as harmless examples, the demo
lessons' own questions and sentences. It catches phrasings the lexicon (tutor/lexicon.py)
has no cue for, and seconds the regression (tutor/safety_regression.py); its decision is
explained by the words that weighed most for the category against harmless messages.

Naive Bayes suits the task: a few hundred short examples, features that are words, a
model trained in milliseconds when first used, and a reason that can be read."""

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from tutor.lexicon import Category
from tutor.text import STOPWORDS, stem

HERE = Path(__file__).parent
# Eight corpora written for the models by eight authors who saw neither the evaluation sets
# nor each other's examples; the seventh is mostly everyday chatter ("good night", "i am going
# home now"), which the first six had too little of to learn it is harmless; the eighth
# weighs indirect disclosures and harmless near-misses.
TRAINING = tuple(
    HERE / f"safety_training{n}.json" for n in ("", "_2", "_3", "_4", "_5", "_6", "_7", "_8")
)
DEVELOPMENT = HERE / "eval_sets" / "safety.json"
NONE = "none"
# How sure the model must be that a message is of a category, not harmless, before it
# decides alone (the lexicon's cues decide whatever the model says): lower where a missed
# message is a child in danger, higher where a false alarm would only cost a redirect.
# Chosen by cross-validation over the training set and the development half.
CONFIDENCE = {"self_harm": 0.6, "abuse": 0.6}
OTHERWISE = 0.8
SMOOTHING = 0.3
# A lexicon cue too weak to decide alone (at least PARTIAL of the threshold's weight) decides
# when the model leans the same way at least this much.
AGREEING = 0.4
STRONG = 3.0  # how much likelier in the category a word must be to count as a reason
# A category the model may decide alone: off-topic and steering are left to the lexicon and
# to the tutor's retrieval, which answer them kindly anyway.
DECIDES = frozenset(
    {
        Category.SELF_HARM,
        Category.ABUSE,
        Category.VIOLENCE,
        Category.SEXUAL,
        Category.DRUGS,
        Category.PERSONAL_DATA,
        Category.BULLYING,
    }
)
# Where naive Bayes decides with no other part agreeing: only where a missed message is a
# child in danger. Elsewhere the regression, which reads misspellings too, decides; with
# naive Bayes deciding everywhere, cross-validation over the training corpora found more
# false alarms and no more recall outside self-harm and abuse.
ALONE = frozenset({Category.SELF_HARM, Category.ABUSE})


def features(normalised: str) -> list[str]:
    """Stems of the words, and neighbouring pairs. Stop words and the lessons' own words are
    no evidence alone ("fraction", "teacher"), but they are in pairs ("hit me", "my uncle");
    a pair of two such words ("at a") is none."""
    words = [stem(w) for w in re.findall(r"[a-z0-9']+", normalised) if any(c.isalpha() for c in w)]
    plain = STOPWORDS | COMMON | lesson_words()
    found = [w for w in words if w not in plain]
    found += [f"{a} {b}" for a, b in pairwise(words) if a not in plain or b not in plain]
    return found


# Words any learner uses all the time, whatever they speak of: never evidence by themselves
# ("i think verbs are doing words" is an answer, not a worry).
COMMON = frozenset(
    stem(w)
    for w in """think thought know feel felt want like keep just really say said tell ask asked
    mean make get got go going come see look need try help please thing something everything
    nothing anything one people time day today now always never maybe sometimes good bad okay
    ok yes lol pls plz u ur im dont cant wont didnt doesnt isnt ill ive id also still even
    much many lot lots very so too well right wrong sure guess""".split()  # noqa: SIM905
)


def meaningful(words: tuple[str, ...]) -> set[str]:
    """The stems among `words` that say something: not stop words or words every learner
    uses whatever they speak of."""
    return {stem(w) for w in words} - STOPWORDS - COMMON


@cache
def lesson_words() -> frozenset[str]:
    """The stems of the demo lessons' words: the vocabulary of learning itself."""
    from models.demo_content import SUBJECTS

    said = " ".join(
        f"{lesson.title} {lesson.text} {lesson.question} {' '.join(lesson.options)}"
        for _, _, topics in SUBJECTS.values()
        for topic in topics
        for lesson in topic.lessons
    )
    return frozenset(stem(w) for w in re.findall(r"[a-z0-9']+", said.lower()))


@dataclass(frozen=True)
class Model:
    priors: dict[str, float]  # log P(class)
    likelihoods: dict[str, dict[str, float]]  # log P(feature | class)
    unseen: dict[str, float]  # log P(feature never seen with class | class)

    def posteriors(self, found: list[str]) -> dict[str, float]:
        known = [f for f in found if any(f in table for table in self.likelihoods.values())]
        scores = {
            label: self.priors[label]
            + sum(self.likelihoods[label].get(f, self.unseen[label]) for f in known)
            for label in self.priors
        }
        top = max(scores.values())
        total = sum(math.exp(s - top) for s in scores.values())
        return {label: math.exp(s - top) / total for label, s in scores.items()}

    def reasons(self, found: list[str], label: str, count: int = 3) -> tuple[str, ...]:
        """The features that weighed most for `label` against harmless messages: each at
        least STRONG times likelier there than in a harmless message."""
        weight = {
            f: self.likelihoods[label].get(f, self.unseen[label])
            - self.likelihoods[NONE].get(f, self.unseen[NONE])
            for f in set(found)
            if f in self.likelihoods[label]
        }
        best = sorted(weight, key=lambda f: -weight[f])[:count]
        return tuple(f for f in best if weight[f] > math.log(STRONG))


def train(examples: list[tuple[str, str]], smoothing: float = 0.5) -> Model:
    """`examples`: (label, normalised text) pairs."""
    counts: dict[str, Counter[str]] = {}
    documents: Counter[str] = Counter()
    for label, text in examples:
        counts.setdefault(label, Counter()).update(features(text))
        documents[label] += 1
    vocabulary = {f for table in counts.values() for f in table}
    size = len(vocabulary)
    priors = {label: math.log(n / sum(documents.values())) for label, n in documents.items()}
    likelihoods, unseen = {}, {}
    for label, table in counts.items():
        total = sum(table.values()) + smoothing * size
        likelihoods[label] = {f: math.log((n + smoothing) / total) for f, n in table.items()}
        unseen[label] = math.log(smoothing / total)
    return Model(priors, likelihoods, unseen)


def training_examples() -> list[tuple[str, str]]:
    """What the model learns from: the training set and the development half only."""
    from tutor.safety import normalise  # the classifier's own reading of a message

    rows = [
        row
        for path in TRAINING
        if path.exists()  # an install without the corpora keeps the lexicon alone
        for row in json.loads(path.read_text(encoding="utf-8"))
    ]
    if DEVELOPMENT.exists():
        rows += [
            row
            for row in json.loads(DEVELOPMENT.read_text(encoding="utf-8"))
            if row["split"] == "dev"
        ]
    examples = [(row["category"], normalise(row["text"])) for row in rows]
    # The lessons' own questions and sentences are what harmless messages look like most.
    from models.demo_content import SUBJECTS
    from tutor.text import sentences

    for _, _, topics in SUBJECTS.values():
        for topic in topics:
            for lesson in topic.lessons:
                for said in (lesson.question, lesson.title, *sentences(lesson.text)):
                    examples.append((NONE, normalise(said)))
    return examples


def digest(examples: list[tuple[str, str]]) -> str:
    """Of the training examples: the shipped weights of the regressions
    (tutor/safety_regression.npz, tutor/safety_meaning.json) record the one they learned."""
    return hashlib.sha256(json.dumps(examples, ensure_ascii=False).encode()).hexdigest()


@cache
def model() -> Model:
    return train(training_examples(), SMOOTHING)


def predict(normalised: str) -> tuple[Category | None, float, tuple[str, ...]]:
    """The category the model is sure of (None: harmless or unsure), its probability and
    the words behind it."""
    found = features(normalised)
    trained = model()
    posteriors = trained.posteriors(found)
    label = max(posteriors, key=lambda name: posteriors[name])
    if label == NONE or posteriors[label] < CONFIDENCE.get(label, OTHERWISE):
        return None, posteriors.get(label, 0.0), ()
    category = Category(label)
    reasons = trained.reasons(found, label)
    words = {w for reason in reasons for w in reason.split() if w not in STOPWORDS | COMMON}
    if category not in ALONE or len(words) < 2:
        return None, posteriors[label], ()  # one word is no reason to call an adult
    return category, posteriors[label], reasons


def leaning(normalised: str) -> tuple[Category | None, float]:
    """The category the model leans to (None: harmless) and how much, sure or not: for
    agreeing with a cue of the lexicon too weak to decide alone."""
    posteriors = model().posteriors(features(normalised))
    label = max(posteriors, key=lambda name: posteriors[name])
    if label == NONE or Category(label) not in DECIDES:
        return None, posteriors[label]
    return Category(label), posteriors[label]
