"""`learnloom seed --demo`: a deterministic demo world with real signal in it (engaged
students study more, score higher and finish more courses), written in one transaction.

The same seed gives the same world; dates are laid out backwards from `today`."""

import math
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from ground.ids import new_id
from ground.passwords import hash_password
from models import classrooms, curriculum, identity, learning, sessions
from models.db import SessionFactory
from models.demo_content import SUBJECTS

DEMO_PASSWORD = "learnloom-demo"
DEMO_DOMAIN = "demo.learnloom.test"
DEMO_ACCOUNTS = {
    "SUPER_ADMIN": f"superadmin@{DEMO_DOMAIN}",
    "SCHOOL_ADMIN": f"schooladmin@{DEMO_DOMAIN}",
    "TEACHER": f"teacher@{DEMO_DOMAIN}",
    "STUDENT": f"student@{DEMO_DOMAIN}",
    "INDEPENDENT_LEARNER": f"learner@{DEMO_DOMAIN}",
}

Progress = Callable[[str, int, int], None]
SeedDemo = Callable[["SessionFactory", "DemoOptions", Progress], Awaitable["DemoSummary"]]

CURRICULA = (
    (
        "Uganda National Curriculum Development Centre (NCDC)",
        "UG",
        "NCDC",
        "Official Ugandan primary and secondary curriculum",
        [f"P{n}" for n in range(1, 8)] + [f"S{n}" for n in range(1, 7)],
    ),
    (
        "Zambia Education Curriculum Framework (ZEC)",
        "ZM",
        "ZEC",
        "Zambian primary and secondary curriculum",
        [f"Grade{n}" for n in range(1, 13)],
    ),
)
# (name, country, region, curriculum short code, grades of its classrooms)
SCHOOLS = (
    ("St. Mary's Academy", "UG", "Kampala", "NCDC", ("P5", "P6", "P6", "P7")),
    ("Kampala Hill Primary School", "UG", "Wakiso", "NCDC", ("P5", "P6", "P7", "P7")),
    ("Lusaka Central School", "ZM", "Lusaka", "ZEC", ("Grade5", "Grade6", "Grade7", "Grade7")),
)
# Term dates per country as (month, day) pairs: start and end of terms 1-3.
TERM_DATES = {
    "UG": (((2, 3), (5, 2)), ((5, 26), (8, 22)), ((9, 15), (12, 5))),
    "ZM": (((1, 13), (4, 11)), ((5, 5), (8, 1)), ((9, 1), (12, 5))),
}
MILESTONES = (
    ("m_001", "First Lesson Completed", "lessons_completed", 1),
    ("m_002", "First 5 Lessons", "lessons_completed", 5),
    ("m_003", "Ten Lessons Completed", "lessons_completed", 10),
    ("m_004", "Topic Completed", "topic_completed", 1),
    ("m_005", "Subject Completed", "subject_completed", 1),
    ("m_006", "Five-Day Study Streak", "streak_days", 5),
)
FIRST_NAMES = (
    "Alice",
    "Brian",
    "Chipo",
    "David",
    "Esther",
    "Faith",
    "Grace",
    "Hassan",
    "Isaac",
    "Joy",
    "Kato",
    "Lillian",
    "Musa",
    "Nalongo",
    "Opio",
    "Peter",
    "Rehema",
    "Samuel",
    "Tendai",
    "Upendo",
    "Violet",
    "Wanjiru",
    "Yusuf",
    "Zawadi",
    "Amina",
    "Bwalya",
    "Chanda",
    "Mutale",
    "Natasha",
    "Mwila",
)
LAST_NAMES = (
    "Mwaka",
    "Banda",
    "Okello",
    "Nakato",
    "Phiri",
    "Mugisha",
    "Tembo",
    "Achieng",
    "Mulenga",
    "Ssempala",
    "Zulu",
    "Namubiru",
    "Lungu",
    "Kiprop",
    "Atim",
    "Mwansa",
    "Kaggwa",
    "Chilufya",
    "Auma",
    "Sakala",
)
# The demo student and the independent learner leave this many lessons of each subject
# unfinished (the first of them begun), so "continue" always has somewhere to go.
DEMO_KEEP_OPEN = 3
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
SLOTS = ("08:00-09:30", "09:30-11:00", "11:30-13:00", "14:00-15:30")


