"""Waiting, in tests, for something another task or process makes true."""

import inspect
from collections.abc import Awaitable, Callable

import anyio


async def eventually(
    check: Callable[[], bool | Awaitable[bool]], seconds: float, pause: float = 0.01
) -> None:
    """Return once `check()` is true; fail the test after `seconds`."""
    with anyio.fail_after(seconds):
        for _ in iter(int, 1):  # until returned from
            result = check()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return
            await anyio.sleep(pause)
