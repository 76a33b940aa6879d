"""How the completion models' settings were chosen (docs/prediction.md, "How the settings were
chosen"), runnable again on any warehouse snapshot.

Only the *training* students of split_by_student are read: the calibration and the test
students (the held-out figures that `learnloom train` reports) are dropped before anything
else. The training students are cut into five folds by student (each student's rows in one
fold); every candidate is fitted on four folds and scored on the fifth, at the fixed
HORIZONS. A candidate is a feature set, a training-row scheme (the fixed horizons, or every
week 1 to 12 as well) and XGBoost settings; each is scored by its per-horizon AUC at weeks 2
and 4 (mean over the folds), and the cross-validated log-loss picks its number of rounds.

    python scripts/select_model.py [WAREHOUSE_DIR]   (default: $LEARNLOOM_DATA_DIR/warehouse)
"""

import itertools
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from analytics.completion import (
    FOLDS,
    PARAMETERS,
    PUBLIC,
    RISK,
    Dataset,
    FeatureSet,
    auc,
    cross_validated_log_loss,
    feature_matrix,
    split_by_student,
    student_folds,
)
from analytics.horizons import HORIZONS, WEEK, Horizon, training_rows
from analytics.warehouse import open_current

EVERY_WEEK = (
    *HORIZONS,
    *(Horizon(f"week {w} (extra)", days=w * WEEK) for w in (3, 5, 6, 7, 9, 10, 11)),
)
SHOWN = ("week 1", "week 2", "week 4")
EARLIER_RISK = FeatureSet("risk before", RISK.columns[:8], RISK.monotone[:8])


def _dataset(rows: list[Any], features: FeatureSet) -> Dataset:
    return Dataset(
        features=feature_matrix(rows, features.columns),
        labels=np.array([r.completed for r in rows], dtype=np.float64),
        students=np.array([r.student_id for r in rows], dtype=np.int64),
        horizons=np.array([r.horizon for r in rows], dtype=object),
    )


def _training_students(data: Dataset) -> Dataset:
    return split_by_student(data)[0]


def score(
    data: Dataset, features: FeatureSet, parameters: dict[str, Any], every_week: bool
) -> dict[str, float]:
    """Mean per-fold AUC at SHOWN horizons (fixed-horizon rows of the held fold only), with
    the rounds that minimise the cross-validated log-loss of the rows trained on."""
    import xgboost as xgb

    fixed = np.isin(data.horizons, [h.name for h in HORIZONS])
    trained_on = data if every_week else data.part(fixed)
    losses = cross_validated_log_loss(trained_on, features, parameters, max_rounds=600)
    rounds = int(np.argmin(losses)) + 1
    fold = student_folds(data.students)
    found: dict[str, list[float]] = {h: [] for h in SHOWN}
    for k in range(FOLDS):
        inside = data.part((fold != k) & (True if every_week else fixed))
        outside = data.part((fold == k) & fixed)
        booster = xgb.train(
            {**parameters, "monotone_constraints": features.constraint()},
            xgb.DMatrix(inside.features, label=inside.labels),
            num_boost_round=rounds,
        )
        predicted = booster.inplace_predict(outside.features)
        for h in SHOWN:
            at = outside.horizons == h
            found[h].append(auc(np.asarray(predicted)[at], outside.labels[at]))
    return {"rounds": rounds, "log-loss": float(losses.min())} | {
        h: float(np.mean(v)) for h, v in found.items()
    }


def main() -> None:
    default = Path(os.environ.get("LEARNLOOM_DATA_DIR", "var")) / "warehouse"
    warehouse = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    with open_current(warehouse) as current:
        if current is None:
            sys.exit(f"no warehouse snapshot in {warehouse}")
        rows = training_rows(current[1].cursor(), horizons=EVERY_WEEK)
    # the settings before (depth 3, leaf weight 2, eta 0.1), and shallower to deeper trees
    # with a lower learning rate, with and without a minimum leaf weight of 20
    settings = [replace_parameters(3, 2, 0.1)] + [
        replace_parameters(depth, leaf, 0.05)
        for depth, leaf in itertools.product((2, 3, 4), (2, 20))
    ]
    for features in (PUBLIC, EARLIER_RISK, RISK):
        data = _training_students(_dataset(rows, features))
        print(f"{features.name}: {len(set(data.students.tolist()))} training students")
        for every_week in (False, True):
            for parameters in settings:
                found = score(data, features, parameters, every_week)
                print(
                    f"  {'every week' if every_week else 'fixed     '} depth {parameters['max_depth']}"
                    f" leaf {parameters['min_child_weight']:>2} eta {parameters['eta']:.2f}: "
                    + " ".join(f"{k} {v:.3f}" for k, v in found.items() if k != "rounds")
                    + f" rounds {found['rounds']}",
                    flush=True,
                )


def replace_parameters(depth: int, leaf: int, eta: float) -> dict[str, Any]:
    return {**PARAMETERS, "max_depth": depth, "min_child_weight": leaf, "eta": eta}


if __name__ == "__main__":
    main()
