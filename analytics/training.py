"""Training the completion model on the current warehouse snapshot and publishing it, unless
it measures below the minimum AUC on held-out students (the previous model keeps serving)."""

from dataclasses import dataclass
from pathlib import Path

from analytics.completion import Trained, load_dataset, train
from analytics.model_store import ModelInfo, publish
from analytics.warehouse import open_current


class NoWarehouse(Exception):
    """There is no warehouse snapshot to train on."""


@dataclass
class Outcome:
    trained: Trained
    snapshot_version: str
    published: ModelInfo | None  # None: below the minimum AUC, not published
    min_auc: float


def train_and_publish(warehouse_dir: Path, models_dir: Path, min_auc: float) -> Outcome:
    with open_current(warehouse_dir) as current:
        if current is None:
            raise NoWarehouse("No warehouse snapshot yet: run `learnloom etl refresh` first")
        snapshot_version, connection = current
        data = load_dataset(connection.cursor())
    trained = train(data)
    published = (
        publish(models_dir, trained, snapshot_version)
        if trained.evaluation.auc >= min_auc
        else None
    )
    return Outcome(trained, snapshot_version, published, min_auc)