@dataclass
class DemoOptions:
    students: int = 600
    seed: int = 7
    weeks: int = 12
    # The end of the simulated weeks; pass a fixed time for a world identical to the byte.
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass
class DemoSummary:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Lesson:
    id: int
    topic_id: int
    duration: int


@dataclass
class _Learner:
    id: int
    engagement: float
    ability: float


class _World:
    """Rows per table, with ids assigned here so rows can refer to each other."""

    def __init__(self, options: DemoOptions) -> None:
        self.options = options
        self.rng = random.Random(options.seed)
        self.rows: dict[Table, list[dict[str, Any]]] = {}
        self.next_ids: dict[Table, int] = {}
        self.now = options.now
        self.start = self.now - timedelta(weeks=options.weeks)

    def add(self, model: Any, /, **values: Any) -> int:
        table: Table = model.__table__
        if "id" in table.c and "id" not in values and table.c.id.type.python_type is int:
            values["id"] = self.next_ids.get(table, 1)
            self.next_ids[table] = values["id"] + 1
        self.rows.setdefault(table, []).append(values)
        return values.get("id", 0)

    def last(self, model: Any) -> dict[str, Any]:
        """The row added most recently to the model's table, to fill in afterwards."""
        return self.rows[model.__table__][-1]


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _grade_name(grade: str) -> tuple[str, str]:
    if grade.startswith("Grade"):
        number = grade[5:]
        return f"Grade {number}", f"Grade {number} of the Zambian curriculum"
    level = "Primary" if grade[0] == "P" else "Senior"
    return f"{level} {grade[1:]}", f"{level} education, Level {grade[1:]}"


def _build_catalogue(world: _World, hashed: str) -> dict[str, Any]:
    rng = world.rng
    created = datetime(2025, 1, 1, tzinfo=UTC)
    classes: dict[tuple[str, str], int] = {}
    subjects_of_class: dict[int, list[int]] = {}
    lessons_of_subject: dict[int, list[_Lesson]] = {}
    curriculum_ids: dict[str, int] = {}
    for name, country, code, description, grades in CURRICULA:
        curriculum_id = world.add(
            curriculum.Curriculum,
            name=name,
            country=country,
            short_code=code,
            description=description,
            grades=grades,
            is_active=True,
            created_at=created,
        )
        curriculum_ids[code] = curriculum_id
        for order, grade in enumerate(grades, start=1):
            class_name, class_description = _grade_name(grade)
            class_id = world.add(
                curriculum.GradeClass,
                curriculum_id=curriculum_id,
                grade=grade,
                name=class_name,
                description=class_description,
                order=order,
            )
            classes[(code, grade)] = class_id
            subjects_of_class[class_id] = []
            for subject_code, (subject_name, subject_description, topics) in SUBJECTS.items():
                subject_id = world.add(
                    curriculum.Subject,
                    class_id=class_id,
                    name=subject_name,
                    code=subject_code,
                    description=subject_description,
                )
                subjects_of_class[class_id].append(subject_id)
                lessons_of_subject[subject_id] = []
                for topic_order, topic in enumerate(topics, start=1):
                    topic_id = world.add(
                        curriculum.Topic,
                        subject_id=subject_id,
                        term_number=(topic_order + 1) // 2,
                        name=topic.name,
                        description=topic.description,
                        order=topic_order,
                    )
                    for lesson_order, seed in enumerate(topic.lessons, start=1):
                        duration = rng.choice((20, 25, 30, 35, 40))
                        lesson_id = world.add(
                            curriculum.Lesson,
                            topic_id=topic_id,
                            title=seed.title,
                            order=lesson_order,
                            duration_minutes=duration,
                        )
                        lessons_of_subject[subject_id].append(
                            _Lesson(lesson_id, topic_id, duration)
                        )
                        _add_lesson_content(world, lesson_id, seed)
    for country, terms in TERM_DATES.items():
        for year in range(world.options.today.year - 1, world.options.today.year + 2):
            for number, ((m1, d1), (m2, d2)) in enumerate(terms, start=1):
                world.add(
                    curriculum.Term,
                    country=country,
                    year=year,
                    number=number,
                    starts_on=date(year, m1, d1),
                    ends_on=date(year, m2, d2),
                )
    for milestone_id, title, rule, threshold in MILESTONES:
        world.add(learning.Milestone, id=milestone_id, title=title, rule=rule, threshold=threshold)
    return {
        "classes": classes,
        "subjects_of_class": subjects_of_class,
        "lessons_of_subject": lessons_of_subject,
        "curricula": curriculum_ids,
        "hashed": hashed,
    }


