"""The offline tutor's evaluation (tutor/evaluation.py) on the demo lessons' questions: its
answers cite the lesson that holds the answer, and practice hints never say it."""

import subprocess
import sys

import pytest

from tutor.evaluation import evaluate, report

pytestmark = pytest.mark.anyio


async def test_the_offline_tutor_is_grounded_and_never_gives_practice_answers_away() -> None:
    scores = await evaluate()
    print(report(scores))  # the figures, with -s
    total_questions = sum(s.questions for s in scores.values())
    grounded = sum(s.grounded for s in scores.values()) / total_questions
    answered = sum(s.answered for s in scores.values()) / total_questions
    assert total_questions == 72
    assert grounded >= 0.9, report(scores)
    assert answered >= 0.6, report(scores)
    assert sum(s.leaks for s in scores.values()) == 0, report(scores)


def test_the_command_prints_the_table() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "learnloom", "evaluate-tutor"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    printed = done.stdout + done.stderr
    assert "grounded" in printed and "leaks" in printed
