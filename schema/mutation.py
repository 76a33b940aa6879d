"""The root Mutation type: each field hands off to a resolver."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from resolvers import (
    assignments,
    auth,
    guided_lessons,
    practice,
    privacy,
    progress,
    safeguarding,
    schools,
    sessions,
    students,
    users,
    warehouse,
    webhooks,
)
from resolvers.chat import chat as ask_tutor
from resolvers.context import Context
from schema.admin import AdminSchool, AdminUser, SchoolInput, SchoolPatch, SchoolRemoval, UserInput
from schema.auth import LoginPayload, Logout, TokenPair
from schema.enums import Difficulty, QuestionType, SessionMode, TeachingStyle
from schema.privacy import Erasure
from schema.sessions import ModeSwitch, SessionEnd, SessionView
from schema.students import RecordedProgress, Resumed
from schema.system import DataRefresh
from schema.teachers import AssignmentView
from schema.tutor import (
    ChatAnswer,
    ChatContext,
    FlagView,
    LessonStart,
    LessonStep,
    PracticeQuestionView,
    Validation,
    question,
)
from schema.webhooks import DeliveryView, EndpointView, WebhookInput, WebhookPatch


@strawberry.type(
    description="What can be changed: signing in and out, sessions, tutor chat, guided "
    "lessons and practice, assignments, administration and data refreshes."
)
class Mutation:
    @strawberry.mutation(description="Exchange email and password for an access and refresh token.")
    async def login(
        self, info: Info[Context, None], email: str, password: str, remember_me: bool = False
    ) -> LoginPayload:
        return await auth.login(
            info.context, email=email, password=password, remember_me=remember_me
        )

    @strawberry.mutation(
        description="Exchange a refresh token for new tokens; the old one is spent."
    )
    async def refresh_token(self, info: Info[Context, None], refresh_token: str) -> TokenPair:
        return await auth.refresh(info.context, refresh_token=refresh_token)

    @strawberry.mutation(description="Revoke the refresh token and every token rotated from it.")
    async def logout(self, info: Info[Context, None], refresh_token: str) -> Logout:
        return await auth.logout(info.context, refresh_token=refresh_token)

    @strawberry.mutation(description="Start a session for a class; one active session per class.")
    async def start_session(
        self,
        info: Info[Context, None],
        class_id: int,
        subject_id: int | None = None,
        topic_id: int | None = None,
        lesson_id: int | None = None,
        mode: SessionMode = SessionMode.TEACH,
        session_name: str | None = None,
    ) -> SessionView:
        return await sessions.start(
            info.context,
            class_id=class_id,
            subject_id=subject_id,
            topic_id=topic_id,
            lesson_id=lesson_id,
            mode=mode,
            session_name=session_name,
        )

    @strawberry.mutation(description="Join an active session of one of your classes.")
    async def join_session(self, info: Info[Context, None], session_id: str) -> SessionView:
        return await sessions.join(info.context, session_id=session_id)

    @strawberry.mutation(description="Switch mode: teach, explore, practice or revision.")
    async def switch_session_mode(
        self, info: Info[Context, None], session_id: str, mode: SessionMode
    ) -> ModeSwitch:
        return await sessions.switch_mode(info.context, session_id=session_id, mode=mode)

    @strawberry.mutation(description="End an active session; emits session.completed.")
    async def end_session(self, info: Info[Context, None], session_id: str) -> SessionEnd:
        return await sessions.end(info.context, session_id=session_id)

    @strawberry.mutation(
        description="Load the platform data changed since the last refresh into the analytics "
        "warehouse (everything when `full`)."
    )
    async def refresh_data(self, info: Info[Context, None], full: bool = False) -> DataRefresh:
        return await warehouse.refresh_data(info.context, full=full)

    @strawberry.mutation(description="Create a school (super admins).")
    async def create_school(self, info: Info[Context, None], input: SchoolInput) -> AdminSchool:
        return await schools.create_school(info.context, input.fields())

    @strawberry.mutation(
        description="Change a school (super admins; school admins their own, not its country). "
        "An empty region clears it."
    )
    async def update_school(
        self, info: Info[Context, None], id: int, input: SchoolPatch
    ) -> AdminSchool:
        return await schools.update_school(info.context, id, input.fields())

    @strawberry.mutation(
        description="Remove a school (super admins). One that still has users or classrooms is "
        "refused (SCHOOL_NOT_EMPTY) unless `archive` is true, which archives it instead."
    )
    async def delete_school(
        self, info: Info[Context, None], id: int, archive: bool = False
    ) -> SchoolRemoval:
        return await schools.delete_school(info.context, id, archive)

    @strawberry.mutation(
        description="Create a user (super admins; school admins: teachers and students of "
        "their school). Email unique regardless of case; password at least 10 characters "
        "with letters and digits."
    )
    async def create_user(self, info: Info[Context, None], input: UserInput) -> AdminUser:
        return await users.create_user(info.context, input)

    @strawberry.mutation(
        description="Change a user (school admins: their school's teachers and students)."
    )
    async def update_user(self, info: Info[Context, None], id: int, input: UserInput) -> AdminUser:
        return await users.update_user(info.context, id, input)

    @strawberry.mutation(
        description="Resume the lesson left unfinished most recently (else the next one to "
        "start) in a learning session of your own."
    )
    async def continue_learning(self, info: Info[Context, None]) -> Resumed:
        return await students.continue_learning(info.context)

    @strawberry.mutation(
        description="Record a learner's step in a lesson: the block reached, minutes spent, "
        "completion and quiz score. Unlocks milestones (student.milestone_unlocked)."
    )
    async def record_progress(
        self,
        info: Info[Context, None],
        lesson_id: int,
        block_index: int,
        completed: bool = False,
        score: float | None = None,
        minutes_spent: float = 0,
    ) -> RecordedProgress:
        step = progress.Step(lesson_id, block_index, completed, score, minutes_spent)
        return await progress.record(info.context, step)

    @strawberry.mutation(
        description="Set an assignment for one of your classes (teachers): due in the future, "
        "on topics of the class's subjects."
    )
    async def create_assignment(
        self,
        info: Info[Context, None],
        class_id: int,
        title: str,
        due_date: datetime,
        topic_ids: list[int],
        description: str | None = None,
    ) -> AssignmentView:
        new = assignments.NewAssignment(class_id, title, description, due_date, topic_ids)
        return await assignments.create(info.context, new)

    @strawberry.mutation(
        description="Register a webhook endpoint (admins). The secret is shown in this answer only."
    )
    async def create_webhook_endpoint(
        self, info: Info[Context, None], input: WebhookInput
    ) -> EndpointView:
        return await webhooks.create_endpoint(info.context, input.fields())

    @strawberry.mutation(description="Change a webhook endpoint; a new secret is shown once.")
    async def update_webhook_endpoint(
        self, info: Info[Context, None], id: int, input: WebhookPatch
    ) -> EndpointView:
        return await webhooks.update_endpoint(info.context, id, input.fields())

    @strawberry.mutation(description="Remove a webhook endpoint with its deliveries.")
    async def delete_webhook_endpoint(self, info: Info[Context, None], id: int) -> EndpointView:
        return await webhooks.delete_endpoint(info.context, id)

    @strawberry.mutation(
        description="Send a finished delivery (dead-lettered, disabled or delivered) again, "
        "with the same event id and a fresh attempt budget."
    )
    async def replay_webhook_delivery(self, info: Info[Context, None], id: int) -> DeliveryView:
        return await webhooks.replay(info.context, id)

    @strawberry.mutation(
        description="Erase a learner's personal data (super admins; school admins their "
        "school's learners): name, email, avatar, password, tokens, tutor messages and "
        "memberships go; learning rows stay under the anonymous id. Audit-logged."
    )
    async def erase_student(self, info: Info[Context, None], student_id: int) -> Erasure:
        return await privacy.erase(info.context, student_id)

    @strawberry.mutation(
        description="Acknowledge a safeguarding flag: the caller has seen it and takes it on "
        "(audit-logged; a second acknowledgement keeps the first)."
    )
    async def acknowledge_tutor_flag(self, info: Info[Context, None], id: str) -> FlagView:
        return await safeguarding.acknowledge(info.context, id)

    @strawberry.mutation(
        description="Ask the AI tutor inside an active session; answered within the session's "
        "lesson, topic and mode (or those given), and stored in the session."
    )
    async def chat(
        self,
        info: Info[Context, None],
        session_id: str,
        message: str,
        mode: SessionMode | None = None,
        context: ChatContext | None = None,
    ) -> ChatAnswer:
        return await ask_tutor(info.context, question(session_id, message, mode, context))

    @strawberry.mutation(
        description="A practice question on a topic (learners), from its quiz bank or its "
        "lessons; without a difficulty, the learner's rating on the topic chooses one."
    )
    async def practice_question(
        self,
        info: Info[Context, None],
        session_id: str,
        topic_id: int,
        difficulty: Difficulty | None = None,
        question_type: QuestionType = QuestionType.MULTIPLE_CHOICE,
    ) -> PracticeQuestionView:
        return await practice.question(
            info.context, session_id, topic_id, difficulty, question_type
        )

    @strawberry.mutation(
        description="Check an answer (the option's letter or text, or a short answer); the "
        "first validation of a question scores points and moves the learner's rating."
    )
    async def validate_practice_answer(
        self,
        info: Info[Context, None],
        question_id: str,
        student_answer: str,
        session_id: str | None = None,
    ) -> Validation:
        return await practice.validate(info.context, question_id, student_answer, session_id)

    @strawberry.mutation(
        description="Begin an AI-led lesson (learners): introduction, content, questions, "
        "feedback, summary."
    )
    async def start_guided_lesson(
        self,
        info: Info[Context, None],
        session_id: str,
        lesson_id: int,
        teaching_style: TeachingStyle = TeachingStyle.DIRECT,
    ) -> LessonStart:
        return await guided_lessons.start(info.context, session_id, lesson_id, teaching_style)

    @strawberry.mutation(
        description="The guided lesson's next step; a question's step needs the learner's answer."
    )
    async def next_guided_lesson_step(
        self,
        info: Info[Context, None],
        lesson_delivery_id: str,
        student_response: str | None = None,
    ) -> LessonStep:
        return await guided_lessons.advance(info.context, lesson_delivery_id, student_response)
