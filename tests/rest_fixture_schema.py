"""A small schema and route table that exercise every feature of the REST machinery,
independent of which endpoints the product has today."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import cached_property

import strawberry
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from strawberry.dataloader import DataLoader

from ground.errors import Conflict, NotFound
from learnloom.app import http_error, unexpected_error
from learnloom.middleware import StandardHeadersMiddleware
from rest_compat.compile import compile_routes
from rest_compat.route import Envelope, RestRoute
from rest_compat.router import rest_routes
from schema.scalars import SCALAR_OVERRIDES


@strawberry.enum
class Level(Enum):
    EASY = "easy"
    HARD = "hard"


@strawberry.input
class NoteInput:
    lesson_id: int
    topic_id: int | None = None
    levels: list[Level] | None = None


@strawberry.type
class Echo:
    count: int
    flag: bool
    level: Level
    names: list[str]
    ratio: float | None


@strawberry.type
class Item:
    item_id: int
    name: str


@strawberry.type
class Created:
    title: str
    lesson_id: int | None
    due_date: datetime | None
    levels: list[Level]


@strawberry.type
class Topic:
    name: str


@strawberry.type
class Lesson:
    id: int

    @strawberry.field
    async def topic(self, info: strawberry.Info) -> Topic:
        return await info.context.topics.load(self.id % 3)


@strawberry.type
class Query:
    @strawberry.field
    def lessons(self, count: int) -> list[Lesson]:
        return [Lesson(id=i) for i in range(count)]

    @strawberry.field
    async def slow_failure(self) -> list[Lesson]:
        raise NotFound("nothing here")

    @strawberry.field
    def echo(
        self,
        count: int,
        flag: bool = False,
        level: Level = Level.EASY,
        names: list[str] | None = None,
        ratio: float | None = None,
    ) -> Echo:
        return Echo(count=count, flag=flag, level=level, names=names or [], ratio=ratio)

    @strawberry.field
    def item(self, item_id: int) -> Item:
        if item_id != 1:
            raise NotFound(
                "The requested item does not exist",
                details={"item_id": [f"Item with ID {item_id} not found"]},
            )
        return Item(item_id=1, name="first")

    @strawberry.field
    def boom(self) -> int:
        raise ZeroDivisionError("internal detail")


@strawberry.type
class Mutation:
    @strawberry.mutation
    def create(
        self, title: str, note: NoteInput | None = None, due_date: datetime | None = None
    ) -> Created:
        if title == "taken":
            raise Conflict("That title is taken")
        return Created(
            title=title,
            lesson_id=note.lesson_id if note else None,
            due_date=due_date,
            levels=(note.levels or []) if note else [],
        )


test_schema = strawberry.Schema(query=Query, mutation=Mutation, scalar_overrides=SCALAR_OVERRIDES)

DOCUMENTS = {
    "echo": """query Echo($count: Int!, $flag: Boolean, $level: Level, $names: [String!], $ratio: Float) {
        echo(count: $count, flag: $flag, level: $level, names: $names, ratio: $ratio) {
            count flag level names ratio
        }
    }""",
    "item": "query Item($itemId: Int!) { item(itemId: $itemId) { item_id: itemId name } }",
    "boom": "query Boom { boom }",
    "lessons": "query Lessons($count: Int!) { lessons(count: $count) { id topic { name } } }",
    "echo_skip": """query EchoSkip($count: Int!, $flag: Boolean!) {
        echo(count: $count) { count level names @include(if: $flag) }
    }""",
    "create": """mutation Create($title: String!, $note: NoteInput, $dueDate: DateTime) {
        created: create(title: $title, note: $note, dueDate: $dueDate) {
            title lesson_id: lessonId due_date: dueDate levels
        }
    }""",
}

# fmt: off
ROUTES = (
    RestRoute("GET", "/api/echo", "echo", Envelope.BARE, "Echo", "test"),
    RestRoute("GET", "/api/v1/items/{item_id}/", "item", Envelope.DATA, "One item", "test"),
    RestRoute("GET", "/api/boom", "boom", Envelope.BARE, "Fails", "test"),
    RestRoute("GET", "/api/lessons", "lessons", Envelope.BARE, "Lessons with topics", "test"),
    RestRoute("GET", "/api/echo-skip", "echo_skip", Envelope.BARE, "Uses a directive", "test"),
    RestRoute("POST", "/api/v1/items/", "create", Envelope.DATA, "Create", "test", status=201, errors=(409,)),
)
# fmt: on


@dataclass
class FakeContext:
    request_id: str
    batches: list[list[int]] = field(default_factory=list)

    @cached_property
    def topics(self) -> DataLoader[int, Topic]:
        async def load(keys: list[int]) -> list[Topic]:
            self.batches.append(list(keys))
            return [Topic(name=f"topic {key}") for key in keys]

        return DataLoader(load_fn=load)


def compiled_routes() -> list:
    return compile_routes(test_schema._schema, ROUTES, DOCUMENTS.__getitem__)


def make_app() -> Starlette:
    def context_for(request: Request) -> FakeContext:
        return FakeContext(request.state.request_id)

    app = Starlette(
        routes=rest_routes(compiled_routes(), test_schema, context_for),
        exception_handlers={HTTPException: http_error, Exception: unexpected_error},
    )
    app.add_middleware(StandardHeadersMiddleware)
    app.router.redirect_slashes = False
    return app
