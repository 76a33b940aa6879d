"""The closed vocabularies as GraphQL enums, registered once here for every field and
argument that takes one. GraphQL speaks the members' names (TEACH); the REST facade keeps
speaking their values ("teach"), see rest_compat/enums.py."""

import strawberry

from models.enums import (
    AiHealthStatus,
    AssignmentStatus,
    BlockType,
    DeliveryStatus,
    Difficulty,
    DifficultyAdjustment,
    FlagSource,
    FlagStatusFilter,
    LessonAction,
    LessonPhase,
    MessageRole,
    MessageType,
    ProgressStatus,
    QuestionType,
    Role,
    SessionMode,
    SessionStatus,
    TeachingStyle,
    WebhookEvent,
)
from tutor.lexicon import Category
from tutor.safety import Severity

strawberry.enum(
    Role,
    description="The five roles a user may have; each sees its own scope (docs/api.md, Roles).",
)
strawberry.enum(SessionMode, description="How the tutor and the screens work in a session.")
strawberry.enum(SessionStatus, description="Whether a session still runs.")
strawberry.enum(BlockType, description="The kind of a lesson's content block.")
strawberry.enum(LessonPhase, description="Where a guided lesson is.")
strawberry.enum(LessonAction, description="What a guided lesson's client does next.")
strawberry.enum(FlagSource, description="Where a flagged message was written.")
strawberry.enum(ProgressStatus, description="How far a learner got in a lesson.")
strawberry.enum(AssignmentStatus, description="Whether an assignment is still open.")
strawberry.enum(QuestionType, description="How a practice question is answered.")
strawberry.enum(Difficulty, description="A practice question's difficulty band.")
strawberry.enum(TeachingStyle, description="How a guided lesson opens and asks its questions.")
strawberry.enum(
    DifficultyAdjustment, description="How an answer moved the learner's difficulty band."
)
strawberry.enum(MessageRole, description="Who wrote a message of a tutor conversation.")
strawberry.enum(
    MessageType, description="A learner's question, or the kind of answer the tutor gave."
)
strawberry.enum(
    FlagStatusFilter, description="Which safeguarding flags to list, by acknowledgement."
)
strawberry.enum(WebhookEvent, description="The events webhook endpoints may subscribe to.")
strawberry.enum(
    DeliveryStatus,
    description="Where a webhook delivery stands: in flight (pending, retrying, sending) or "
    "finished (delivered, dead after its last attempt, disabled: its endpoint was switched off).",
)
strawberry.enum(
    AiHealthStatus,
    description="The AI service: healthy, degraded (no completion model loaded) or unhealthy "
    "(the tutor's provider does not answer).",
)
# The safeguarding classifier's own vocabularies (tutor/), offered as they are.
strawberry.enum(Category, name="FlagCategory", description="What a flagged message is about.")
strawberry.enum(Severity, name="FlagSeverity", description="How urgently an adult must act.")

__all__ = [
    "AiHealthStatus",
    "AssignmentStatus",
    "BlockType",
    "Category",
    "DeliveryStatus",
    "Difficulty",
    "DifficultyAdjustment",
    "FlagStatusFilter",
    "MessageRole",
    "MessageType",
    "ProgressStatus",
    "QuestionType",
    "Role",
    "SessionMode",
    "SessionStatus",
    "Severity",
    "TeachingStyle",
    "WebhookEvent",
]
