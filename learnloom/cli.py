"""The `learnloom` command line."""

import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
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

from ground.logs import log_config
from ground.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from learnloom.demo import DemoOptions, DemoSummary, SeedDemo
    from models.db import SessionFactory

cli = typer.Typer(no_args_is_help=True, help="LearnLoom: the Grio education backend and analytics.")
# What the commands say as they go, and their errors, on stderr; results that are the
# command's output (train's table and verdict) on stdout. Long lines are left whole, not
# cut at the 80 columns rich assumes when the output is not a terminal (a log, a pipe).
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)
Report = Callable[[str, int, int], None]  # a step, how much of it is done, of how much


class PlainProgress:
    """Progress as a few plain lines, for output that is not a terminal (a pipe, a log, CI):
    a line when a step starts, then one per tenth of it done or every `every` seconds at
    most, and one when it ends; no bars, colours or redraws."""

    def __init__(self, console: Console, every: float = 5.0) -> None:
        self.console = console
        self.every = every
        self.step: str | None = None
        self.tenth = -1
        self.said_at = 0.0
        self.started = time.monotonic()

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        tenth = 10 * done // total if total > 0 else 0
        if step != self.step:
            self.step = step
        elif not (tenth > self.tenth or now - self.said_at >= self.every):
            return
        self.tenth, self.said_at = tenth, now
        amount = f"{done:,}/{total:,} ({100 * done // total}%)" if total > 0 else f"{done:,}"
        self.console.print(
            f"{step}: {amount} [{now - self.started:.1f} s]", markup=False, highlight=False
        )


@contextmanager
def progress(one_bar: bool = False) -> Iterator[Report]:
    """A progress report for a command's steps: rich bars in a terminal (a bar per step, or
    one bar that each step takes over), plain lines elsewhere."""
    if not console.is_terminal:
        yield PlainProgress(console)
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    tasks: dict[str, TaskID] = {}
    with Progress(*columns, console=console) as bar:

        def report(step: str, done: int, total: int) -> None:
            key = "" if one_bar else step
            if key not in tasks:
                tasks[key] = bar.add_task(step, total=total or None)
            bar.update(tasks[key], description=step, completed=done, total=total or None)

        yield report


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
) -> None:
    """Serve the API (GraphQL, REST, docs) with uvicorn."""
    import uvicorn

    settings = get_settings()
    if settings.llm_model:
        from tutor.llm import LlmNotInstalled, require_litellm

        try:
            require_litellm(settings.llm_model)
        except LlmNotInstalled as error:
            console.print(str(error), style="red", markup=False, highlight=False)
            raise typer.Exit(2) from None
    counts = None
    if workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Each worker writes its counts here; /metrics on any of them reads them all. A new
        # local folder for this run, not one in the data folder, which hosts may share.
        counts = Path(tempfile.mkdtemp(prefix="learnloom-metrics-"))
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(counts)
    try:
        uvicorn.run(
            "learnloom.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level.lower(),
            log_config=log_config(settings.log_level, settings.log_format),
            access_log=settings.env == "dev",
            proxy_headers=False,  # trusted proxies are configured explicitly, never assumed
        )
    finally:
        if counts is not None:
            shutil.rmtree(counts, ignore_errors=True)


@cli.command()
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run what is due now and exit (for cron).")
    ] = False,
) -> None:
    """Run the background jobs (hourly warehouse refresh, webhook delivery) until interrupted."""
    import logging.config

    import anyio

    from learnloom.worker import run_due_once, run_jobs

    settings = get_settings()
    logging.config.dictConfig(log_config(settings.log_level, settings.log_format))
    if once:
        refreshed, attempts = anyio.run(run_due_once, settings)
        if refreshed is None:
            console.print("no warehouse refresh was due")
        elif refreshed.published:
            console.print(f"warehouse refreshed: snapshot {refreshed.version} published")
        else:
            console.print(
                f"warehouse refreshed: no changes since snapshot {refreshed.version}, "
                "nothing published"
            )
        console.print(f"webhook attempts made: {attempts}")
        return
    console.print(
        f"worker running: warehouse refresh every {settings.analytics_refresh_seconds} s, "
        "webhooks delivered as events arrive (Ctrl+C stops it)"
    )

    async def until_interrupted() -> None:
        stop = anyio.Event()
        try:
            await run_jobs(settings, stop)
        finally:
            stop.set()

    try:
        anyio.run(until_interrupted)
    except KeyboardInterrupt:
        console.print("worker stopped")


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from models.migrate import upgrade

    settings = get_settings()
    where = _redacted(settings.database_url)
    applied = upgrade(settings.database_url)
    if not applied:
        console.print(f"[green]database is already up to date[/green] ({where})")
        return
    console.print(
        f"[green]applied {len(applied)} migration{'s' if len(applied) != 1 else ''}[/green] "
        f"({applied[0]} to {applied[-1]}): {where} is up to date"
    )


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
    async with _sessions() as (factory, _):
        with progress() as report:
            return await seed_demo(factory, options, report)


