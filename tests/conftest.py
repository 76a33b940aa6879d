"""Fixtures: every database test runs on SQLite and on PostgreSQL (a fresh database per
test run, created from LEARNLOOM_TEST_DATABASE_URL), through the real ASGI app."""

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from ground.settings import Settings
from learnloom.app import create_app
from learnloom.demo import DemoOptions, seed_demo
from models.db import make_engine, make_session_factory
from models.migrate import upgrade

BACKENDS = ["sqlite", "postgresql"]
# Fixed so the demo world of the tests is the same on every run.
DEMO_NOW = datetime(2026, 3, 24, 17, 0, tzinfo=UTC)
DEMO_STUDENTS = 40


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def _postgres_admin_url() -> str:
    url = os.environ.get("LEARNLOOM_TEST_DATABASE_URL")
    if not url:
        pytest.skip("LEARNLOOM_TEST_DATABASE_URL is not set")
    return url


def _psycopg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """A new, empty database; dropped again afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_dir / f'{uuid.uuid4().hex}.db'}"
        return
    url = new_postgres_database()
    try:
        yield url
    finally:
        drop_database(url)


def new_postgres_database(template: str | None = None) -> str:
    """A new PostgreSQL database of the tests, empty or a copy of `template` (a database
    name), on the server of LEARNLOOM_TEST_DATABASE_URL."""
    admin = _postgres_admin_url()
    name = f"learnloom_test_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(_psycopg_dsn(admin), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"{copy}')
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


class DemoTemplates:
    """Migrated, seeded demo worlds, made once per test session for each backend and size,
    and copied for each test that writes: migrating and seeding take seconds, a copy takes
    milliseconds (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL). The
    copy is the same database as a fresh seed: the demo world is the same for the same seed
    and `now`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[tuple[str, int], str] = {}

    async def copy(self, backend: str, tmp_dir: Path, students: int) -> str:
        template = await self._template(backend, students)
        if backend == "sqlite":
            target = tmp_dir / f"{uuid.uuid4().hex}.db"
            source = Path(make_url(template).database or "")
            shutil.copyfile(source, target)
            wal = source.with_name(f"{source.name}-wal")  # none once the engine is disposed
            if wal.exists():
                shutil.copyfile(wal, target.with_name(f"{target.name}-wal"))
            return f"sqlite+aiosqlite:///{target}"
        return new_postgres_database(template=make_url(template).database)

    async def _template(self, backend: str, students: int) -> str:
        key = (backend, students)
        if key not in self.made:
            if backend == "sqlite":
                url = f"sqlite+aiosqlite:///{self.folder / f'demo-{students}.db'}"
            else:
                url = new_postgres_database()  # dropped by drop()
            upgrade(url)
            engine = make_engine(url)
            try:
                await seed_demo(
                    make_session_factory(engine), DemoOptions(students=students, now=DEMO_NOW)
                )
            finally:
                await engine.dispose()  # a template must have no open connection
            self.made[key] = url
        return self.made[key]

    def drop(self) -> None:
        for (backend, _), url in self.made.items():
            if backend != "sqlite":
                drop_database(url)


def drop_database(url: str) -> None:
    """Drops a PostgreSQL database of the tests (a copy once its test is over)."""
    with psycopg.connect(_psycopg_dsn(_postgres_admin_url()), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoTemplates]:
    templates = DemoTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


async def demo_copy(
    templates: DemoTemplates, backend: str, tmp_dir: Path, students: int
) -> AsyncIterator[str]:
    """A writable copy of the demo world of `students` students, dropped afterwards."""
    url = await templates.copy(backend, tmp_dir, students)
    try:
        yield url
    finally:
        if backend != "sqlite":
            drop_database(url)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def empty_database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database with no rows, shared by the tests that only read."""
    for url in create_database(backend, tmp_path_factory.mktemp("empty")):
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
async def demo_database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, anyio_backend: str
) -> AsyncIterator[str]:
    """A migrated database holding a small demo world (read-only for tests)."""
    for url in create_database(backend, tmp_path_factory.mktemp("demo")):
        await seed_world(url)
        yield url


async def seed_world(url: str) -> None:
    """Migrate the empty database at `url` and seed the tests' small demo world into it."""
    upgrade(url)
    engine = make_engine(url)
    await seed_demo(make_session_factory(engine), DemoOptions(students=DEMO_STUDENTS, now=DEMO_NOW))
    await engine.dispose()


# Tests log in many times from one address; the rate-limit tests set their own limits.
GENEROUS_LIMITS = {"rate_limit_default": "100000/minute", "rate_limit_login": "100000/minute"}
# Test apps refresh the warehouse when a test says so, never on the hourly schedule, and
# train a model only when a test asks for it.
QUIET: dict[str, object] = {**GENEROUS_LIMITS, "background_jobs": False, "model_retrain_rows": 0}


def make_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {**QUIET, **overrides}
    return Settings(env="test", data_dir=data_dir, database_url=database_url, **values)  # type: ignore[arg-type]


async def client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://learnloom.test") as c:
            yield c


@pytest.fixture
async def client(demo_database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(make_settings(demo_database_url, tmp_path)):
        yield c


@pytest.fixture
async def database_url(
    backend: str, tmp_path: Path, demo_templates: DemoTemplates
) -> AsyncIterator[str]:
    """A demo world of the test's own (8 students), for tests that write: rename, archive or
    delete schools, record progress, raise flags."""
    async for url in demo_copy(demo_templates, backend, tmp_path, students=8):
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """The application's settings on the test's own demo world, with what the test or its
    module sets by `pytest.mark.settings(name=value, ...)` (e.g. webhook retry times)."""
    overrides: dict[str, object] = {}
    for marker in reversed(list(request.node.iter_markers("settings"))):
        overrides.update(marker.kwargs)  # the test's own marker wins over its module's
    return make_settings(database_url, tmp_path, **overrides)


@pytest.fixture
async def writable_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the application on the test's own demo world (`database_url`)."""
    async for c in client_for(settings):
        yield c


@pytest.fixture
async def app_client(
    demo_database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, Starlette]]:
    """A client on the demo database, with the app (for its engine) beside it. Users are
    read on every request, so statement counts do not depend on when the cache warms up."""
    app = create_app(make_settings(demo_database_url, tmp_path, user_cache=False))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://learnloom.test"
        ) as client:
            yield client, app
