"""What the dashboard reads beyond the contracts' paths, over real HTTP on SQLite and
PostgreSQL: a school's per-class table (`schoolClassPerformance`), which agrees with each
class's own `classPerformance` and shows no other school's classes; and the served model
report, which only administrators may read."""

from pathlib import Path

import httpx
import pytest

from analytics.training import report_path
from tests.conftest import client_for, make_settings
from tests.helpers import assert_error, headers_of, rows

pytestmark = pytest.mark.anyio

TABLE = """query($schoolId: Int!, $limit: Int!, $offset: Int!) {
  schoolClassPerformance(schoolId: $schoolId, limit: $limit, offset: $offset) {
    items { classId className studentCount averageScore averageProgress
            needsSupport { studentId } }
    pagination { total hasNext }
  }
}"""
ONE = """query($classId: Int!) {
  classPerformance(classId: $classId) {
    classId className studentCount averageScore averageProgress needsSupport { studentId }
  }
}"""


async def graphql(
    writable_client: httpx.AsyncClient,
    headers: dict[str, str],
    query: str,
    **variables: object,
) -> dict:
    answer = await writable_client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert answer.status_code == 200
    return answer.json()


async def test_a_schools_class_table_matches_each_class_and_its_rows(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    admin = await headers_of(writable_client, "SCHOOL_ADMIN")
    [(school_id,)] = await rows(
        database_url, "SELECT school_id FROM users WHERE role = 'SCHOOL_ADMIN' LIMIT 1"
    )
    expected = await rows(
        database_url,
        "SELECT c.id, c.name, (SELECT count(*) FROM classroom_students s "
        "WHERE s.classroom_id = c.id) FROM classrooms c WHERE c.school_id = :s ORDER BY c.name, c.id",
        s=school_id,
    )
    assert len(expected) >= 2
    page = (await graphql(writable_client, admin, TABLE, schoolId=school_id, limit=50, offset=0))[
        "data"
    ]
    items = page["schoolClassPerformance"]["items"]
    # Every class of the school, by name, each with its own name and head count.
    assert [(i["classId"], i["className"], i["studentCount"]) for i in items] == [
        tuple(row) for row in expected
    ]
    for item in items:
        alone = await graphql(writable_client, admin, ONE, classId=item["classId"])
        assert alone["data"]["classPerformance"] == item
    # Pages of one: the same classes in the same order, and the total counts them all.
    paged = []
    for offset in range(len(expected)):
        one = await graphql(
            writable_client, admin, TABLE, schoolId=school_id, limit=1, offset=offset
        )
        found = one["data"]["schoolClassPerformance"]
        assert found["pagination"]["total"] == len(expected)
        paged += [i["classId"] for i in found["items"]]
    assert paged == [row[0] for row in expected]


async def test_other_schools_and_other_roles_get_no_class_table(
    writable_client: httpx.AsyncClient,
    database_url: str,
) -> None:
    [(own,)] = await rows(
        database_url, "SELECT school_id FROM users WHERE role = 'SCHOOL_ADMIN' LIMIT 1"
    )
    [(other,)] = await rows(
        database_url, "SELECT id FROM schools WHERE id <> :s ORDER BY id LIMIT 1", s=own
    )
    admin = await headers_of(writable_client, "SCHOOL_ADMIN")
    refused = await graphql(writable_client, admin, TABLE, schoolId=other, limit=20, offset=0)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    for role in ("TEACHER", "STUDENT"):
        headers = await headers_of(writable_client, role)
        answer = await graphql(writable_client, headers, TABLE, schoolId=own, limit=20, offset=0)
        assert answer["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    # A super admin sees any school's classes.
    national = await headers_of(writable_client, "SUPER_ADMIN")
    seen = await graphql(writable_client, national, TABLE, schoolId=other, limit=20, offset=0)
    assert seen["data"]["schoolClassPerformance"]["pagination"]["total"] >= 1
    nowhere = await graphql(writable_client, national, TABLE, schoolId=987654, limit=20, offset=0)
    assert nowhere["errors"][0]["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    bad = await graphql(writable_client, national, TABLE, schoolId=other, limit=0, offset=0)
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


async def test_the_model_report_is_for_administrators(
    database_url: str,
    tmp_path: Path,
) -> None:
    settings = make_settings(database_url, tmp_path)
    async for served in client_for(settings):
        admin = await headers_of(served, "SCHOOL_ADMIN")
        missing = await served.get("/reports/model/content", headers=admin)
        assert_error(missing, 404, "RESOURCE_NOT_FOUND")
        assert "learnloom train" in missing.json()["error"]["message"]

        report = report_path(settings.model_dir)
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text("<!doctype html><h1>Completion model evaluation</h1>", "utf-8")
        for role in ("SCHOOL_ADMIN", "SUPER_ADMIN"):
            answer = await served.get(
                "/reports/model/content", headers=await headers_of(served, role)
            )
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("text/html")
            assert "Completion model evaluation" in answer.text
        assert_error(await served.get("/reports/model/content"), 401, "INVALID_TOKEN")
        for role in ("TEACHER", "STUDENT"):
            refused = await served.get(
                "/reports/model/content", headers=await headers_of(served, role)
            )
            assert_error(refused, 403, "PERMISSION_DENIED")
        # The page itself holds no figures: it is the same for everyone.
        page = await served.get("/reports/model")
        assert page.status_code == 200 and "model-report.js" in page.text
