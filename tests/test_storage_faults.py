"""Storage faults an operator must hear about without the service falling over: a warehouse
pointer that names a missing snapshot. The analytics routes answer 503 with a code; the
health probe and the status page still answer."""

from pathlib import Path

import pytest

from learnloom.demo import DEMO_ACCOUNTS
from tests.conftest import client_for, make_settings
from tests.test_auth import bearer, login
from tests.test_error_paths import assert_error

pytestmark = pytest.mark.anyio


async def test_a_pointer_to_a_missing_snapshot_is_a_503(
    demo_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(demo_database_url, tmp_path)
    async for client in client_for(settings):
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
        assert (await client.get("/api/course-analytics", headers=admin)).status_code == 200
        (settings.warehouse_dir / "CURRENT").write_text("1700000000000-abcdef")
        for snapshot in settings.warehouse_dir.glob("snapshot-*.duckdb"):
            snapshot.unlink()
        state = client._transport.app.state.learnloom  # type: ignore[attr-defined]
        state.warehouse.look_again()
        for path in (
            "/api/course-analytics",
            "/api/average-score",
            "/api/v1/admin/analytics/school/1/",
        ):
            assert_error(await client.get(path, headers=admin), 503, "WAREHOUSE_UNAVAILABLE")
        status = await client.get("/api/system-status")
        assert status.status_code == 200 and status.json()["last_data_refresh"] is None
        assert (await client.get("/api/health")).status_code == 200
