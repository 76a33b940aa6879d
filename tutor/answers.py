"""Questions with lettered options, and checking a learner's answer against the key: shared
by practice and guided lessons, so an answer counts the same wherever it is given."""

from tutor.text import normalise_answer

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
