"""The REST API, one row per documented path. Adding a path means adding a row here and
its operation document in operations/."""

from rest_compat.route import Envelope, RestRoute

ANALYTICS = "LearnLoom analytics (/api)"

# fmt: off
ROUTES: tuple[RestRoute, ...] = (
    RestRoute("GET", "/api/health", "health", Envelope.BARE, "Check that the backend is running", ANALYTICS),
    RestRoute("GET", "/api/system-status", "system_status", Envelope.BARE, "Backend, database and data-refresh status", ANALYTICS),
)
# fmt: on
