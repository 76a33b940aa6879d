"""The root Query type: each field hands off to a resolver in one line."""

from datetime import date

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from ground.version import app_version
from resolvers import (
    analytics,
    assignments,
    at_risk,
    auth,
    curriculum,
    figures,
    prediction,
    privacy,
    safeguarding,
    schools,
    sessions,
    students,
    system,
    teachers,
    users,
    webhooks,
)
from resolvers.at_risk import AtRisk
from resolvers.context import Context
from resolvers.figures import (
    ActivityTrend,
    CourseList,
    Filters,
    NationalAnalytics,
    SchoolAnalytics,
    ScoreTrend,
    StudentProfile,
    WeeklyProgress,
)
from resolvers.pagination import DEFAULT_LIMIT
from resolvers.prediction import Features
from schema.admin import AdminSchool, AdminUser
from schema.analytics import Analytics, CourseFilter, SchoolFilter
from schema.auth import Me
from schema.curriculum import Curriculum, GradeClass, Lesson, Subject, Topic
from schema.enums import DeliveryStatus, FlagStatusFilter, Role
from schema.pagination import Page
from schema.prediction import CompletionInput, CompletionPrediction
from schema.sessions import SessionView
from schema.students import Dashboard, HistoryEntry, SubjectProgress
from schema.system import AiHealth, Health, SystemStatus
from schema.teachers import (
    AssignmentView,
    ClassPerformance,
    ClassStudent,
    TeacherClass,
)
from schema.tutor import FlagView
from schema.webhooks import AttemptView, DeliveryView, EndpointView