def _add_lesson_content(world: _World, lesson_id: int, seed: Any) -> None:
    rng = world.rng
    quiz_id = world.add(curriculum.Quiz, lesson_id=lesson_id, title=f"Check: {seed.title}")
    options = list(seed.options)
    rng.shuffle(options)
    world.add(
        curriculum.QuizQuestion,
        quiz_id=quiz_id,
        position=1,
        prompt=seed.question,
        question_type="multiple_choice",
        options=options,
        answer=seed.options[0],
        explanation=seed.text,
        difficulty=rng.choice(("easy", "medium", "hard")),
    )
    blocks = (
        {"type": "text", "content": seed.text},
        {
            "type": "video",
            "url": f"https://media.learnloom.example/videos/{lesson_id}.mp4",
            "duration_seconds": rng.randrange(240, 720, 30),
            "transcript": f"In this video we explore {seed.title.lower()}. {seed.text}",
        },
        {"type": "quiz", "quiz_id": quiz_id},
    )
    for position, block in enumerate(blocks):
        world.add(
            curriculum.ContentBlock,
            **{
                "lesson_id": lesson_id,
                "position": position,
                "content": None,
                "url": None,
                "duration_seconds": None,
                "transcript": None,
                "quiz_id": None,
                **block,
            },
        )


def _user(
    world: _World,
    hashed: str,
    first: str,
    last: str,
    role: str,
    email: str,
    school_id: int | None,
    grade: str | None = None,
) -> int:
    user_id = world.add(
        identity.User,
        email=email.lower(),
        password_hash=hashed,
        first_name=first,
        last_name=last,
        role=role,
        school_id=school_id,
        avatar_url=None,
        grade=grade,
        is_active=True,
        email_verified=True,
        token_version=0,
        created_at=world.start - timedelta(days=30),
        last_login=None,
    )
    if role in ("STUDENT", "INDEPENDENT_LEARNER", "TEACHER"):
        world.last(identity.User)["avatar_url"] = (
            f"https://cdn.learnloom.example/avatars/{user_id}.jpg"
        )
    return user_id


