"""Types of the completion model's answers (docs/prediction.md)."""

import strawberry

from resolvers import at_risk, prediction
from resolvers.prediction import CompletionPrediction
from schema.results import graphql_type

graphql_type(CompletionPrediction)


@strawberry.input(description="What the model looks at, for one student in one course.")
class CompletionInput:
    hours_watched: float = strawberry.field(description="Hours spent in lessons, at least 0.")
    average_score: float = strawberry.field(description="Mean score, 0-100.")
    activity_level: float = strawberry.field(description="Activities per week, at least 0.")

    def features(self) -> prediction.Features:
        return prediction.Features(self.hours_watched, self.average_score, self.activity_level)


graphql_type(
    at_risk.AtRisk,
    "AtRiskStudent",
    fields={
        "activity_level": "Activities per week.",
        "reasons": "The features that lowered the likelihood, the strongest first.",
    },
)
