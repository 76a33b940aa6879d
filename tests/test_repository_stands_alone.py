"""The repository explains itself: no tracked file may send its reader to a document outside
it (the contract texts and design notes the project was started from, or a sibling folder
of the checkout). Rules belong in the code's own words or in docs/."""

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Built from pieces, so that this file does not match itself.
OUTSIDE = re.compile(
    "|".join(
        (
            "grio-api" + r"-v1",
            "learnloom-analytics" + r"-api",
            "DESIGN" + r"\.md",
            "STYLE" + r"\.md",
            r"\.\./" + "shared",
        )
    )
)

# Third-party files, kept byte for byte as published.
SKIPPED_PREFIXES = ("learnloom/static/vendor/",)


def tracked_files() -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    names = [name for name in listed.decode().split("\0") if name]
    if not names:
        pytest.skip("not a git checkout")
    return [name for name in names if not name.startswith(SKIPPED_PREFIXES)]


def text_of(name: str) -> str | None:
    """The file's text, or None for a binary file (or one deleted but not yet staged)."""
    try:
        data = (REPO / name).read_bytes()
    except OSError:
        return None
    if b"\0" in data:
        return None
    try:
        return data.decode()
    except UnicodeDecodeError:
        return None


def mentions() -> list[tuple[str, int, str]]:
    found = []
    for name in tracked_files():
        text = text_of(name)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append((name, number, line.strip()))
    return found


def test_no_file_points_outside_the_repository() -> None:
    offending = [f"{name}:{number}: {line}" for name, number, line in mentions()]
    assert not offending, "files that name documents outside the repository:\n" + "\n".join(
        offending
    )
