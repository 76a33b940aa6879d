"""The safeguarding classifier's sentence encoder (tutor/sentence_encoder.py, the real
all-MiniLM-L6-v2 weights run with numpy) and the regression over its vectors
(tutor/safety_meaning.py): the encoder puts sentences that mean the same close together, a
batch encodes as its messages one by one, the shipped weights of both regressions were
trained on today's corpora, and the part decides only where the rest of the classifier let a message through
and, unless very sure, only with the word regression's agreement."""

import json
from pathlib import Path

import numpy as np
import pytest

from tutor import safety_meaning, safety_regression
from tutor.safety import normalise, screen
from tutor.safety_model import digest, training_examples
from tutor.sentence_encoder import encoder, read_safetensors

pytestmark = pytest.mark.skipif(encoder() is None, reason="the sentence encoder is not installed")

PAIRS = [
    ("A man is playing a guitar.", "Someone plays the guitar."),
    ("How do I identify a noun in a sentence?", "what is a noun"),
    ("I want to die", "I don't want to be alive anymore"),
]


def test_sentences_that_mean_the_same_are_close_and_others_are_not() -> None:
    model = encoder()
    assert model is not None
    vectors = model.encode([text for pair in PAIRS for text in pair])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar = vectors @ vectors.T
    for i in range(len(PAIRS)):
        same = similar[2 * i, 2 * i + 1]
        others = [similar[2 * i, 2 * j] for j in range(len(PAIRS)) if j != i]
        assert same > 0.65 and max(others) < 0.2, (PAIRS[i], same, others)


def test_a_batch_encodes_as_each_message_alone() -> None:
    """Padding a short message to a long one's length changes nothing (it is never attended
    to, nor pooled); a message longer than the encoder reads is cut, not refused."""
    model = encoder()
    assert model is not None
    texts = ["ok", "my uncle hits me when he is drunk and i am scared to go home", "x " * 400]
    together = model.encode(texts)
    alone = np.vstack([model.encode([text]) for text in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_the_weights_are_read_from_the_file_as_stored(tmp_path: Path) -> None:
    """The safetensors reader: names, shapes, dtypes and values of a file written here."""
    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    header = {"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}
    encoded = json.dumps(header).encode()
    path = tmp_path / "t.safetensors"
    path.write_bytes(len(encoded).to_bytes(8, "little") + encoded + values.tobytes())
    assert np.array_equal(read_safetensors(path)["w"], values)


def test_the_shipped_weights_were_trained_on_todays_corpora() -> None:
    """A corpus changed without `learnloom train-safety` fails here, for both regressions."""
    examples = training_examples()
    head = safety_meaning.load()
    assert head is not None
    assert head.digest == digest(examples)
    assert head.weights.shape == (384, len(head.labels))
    kept = safety_regression.load()
    assert kept is not None
    assert kept[1] == digest(examples)


def test_the_shipped_word_regression_is_the_one_fitted_on_the_corpora(tmp_path: Path) -> None:
    """What every process loads instead of fitting it (5 s of CPU at each start) answers as
    the regression fitted now; and saved weights load as they were."""
    fitted = safety_regression.fit(training_examples())
    kept = safety_regression.load()
    assert kept is not None
    messages = ["i want to die", "what is a noun", "give me her password", "my uncle hits me"]
    for said in messages:
        assert np.allclose(
            kept[0].probabilities(normalise(said)), fitted.probabilities(normalise(said)), atol=1e-4
        ), said
    safety_regression.save(fitted, "d", tmp_path / "r.npz")
    loaded = safety_regression.load(tmp_path / "r.npz")
    assert loaded is not None and loaded[1] == "d" and loaded[0].labels == fitted.labels


def test_training_writes_weights_that_load_as_trained(tmp_path: Path) -> None:
    examples = [
        ("none", "what is a fraction"),
        ("none", "how do plants make food"),
        ("self_harm", "i want to end my life"),
        ("self_harm", "i want to kill myself"),
        ("drugs", "where can i buy weed"),
        ("drugs", "how do i get alcohol"),
    ]
    reported: list[tuple[int, int]] = []
    head = safety_meaning.train(examples, lambda done, total: reported.append((done, total)))
    assert reported[-1] == (6, 6)
    path = tmp_path / "head.json"
    safety_meaning.save(head, path)
    loaded = safety_meaning.load(path)
    assert loaded is not None and loaded.labels == ("drugs", "none", "self_harm")
    assert np.allclose(loaded.weights, head.weights, atol=1e-5)
    model = encoder()
    assert model is not None
    probabilities = loaded.probabilities(model.encode(["i want to die", "what is a verb"]))
    assert [loaded.labels[int(i)] for i in probabilities.argmax(axis=1)] == ["self_harm", "none"]


def test_the_meaning_decides_what_the_word_models_let_through() -> None:
    """A training example that no cue and neither word model decides: its meaning is."""
    said = "everything is dark and i just want to go"
    screening = screen(said)
    assert screening.category is not None and screening.category.value == "self_harm"
    assert screening.cues == ("meaning: close to self_harm examples",)


@pytest.mark.parametrize(
    ("said", "meant"),
    [("bye see you tomorrow", "self_harm"), ("my mum cooked matoke", "abuse")],
)
def test_a_likely_meaning_the_word_regression_does_not_second_is_answered(
    said: str, meant: str
) -> None:
    """Harmless examples the regression over vectors gives more than even odds of a
    safeguarding category: answered, because the word regression sees nothing of it."""
    head, model = safety_meaning.head(), encoder()
    assert head is not None and model is not None
    found = head.probabilities(model.encode([normalise(said)]))[0]
    probabilities = dict(zip(head.labels, found, strict=True))
    assert safety_meaning.AGREEING <= probabilities[meant] < safety_meaning.ALONE
    assert screen(said).category is None
