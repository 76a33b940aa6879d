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

# User-facing text that still names an outside document: GraphQL descriptions, which
# clients read through introspection (and schema.graphql, generated from them). Changing
# them changes the published schema, so the lead decides; until then each is listed here,
# and an entry that no longer matches fails the test, so the list only shrinks.
AWAITING_DECISION: dict[str, tuple[str, ...]] = {
    "schema.graphql": (
        "Readiness of the AI service (",
        "National analytics (",
        "Offset pagination as ",
        "Roles of ",
        "School KPIs (",
    ),
    "schema/analytics.py": ('description="School KPIs (', 'description="National analytics ('),
    "schema/enums.py": ('description="Roles of ',),
    "schema/pagination.py": ('description="Offset pagination as ',),
    "schema/system.py": ('description="Readiness of the AI service (',),
}


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


def awaiting(name: str, line: str) -> bool:
    return any(start in line for start in AWAITING_DECISION.get(name, ()))


def test_no_file_points_outside_the_repository() -> None:
    offending = [
        f"{name}:{number}: {line}" for name, number, line in mentions() if not awaiting(name, line)
    ]
    assert not offending, "files that name documents outside the repository:\n" + "\n".join(
        offending
    )


def test_every_awaited_mention_still_exists() -> None:
    found = mentions()
    stale = [
        f"{name}: {start}"
        for name, starts in AWAITING_DECISION.items()
        for start in starts
        if not any(n == name and start in line for n, _, line in found)
    ]
    assert not stale, "no longer mentioned; remove from AWAITING_DECISION:\n" + "\n".join(stale)