def _build_people(world: _World, catalogue: dict[str, Any]) -> list[dict[str, Any]]:
    """Schools, staff, classrooms and students; returns the classrooms with their rosters."""
    rng, hashed = world.rng, catalogue["hashed"]
    _user(world, hashed, "Sarah", "Nambi", "SUPER_ADMIN", DEMO_ACCOUNTS["SUPER_ADMIN"], None)
    rooms: list[dict[str, Any]] = []
    for index, (name, country, region, code, grades) in enumerate(SCHOOLS):
        school_id = world.add(
            identity.School,
            name=name,
            country=country,
            region=region,
            curriculum_id=catalogue["curricula"][code],
            is_archived=False,
            created_at=world.start - timedelta(days=60),
        )
        admin_email = (
            DEMO_ACCOUNTS["SCHOOL_ADMIN"]
            if index == 0
            else f"admin{school_id}@schools.{DEMO_DOMAIN}"
        )
        _user(
            world,
            hashed,
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            "SCHOOL_ADMIN",
            admin_email,
            school_id,
        )
        sections: dict[str, int] = {}
        for grade in grades:
            sections[grade] = sections.get(grade, 0) + 1
            class_id = catalogue["classes"][(code, grade)]
            label = _grade_name(grade)[0]
            room_id = world.add(
                classrooms.Classroom,
                school_id=school_id,
                class_id=class_id,
                name=f"{label} - Section {'ABCD'[sections[grade] - 1]}",
                academic_year=world.options.today.year,
                schedule={},
                created_at=world.start - timedelta(days=45),
            )
            subject_ids = catalogue["subjects_of_class"][class_id]
            schedule: dict[str, list[str]] = {}
            for subject_index, subject_id in enumerate(subject_ids):
                world.add(classrooms.ClassroomSubject, classroom_id=room_id, subject_id=subject_id)
                for day in (WEEKDAYS[subject_index], WEEKDAYS[(subject_index + 2) % 5]):
                    schedule.setdefault(day, []).append(SLOTS[(subject_index + room_id) % 4])
            world.last(classrooms.Classroom)["schedule"] = {
                day: sorted(schedule[day]) for day in WEEKDAYS if day in schedule
            }
            rooms.append(
                {
                    "id": room_id,
                    "school_id": school_id,
                    "class_id": class_id,
                    "grade": grade,
                    "subjects": subject_ids,
                    "students": [],
                    "teacher": None,
                }
            )
    # One teacher per classroom, except that the demo teacher takes both P6 sections of the
    # first school, so the demo shows a teacher with more than one class.
    demo_teacher = None
    for room in rooms:
        if room["school_id"] == 1 and room["grade"] == "P6" and demo_teacher:
            room["teacher"] = demo_teacher
        else:
            first_school_p6 = room["school_id"] == 1 and room["grade"] == "P6"
            email = (
                DEMO_ACCOUNTS["TEACHER"]
                if first_school_p6
                else f"teacher{room['id']}@schools.{DEMO_DOMAIN}"
            )
            first, last = (
                ("John", "Doe")
                if first_school_p6
                else (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            )
            room["teacher"] = _user(world, hashed, first, last, "TEACHER", email, room["school_id"])
            if first_school_p6:
                demo_teacher = room["teacher"]
        world.add(classrooms.ClassroomTeacher, classroom_id=room["id"], teacher_id=room["teacher"])
    demo_room = next(r for r in rooms if r["teacher"] == demo_teacher)
    for number in range(world.options.students):
        room = demo_room if number == 0 else rooms[number % len(rooms)]
        if number == 0:
            first, last, email = "Alice", "Mwaka", DEMO_ACCOUNTS["STUDENT"]
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first}.{last}.{number}@students.{DEMO_DOMAIN}"
        student_id = _user(
            world, hashed, first, last, "STUDENT", email, room["school_id"], room["grade"]
        )
        room["students"].append(student_id)
        world.add(
            classrooms.ClassroomStudent,
            classroom_id=room["id"],
            student_id=student_id,
            enrolled_at=world.start - timedelta(days=rng.randint(1, 20)),
        )
    return rooms


def _learner(world: _World, student_id: int, demo: bool) -> _Learner:
    rng = world.rng
    engagement = 0.8 if demo else rng.betavariate(2, 2)
    ability = min(1.0, max(0.0, 0.6 * engagement + 0.4 * rng.betavariate(2, 2)))
    return _Learner(student_id, engagement, ability)


