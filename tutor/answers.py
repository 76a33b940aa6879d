"""Questions with lettered options, checking a learner's answer against the key, and keeping
an open question's key out of what the tutor says: shared by practice, guided lessons and
chat, so an answer counts, and stays hidden, the same wherever it is given."""

import re

from tutor.text import normalise_answer

BLANK = "____"

LETTERS = "ABCDEFGH"


def lettered(prompt: str, options: list[str]) -> str:
    """ "Which word is a noun? A) dog, B) run" — or the prompt alone without options."""
    if not options:
        return prompt
    return f"{prompt} " + ", ".join(f"{LETTERS[i]}) {o}" for i, o in enumerate(options))


def is_right(answer: str, key: str, options: list[str]) -> bool:
    """The letter or the text of the right option; for short answers the text, ignoring case,
    spacing and outer punctuation, with one slip allowed in words of five letters or more."""
    given = normalise_answer(answer)
    expected = normalise_answer(key)
    if options and len(given) == 1 and given.upper() in LETTERS[: len(options)]:
        given = normalise_answer(options[LETTERS.index(given.upper())])
    if given == expected:
        return True
    return not options and len(expected) >= 5 and _one_slip(given, expected)


def _one_slip(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _pattern(answer: str) -> re.Pattern[str] | None:
    """The key as it may be written: case ignored, and for a number its digit groups with or
    without separators ("3,201", "3201", "3 201")."""
    answer = answer.strip()
    if len(answer) < 2 and not answer.isdigit():
        return None  # a one-letter key would blank every "a" of the text
    if re.fullmatch(r"\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?", answer):
        groups = re.split(r"[, ]", answer)
        body = r"[,\s]?".join(re.escape(g) for g in groups)
    else:
        body = re.escape(answer)
    return re.compile(rf"(?i)(?<![\w.,]){body}(?![\w]|[.,]\d)")


def reveals(text: str, answers: list[str]) -> bool:
    """Whether `text` says one of the keys, however the learner asked: options the learner
    pasted back are not an excuse to repeat the right one."""
    return any((p := _pattern(a)) is not None and p.search(text) for a in answers)


def mask(text: str, answers: list[str]) -> str:
    """`text` with every mention of the keys blanked."""
    for answer in answers:
        pattern = _pattern(answer)
        if pattern is not None:
            text = pattern.sub(BLANK, text)
    return text