etl = typer.Typer(help="The analytics warehouse.")
cli.add_typer(etl, name="etl")


@etl.command("refresh")
def etl_refresh(
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild everything instead of loading what changed.")
    ] = False,
    source: Annotated[
        str,
        typer.Option(
            help="'platform' (the database) or 'oulad:PATH' (a folder of OULAD CSV files)."
        ),
    ] = "platform",
) -> None:
    """Load what changed since the last refresh into a new warehouse snapshot and publish it."""
    from analytics.errors import BadSource, RefreshInProgress
    from analytics.etl import Source, refresh

    settings = get_settings()
    try:
        chosen = Source.parse(source)
        with progress(one_bar=True) as report:
            result = refresh(
                settings.database_url, settings.warehouse_dir, report, source=chosen, full=full
            )
    except RefreshInProgress as error:
        console.print(f"[red]{error.message}[/red]")
        raise typer.Exit(2) from None
    except BadSource as error:
        console.print(f"[red]{error.message}[/red]: {error.reasons()}")
        raise typer.Exit(2) from None
    from analytics.training import model_settings, retrain_after_refresh

    if not result.published:
        console.print(
            f"[green]no changes since snapshot {result.version}[/green]: nothing published, "
            "it keeps serving"
        )
        return
    dropped = ", ".join(f"{count} {reason}" for reason, count in result.dropped.items() if count)
    console.print(
        f"[green]warehouse {result.version} published[/green] "
        f"({'full rebuild' if result.full else 'changes only'}): {result.rows_added:,} rows added"
        + (f"; dropped {dropped}" if dropped else "")
    )
    with console.status("Retraining the completion model if enough changed"):
        outcome = retrain_after_refresh(result, *model_settings(settings))
    if outcome is not None:
        verdict = (
            f"published as {outcome.published.version}"
            if outcome.published
            else "not published (below LEARNLOOM_MODEL_MIN_AUC)"
        )
        console.print(
            f"completion model retrained: held-out week-2 AUC "
            f"{outcome.trained.evaluation.auc:.3f}, " + verdict
        )


@etl.command("oulad-sample")
def etl_oulad_sample(
    folder: Annotated[Path, typer.Argument(help="Where to write the CSV files.")],
    students: Annotated[int, typer.Option(min=1, help="How many students.")] = 200,
) -> None:
    """Write a small folder in the OULAD layout, to try `etl refresh --source oulad:FOLDER`."""
    from analytics.oulad_sample import SampleOptions, write_sample

    write_sample(folder, SampleOptions(students=students))
    console.print(f"OULAD sample with {students} students written to {folder}")


@cli.command(name="train-safety")
def train_safety() -> None:
    """Train the safeguarding classifier's two regressions on the training corpora and write
    their weights, tutor/safety_regression.npz and tutor/safety_meaning.json (needed after a
    corpus changes; about three minutes)."""
    from rich.progress import Progress

    from tutor import safety_meaning, safety_regression
    from tutor.safety_model import digest, training_examples

    examples = training_examples()
    console.print(f"{len(examples)} examples; fitting the word regression")
    safety_regression.save(safety_regression.fit(examples), digest(examples))
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("encoding the training examples", total=len(examples))
        head = safety_meaning.train(
            examples, lambda done, _total: progress.update(task, completed=done)
        )
    safety_meaning.save(head)
    console.print(f"written: {safety_regression.WEIGHTS}, {safety_meaning.HEAD}")


@cli.command(name="evaluate-tutor")
def evaluate_tutor() -> None:
    """Score the offline tutor: the demo lessons' questions (grounding, answers, leaks), then
    the held-out sets' development and held-out halves (safety, factual answers)."""
    import anyio

    from tutor.evaluation import (
        evaluate,
        evaluate_factual,
        evaluate_safety,
        held_out_report,
        report,
    )

    scores = anyio.run(evaluate)
    console.print(report(scores), markup=False, highlight=False)
    from learnloom.tutor_leaks import evaluate_leaks, leak_report

    factual = anyio.run(evaluate_factual)
    console.print(held_out_report(evaluate_safety(), factual), markup=False, highlight=False)
    leaks = anyio.run(evaluate_leaks)
    console.print(leak_report(leaks), markup=False, highlight=False)
    if leaks.leaked:
        raise typer.Exit(1)
    if any(score.leaks for score in scores.values()):
        raise typer.Exit(1)


