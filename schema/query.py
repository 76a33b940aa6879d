"""The root Query type: each field hands off to a resolver in one line."""

import strawberry
from strawberry.types import Info

from resolvers import auth, system
from resolvers.context import Context
from schema.auth import Me
from schema.system import Health, SystemStatus


@strawberry.type
class Query:
    @strawberry.field(description="Liveness of the backend; answers without touching the database.")
    def health(self) -> Health:
        result = system.health()
        return Health(status=result.status, message=result.message)

    @strawberry.field(description="Backend, database and warehouse status for the health page.")
    async def system_status(self, info: Info[Context, None]) -> SystemStatus:
        result = await system.system_status(info.context)
        return SystemStatus(
            backend=result.backend,
            database_connected=result.database_connected,
            last_data_refresh=result.last_data_refresh,
        )

    @strawberry.field(description="The signed-in user's profile and permissions.")
    async def me(self, info: Info[Context, None]) -> Me:
        return Me.of(await auth.me(info.context))
