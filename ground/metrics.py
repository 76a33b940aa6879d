"""What each process counts for the operators' `/metrics` (docs/operations.md, Metrics).

Every layer may count here (requests, rate-limit refusals, Redis errors, refresh
durations, connections in use). With several worker processes, `learnloom serve` points
PROMETHEUS_MULTIPROC_DIR at a folder before the workers start, each process writes its
counts there, and a scrape of any one process reads all of them. Figures that are the
same whichever process answers (outbox depth, flags, snapshot age, model figures) are not
counted here but read when scraped (learnloom/metrics_page.py)."""

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

disable_created_metrics()  # a `_created` series per counter doubles a scrape for no alert

REQUESTS = Counter(
    "learnloom_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "learnloom_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route template.",
    ["route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RATE_LIMIT_REFUSALS = Counter(
    "learnloom_rate_limit_refusals",
    "Requests refused by a rate limit, by limit (default, login, ai_chat).",
    ["limit"],
)
REDIS_ERRORS = Counter(
    "learnloom_redis_errors",
    "Rate-limit store calls that failed (requests are allowed through meanwhile).",
)
REFRESHES = Histogram(
    "learnloom_warehouse_refresh_duration_seconds",
    "Warehouse refreshes and how long each took, by trigger (api, schedule).",
    ["trigger"],
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800),
)
POOL_IN_USE = Gauge(
    "learnloom_db_connections_in_use",
    "Database connections checked out of the pools, summed over the live processes.",
    multiprocess_mode="livesum",
)
