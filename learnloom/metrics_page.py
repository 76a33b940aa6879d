"""`GET /metrics` for Prometheus (docs/operations.md, Metrics): what every process counted
(ground/metrics.py; all worker processes together when PROMETHEUS_MULTIPROC_DIR is set),
and the figures read at each scrape, the same whichever process answers: webhook deliveries
by state and events not yet fanned out, safeguarding flags by category (counts only, never
a message), the warehouse snapshot's age, the served models' versions and held-out AUC per
horizon.

Who may read it: with LEARNLOOM_METRICS_TOKEN set, whoever sends it as a bearer token;
without, only a client on this machine that no proxy forwarded."""

import hmac
import logging
import os
from collections.abc import Iterable
from datetime import UTC, datetime

import anyio
from anyio import to_thread
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlmodel import col, func, select
from starlette.requests import Request
from starlette.responses import Response

from analytics.warehouse import last_refreshed
from ground.errors import InvalidToken, PermissionDenied
from ground.settings import Settings
from models.events import OutboxEvent, WebhookDelivery
from models.sessions import TutorFlag
from resolvers.context import AppState
from rest_compat.responses import error_response

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
log = logging.getLogger(__name__)


def allowed(request: Request, settings: Settings) -> InvalidToken | PermissionDenied | None:
    """Why this request may not read the metrics, or None."""
    if settings.metrics_token is not None:
        expected = f"Bearer {settings.metrics_token.get_secret_value()}".encode()
        given = request.headers.get("authorization", "").encode()
        return None if hmac.compare_digest(given, expected) else InvalidToken()
    forwarded = "x-forwarded-for" in request.headers or "forwarded" in request.headers
    if request.client is None or request.client.host not in LOOPBACK or forwarded:
        return PermissionDenied(
            "Metrics are served to this machine only; set LEARNLOOM_METRICS_TOKEN to read "
            "them from elsewhere"
        )
    return None


async def metrics_response(request: Request, state: AppState) -> Response:
    refused = allowed(request, state.settings)
    if refused is not None:
        return error_response(refused)
    scraped = CollectorRegistry()
    scraped.register(_Figures(await _read_figures(state)))
    body = generate_latest(_counted()) + generate_latest(scraped)
    return Response(body, media_type=CONTENT_TYPE)


def _counted() -> CollectorRegistry:
    """The processes' own counts: every live worker's when they share a folder."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


class _Figures(Collector):
    def __init__(self, metrics: list[Metric]) -> None:
        self._metrics = metrics

    def collect(self) -> Iterable[Metric]:
        return self._metrics


async def _read_figures(state: AppState) -> list[Metric]:
    found = await _database_figures(state)
    up = GaugeMetricFamily(
        "learnloom_database_up",
        "1 when this scrape's reads of the database answered in time, else 0.",
        value=1 if found else 0,
    )
    return [up, *(found or []), *await to_thread.run_sync(_warehouse_and_models, state)]


async def _database_figures(state: AppState) -> list[Metric] | None:
    """The figures kept in the database; None when it does not answer within the database
    check's timeout (the scrape still answers, with what it has: an operator most needs the
    metrics when something is down)."""
    try:
        with anyio.fail_after(state.settings.database_check_timeout):
            return await _count_in_database(state)
    except Exception as exc:  # down, refused, timed out: reported as learnloom_database_up 0
        log.warning("metrics: the database did not answer: %s", exc)
        return None


async def _count_in_database(state: AppState) -> list[Metric]:
    async with state.sessions() as session:
        deliveries = (
            await session.exec(
                select(WebhookDelivery.status, func.count()).group_by(col(WebhookDelivery.status))
            )
        ).all()
        waiting = (
            await session.exec(
                select(func.count())
                .select_from(OutboxEvent)
                .where(col(OutboxEvent.fanned_out_at).is_(None))
            )
        ).one()
        flags = (
            await session.exec(
                select(
                    TutorFlag.category,
                    col(TutorFlag.acknowledged_at).is_not(None),
                    func.count(),
                ).group_by(col(TutorFlag.category), col(TutorFlag.acknowledged_at).is_not(None))
            )
        ).all()
    delivery_states = GaugeMetricFamily(
        "learnloom_webhook_deliveries",
        "Webhook deliveries by state; pending, retrying and sending are the outbox's depth, "
        "dead the dead letters.",
        labels=["status"],
    )
    for status, count in deliveries:
        delivery_states.add_metric([status], count)
    flag_counts = GaugeMetricFamily(
        "learnloom_tutor_flags",
        "Safeguarding flags raised on learners' messages, by category and acknowledgement.",
        labels=["category", "acknowledged"],
    )
    for category, acknowledged, count in flags:
        flag_counts.add_metric([category, "true" if acknowledged else "false"], count)
    return [
        delivery_states,
        GaugeMetricFamily(
            "learnloom_outbox_events_waiting",
            "Domain events written but not yet turned into webhook deliveries.",
            value=waiting,
        ),
        flag_counts,
    ]


def _warehouse_and_models(state: AppState) -> list[Metric]:
    """Read from the snapshot and model folders (files: in a worker thread). One that
    cannot be read leaves its figure out, and the scrape goes on."""
    found: list[Metric] = []
    try:
        refreshed = last_refreshed(state.settings.warehouse_dir)
    except Exception as exc:
        log.warning("metrics: the warehouse snapshot cannot be read: %s", exc)
        refreshed = None
    if refreshed is not None:
        age = (datetime.now(UTC) - refreshed).total_seconds()
        found.append(
            GaugeMetricFamily(
                "learnloom_warehouse_snapshot_age_seconds",
                "Seconds since the served warehouse snapshot was loaded from the database.",
                value=max(age, 0.0),
            )
        )
    served = GaugeMetricFamily(
        "learnloom_model_info",
        "The completion models served, 1 per model and version.",
        labels=["model", "version"],
    )
    auc = GaugeMetricFamily(
        "learnloom_model_auc",
        "Held-out AUC of each served model at each horizon of an enrollment.",
        labels=["model", "horizon"],
    )
    for name, store in (("completion", state.models), ("at_risk", state.risk_models)):
        try:
            loaded = store.current()
        except Exception as exc:
            log.warning("metrics: the %s model cannot be loaded: %s", name, exc)
            continue
        if loaded is None:
            continue
        served.add_metric([name, loaded.info.version], 1)
        for horizon, figures in loaded.info.metrics.get("horizons", {}).items():
            auc.add_metric([name, horizon], float(figures["auc"]))
    return [*found, served, auc]
