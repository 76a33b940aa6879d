"""Types of the health and status fields, and of a warehouse refresh."""

from resolvers.system import AiHealth, Health, ModelHorizon, SystemStatus
from resolvers.warehouse import DataRefresh
from schema.results import graphql_type

graphql_type(Health)
graphql_type(
    SystemStatus,
    fields={
        "database_connected": "A real query reached the database just now.",
        "last_data_refresh": "When the analytics warehouse was last loaded; null before the "
        "first load.",
        "model_version": "The completion model being served; null before the first training.",
    },
)
graphql_type(
    ModelHorizon,
    fields={
        "horizon": 'A moment in an enrollment: "week 2", "50% of course".',
        "caught": "Of the held-out enrollments that did not complete, the share among the "
        "lowest-likelihood fifth.",
    },
)
graphql_type(
    AiHealth,
    fields={
        "model_horizons": "Per horizon, the held-out figures of the model served; empty "
        "without one."
    },
)
graphql_type(DataRefresh)

__all__ = ["AiHealth", "DataRefresh", "Health", "SystemStatus"]
