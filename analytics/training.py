"""Training the completion models on the current warehouse snapshot and publishing each,
unless its held-out AUC at week 2 (analytics/horizons.py) is below the minimum: a model that
cannot warn early is not worth serving, and the previous one keeps serving."""

import logging
from dataclasses import dataclass
from pathlib import Path

from analytics.completion import PUBLIC, RISK, NotEnoughData, Trained, load_dataset, train
from analytics.etl import RefreshResult
from analytics.locations import report_path, risk_dir
from analytics.model_report import write_report
from analytics.model_store import ModelInfo, current_version, publish
from analytics.warehouse import open_current
from ground.settings import Settings

log = logging.getLogger(__name__)


class NoWarehouse(Exception):
    """There is no warehouse snapshot to train on."""


@dataclass
class Outcome:
    trained: Trained  # the public model of /api/predict
    snapshot_version: str
    published: ModelInfo | None  # None: below the minimum AUC, not published
    min_auc: float
    risk: Trained | None = None  # the at-risk list's model, with more features
    risk_published: ModelInfo | None = None


def train_and_publish(
    warehouse_dir: Path, models_dir: Path, min_auc: float, dropout_days: int = 30
) -> Outcome:
    """Both models from the current snapshot, each published if its held-out week-2 AUC
    reaches `min_auc`. The public model must train; the at-risk one is skipped if it cannot.
    `dropout_days`: the idle time after which an unfinished enrollment counts as dropped."""
    with open_current(warehouse_dir) as current:
        if current is None:
            raise NoWarehouse("No warehouse snapshot yet: run `learnloom etl refresh` first")
        snapshot_version, connection = current
        public = load_dataset(connection.cursor(), PUBLIC, dropout_days)
        extended = load_dataset(connection.cursor(), RISK, dropout_days)
    trained = train(public, PUBLIC)
    published = (
        publish(models_dir, trained, snapshot_version)
        if trained.evaluation.auc >= min_auc
        else None
    )
    outcome = Outcome(trained, snapshot_version, published, min_auc)
    try:
        outcome.risk = train(extended, RISK)
    except NotEnoughData:
        pass
    else:
        if outcome.risk.evaluation.auc >= min_auc:
            outcome.risk_published = publish(risk_dir(models_dir), outcome.risk, snapshot_version)
    if published is not None:  # the report describes the model that serves
        write_report(report_path(models_dir), outcome)
    return outcome


def retrain_after_refresh(
    result: RefreshResult,
    warehouse_dir: Path,
    models_dir: Path,
    min_auc: float,
    min_rows: int,
    dropout_days: int = 30,
) -> Outcome | None:
    """Train on the new snapshot when the refresh changed at least `min_rows` rows (0: never
    on its own) or when there is no model yet. None when nothing was trained."""
    if min_rows <= 0:
        return None
    if current_version(models_dir) is not None and result.rows_added < min_rows:
        return None
    try:
        outcome = train_and_publish(warehouse_dir, models_dir, min_auc, dropout_days)
    except NotEnoughData as error:
        log.info("completion model not trained: %s", error)
        return None
    evaluation = outcome.trained.evaluation
    if outcome.published is None:
        log.warning(
            "completion model not published: held-out week-2 AUC %.3f is below %.2f",
            evaluation.auc,
            min_auc,
        )
    else:
        log.info(
            "completion model %s published: held-out week-2 AUC %.3f",
            outcome.published.version,
            evaluation.auc,
        )
    return outcome


def model_settings(settings: Settings) -> tuple[Path, Path, float, int, int]:
    """The arguments of retrain_after_refresh that come from the settings."""
    return (
        settings.warehouse_dir,
        settings.model_dir,
        settings.model_min_auc,
        settings.model_retrain_rows,
        settings.analytics_dropout_days,
    )
