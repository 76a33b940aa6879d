"""One warehouse refresh in a process of its own, printing its wall time and peak memory
as JSON: `python -m bench.etl_run DATABASE_URL WAREHOUSE_DIR [--full]`."""

import json
import resource
import sys
import time
from pathlib import Path

from analytics.etl import refresh


def main() -> None:
    database_url, directory = sys.argv[1], Path(sys.argv[2])
    started = time.perf_counter()
    result = refresh(database_url, directory, full="--full" in sys.argv)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_kb / 1024,
                "rows_added": result.rows_added,
                "dropped": result.dropped,
                "full": result.full,
            }
        )
    )


if __name__ == "__main__":
    main()
