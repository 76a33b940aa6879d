"""What the scripts that start servers share (scripts/fuzz.py, scripts/cluster_test.py)."""

import time
import urllib.request


def wait_for(url: str, seconds: float = 30) -> None:
    """Until `url` answers (any status but a refused or broken connection)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")