def _simulate_enrolment(
    world: _World,
    learner: _Learner,
    subject_id: int,
    classroom_id: int | None,
    lessons: list[_Lesson],
    completions: list[tuple[datetime, int]],
    keep_open: int = 0,
) -> None:
    """Weeks of study of one subject: visits, quiz scores, progress and the final status.
    `keep_open`: how many of the subject's last lessons the learner leaves unfinished (the
    demo accounts always have a lesson to continue)."""
    rng, e = world.rng, learner.engagement
    reachable = max(0, len(lessons) - keep_open)
    stops = rng.random() < 0.55 * (1 - e) ** 1.5
    stop_week = rng.randint(2, world.options.weeks - 4) if stops else None
    withdrawn = stops and rng.random() < 0.5
    progress: dict[int, dict[str, Any]] = {}
    pointer, last_seen = 0, None
    scores: list[float] = []
    for week in range(world.options.weeks):
        if stop_week is not None and week >= stop_week:
            break
        for _ in range(_poisson(rng, 0.4 + 3.2 * e)):
            if pointer >= reachable:
                break
            at = world.start + timedelta(
                days=week * 7 + rng.randint(0, 6),
                hours=rng.randint(7, 20),
                minutes=rng.randint(0, 59),
            )
            if at > world.now:
                continue
            lesson = lessons[pointer]
            minutes = round(lesson.duration * (0.4 + 0.9 * e) * rng.lognormvariate(0, 0.25), 1)
            done = rng.random() < 0.45 + 0.45 * e
            score = (
                round(min(100.0, max(0.0, rng.gauss(35 + 45 * learner.ability + 15 * e, 12))))
                if done
                else None
            )
            row = _visit(world, learner.id, progress, lesson, at, minutes, score)
            last_seen = at
            if done:
                row.update(status="completed", block_index=2, completed_at=at)
                scores.append(float(score or 0))
                completions.append((at, lesson.topic_id))
                pointer += 1
    if keep_open and pointer < len(lessons) and last_seen is not None:
        # The next lesson is begun, not finished: "continue" has a place to resume.
        lesson = lessons[pointer]
        last_seen += timedelta(hours=1)
        _visit(
            world, learner.id, progress, lesson, last_seen, round(lesson.duration * 0.4, 1), None
        )
    for row in progress.values():
        world.add(learning.LessonProgress, **row)
    passed = pointer >= len(lessons) and sum(scores) / max(1, len(scores)) >= 50
    status = "withdrawn" if withdrawn else "completed" if passed else "active"
    changed = (last_seen or world.start) if status != "active" else None
    world.add(
        classrooms.SubjectEnrollment,
        student_id=learner.id,
        subject_id=subject_id,
        classroom_id=classroom_id,
        status=status,
        enrolled_at=world.start,
        status_changed_at=changed,
        updated_at=last_seen or world.start,
    )
    if passed:
        completions.append((changed or world.start, -subject_id))


def _visit(
    world: _World,
    student_id: int,
    progress: dict[int, dict[str, Any]],
    lesson: _Lesson,
    at: datetime,
    minutes: float,
    score: float | None,
) -> dict[str, Any]:
    """One visit to a lesson (completed when it has a score): its history event, and the
    lesson's progress row so far (returned; completing it is the caller's)."""
    world.add(
        learning.LearningEvent,
        id=new_id("h"),
        student_id=student_id,
        lesson_id=lesson.id,
        session_id=None,
        accessed_at=at,
        duration_minutes=minutes,
        status="in_progress" if score is None else "completed",
        score=score,
        updated_at=at,
    )
    row = progress.setdefault(
        lesson.id,
        {
            "student_id": student_id,
            "lesson_id": lesson.id,
            "status": "in_progress",
            "score": None,
            "block_index": 1,
            "minutes_spent": 0.0,
            "started_at": at,
            "completed_at": None,
            "updated_at": at,
        },
    )
    row["minutes_spent"] = round(row["minutes_spent"] + minutes, 1)
    row["updated_at"] = at
    if score is not None:
        row["score"] = score
    return row


def _unlock_milestones(
    world: _World, student_id: int, completions: list[tuple[datetime, int]]
) -> None:
    """Lesson-count, topic and subject milestones from the simulated completions."""
    lessons_done, per_topic = 0, dict[int, int]()
    for at, scope in sorted(completions):
        if scope < 0:
            world.add(
                learning.MilestoneUnlock,
                student_id=student_id,
                milestone_id="m_005",
                scope_id=-scope,
                unlocked_at=at,
            )
            continue
        lessons_done += 1
        for milestone_id, threshold in (("m_001", 1), ("m_002", 5), ("m_003", 10)):
            if lessons_done == threshold:
                world.add(
                    learning.MilestoneUnlock,
                    student_id=student_id,
                    milestone_id=milestone_id,
                    scope_id=0,
                    unlocked_at=at,
                )
        per_topic[scope] = per_topic.get(scope, 0) + 1
        if per_topic[scope] == 3:
            world.add(
                learning.MilestoneUnlock,
                student_id=student_id,
                milestone_id="m_004",
                scope_id=scope,
                unlocked_at=at,
            )


