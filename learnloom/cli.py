"""The `learnloom` command line."""

import asyncio
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from learnloom.settings import get_settings

if TYPE_CHECKING:
    from learnloom.demo import DemoOptions, DemoSummary, SeedDemo

cli = typer.Typer(no_args_is_help=True, help="LearnLoom: the Grio education backend and analytics.")
console = Console(stderr=True)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
) -> None:
    """Serve the API (GraphQL, REST, docs) with uvicorn."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "learnloom.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=settings.env == "dev",
        proxy_headers=False,  # trusted proxies are configured explicitly, never assumed
    )


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from models.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    console.print(f"[green]database is up to date[/green] ({_redacted(settings.database_url)})")


@cli.command()
def seed(
    demo: Annotated[bool, typer.Option("--demo", help="Write the demo world")] = False,
    students: Annotated[int, typer.Option(min=1, max=100_000, help="Number of students")] = 600,
    random_seed: Annotated[int, typer.Option("--seed", help="Random seed")] = 7,
    weeks: Annotated[int, typer.Option(min=5, max=52, help="Weeks of learning history")] = 12,
    now: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"], help="End of the history (UTC)"),
    ] = None,
) -> None:
    """Fill an empty, migrated database with data (only the demo world for now)."""
    if not demo:
        console.print("[red]say what to seed: --demo[/red]")
        raise typer.Exit(2)
    from learnloom.demo import DemoOptions, seed_demo

    options = DemoOptions(students=students, seed=random_seed, weeks=weeks)
    if now is not None:
        options.now = now.replace(tzinfo=UTC)
    summary = asyncio.run(_seed(options, seed_demo))
    if not summary.created:
        console.print("demo data is already present; nothing to do")
        return
    rows = sum(summary.counts.values())
    console.print(
        f"[green]demo world written[/green]: {rows:,} rows in {len(summary.counts)} tables"
    )


async def _seed(options: "DemoOptions", seed_demo: "SeedDemo") -> "DemoSummary":
    from models.db import make_engine, make_session_factory

    engine = make_engine(get_settings().database_url)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    tasks: dict[str, TaskID] = {}
    try:
        with Progress(*columns, console=console) as bar:

            def report(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = bar.add_task(step, total=total)
                bar.update(tasks[step], completed=done, total=total)

            return await seed_demo(make_session_factory(engine), options, report)
    finally:
        await engine.dispose()


@cli.command()
def schema() -> None:
    """Print the GraphQL schema (SDL)."""
    from schema.root import sdl

    typer.echo(sdl(), nl=False)


@cli.command()
def openapi() -> None:
    """Print the OpenAPI 3.1 document of the REST facade."""
    from learnloom.app import app_version
    from rest_compat.compile import compile_routes
    from rest_compat.openapi import openapi_document
    from rest_compat.routes import ROUTES
    from schema.root import default_schema

    document = openapi_document(
        compile_routes(default_schema()._schema, ROUTES), version=app_version()
    )
    typer.echo(json.dumps(document, indent=2))


def _redacted(url: str) -> str:
    """Hide a password in a database URL before printing it."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    cli()
