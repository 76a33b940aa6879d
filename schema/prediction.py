"""Types of the completion model's answers (docs/prediction.md)."""

import strawberry

from resolvers import at_risk, prediction
from resolvers.context import Context
from schema.results import graphql_type


@strawberry.type(description="How likely a student is to complete a course, 0-1.")
class CompletionPrediction:
    completion_likelihood: float


@strawberry.input(description="What the model looks at, for one student in one course.")
class CompletionInput:
    hours_watched: float = strawberry.field(description="Hours spent in lessons, at least 0.")
    average_score: float = strawberry.field(description="Mean score, 0-100.")
    activity_level: float = strawberry.field(description="Activities per week, at least 0.")

    def features(self) -> prediction.Features:
        return prediction.Features(self.hours_watched, self.average_score, self.activity_level)


async def predict_one(context: Context, features: prediction.Features) -> CompletionPrediction:
    (likelihood,) = await prediction.predict(context, [features])
    return CompletionPrediction(completion_likelihood=likelihood)


async def predict_many(
    context: Context, inputs: list[CompletionInput]
) -> list[CompletionPrediction]:
    likelihoods = await prediction.predict(context, [i.features() for i in inputs], prefix="inputs")
    return [CompletionPrediction(completion_likelihood=value) for value in likelihoods]


graphql_type(
    at_risk.AtRisk,
    "AtRiskStudent",
    fields={
        "activity_level": "Activities per week.",
        "reasons": "The features that lowered the likelihood, the strongest first.",
    },
)
