"""Types of the health and status fields."""

from datetime import datetime

import strawberry

from schema.enums import AiHealthStatus


@strawberry.type(description="Liveness of the backend process.")
class Health:
    status: str
    message: str


@strawberry.type(description="What the dashboard's system health page shows.")
class SystemStatus:
    backend: str
    database_connected: bool = strawberry.field(
        description="A real query reached the database just now."
    )
    last_data_refresh: datetime | None = strawberry.field(
        description="When the analytics warehouse was last loaded; null before the first load."
    )
    model_version: str | None = strawberry.field(
        description="The completion model being served; null before the first training."
    )


@strawberry.type(
    description="The served completion model's figures at one horizon, on held-out students."
)
class ModelHorizon:
    horizon: str = strawberry.field(
        description='A moment in an enrollment: "week 2", "50% of course".'
    )
    auc: float
    brier: float
    test_rows: int
    caught: float = strawberry.field(
        description="Of the held-out enrollments that did not complete, the share among the lowest-likelihood fifth."
    )


@strawberry.type(description="Readiness of the AI service: the tutor and the completion model.")
class AiHealth:
    status: AiHealthStatus
    version: str
    response_time_ms: int
    model_loaded: bool
    last_training: datetime | None
    model_horizons: list[ModelHorizon] = strawberry.field(
        description="Per horizon, the held-out figures of the model served; empty without one."
    )


@strawberry.type(description="The outcome of a warehouse refresh (POST /api/refresh-data).")
class DataRefresh:
    status: str
    rows_added: int
    last_updated: datetime