@cli.command()
def train(
    report: Annotated[
        Path | None, typer.Option(help="Write an HTML evaluation report (ROC, calibration).")
    ] = None,
) -> None:
    """Train the completion model on the warehouse and publish it if it is good enough."""
    from analytics.completion import NotEnoughData
    from analytics.model_report import horizon_table, write_report
    from analytics.training import NoWarehouse, train_and_publish

    settings = get_settings()
    with console.status("Training the completion model"):
        try:
            outcome = train_and_publish(
                settings.warehouse_dir,
                settings.model_dir,
                settings.model_min_auc,
                settings.analytics_dropout_days,
            )
        except (NoWarehouse, NotEnoughData) as error:
            console.print(f"[red]Cannot train:[/red] {error}")
            raise typer.Exit(2) from None
    evaluation = outcome.trained.evaluation
    out.print(
        f"{outcome.trained.rows:,} rows (finished enrollments seen at each horizon) from "
        f"snapshot {outcome.snapshot_version}; figures on held-out students:"
    )
    out.print(horizon_table(outcome), markup=False, highlight=False)
    if report is not None:
        write_report(report, outcome)
        console.print(f"report written to {report}")
    if outcome.published is None:
        out.print(
            f"[red]not published[/red]: week-2 AUC {evaluation.auc:.3f} is below the minimum "
            f"{outcome.min_auc:.2f} (LEARNLOOM_MODEL_MIN_AUC); the previous model keeps serving"
        )
        raise typer.Exit(1)
    out.print(f"[green]model {outcome.published.version} published[/green]")


calendar = typer.Typer(help="The school calendar: three terms a year per country.")
cli.add_typer(calendar, name="calendar")


@calendar.command("show")
def calendar_show(
    country: Annotated[str | None, typer.Option(help="UG, ZM, KE...")] = None,
) -> None:
    """List the terms, by country and year."""
    from sqlmodel import col, select

    from models.curriculum import Term

    async def rows() -> list[Term]:
        async with _sessions() as (factory, _), factory() as session:
            statement = select(Term).order_by(col(Term.country), col(Term.year), col(Term.number))
            if country:
                statement = statement.where(col(Term.country) == country.upper())
            return list(await session.exec(statement))

    for term in asyncio.run(rows()):
        typer.echo(
            f"{term.country} {term.year} term {term.number}: {term.starts_on} to {term.ends_on}"
        )


@calendar.command("set")
def calendar_set(
    country: Annotated[str, typer.Option(help="Two-letter country code")],
    year: Annotated[int, typer.Option()],
    term: Annotated[int, typer.Option(min=1, max=3)],
    starts: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"])],
    ends: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"])],
) -> None:
    """Create or move one term (terms of a year may not overlap)."""
    from ground.errors import ValidationFailed
    from models.db import transaction
    from resolvers.calendar import set_term

    async def save() -> None:
        async with _sessions() as (factory, _), transaction(factory) as session:
            await set_term(
                session,
                country=country,
                year=year,
                number=term,
                starts_on=starts.date(),
                ends_on=ends.date(),
            )

    try:
        asyncio.run(save())
    except ValidationFailed as error:
        for field, messages in error.details.items():
            console.print(f"[red]{field}: {' '.join(messages)}[/red]")
        raise typer.Exit(2) from None
    console.print(
        f"[green]{country.upper()} {year} term {term}: {starts.date()} to {ends.date()}[/green]"
    )


@asynccontextmanager
async def _sessions() -> AsyncIterator[tuple["SessionFactory", "AsyncEngine"]]:
    """A session factory over the configured database, disposed of afterwards."""
    from models.db import make_engine, make_session_factory

    engine = make_engine(get_settings().database_url)
    try:
        yield make_session_factory(engine), engine
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
    from ground.version import app_version
    from rest_compat.compile import compile_routes
    from rest_compat.openapi import openapi_document
    from rest_compat.routes import ROUTES
    from schema.core_schema import graphql_core_schema
    from schema.root import default_schema

    document = openapi_document(
        compile_routes(graphql_core_schema(default_schema()), ROUTES), version=app_version()
    )
    typer.echo(json.dumps(document, indent=2))


def _redacted(url: str) -> str:
    """Hide a password in a database URL before printing it."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    cli()
