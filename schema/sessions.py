"""Types of classroom sessions."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from resolvers import sessions
from resolvers.context import Context
from resolvers.sessions import ModeSwitch, Participant, SessionEnd, SessionSummary, SessionView
from schema.results import graphql_type

Ctx = Info[Context, None]


@strawberry.field
async def name(root: Participant, info: Ctx) -> str:
    return await sessions.participant_name(info.context, root)


@strawberry.field(description="The planned end; sessions run until a teacher ends them.")
def ends_at(root: SessionView) -> datetime | None:
    return None


@strawberry.field
async def participants(root: SessionView, info: Ctx) -> list[Participant]:
    return await sessions.participants_of(info.context, root.id)


graphql_type(Participant, computed=[name])
graphql_type(SessionView, "ClassSession", computed=[ends_at, participants])
graphql_type(ModeSwitch)
graphql_type(SessionSummary)
graphql_type(SessionEnd)

__all__ = ["ModeSwitch", "SessionEnd", "SessionView"]
