"""The committed schema.graphql is what the server serves: schema changes are deliberate."""

from pathlib import Path
from typing import get_args

from graphql import GraphQLScalarType, graphql_sync

from models.enums import MessageType, SessionMode
from schema.root import default_schema, sdl
from tutor.types import Mode, ReplyType

REPO = Path(__file__).resolve().parent.parent


def test_committed_sdl_matches_the_schema() -> None:
    committed = (REPO / "schema.graphql").read_text()
    assert committed == sdl(), "schema changed: run `learnloom schema > schema.graphql` and review"


# (type, field or field.argument): the enum it is typed with.
ENUM_TYPED = {
    ("AdminUser", "role"): "Role",
    ("AuthUser", "role"): "Role",
    ("Me", "role"): "Role",
    ("Participant", "role"): "Role",
    ("UserInput", "role"): "Role",
    ("Query", "adminUsers.role"): "Role",
    ("ClassSession", "mode"): "SessionMode",
    ("ClassSession", "status"): "SessionStatus",
    ("ModeSwitch", "mode"): "SessionMode",
    ("SessionEnd", "status"): "SessionStatus",
    ("Mutation", "startSession.mode"): "SessionMode",
    ("Mutation", "switchSessionMode.mode"): "SessionMode",
    ("Mutation", "chat.mode"): "SessionMode",
    ("Subscription", "chatStream.mode"): "SessionMode",
    ("TextBlock", "type"): "BlockType",
    ("VideoBlock", "type"): "BlockType",
    ("QuizBlock", "type"): "BlockType",
    ("HistoryEntry", "status"): "ProgressStatus",
    ("LessonState", "status"): "ProgressStatus",
    ("RecordedProgress", "status"): "ProgressStatus",
    ("PracticeQuestion", "questionType"): "QuestionType",
    ("PracticeQuestion", "difficulty"): "Difficulty",
    ("Mutation", "practiceQuestion.questionType"): "QuestionType",
    ("Mutation", "practiceQuestion.difficulty"): "Difficulty",
    ("PracticeValidation", "difficultyAdjustment"): "DifficultyAdjustment",
    ("PracticeValidation", "nextQuestionDifficulty"): "Difficulty",
    ("TutorFlag", "category"): "FlagCategory",
    ("TutorFlag", "severity"): "FlagSeverity",
    ("Query", "tutorFlags.status"): "FlagStatusFilter",
    ("TutorMessage", "role"): "MessageRole",
    ("TutorMessage", "type"): "MessageType",
    ("Assignment", "status"): "AssignmentStatus",
    ("WebhookDelivery", "status"): "DeliveryStatus",
    ("WebhookDelivery", "eventType"): "WebhookEvent",
    ("Query", "webhookDeliveries.status"): "DeliveryStatus",
    ("AiHealth", "status"): "AiHealthStatus",
}
INTROSPECTION = """{
  __schema {
    types {
      name kind enumValues { name }
      fields { name type { ...Named } args { name type { ...Named } } }
      inputFields { name type { ...Named } }
    }
  }
}
fragment Named on __Type { kind name ofType { kind name ofType { kind name } } }"""


def _named(reference: dict) -> tuple[str, str]:
    while reference["ofType"] is not None:
        reference = reference["ofType"]
    return reference["kind"], reference["name"]


def test_closed_sets_are_enums_with_one_role() -> None:
    """A client's generated types see each closed set of values as an enum."""
    result = graphql_sync(default_schema()._schema, INTROSPECTION)
    assert result.errors is None and result.data is not None
    types = {t["name"]: t for t in result.data["__schema"]["types"]}
    typed = {}
    for type_name, path in ENUM_TYPED:
        field_name, _, argument = path.partition(".")
        fields = types[type_name]["fields"] or types[type_name]["inputFields"]
        field = next(f for f in fields if f["name"] == field_name)
        if argument:
            field = next(a for a in field["args"] if a["name"] == argument)
        typed[type_name, path] = _named(field["type"])
    assert typed == {key: ("ENUM", enum) for key, enum in ENUM_TYPED.items()}
    with_roles = [
        name
        for name, found in types.items()
        if found["kind"] == "ENUM" and {"name": "TEACHER"} in found["enumValues"]
    ]
    assert with_roles == ["Role"]  # one Role, whoever is typed with it
    modes = [value["name"] for value in types["SessionMode"]["enumValues"]]
    assert modes == ["TEACH", "EXPLORE", "PRACTICE", "REVISION"]


def test_the_tutors_literals_are_enum_values() -> None:
    """The tutor answers with its own literals (tutor/types.py): the enums must hold each."""
    assert {kind.value for kind in MessageType} == set(get_args(ReplyType))
    assert {mode.value for mode in SessionMode} == set(get_args(Mode))


def test_every_type_says_what_it_is() -> None:
    """A frontend developer reads the schema in GraphiQL: every object, union, enum, input
    and custom scalar has a description (41 types had none)."""
    built_in = {"String", "Int", "Float", "Boolean", "ID"}
    missing = [
        name
        for name, kind in default_schema()._schema.type_map.items()
        if not name.startswith("__")
        and not (isinstance(kind, GraphQLScalarType) and name in built_in)
        and not kind.description
    ]
    assert missing == []