def _build_learning(
    world: _World, catalogue: dict[str, Any], rooms: list[dict[str, Any]], progress: Progress
) -> dict[int, _Learner]:
    learners: dict[int, _Learner] = {}
    total = sum(len(room["students"]) for room in rooms) + 1
    demo_student = min(student for room in rooms for student in room["students"])
    done = 0
    for room in rooms:
        for student_id in room["students"]:
            learner = _learner(world, student_id, demo=student_id == demo_student)
            learners[student_id] = learner
            completions: list[tuple[datetime, int]] = []
            for subject_id in room["subjects"]:
                _simulate_enrolment(
                    world,
                    learner,
                    subject_id,
                    room["id"],
                    catalogue["lessons_of_subject"][subject_id],
                    completions,
                    keep_open=DEMO_KEEP_OPEN if student_id == demo_student else 0,
                )
            _unlock_milestones(world, student_id, completions)
            done += 1
            progress("Simulating learning", done, total)
    # The independent learner studies two Senior 1 subjects on their own.
    learner_id = _user(
        world,
        catalogue["hashed"],
        "Daniel",
        "Okoth",
        "INDEPENDENT_LEARNER",
        DEMO_ACCOUNTS["INDEPENDENT_LEARNER"],
        None,
        "S1",
    )
    learner = learners[learner_id] = _Learner(learner_id, 0.7, 0.7)
    completions = []
    for subject_id in catalogue["subjects_of_class"][catalogue["classes"][("NCDC", "S1")]][:2]:
        _simulate_enrolment(
            world,
            learner,
            subject_id,
            None,
            catalogue["lessons_of_subject"][subject_id],
            completions,
            keep_open=DEMO_KEEP_OPEN,
        )
    _unlock_milestones(world, learner_id, completions)
    progress("Simulating learning", total, total)
    return learners


