"""One row of the REST route table."""

from dataclasses import dataclass
from enum import StrEnum


class Envelope(StrEnum):
    BARE = "bare"  # the operation's root field is the body (analytics API, v1 lists)
    DATA = "data"  # the root field is wrapped as {"data": ...} (v1 objects)


@dataclass(frozen=True)
class RestRoute:
    """A documented REST path and the GraphQL operation that answers it.

    Inputs become the operation's variables by name (`student_id` -> `$studentId`): path
    parameters from the path, the rest from the query string (GET, DELETE) or the JSON body
    (POST, PATCH, PUT). The operation's single root field, with aliases giving the contract's
    snake_case keys, is the response, shaped by `envelope`.
    """

    method: str
    path: str
    operation: str  # file stem in rest_compat/operations/
    envelope: Envelope
    summary: str
    tag: str
    status: int = 200
    errors: tuple[int, ...] = ()  # statuses beyond the common ones, for the OpenAPI document
    # Answers without a token. The resolvers enforce access; this flag documents it in
    # OpenAPI and drives the authorization tests, so a new route cannot slip past them.
    public: bool = False
    # A subscription document with the same variables: with `Accept: text/event-stream`, the
    # answer is streamed as Server-Sent Events (rest_compat/stream.py).
    stream: str | None = None
