"""The safeguarding classifier's second trained part: a multinomial logistic regression over a
message's words, word pairs and the character 3- to 5-grams inside each word, hashed into a
fixed number of columns. Character grams carry what naive Bayes over whole words cannot:
misspellings ("sucid", "kil myslf"), words run together and endings in other languages.

It learns from the same examples as tutor/safety_model.py (the training corpora, the
development half of tutor/eval_sets/safety.json and the demo lessons' sentences) with L-BFGS,
once, by `learnloom train-safety`: its weights are kept in tutor/safety_regression.npz with a
digest of the examples (a test fails when a corpus changes and they were not trained again).
Fitting takes about 5 s of CPU, which every web process spent a second after it started,
answering several times slower meanwhile; without the file it is fitted when first used. Its
decision is explained by the words of the message that pushed it most toward the category
and away from a harmless message.

Chosen, with its thresholds, by five-fold cross-validation over the training examples only
(the held-out sets were not used): with naive Bayes behind it, recall rose on every
category (self-harm 0.80 to 0.88, abuse 0.86 to 0.93, off-topic 0.50 to 0.73) while false
alarms on harmless examples went from 4% to 5%."""

import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tutor import softmax
from tutor.lexicon import Category

if TYPE_CHECKING:
    from scipy import sparse

BITS = 14  # 16,384 hashed columns: more did no better in cross-validation, and trains slower
# L2 strength on the weights: weaker than it was (1e-5) since the sixth corpus, which in
# cross-validation raised recall on every category but bullying (off-topic 0.71 to 0.82,
# sexual 0.81 to 0.87, self-harm 0.88 to 0.93) for false alarms from 6.8% to 7.2%.
PENALTY = 3e-7
ITERATIONS = 100
NONE = "none"
# How likely the category must be, against all others and harmless, to decide: lower where a
# missed message is a child in danger.
CONFIDENCE = {"self_harm": 0.4, "abuse": 0.4}
OTHERWISE = 0.5
# How many of the words behind a decision must say something (not a stop word or a word every
# learner uses) for it to stand.
MEANINGFUL = 1
SURE = 0.8
SECONDED = 0.05
_WORD = re.compile(r"[a-z0-9']+")


def _grams(word: str) -> list[str]:
    marked = f"<{word}>"
    return [f"c:{marked[i : i + n]}" for n in (3, 4, 5) for i in range(max(1, len(marked) - n + 1))]


def _features(normalised: str) -> list[tuple[str, list[str]]]:
    """Each word of the message with its features (the word, its pair with the next word,
    its character grams)."""
    words = _WORD.findall(normalised)
    found = []
    for i, word in enumerate(words):
        own = [f"w:{word}", *_grams(word)]
        if i + 1 < len(words):
            own.append(f"b:{word} {words[i + 1]}")
        found.append((word, own))
    return found


def _column(feature: str) -> int:
    return zlib.crc32(feature.encode()) % (1 << BITS)


def _matrix(texts: list[str]) -> "sparse.csr_matrix":
    """One row per message: which hashed columns it has, scaled to unit length (a long
    message weighs no more than a short one)."""
    from scipy import sparse  # imported on first use: a web process starts without it

    rows, columns = [], []
    for i, text in enumerate(texts):
        found = {_column(f) for _, own in _features(text) for f in own}
        rows += [i] * len(found)
        columns += sorted(found)
    counts = np.bincount(np.asarray(rows, dtype=np.int64), minlength=len(texts)).astype(float)
    values = 1 / np.sqrt(np.maximum(counts, 1))[np.asarray(rows, dtype=np.int64)]
    return sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), 1 << BITS))


@dataclass(frozen=True)
class Regression:
    labels: tuple[str, ...]
    weights: np.ndarray  # columns x labels
    bias: np.ndarray

    def probabilities(self, normalised: str) -> np.ndarray:
        scores = np.asarray(_matrix([normalised]) @ self.weights) + self.bias
        return softmax.probabilities(scores).ravel()

    def reasons(self, normalised: str, label: str, count: int = 3) -> tuple[str, ...]:
        """The words that pushed the message most toward `label` and away from harmless."""
        target, harmless = self.labels.index(label), self.labels.index(NONE)
        push: dict[str, float] = {}
        for word, own in _features(normalised):
            columns = [_column(f) for f in own]
            gain = float(np.sum(self.weights[columns, target] - self.weights[columns, harmless]))
            push[word] = max(push.get(word, gain), gain)
        best = sorted(push, key=lambda w: -push[w])[:count]
        return tuple(w for w in best if push[w] > 0)


def fit(examples: list[tuple[str, str]]) -> Regression:
    """`examples`: (label, normalised text) pairs."""
    labels = tuple(sorted({label for label, _ in examples}))
    x = _matrix([text for _, text in examples])
    y = np.array([labels.index(label) for label, _ in examples])
    weights, bias = softmax.fit(x, y, len(labels), PENALTY, ITERATIONS)
    return Regression(labels, weights, bias)


WEIGHTS = Path(__file__).parent / "safety_regression.npz"


def save(trained: Regression, digest: str, path: Path = WEIGHTS) -> None:
    np.savez_compressed(
        path,
        labels=np.array(trained.labels),
        weights=trained.weights.astype(np.float32),
        bias=trained.bias.astype(np.float32),
        digest=np.array(digest),
    )


def load(path: Path = WEIGHTS) -> tuple[Regression, str] | None:
    """The weights kept in `path` and the digest of the examples they were fitted on."""
    if not path.exists():
        return None
    with np.load(path) as kept:
        labels = tuple(str(label) for label in kept["labels"])
        return Regression(labels, kept["weights"], kept["bias"]), str(kept["digest"])


@cache
def model() -> Regression:
    kept = load()
    if kept is not None:
        return kept[0]
    from tutor.safety_model import training_examples

    return fit(training_examples())


def probability(normalised: str, label: str) -> float:
    """How likely the regression finds `label` for the message, sure or not."""
    trained = model()
    return float(trained.probabilities(normalised)[trained.labels.index(label)])


def predict(normalised: str) -> tuple[Category | None, float, tuple[str, ...]]:
    """The category the regression is sure of (None: harmless or unsure), its probability
    and the words behind it."""
    trained = model()
    probabilities = trained.probabilities(normalised)
    best = int(probabilities.argmax())
    label, probability = trained.labels[best], float(probabilities[best])
    if label == NONE or probability < CONFIDENCE.get(label, OTHERWISE):
        return None, probability, ()
    pushing = trained.reasons(normalised, label, count=len(normalised))
    from tutor import safety_model

    if len(safety_model.meaningful(pushing)) < MEANINGFUL:
        return None, probability, ()  # "i think ... doing": no word of worry, no worry
    # The regression leans on how a message is said ("i ..." is how disclosures begin); unless
    # it is very sure, naive Bayes, which reads what is said, must see the category too.
    if probability < SURE:
        bayes = safety_model.model().posteriors(safety_model.features(normalised))
        if bayes.get(label, 0.0) < SECONDED:
            return None, probability, ()
    return Category(label), probability, pushing[:3]