def _build_sessions(
    world: _World, rooms: list[dict[str, Any]], learners: dict[int, _Learner]
) -> None:
    """Two taught sessions per classroom per week; one classroom per other school is live."""
    rng = world.rng
    for room in rooms:
        for week in range(world.options.weeks):
            for subject_id in rng.sample(room["subjects"], 2):
                started = world.start + timedelta(
                    days=week * 7 + rng.randint(0, 4), hours=8 + rng.randint(0, 6)
                )
                if started > world.now - timedelta(hours=2):
                    continue
                minutes = rng.randint(35, 80)
                ended = started + timedelta(minutes=minutes)
                session_id = new_id("sess")
                world.add(
                    sessions.ClassSession,
                    id=session_id,
                    classroom_id=room["id"],
                    owner_id=room["teacher"],
                    class_id=room["class_id"],
                    subject_id=subject_id,
                    topic_id=None,
                    lesson_id=None,
                    name=None,
                    mode="practice",
                    status="completed",
                    started_at=started,
                    ended_at=ended,
                )
                world.add(
                    sessions.SessionModeChange,
                    session_id=session_id,
                    from_mode="teach",
                    to_mode="practice",
                    switched_by=room["teacher"],
                    switched_at=started + timedelta(minutes=minutes // 2),
                )
                _add_participants(world, session_id, room, learners, started)
        first_of_school = room is next(r for r in rooms if r["school_id"] == room["school_id"])
        if room["school_id"] != 1 and first_of_school:
            session_id = new_id("sess")
            started = world.now - timedelta(minutes=20)
            world.add(
                sessions.ClassSession,
                id=session_id,
                classroom_id=room["id"],
                owner_id=room["teacher"],
                class_id=room["class_id"],
                subject_id=room["subjects"][0],
                topic_id=None,
                lesson_id=None,
                name="Live lesson",
                mode="teach",
                status="active",
                started_at=started,
                ended_at=None,
            )
            _add_participants(world, session_id, room, learners, started)


def _add_participants(
    world: _World,
    session_id: str,
    room: dict[str, Any],
    learners: dict[int, _Learner],
    started: datetime,
) -> None:
    rng = world.rng
    for student_id in room["students"]:
        learner = learners[student_id]
        if rng.random() < 0.5 + 0.45 * learner.engagement:
            world.add(
                sessions.SessionParticipant,
                session_id=session_id,
                user_id=student_id,
                role="STUDENT",
                joined_at=started + timedelta(seconds=rng.randint(0, 600)),
            )
            if rng.random() < 0.08 * (1 + learner.engagement):
                asked = started + timedelta(minutes=rng.randint(5, 30))
                for offset, role, message, kind, confidence, model in (
                    (0, "user", "Can you explain that again?", "question", None, None),
                    (
                        3,
                        "assistant",
                        "Of course. Let's go through it step by step.",
                        "explanation",
                        0.8,
                        "offline",
                    ),
                ):
                    world.add(
                        sessions.ChatMessage,
                        id=new_id("msg"),
                        session_id=session_id,
                        user_id=student_id,
                        role=role,
                        message=message,
                        type=kind,
                        confidence=confidence,
                        meta={},
                        model=model,
                        created_at=asked + timedelta(seconds=offset),
                    )


def _build_assignments(
    world: _World, rooms: list[dict[str, Any]], catalogue: dict[str, Any]
) -> None:
    rng = world.rng
    for room in rooms:
        for offset_days, title in ((-10, "Revision Exercise"), (5, "Weekly Practice")):
            subject_id = rng.choice(room["subjects"])
            topic_ids = sorted(
                {lesson.topic_id for lesson in catalogue["lessons_of_subject"][subject_id]}
            )[:2]
            assignment_id = new_id("a")
            created = world.now + timedelta(days=offset_days - 7)
            world.add(
                classrooms.Assignment,
                id=assignment_id,
                classroom_id=room["id"],
                teacher_id=room["teacher"],
                title=title,
                description=f"{title} for the class",
                due_date=world.now + timedelta(days=offset_days),
                status="active" if offset_days > 0 else "closed",
                created_at=created,
            )
            for topic_id in topic_ids:
                world.add(
                    classrooms.AssignmentTopic, assignment_id=assignment_id, topic_id=topic_id
                )


def build_world(options: DemoOptions, hashed_password: str, progress: Progress) -> _World:
    world = _World(options)
    progress("Building the curriculum", 0, 1)
    catalogue = _build_catalogue(world, hashed_password)
    progress("Building the curriculum", 1, 1)
    rooms = _build_people(world, catalogue)
    learners = _build_learning(world, catalogue, rooms, progress)
    _build_sessions(world, rooms, learners)
    _build_assignments(world, rooms, catalogue)
    return world


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def seed_demo(
    factory: SessionFactory, options: DemoOptions, progress: Progress = lambda *_: None
) -> DemoSummary:
    async with factory() as session:
        User = identity.User
        anyone = (await session.exec(select(col(User.id)).limit(1))).first()
        if anyone is not None:
            demo = select(col(User.id)).where(col(User.email) == DEMO_ACCOUNTS["SUPER_ADMIN"])
            if (await session.exec(demo)).first() is None:
                raise RuntimeError(
                    "the database already holds users; the demo world is only "
                    "written into an empty database"
                )
            return DemoSummary(created=False)
    world = build_world(options, hash_password(DEMO_PASSWORD), progress)
    ordered = [t for t in identity.School.metadata.sorted_tables if t in world.rows]
    total = sum(len(world.rows[t]) for t in ordered)
    written = 0
    async with factory() as session, session.begin():
        connection = await session.connection()  # bulk inserts run at the Core level
        for table in ordered:
            for chunk in _chunks(world.rows[table], 2000):
                await connection.execute(insert(table), chunk)
                written += len(chunk)
                progress("Writing rows", written, total)
        await _advance_sequences(connection, list(world.next_ids))
    return DemoSummary(created=True, counts={t.name: len(world.rows[t]) for t in ordered})


async def _advance_sequences(connection: AsyncConnection, tables: list[Table]) -> None:
    """Rows were written with explicit ids; PostgreSQL's sequences must move past them."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
            )
        )
