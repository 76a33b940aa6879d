"""The REST API, one row per documented path. Adding a path means adding a row here and
its operation document in operations/."""

from rest_compat.route import Envelope, RestRoute

ANALYTICS = "LearnLoom analytics (/api)"
AUTH = "Authentication (/api/v1/auth)"
CURRICULUM = "Curriculum (/api/v1)"
SESSIONS = "Classroom sessions (/api/v1/sessions)"
ADMIN = "Administration (/api/v1/admin)"
AI = "AI service (/api/v1/ai)"
TEACHER = "Teacher (/api/v1/teachers)"
STUDENT = "Student (/api/v1/students)"

# fmt: off
ROUTES: tuple[RestRoute, ...] = (
    RestRoute("GET", "/api/health", "health", Envelope.BARE, "Check that the backend is running", ANALYTICS, public=True),
    RestRoute("GET", "/api/system-status", "system_status", Envelope.BARE, "Backend, database and data-refresh status", ANALYTICS, public=True),
    RestRoute("GET", "/api/average-score", "average_score", Envelope.BARE, "Overall average score", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/completion-rate", "completion_rate", Envelope.BARE, "Share of enrollments completed", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/dropout-rate", "dropout_rate", Envelope.BARE, "Share of enrollments dropped", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/total-students", "total_students", Envelope.BARE, "Students with at least one enrollment", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/active-students", "active_students", Envelope.BARE, "Students active in the last week of data", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/score-trend", "score_trend", Envelope.BARE, "Mean score per day", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/activity-trend", "activity_trend", Envelope.BARE, "Activities per day", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/weekly-progress", "weekly_progress", Envelope.BARE, "Mean score per ISO week", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/course-analytics", "course_analytics", Envelope.BARE, "Figures of every course", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/top-courses", "top_courses", Envelope.BARE, "Courses by completion rate", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/hardest-courses", "hardest_courses", Envelope.BARE, "Courses by lowest average score", ANALYTICS, errors=(304, 404, 503)),
    RestRoute("GET", "/api/student/{student_id}/profile", "student_profile", Envelope.BARE, "One student's learning profile", ANALYTICS, errors=(304, 503)),
    RestRoute("POST", "/api/v1/ai/chat/", "ai_chat", Envelope.DATA, "Ask the AI tutor inside a session (Accept: text/event-stream streams the answer)", AI, errors=(404, 409, 429), stream="ai_chat_stream"),
    RestRoute("POST", "/api/v1/ai/lesson/start/", "ai_lesson_start", Envelope.DATA, "Begin an AI-led lesson", AI, status=201, errors=(404, 409)),
    RestRoute("POST", "/api/v1/ai/lesson/next/", "ai_lesson_next", Envelope.DATA, "The AI-led lesson's next step", AI, errors=(404, 409)),
    RestRoute("POST", "/api/v1/ai/practice/question/", "ai_practice_question", Envelope.DATA, "A practice question on a topic, at the learner's level", AI, errors=(404, 409)),
    RestRoute("POST", "/api/v1/ai/practice/validate/", "ai_practice_validate", Envelope.DATA, "Check a practice answer; adapts the next difficulty", AI, errors=(404,)),
    RestRoute("GET", "/api/v1/ai/health/", "ai_health", Envelope.DATA, "AI service readiness: the completion model", AI, public=True),
    RestRoute("GET", "/api/v1/students/me/dashboard/", "student_dashboard", Envelope.DATA, "The signed-in learner's subjects, progress and next lesson", STUDENT),
    RestRoute("GET", "/api/v1/students/me/progress/", "student_progress", Envelope.DATA, "Progress in one subject, with milestones", STUDENT, errors=(404,)),
    RestRoute("GET", "/api/v1/students/me/history/", "student_history", Envelope.BARE, "Visits to lessons, newest first", STUDENT),
    RestRoute("POST", "/api/v1/students/me/continue/", "student_continue", Envelope.DATA, "Resume the last unfinished lesson in a learning session", STUDENT, errors=(404,)),
    RestRoute("GET", "/api/v1/teachers/me/classes/", "teacher_classes", Envelope.BARE, "The signed-in teacher's classes", TEACHER),
    RestRoute("GET", "/api/v1/teachers/me/classes/{id}/students/", "class_students", Envelope.BARE, "A class's students with attendance", TEACHER),
    RestRoute("GET", "/api/v1/teachers/me/classes/{id}/performance/", "class_performance", Envelope.DATA, "A class's averages, top performers and students needing support", TEACHER),
    RestRoute("POST", "/api/v1/teachers/me/assignments/", "assignment_create", Envelope.DATA, "Set an assignment for a class", TEACHER, status=201),
    RestRoute("GET", "/api/v1/teachers/me/flags/", "tutor_flags", Envelope.BARE, "Safeguarding flags of the caller's learners, newest first (status=open|acknowledged|all)", TEACHER),
    RestRoute("POST", "/api/v1/teachers/me/flags/{id}/acknowledge/", "tutor_flag_acknowledge", Envelope.DATA, "Acknowledge a safeguarding flag", TEACHER),
    RestRoute("GET", "/api/v1/teachers/me/classes/{id}/at-risk/", "at_risk", Envelope.DATA, "A class's students least likely to complete, with reasons", TEACHER, errors=(503,)),
    RestRoute("POST", "/api/predict", "predict", Envelope.BARE, "Completion likelihood from the trained model", ANALYTICS, errors=(503,)),
    RestRoute("POST", "/api/refresh-data", "refresh_data", Envelope.BARE, "Reload the analytics warehouse (super admins)", ANALYTICS, errors=(409,)),
    RestRoute("POST", "/api/v1/auth/login/", "login", Envelope.DATA, "Sign in with email and password", AUTH, errors=(401, 403, 429), public=True),
    RestRoute("POST", "/api/v1/auth/refresh/", "refresh", Envelope.DATA, "Exchange a refresh token for new tokens", AUTH, errors=(401,), public=True),
    RestRoute("GET", "/api/v1/auth/me/", "me", Envelope.DATA, "The signed-in user's profile and permissions", AUTH),
    RestRoute("POST", "/api/v1/auth/logout/", "logout", Envelope.DATA, "Revoke a refresh token family", AUTH, errors=(403,)),
    RestRoute("GET", "/api/v1/curricula/", "curricula", Envelope.BARE, "List curriculum frameworks", CURRICULUM),
    RestRoute("GET", "/api/v1/classes/", "classes", Envelope.BARE, "List the classes of a curriculum", CURRICULUM, errors=(404,)),
    RestRoute("GET", "/api/v1/subjects/", "subjects", Envelope.BARE, "List the subjects of a class", CURRICULUM, errors=(404,)),
    RestRoute("GET", "/api/v1/topics/", "topics", Envelope.BARE, "List the topics of a class subject in a term", CURRICULUM, errors=(404,)),
    RestRoute("GET", "/api/v1/lessons/", "lessons", Envelope.BARE, "List the lessons of a topic", CURRICULUM, errors=(404,)),
    RestRoute("GET", "/api/v1/lessons/{id}/content/", "lesson_content", Envelope.DATA, "A lesson's full content", CURRICULUM),
    RestRoute("POST", "/api/v1/sessions/start/", "session_start", Envelope.DATA, "Start a session for a class", SESSIONS, status=201, errors=(404, 409)),
    # Listed before /sessions/{id}/, which would otherwise take "active" for an id.
    RestRoute("GET", "/api/v1/sessions/active/", "session_active", Envelope.DATA, "The active session of a class", SESSIONS, errors=(404,)),
    RestRoute("GET", "/api/v1/sessions/{id}/", "session", Envelope.DATA, "A session with its participants", SESSIONS),
    RestRoute("PATCH", "/api/v1/sessions/{id}/mode/", "session_mode", Envelope.DATA, "Switch a session's mode", SESSIONS, errors=(409,)),
    RestRoute("GET", "/api/v1/admin/schools/", "admin_schools", Envelope.BARE, "List schools (super admins; school admins their own)", ADMIN),
    RestRoute("POST", "/api/v1/admin/schools/", "admin_school_create", Envelope.DATA, "Create a school (super admins)", ADMIN, status=201),
    RestRoute("GET", "/api/v1/admin/schools/{id}/", "admin_school", Envelope.DATA, "A school's details", ADMIN),
    RestRoute("PATCH", "/api/v1/admin/schools/{id}/", "admin_school_update", Envelope.DATA, "Change a school", ADMIN),
    RestRoute("DELETE", "/api/v1/admin/schools/{id}/", "admin_school_delete", Envelope.DATA, "Remove a school, or archive one that is in use (archive=true)", ADMIN, errors=(409,)),
    RestRoute("GET", "/api/v1/admin/users/", "admin_users", Envelope.BARE, "List users (super admins; school admins their school's)", ADMIN),
    RestRoute("POST", "/api/v1/admin/users/", "admin_user_create", Envelope.DATA, "Create a user", ADMIN, status=201, errors=(409,)),
    RestRoute("PATCH", "/api/v1/admin/users/{id}/", "admin_user_update", Envelope.DATA, "Change a user", ADMIN, errors=(409,)),
    RestRoute("GET", "/api/v1/admin/students/{id}/export/", "student_export", Envelope.DATA, "Everything held about one learner, as JSON", ADMIN),
    RestRoute("POST", "/api/v1/admin/students/{id}/erase/", "student_erase", Envelope.DATA, "Erase a learner's personal data", ADMIN),
    # The deliveries paths come before /webhooks/{id}/, which would take "deliveries" for an id.
    RestRoute("GET", "/api/v1/admin/webhooks/deliveries/", "webhook_deliveries", Envelope.BARE, "Webhook deliveries, newest first (status=dead: the dead letters)", ADMIN),
    RestRoute("POST", "/api/v1/admin/webhooks/deliveries/{id}/replay/", "webhook_replay", Envelope.DATA, "Send a finished delivery again", ADMIN, errors=(409,)),
    RestRoute("GET", "/api/v1/admin/webhooks/", "webhooks", Envelope.BARE, "Webhook endpoints (super admins: all; school admins: their school's)", ADMIN),
    RestRoute("POST", "/api/v1/admin/webhooks/", "webhook_create", Envelope.DATA, "Register a webhook endpoint; the secret is shown once", ADMIN, status=201),
    RestRoute("GET", "/api/v1/admin/webhooks/{id}/", "webhook", Envelope.DATA, "A webhook endpoint", ADMIN),
    RestRoute("PATCH", "/api/v1/admin/webhooks/{id}/", "webhook_update", Envelope.DATA, "Change a webhook endpoint", ADMIN),
    RestRoute("DELETE", "/api/v1/admin/webhooks/{id}/", "webhook_delete", Envelope.DATA, "Remove a webhook endpoint with its deliveries", ADMIN),
    RestRoute("GET", "/api/v1/admin/analytics/school/{id}/", "school_analytics", Envelope.DATA, "A school's KPIs", ADMIN, errors=(304, 503)),
    RestRoute("GET", "/api/v1/admin/analytics/national/", "national_analytics", Envelope.DATA, "Per-country and per-school figures (super admins)", ADMIN, errors=(304, 503)),
    RestRoute("POST", "/api/v1/sessions/{id}/end/", "session_end", Envelope.DATA, "End an active session", SESSIONS, errors=(409,)),
)
# fmt: on
