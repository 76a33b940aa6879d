"""What a child's message asks for, before any tutor answers it: a risk to themselves or
others, an attempt to steer the tutor (prompt injection), or nothing of concern. A learner's
words and lesson text are data to the tutor, never instructions, whatever they say; these
checks decide only how kindly to turn a conversation back to learning."""

import re
from enum import Enum

from tutor.text import fold


class Concern(Enum):
    SELF_HARM = "self_harm"
    HARMFUL = "harmful"
    STEERING = "steering"


PATTERNS: tuple[tuple[Concern, re.Pattern[str]], ...] = (
    (
        Concern.SELF_HARM,
        re.compile(
            r"\b(kill(ing)? my ?self|suicid\w*|hurt(ing)? my ?self|cut(ting)? my ?self|"
            r"want to die|end my life|self[- ]harm)\b"
        ),
    ),
    (
        Concern.HARMFUL,
        re.compile(
            r"\b(make|build|buy|get) (a |an )?(bomb|gun|weapon|explosive|poison)s?\b|"
            r"\bhow (do i|to|can i) (kill|hurt|poison|stab|shoot) (someone|somebody|people|a person)\b|"
            r"\b(buy|sell|smoke|take) (drugs|weed|cocaine|heroin)\b|\bporn\w*\b|\bsex(ual|y)?\b|"
            r"\bhack (into|someone)\b|\bsteal (a |someone'?s )?password\b"
        ),
    ),
    (
        Concern.STEERING,
        re.compile(
            r"\b(ignore|disregard|forget) (all |any |the |your )?(previous |prior |above |earlier )?"
            r"(instructions|rules|prompts?)\b|\bsystem prompt\b|\byou are now\b|"
            r"\bdeveloper mode\b|\bjailbreak\b|\b(reveal|show|tell me|give me) (me )?"
            r"(the |your )?(answer key|hidden|secret|instructions)\b"
        ),
    ),
)

SELF_HARM_REPLY = (
    "I'm really glad you told me. What you're feeling matters, and you deserve help from "
    "someone who can be with you. Please talk to a teacher, a parent or another adult you "
    "trust today. If you are in danger right now, ask an adult near you for help straight "
    "away. I'm here for your lessons whenever you want to come back."
)
HARMFUL_REPLY = (
    "That's not something I can help with. I'm your learning tutor, so let's keep our "
    "chat safe and about your lessons. {back}"
)
STEERING_REPLY = (
    "I'm your tutor for this lesson, and I'll keep helping with it the same way. {back}"
)


def concern_of(message: str) -> Concern | None:
    folded = fold(message)
    for concern, pattern in PATTERNS:
        if pattern.search(folded):
            return concern
    return None


def redirect(concern: Concern, lesson_title: str | None) -> str:
    back = (
        f"Would you like to carry on with {lesson_title}?"
        if lesson_title
        else "What would you like to learn about today?"
    )
    if concern is Concern.SELF_HARM:
        return SELF_HARM_REPLY
    if concern is Concern.HARMFUL:
        return HARMFUL_REPLY.format(back=back)
    return STEERING_REPLY.format(back=back)
