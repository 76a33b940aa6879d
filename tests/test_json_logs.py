"""Log lines as JSON, one object a line, carrying the id of the request they were written
for (the X-Request-ID the client sent or was given), so an operator can find every line of
one failed request in the log store."""

import io
import json
import logging
import logging.config

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from ground.logs import JsonLines, log_config
from learnloom.middleware import StandardHeadersMiddleware

pytestmark = pytest.mark.anyio
log = logging.getLogger("learnloom.test_json_logs")


async def test_each_line_of_a_request_carries_its_id() -> None:
    from starlette.applications import Starlette

    async def noisy(_: Request) -> PlainTextResponse:
        log.warning("the school's database answered slowly: %d ms", 812)
        return PlainTextResponse("ok")

    app = StandardHeadersMiddleware(Starlette(routes=[Route("/", noisy)]))
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonLines())
    log.addHandler(handler)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            first = await client.get("/", headers={"X-Request-ID": "req-from-proxy-1"})
            second = await client.get("/")
    finally:
        log.removeHandler(handler)
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == [
        "req-from-proxy-1",
        second.headers["x-request-id"],
    ]
    assert first.headers["x-request-id"] == "req-from-proxy-1"
    assert lines[0]["message"] == "the school's database answered slowly: 812 ms"
    assert lines[0]["level"] == "WARNING" and lines[0]["logger"] == log.name
    assert lines[0]["time"].endswith("+00:00")


def test_an_exception_is_kept_in_its_line() -> None:
    try:
        raise ValueError("a broken snapshot")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "refresh failed", (), None)
        import sys

        record.exc_info = sys.exc_info()
    line = json.loads(JsonLines().format(record))
    assert line["message"] == "refresh failed" and "a broken snapshot" in line["exception"]
    assert "request_id" not in line  # written outside any request


def test_the_servers_configuration_applies() -> None:
    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {
        name: (logger.handlers[:], logger.level, logger.propagate)
        for name in names
        for logger in [logging.getLogger(name)]
    }
    try:
        logging.config.dictConfig(log_config("warning", "json"))
        root = logging.getLogger()
        assert root.level == logging.WARNING
        assert isinstance(root.handlers[0].formatter, JsonLines)
        assert isinstance(logging.getLogger("uvicorn.error").handlers[0].formatter, JsonLines)
    finally:
        for name, (handlers, level, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers[:], logger.level, logger.propagate = handlers, level, propagate
    text = log_config("info", "text")
    assert text["formatters"]["main"] == {
        "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"
    }