@strawberry.type(
    description="What can be read: the curriculum, sessions, a student's and a "
    "teacher's views, administration and learning analytics. Each field checks the caller's role and scope."
)
class Query:
    @strawberry.field(description="Liveness of the backend; answers without touching the database.")
    def health(self) -> Health:
        return system.health()

    @strawberry.field(description="Backend, database and warehouse status for the health page.")
    async def system_status(self, info: Info[Context, None]) -> SystemStatus:
        return await system.system_status(info.context)

    @strawberry.field(description="Readiness of the AI service; answers without a token.")
    async def ai_health(self, info: Info[Context, None]) -> AiHealth:
        return await system.ai_health(info.context, app_version())

    @strawberry.field(description="The signed-in user's profile and permissions.")
    async def me(self, info: Info[Context, None]) -> Me:
        return await auth.me(info.context)

    @strawberry.field(description="Curriculum frameworks, filtered by country (UG, ZM, KE).")
    async def curricula(
        self,
        info: Info[Context, None],
        country: str | None = None,
        active_only: bool = True,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page[Curriculum]:
        page = await curriculum.curricula(
            info.context, country=country, active_only=active_only, limit=limit, offset=offset
        )
        return Page.of(page)

    @strawberry.field(description="Classes (grade levels) of a curriculum.")
    async def classes(
        self,
        info: Info[Context, None],
        curriculum_id: int,
        grade: str | None = None,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page[GradeClass]:
        page = await curriculum.classes(
            info.context, curriculum_id=curriculum_id, grade=grade, limit=limit, offset=offset
        )
        return Page.of(page)

    @strawberry.field(description="Subjects of a class.")
    async def subjects(
        self, info: Info[Context, None], class_id: int, limit: int = DEFAULT_LIMIT, offset: int = 0
    ) -> Page[Subject]:
        page = await curriculum.subjects(
            info.context, class_id=class_id, limit=limit, offset=offset
        )
        return Page.of(page)

    @strawberry.field(
        description="Topics of a class subject in one term (default: the current term)."
    )
    async def topics(
        self,
        info: Info[Context, None],
        class_subject_id: int,
        term_id: int | None = None,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page[Topic]:
        page = await curriculum.topics(
            info.context,
            class_subject_id=class_subject_id,
            term_id=term_id,
            limit=limit,
            offset=offset,
        )
        return Page.of(page)

    @strawberry.field(description="Lessons of a topic.")
    async def lessons(
        self, info: Info[Context, None], topic_id: int, limit: int = DEFAULT_LIMIT, offset: int = 0
    ) -> Page[Lesson]:
        page = await curriculum.lessons(info.context, topic_id=topic_id, limit=limit, offset=offset)
        return Page.of(page)

    @strawberry.field(description="One lesson with its content; a learner's visit is recorded.")
    async def lesson(self, info: Info[Context, None], id: int) -> Lesson:
        return await curriculum.lesson_content(info.context, lesson_id=id)

    @strawberry.field(name="session", description="A session the caller may see.")
    async def class_session(self, info: Info[Context, None], id: str) -> SessionView:
        return await sessions.get(info.context, session_id=id)

    @strawberry.field(description="The active session of a class (classroom), if any.")
    async def active_session(self, info: Info[Context, None], class_id: int) -> SessionView:
        return await sessions.active(info.context, class_id=class_id)

    @strawberry.field(description="Learning analytics for the caller's scope.")
    async def analytics(
        self,
        info: Info[Context, None],
        course_id: CourseFilter = None,
        school_id: SchoolFilter = None,
    ) -> Analytics:
        return Analytics(scope=await analytics.scope_of(info.context, course_id, school_id))

    @strawberry.field(description="Mean score per day in the caller's scope, ascending.")
    async def score_trend(
        self,
        info: Info[Context, None],
        start_date: date | None = None,
        end_date: date | None = None,
        course_id: CourseFilter = None,
        school_id: SchoolFilter = None,
    ) -> ScoreTrend:
        return await figures.score_trend(
            info.context, Filters(course_id, school_id), start_date, end_date
        )

    @strawberry.field(description="Activities per day in the caller's scope, ascending.")
    async def activity_trend(
        self,
        info: Info[Context, None],
        start_date: date | None = None,
        end_date: date | None = None,
        course_id: CourseFilter = None,
        school_id: SchoolFilter = None,
    ) -> ActivityTrend:
        return await figures.activity_trend(
            info.context, Filters(course_id, school_id), start_date, end_date
        )

    @strawberry.field(description="Mean score per ISO week in the caller's scope, ascending.")
    async def weekly_progress(
        self,
        info: Info[Context, None],
        start_date: date | None = None,
        end_date: date | None = None,
        course_id: CourseFilter = None,
        school_id: SchoolFilter = None,
    ) -> WeeklyProgress:
        return await figures.weekly_progress(
            info.context, Filters(course_id, school_id), start_date, end_date
        )

    @strawberry.field(description="Figures of every course in the caller's scope.")
    async def course_analytics(
        self,
        info: Info[Context, None],
        course_id: CourseFilter = None,
        school_id: SchoolFilter = None,
    ) -> CourseList:
        return await figures.course_list(info.context, Filters(course_id, school_id))

    @strawberry.field(description="Courses by completion rate, best first (ties by course_id).")
    async def top_courses(
        self,
        info: Info[Context, None],
        limit: int = 10,
        course_id: CourseFilter = None,
        school_id: SchoolFilter = None,
    ) -> CourseList:
        return await figures.ranked_courses(
            info.context, Filters(course_id, school_id), limit, hardest=False
        )

    @strawberry.field(description="Courses by average score, lowest first (ties by course_id).")
    async def hardest_courses(
        self,
        info: Info[Context, None],
        limit: int = 10,
        course_id: CourseFilter = None,
        school_id: SchoolFilter = None,
    ) -> CourseList:
        return await figures.ranked_courses(
            info.context, Filters(course_id, school_id), limit, hardest=True
        )

    @strawberry.field(
        description="The completion model's likelihood that a student with these figures "
        "completes the course (teachers and administrators)."
    )
    async def predict_completion(
        self,
        info: Info[Context, None],
        hours_watched: float,
        average_score: float,
        activity_level: float,
    ) -> CompletionPrediction:
        features = Features(hours_watched, average_score, activity_level)
        (found,) = await prediction.predict(info.context, [features])
        return found

    @strawberry.field(description="predictCompletion for up to 1000 inputs in one call.")
    async def predict_completions(
        self, info: Info[Context, None], inputs: list[CompletionInput]
    ) -> list[CompletionPrediction]:
        features = [one.features() for one in inputs]
        return await prediction.predict(info.context, features, prefix="inputs")

    @strawberry.field(
        description="Unfinished enrollments least likely to complete, with reasons: a "
        "teacher's classes, a school admin's school, or one class of theirs (`classId`)."
    )
    async def at_risk_students(
        self, info: Info[Context, None], class_id: int | None = None, limit: int = 20
    ) -> list[AtRisk]:
        return await at_risk.at_risk(info.context, class_id, limit)

    @strawberry.field(
        description="Schools by name (super admins: all; school admins: their own). Archived "
        "schools only with `includeArchived`."
    )
    async def admin_schools(
        self,
        info: Info[Context, None],
        country: str | None = None,
        search: str | None = None,
        include_archived: bool = False,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page[AdminSchool]:
        page = await schools.list_schools(
            info.context,
            limit=limit,
            offset=offset,
            country=country,
            search=search,
            include_archived=include_archived,
        )
        return Page.of(page)

    @strawberry.field(description="Users by id (super admins: all; school admins: their school).")
    async def admin_users(
        self,
        info: Info[Context, None],
        role: Role | None = None,
        school_id: int | None = None,
        search: str | None = None,
        is_active: bool | None = None,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page[AdminUser]:
        page = await users.list_users(
            info.context,
            limit=limit,
            offset=offset,
            role=role,
            school_id=school_id,
            search=search,
            is_active=is_active,
        )
        return Page.of(page)

    @strawberry.field(description="One school (super admins; school admins their own).")
    async def admin_school(self, info: Info[Context, None], id: int) -> AdminSchool:
        return await schools.get_school(info.context, id)

    @strawberry.field(description="One student's learning profile.")
    async def student_profile(self, info: Info[Context, None], student_id: int) -> StudentProfile:
        return await figures.student_profile(info.context, student_id)

    @strawberry.field(description="One school's KPIs (super admins, or that school's admins).")
    async def school_analytics(self, info: Info[Context, None], school_id: int) -> SchoolAnalytics:
        return await figures.school_analytics(info.context, school_id)

    @strawberry.field(description="Per-country and per-school figures (super admins).")
    async def national_analytics(self, info: Info[Context, None]) -> NationalAnalytics:
        return await figures.national_analytics(info.context)

    @strawberry.field(description="The signed-in learner's dashboard.")
    async def student_dashboard(self, info: Info[Context, None]) -> Dashboard:
        return await students.dashboard(info.context)

    @strawberry.field(description="The signed-in learner's progress in one of their subjects.")
    async def student_progress(self, info: Info[Context, None], subject_id: int) -> SubjectProgress:
        return await students.subject_progress(info.context, subject_id)

    @strawberry.field(description="The signed-in learner's visits to lessons, newest first.")
    async def learning_history(
        self, info: Info[Context, None], limit: int = DEFAULT_LIMIT, offset: int = 0
    ) -> Page[HistoryEntry]:
        page = await students.history(info.context, limit, offset)
        return Page.of(page)

    @strawberry.field(description="The classrooms the signed-in teacher teaches.")
    async def my_classes(
        self, info: Info[Context, None], limit: int = DEFAULT_LIMIT, offset: int = 0
    ) -> Page[TeacherClass]:
        page = await teachers.my_classes(info.context, limit, offset)
        return Page.of(page)

    @strawberry.field(
        description="A class's students with their subjects and attendance (its teachers, "
        "its school's admins, super admins)."
    )
    async def class_students(
        self,
        info: Info[Context, None],
        class_id: int,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page[ClassStudent]:
        page = await teachers.class_students(info.context, class_id, limit, offset)
        return Page.of(page)

    @strawberry.field(
        description="How a class is doing: averages, top performers (average score at least "
        "`topScore`) and students needing support (average below `supportScore` or progress "
        "below `supportProgress`), at most `size` of each. Defaults come from the settings."
    )
    async def class_performance(
        self,
        info: Info[Context, None],
        class_id: int,
        top_score: float | None = None,
        support_score: float | None = None,
        support_progress: float | None = None,
        size: int | None = None,
    ) -> ClassPerformance:
        bars = teachers.thresholds(info.context, top_score, support_score, support_progress, size)
        return await teachers.performance(info.context, class_id, bars)

    @strawberry.field(
        description="How each class of a school is doing, by name (the school's admins, super "
        "admins), with the same bars as `classPerformance`."
    )
    async def school_class_performance(
        self,
        info: Info[Context, None],
        school_id: int,
        top_score: float | None = None,
        support_score: float | None = None,
        support_progress: float | None = None,
        size: int | None = None,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page[ClassPerformance]:
        bars = teachers.thresholds(info.context, top_score, support_score, support_progress, size)
        page = await teachers.school_performance(info.context, school_id, bars, limit, offset)
        return Page.of(page)

    @strawberry.field(
        description="Assignments soonest due first: a teacher's classes, a student's "
        "classrooms, a school admin's school, or one class of theirs (`classId`)."
    )
    async def assignments(
        self,
        info: Info[Context, None],
        class_id: int | None = None,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page[AssignmentView]:
        page = await assignments.list_assignments(info.context, class_id, limit, offset)
        return Page.of(page)

    @strawberry.field(description="One assignment of a class the caller sees.")
    async def assignment(self, info: Info[Context, None], id: str) -> AssignmentView:
        return await assignments.get_assignment(info.context, id)

    @strawberry.field(
        description="Children's messages the tutor's safeguarding raised, newest first: for "
        "the teachers of their classroom and the admins of their school (super admins: "
        "learners without a school). status: open (default), acknowledged or all."
    )
    async def tutor_flags(
        self,
        info: Info[Context, None],
        status: FlagStatusFilter = FlagStatusFilter.OPEN,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page[FlagView]:
        page = await safeguarding.list_flags(info.context, status, limit, offset)
        return Page.of(page)

    @strawberry.field(
        description="Webhook endpoints (super admins: all; school admins: their school's)."
    )
    async def webhook_endpoints(
        self, info: Info[Context, None], limit: int = DEFAULT_LIMIT, offset: int = 0
    ) -> Page[EndpointView]:
        page = await webhooks.list_endpoints(info.context, limit, offset)
        return Page.of(page)

    @strawberry.field(description="One webhook endpoint.")
    async def webhook_endpoint(self, info: Info[Context, None], id: int) -> EndpointView:
        return await webhooks.get_endpoint(info.context, id)

    @strawberry.field(
        description="Deliveries of events to endpoints, newest first; status `dead` lists the "
        "dead letters."
    )
    async def webhook_deliveries(
        self,
        info: Info[Context, None],
        status: DeliveryStatus | None = None,
        endpoint_id: int | None = None,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page[DeliveryView]:
        page = await webhooks.list_deliveries(info.context, status, endpoint_id, limit, offset)
        return Page.of(page)

    @strawberry.field(description="Every attempt at one delivery, oldest first.")
    async def webhook_attempts(
        self, info: Info[Context, None], delivery_id: int
    ) -> list[AttemptView]:
        return await webhooks.delivery_attempts(info.context, delivery_id)

    @strawberry.field(
        description="Everything held about one learner, as JSON (super admins; school admins "
        "their school's learners). Audit-logged."
    )
    async def student_data_export(self, info: Info[Context, None], student_id: int) -> JSON:
        return JSON(await privacy.export(info.context, student_id))
