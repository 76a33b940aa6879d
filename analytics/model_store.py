"""Versioned completion-model artefacts in `DATA_DIR/models`: XGBoost's own JSON file and a
metadata file per version, published by swapping a `CURRENT` pointer (an atomic rename),
as warehouse snapshots are. Web processes load the current model once and load again when
the pointer names a new version."""

import json
import os
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from analytics.completion import Calibration, Evaluation, Trained, raw
from analytics.horizons import GATE
from analytics.warehouse import new_version

POINTER = "CURRENT"
KEEP = 5
POLL = 1.0  # seconds between reads of the pointer


@dataclass(frozen=True)
class ModelInfo:
    version: str
    trained_at: str  # ISO 8601, UTC
    rows: int
    features: list[str]
    metrics: dict[str, Any]
    calibration: dict[str, float]
    snapshot_version: str
    importance: dict[str, float]

    @property
    def trained(self) -> datetime:
        return datetime.fromisoformat(self.trained_at)


def _paths(directory: Path, version: str) -> tuple[Path, Path]:
    return directory / f"model-{version}.json", directory / f"model-{version}.meta.json"


def current_version(directory: Path) -> str | None:
    try:
        return (directory / POINTER).read_text().strip() or None
    except FileNotFoundError:
        return None


def publish(directory: Path, trained: Trained, snapshot_version: str) -> ModelInfo:
    directory.mkdir(parents=True, exist_ok=True)
    version = new_version()
    model_path, meta_path = _paths(directory, version)
    evaluation = trained.evaluation
    info = ModelInfo(
        version=version,
        trained_at=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        rows=trained.rows,
        features=list(trained.features.columns),
        # The top-level figures are those of the horizon that decides publication (week 2);
        # every horizon's are under "horizons".
        metrics={
            **figures(evaluation),
            "horizon": GATE,
            "horizons": {name: figures(e) for name, e in trained.horizons.items()},
        },
        calibration=asdict(trained.calibration),
        snapshot_version=snapshot_version,
        importance=trained.importance,
    )
    best = getattr(trained.booster, "best_iteration", None)
    booster = trained.booster[: best + 1] if best is not None else trained.booster
    booster.save_model(model_path)
    meta_path.write_text(json.dumps(asdict(info), indent=2))
    staging = directory / f".{POINTER}.{version}"
    staging.write_text(version)
    os.replace(staging, directory / POINTER)
    for old in sorted(directory.glob("model-*.meta.json"))[:-KEEP]:
        old_version = old.name.removeprefix("model-").removesuffix(".meta.json")
        for path in _paths(directory, old_version):
            path.unlink(missing_ok=True)
    return info


def figures(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "auc": evaluation.auc,
        "log_loss": evaluation.log_loss,
        "brier": evaluation.brier,
        "base_rate": evaluation.base_rate,
        "test_rows": evaluation.rows,
        "caught": evaluation.caught,
        "calibration": evaluation.calibration,
    }


@dataclass(frozen=True)
class LoadedModel:
    info: ModelInfo
    booster: Any  # xgboost.Booster, imported on first load
    calibration: Calibration

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """Calibrated completion likelihoods for rows of the model's features."""
        return self.calibration.apply(raw(self.booster, rows))

    def explain(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Likelihoods, and each feature's push on each (XGBoost's per-feature contributions
        in log-odds; calibration keeps their signs), one column per feature."""
        import xgboost as xgb

        matrix = xgb.DMatrix(rows, feature_names=list(self.info.features))
        contributions = self.booster.predict(matrix, pred_contribs=True)
        return self.predict(rows), np.asarray(contributions)[:, : len(self.info.features)]


class ModelStore:
    """The current model of one process; thread-safe, cheap to ask."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self._loaded: LoadedModel | None = None
        self._checked = 0.0

    def fresh(self) -> LoadedModel | None:
        """The loaded model if the pointer was read less than POLL ago: no file access, so
        the event loop may ask. None means: ask `current` (in a thread)."""
        if time.monotonic() - self._checked < POLL:
            return self._loaded
        return None

    def current(self) -> LoadedModel | None:
        now = time.monotonic()
        if now - self._checked < POLL and self._loaded is not None:
            return self._loaded
        with self._lock:
            self._checked = now
            version = current_version(self._directory)
            if version is None:
                self._loaded = None
            elif self._loaded is None or self._loaded.info.version != version:
                self._loaded = load(self._directory, version)
            return self._loaded

    def look_again(self) -> None:
        self._checked = 0.0


def load(directory: Path, version: str) -> LoadedModel:
    model_path, meta_path = _paths(directory, version)
    info = ModelInfo(**json.loads(meta_path.read_text()))
    import xgboost as xgb  # only processes that serve a model pay for the import

    booster = xgb.Booster()
    booster.load_model(model_path)
    booster.set_param({"nthread": 1})  # one request, one thread: requests run side by side
    return LoadedModel(info=info, booster=booster, calibration=Calibration(**info.calibration))
