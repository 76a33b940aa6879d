"""The safeguarding classifier's third trained part: a logistic regression over what a message
means, as the sentence encoder (tutor/sentence_encoder.py) puts it, rather than over its
words. It hears "i want to sleep and never wake up" or "everyone would be happier if i was
gone" as close to the self-harm examples although they share no word of worry with them.

It reads a message only when the lexicon found no harmless context and neither the word
regression nor naive Bayes decided. It decides alone when it is very sure (ALONE), and when
the category is likely (AGREEING) and the word regression gives it some weight too
(SECONDED): alone at a lower bar it heard "bye see you tomorrow" as self-harm and "my mum
cooked matoke" as abuse. Chosen by five-fold cross-validation of the whole classifier over
the training examples (each fold's models trained without it; no held-out set used): against
the classifier without this part, recall on self-harm rose from 0.918 to 0.943, abuse 0.941
to 0.955, violence 0.886 to 0.928, bullying 0.922 to 0.949, sexual content 0.908 to 0.956,
personal data 0.929 to 0.963, drugs 0.933 to 0.963 and off-topic 0.821 to 0.883, for false
alarms on the harmless examples from 7.4 % to 8.0 % (the training set's harmless examples
are the hardest near-misses its authors could write). Deciding alone at 0.5 for self-harm
and abuse and 0.9 otherwise caught about as much for twice the false alarms.

Encoding the 9,000 training examples takes a minute and a half on two cores, too long for
every process to do when it starts; so the weights are trained once, by `learnloom
train-safety`, and kept in tutor/safety_meaning.json with a digest of the examples they were
trained on. A test fails when the corpora change and the file was not trained
again. Without the encoder's model installed this part abstains."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from tutor import safety_model, safety_regression, softmax
from tutor.lexicon import Category
from tutor.sentence_encoder import encoder

HEAD = Path(__file__).parent / "safety_meaning.json"
NONE = "none"
PENALTY = 1e-5  # weaker (1e-6) raised false alarms more than recall; stronger lost recall
ITERATIONS = 500
ALONE = 0.95
AGREEING = 0.5
SECONDED = 0.1  # the word regression's probability of the same category


@dataclass(frozen=True)
class Head:
    labels: tuple[str, ...]
    weights: np.ndarray  # 384 x labels
    bias: np.ndarray
    digest: str  # of the examples it was trained on

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return softmax.probabilities(vectors @ self.weights + self.bias)


def train(
    examples: list[tuple[str, str]], progress: Callable[[int, int], None] | None = None
) -> Head:
    """`examples`: (label, normalised text) pairs. `progress(done, total)` after each batch
    encoded."""
    model = encoder()
    if model is None:
        raise RuntimeError("the sentence encoder's model is not installed")
    texts, step, parts = [text for _, text in examples], 256, []
    for start in range(0, len(texts), step):
        parts.append(model.encode(texts[start : start + step]))
        if progress:
            progress(min(start + step, len(texts)), len(texts))
    vectors = np.concatenate(parts)
    labels = tuple(sorted({label for label, _ in examples}))
    y = np.array([labels.index(label) for label, _ in examples])
    weights, bias = softmax.fit(vectors, y, len(labels), PENALTY, ITERATIONS)
    return Head(labels, weights, bias, safety_model.digest(examples))


def save(head: Head, path: Path = HEAD) -> None:
    content = {
        "encoder": "all-MiniLM-L6-v2",
        "digest": head.digest,
        "labels": list(head.labels),
        "bias": [round(float(b), 6) for b in head.bias],
        "weights": [[round(float(w), 6) for w in row] for row in head.weights],
    }
    path.write_text(json.dumps(content, separators=(",", ":")) + "\n")


def load(path: Path = HEAD) -> Head | None:
    if not path.exists():
        return None
    content = json.loads(path.read_text())
    return Head(
        tuple(content["labels"]),
        np.array(content["weights"], dtype=np.float32),
        np.array(content["bias"], dtype=np.float32),
        content["digest"],
    )


@cache
def head() -> Head | None:
    return load()


def predict(normalised: str) -> tuple[Category | None, float]:
    """The category the message means, if likely enough (None: harmless, unsure, or no
    encoder installed), and its probability."""
    trained, model = head(), encoder()
    if trained is None or model is None:
        return None, 0.0
    probabilities = trained.probabilities(model.encode([normalised]))[0]
    best = int(probabilities.argmax())
    label, probability = trained.labels[best], float(probabilities[best])
    if label == NONE or probability < AGREEING:
        return None, probability
    if probability < ALONE and safety_regression.probability(normalised, label) < SECONDED:
        return None, probability
    return Category(label), probability
