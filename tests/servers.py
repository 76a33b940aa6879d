"""Real `learnloom serve` processes on loopback, for tests that need a socket."""

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx
import uvicorn
from starlette.types import ASGIApp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_servers(env: dict[str, str], count: int = 1) -> Iterator[list[str]]:
    """`count` servers over the same (already migrated) data, ready to answer."""
    processes, bases = [], []
    try:
        for _ in range(count):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "learnloom", "serve", "--port", str(port)],
                    env={"LEARNLOOM_BACKGROUND_JOBS": "false", **env},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            wait_until_healthy(base)
        yield bases
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def wait_until_healthy(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{base} did not start")


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[int]:
    """`app` served by uvicorn in this process on a free loopback port (yielded), for tests
    that need a real socket but the test's own settings."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        yield port
    finally:
        server.should_exit = True
        await task
