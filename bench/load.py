"""A small closed-loop HTTP/1.1 load generator over keep-alive connections on loopback.

Each of `concurrency` connections sends a request, reads the whole response, records the
latency and sends the next, until `seconds` have passed."""

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: str
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    # wrk picks one of these at random per request (the Python client uses `path`)
    paths: tuple[str, ...] = ()

    def request(self, host: str, port: int) -> bytes:
        head = f"{self.method} {self.path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in self.headers)
        if self.body:
            head += f"Content-Type: {self.content_type}\r\nContent-Length: {len(self.body)}\r\n"
        return (head + "\r\n").encode() + self.body


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


async def _connection(
    host: str, port: int, payload: bytes, stop_at: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (started := time.perf_counter()) < stop_at:
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200"):
                errors.append(1)
    finally:
        writer.close()


async def _run(target: Target, host: str, port: int, concurrency: int, seconds: float) -> Result:
    latencies: list[float] = []
    errors: list[int] = []
    payload = target.request(host, port)
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(
        *(_connection(host, port, payload, stop_at, latencies, errors) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return Result(
        name=target.name,
        requests=len(ordered),
        seconds=elapsed,
        p50_ms=statistics.median(ordered) * 1000,
        p99_ms=ordered[int(len(ordered) * 0.99) - 1] * 1000,
        errors=len(errors),
    )


def run(target: Target, host: str, port: int, concurrency: int, seconds: float) -> Result:
    return asyncio.run(_run(target, host, port, concurrency, seconds))
