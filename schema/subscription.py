"""The root Subscription type: answers that arrive in pieces. The REST facade serves them
as Server-Sent Events (rest_compat/stream.py)."""

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from resolvers.chat import chat_stream
from resolvers.context import Context
from schema.enums import SessionMode
from schema.tutor import ChatContext, ChatPiece, question


@strawberry.type(
    description="Live answers over graphql-transport-ws on /graphql (the access token "
    "in connection_init)."
)
class Subscription:
    @strawberry.subscription(
        description="chat, streamed: pieces of the tutor's answer as they come, then the "
        "stored answer."
    )
    async def chat_stream(
        self,
        info: Info[Context, None],
        session_id: str,
        message: str,
        mode: SessionMode | None = None,
        context: ChatContext | None = None,
    ) -> AsyncGenerator[ChatPiece, None]:
        async for piece in chat_stream(info.context, question(session_id, message, mode, context)):
            yield piece
