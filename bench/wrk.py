"""Drives wrk (a C load generator, `apt-get install wrk`) when it is installed: it needs
far less CPU than a Python client, so on a small machine the server, not the client, is
what gets measured."""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.load import Result, Target

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def available() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def run(target: Target, host: str, port: int, concurrency: int, seconds: float) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "request.lua"
        body = target.body.decode().replace("\\", "\\\\").replace('"', '\\"')
        lines = [
            f'wrk.method = "{target.method}"',
            f'wrk.body = "{body}"',
            f'wrk.headers["Content-Type"] = "{target.content_type}"',
            *(f'wrk.headers["{name}"] = "{value}"' for name, value in target.headers),
        ]
        if target.paths:
            quoted = ", ".join(f'"{path}"' for path in target.paths)
            lines += [
                f"paths = {{{quoted}}}",
                "request = function() return wrk.format(nil, paths[math.random(#paths)]) end",
            ]
        script.write_text("\n".join(lines) + "\n")
        command = [
            "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-s",
            str(script),
            f"http://{host}:{port}{target.path}",
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    elapsed = _ms(re.search(r"requests in ([\d.]+(?:us|ms|s))", output).group(1)) / 1000  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Result(
        name=target.name,
        requests=requests,
        seconds=elapsed,
        p50_ms=_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),  # type: ignore[union-attr]
        p99_ms=_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),  # type: ignore[union-attr]
        errors=int(errors.group(1)) if errors else 0,
    )
