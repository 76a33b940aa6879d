"""Every setting is documented: docs/operations.md names each LEARNLOOM_ variable that
ground/settings.py reads, and names none that it does not."""

import re
from pathlib import Path

from ground.settings import Settings

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "operations.md"
NAMED = re.compile(r"`LEARNLOOM_([A-Z0-9_]+)`")


def documented() -> set[str]:
    return {name.lower() for name in NAMED.findall(DOCUMENT.read_text(encoding="utf-8"))}


def test_every_setting_is_in_the_operations_guide() -> None:
    missing = sorted(set(Settings.model_fields) - documented())
    assert not missing, f"add to docs/operations.md: {['LEARNLOOM_' + m.upper() for m in missing]}"


def test_the_operations_guide_names_no_setting_that_does_not_exist() -> None:
    # Test-only variables (LEARNLOOM_TEST_*) are read by the test suite, not by the server.
    unknown = sorted(
        name for name in documented() - set(Settings.model_fields) if not name.startswith("test_")
    )
    assert not unknown, f"not settings of ground/settings.py: {unknown}"
