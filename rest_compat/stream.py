"""Server-Sent Events for a route with a subscription (`RestRoute.stream`), asked for with
`Accept: text/event-stream`. Each event of the subscription's root field is sent as an SSE
event named after its one non-null field (`delta`, `message`...), with that field's value
as JSON data, the REST casing applied by the document's aliases. An error before the first
event is an ordinary error response; after it, an `error` event in the standard error
body ends the stream."""

import inspect
import logging
from typing import Any

import orjson
import strawberry
from graphql import ExecutionResult, subscribe
from graphql.execution.values import VariableValues
from starlette.types import Send

from ground.asgi import send_json
from rest_compat.compile import CompiledRoute
from rest_compat.executor import FacadeExecutor, error_of
from rest_compat.inputs import as_given
from schema.core_schema import graphql_core_schema

log = logging.getLogger(__name__)
EVENT_STREAM = "text/event-stream"


def wants_stream(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(name == b"accept" and EVENT_STREAM.encode() in value for name, value in headers)


def _event(name: str, data: Any) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def serve_stream(
    send: Send,
    compiled: CompiledRoute,
    schema: strawberry.Schema,
    context: Any,
    variables: VariableValues,
) -> None:
    assert compiled.stream is not None
    outcome = subscribe(
        graphql_core_schema(schema),
        compiled.stream,
        context_value=context,
        variable_values=as_given(variables),
        executor_class=FacadeExecutor,
    )
    if inspect.isawaitable(outcome):
        outcome = await outcome
    if isinstance(outcome, ExecutionResult):  # refused before it began: a plain error
        error = error_of(outcome, context.request_id)
        await send_json(send, error.status, error.body())
        return
    started = False
    try:
        async for result in outcome:
            if result.errors or result.data is None:
                error = error_of(result, context.request_id)
                if not started:
                    await send_json(send, error.status, error.body())
                    return
                await _body(send, _event("error", error.body()), more=True)
                break
            if not started:
                await _start(send)
                started = True
            for name, value in next(iter(result.data.values())).items():
                if value is not None:
                    await _body(send, _event(name, {"data": value}), more=True)
    finally:
        close = getattr(outcome, "aclose", None)  # ends the resolver's generator early
        if close is not None:
            await close()
    if not started:
        await _start(send)
    await _body(send, b"", more=False)


async def _start(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"no-cache"),
                (b"x-accel-buffering", b"no"),  # a proxy in front should not hold events back
            ],
        }
    )


async def _body(send: Send, chunk: bytes, *, more: bool) -> None:
    await send({"type": "http.response.body", "body": chunk, "more_body": more})
