"""The completion model: will a student finish a course, from how much they study, how well
they score and how often they are active (docs/prediction.md).

Training reads finished enrollments as they stood at several horizons (analytics/horizons.py:
after weeks 1 to 12 and at shares of the course, never from end-of-enrollment figures;
label: completed), splits by student so nobody is in two parts, fits XGBoost with monotone constraints (more study,
higher scores and more activity never lower the likelihood) on the training students, for
a number of rounds chosen by cross-validation among those same students,
calibrates its probabilities on other students (Platt scaling with a positive slope, which
keeps the constraints) and measures the result per horizon on students it has never seen.
One model serves every horizon: the three public figures are read as "so far" whatever the
moment, and the at-risk model is told how far into the course the enrollment is."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np

from analytics.horizons import GATE, HORIZONS, PointInTime, training_rows

if TYPE_CHECKING:
    import xgboost as xgb


@dataclass(frozen=True)
class FeatureSet:
    """The columns a model reads, and the direction each may move the likelihood
    (1: never down as it rises, -1: never up, 0: free)."""

    name: str
    columns: tuple[str, ...]
    monotone: tuple[int, ...]

    def constraint(self) -> str:
        return "(" + ",".join(map(str, self.monotone)) + ")"


# /api/predict: what a caller can send, read as the figures so far. More study, higher scores,
# more activity never hurt.
PUBLIC = FeatureSet("completion", ("hours_watched", "average_score", "activity_level"), (1, 1, 1))
# The at-risk list knows more, all as of the moment it is asked: days since the last activity
# (never helps), the pace through the lessons against the time elapsed (never hurts), how
# the last four weeks' scores compare with the mean so far, how far into the course, and
# the hours studied and lessons completed in all the student's courses in the last four
# weeks, and the mean of all their scores in any course so far (never hurt). Those last three
# carry most of the early warning: after two weeks, one enrollment has seen a handful of a
# student's visits, the platform has seen all of them.
RISK = FeatureSet(
    "risk",
    (
        *PUBLIC.columns,
        "days_idle",
        "lesson_pace",
        "score_trend",
        "weeks_elapsed",
        "recent_hours_everywhere",
        "recent_lessons_everywhere",
        "average_score_everywhere",
    ),
    (1, 1, 1, -1, 1, 0, 0, 1, 1, 1),
)
FEATURES = PUBLIC.columns
TEST_SHARE, CALIBRATION_SHARE = 0.2, 0.2
# Chosen by scripts/select_model.py: grouped 5-fold cross-validation over the training
# students only (docs/prediction.md, "How the settings were chosen"). Every setting tried
# (depth 2 to 4, leaf weight 2 or 20, eta 0.05 or 0.1) came within 0.003 AUC of the others;
# these (shallow trees, a lower learning rate, at least 20 rows' weight per leaf) were kept.
PARAMETERS: dict[str, Any] = {
    "objective": "binary:logistic",
    "eval_metric": "logloss",
    "max_depth": 3,
    "eta": 0.05,
    "min_child_weight": 20,
    "subsample": 0.8,
    "tree_method": "hist",
    "nthread": 2,
    "seed": 7,
}
# The number of rounds is chosen per training run by the same kind of cross-validation on
# the training students (choose_rounds), up to MAX_ROUNDS: not by early stopping on the
# calibration students, who are kept for calibration alone.
MAX_ROUNDS, FOLDS = 600, 5
FOLD_SALT = 101  # another hash of the student id than the split's (salt 17)


class NotEnoughData(Exception):
    """Too few enrollments, or only one outcome, to train and evaluate on."""


@dataclass
class Dataset:
    """One row per finished enrollment and horizon (analytics/horizons.py), one column per
    feature; NaN where a value is unknown (no score yet)."""

    features: np.ndarray
    labels: np.ndarray
    students: np.ndarray
    horizons: np.ndarray  # each row's horizon name

    def __len__(self) -> int:
        return len(self.labels)

    def part(self, mask: np.ndarray) -> "Dataset":
        return Dataset(
            self.features[mask], self.labels[mask], self.students[mask], self.horizons[mask]
        )


@dataclass
class Calibration:
    """Platt scaling: p' = sigmoid(slope * logit(p) + intercept), slope > 0."""

    slope: float = 1.0
    intercept: float = 0.0

    def apply(self, probabilities: np.ndarray) -> np.ndarray:
        clipped = np.clip(probabilities, 1e-6, 1 - 1e-6)
        logits = np.log(clipped / (1 - clipped))
        return 1 / (1 + np.exp(-(self.slope * logits + self.intercept)))


@dataclass
class Evaluation:
    auc: float
    log_loss: float
    brier: float
    base_rate: float
    rows: int
    # (mean predicted, observed share, rows) per tenth of the probability range
    calibration: list[tuple[float, float, int]] = field(default_factory=list)
    roc: list[tuple[float, float]] = field(default_factory=list)  # (false, true positive rate)
    # Of the enrollments that did not complete, the share among the lowest-likelihood fifth:
    # how many a teacher who helps one student in five would reach.
    caught: float = 0.0


@dataclass
class Trained:
    booster: "xgb.Booster"
    calibration: Calibration
    horizons: dict[str, Evaluation]  # held-out figures per horizon, in HORIZONS order
    rows: int
    importance: dict[str, float]
    features: FeatureSet = PUBLIC
    rounds: int = 0  # boosting rounds, chosen by cross-validation on the training students

    @property
    def evaluation(self) -> Evaluation:
        """The figures at the horizon that decides publication (week 2)."""
        return self.horizons[GATE]


def feature_matrix(rows: Sequence[PointInTime], columns: Sequence[str]) -> np.ndarray:
    """The `columns` (PointInTime fields) of point-in-time rows; NaN where a value is
    unknown."""
    values = [[getattr(row, name) for name in columns] for row in rows]
    return np.array(
        [[np.nan if v is None else v for v in row] for row in values], dtype=np.float64
    ).reshape(len(rows), len(columns))


def load_dataset(
    cursor: duckdb.DuckDBPyConnection, features: FeatureSet = PUBLIC, dropout_days: int = 30
) -> Dataset:
    rows = training_rows(cursor, dropout_days)
    return Dataset(
        features=feature_matrix(rows, features.columns),
        labels=np.array([r.completed for r in rows], dtype=np.float64),
        students=np.array([r.student_id for r in rows], dtype=np.int64),
        horizons=np.array([r.horizon for r in rows], dtype=object),
    )


def _student_share(students: np.ndarray, salt: int) -> np.ndarray:
    """A stable pseudo-random number in [0, 1) per student (splitmix64 of the id), so the
    split is the same on every run and ids in sequence still spread evenly."""
    z = students.astype(np.uint64) + np.uint64(salt) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def split_by_student(data: Dataset) -> tuple[Dataset, Dataset, Dataset]:
    """(train, calibration, test), no student in two of them."""
    share = _student_share(data.students, salt=17)
    test = share < TEST_SHARE
    calibration = (share >= TEST_SHARE) & (share < TEST_SHARE + CALIBRATION_SHARE)
    train = ~(test | calibration)
    return data.part(train), data.part(calibration), data.part(test)


def train(data: Dataset, features: FeatureSet = PUBLIC) -> Trained:
    import xgboost as xgb  # imported when training, not by every web process at start-up

    train_part, calibration_part, test_part = split_by_student(data)
    gate = test_part.part(test_part.horizons == GATE)
    for name, part in (
        ("training", train_part),
        ("calibration", calibration_part),
        ("test", test_part),
        (f"test ({GATE})", gate),
    ):
        if len(part) < 10 or len(set(part.labels.tolist())) < 2:
            raise NotEnoughData(
                f"the {name} students have {len(part)} enrollments"
                + ("" if len(part) < 10 else " with a single outcome")
                + f"; {len(data)} enrollments in all are too few to train and evaluate"
            )
    names = list(features.columns)
    rounds = choose_rounds(train_part, features)
    booster = xgb.train(
        {**PARAMETERS, "monotone_constraints": features.constraint()},
        xgb.DMatrix(train_part.features, label=train_part.labels, feature_names=names),
        num_boost_round=rounds,
    )
    calibration = fit_platt(raw(booster, calibration_part.features), calibration_part.labels)
    predicted = calibration.apply(raw(booster, test_part.features))
    gains = booster.get_score(importance_type="gain")
    return Trained(
        booster=booster,
        calibration=calibration,
        horizons=per_horizon(predicted, test_part),
        rows=len(data),
        importance={name: float(gains.get(name, 0.0)) for name in names},  # type: ignore[arg-type]
        features=features,
        rounds=rounds,
    )


def student_folds(students: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """Each row's fold (0 to folds - 1), by student: all of a student's rows in one fold."""
    return np.minimum(folds - 1, (_student_share(students, FOLD_SALT) * folds).astype(np.int64))


def cross_validated_log_loss(
    data: Dataset,
    features: FeatureSet,
    parameters: dict[str, Any] | None = None,
    max_rounds: int = MAX_ROUNDS,
    folds: int = FOLDS,
) -> np.ndarray:
    """The mean held-out log-loss after each round (index 0: after one round), over `folds`
    folds of `data`'s students: each fold is predicted by a model of the others. Only the
    rows given are read, so given the training students it never sees the calibration or
    test ones."""
    import xgboost as xgb

    fold = student_folds(data.students, folds)
    names = list(features.columns)
    curves, weight = [], 0
    for k in range(folds):
        inside, outside = data.part(fold != k), data.part(fold == k)
        if len(outside) == 0 or len(set(inside.labels.tolist())) < 2:
            continue
        history: dict[str, Any] = {}
        xgb.train(
            {**(parameters or PARAMETERS), "monotone_constraints": features.constraint()},
            xgb.DMatrix(inside.features, label=inside.labels, feature_names=names),
            num_boost_round=max_rounds,
            evals=[
                (xgb.DMatrix(outside.features, label=outside.labels, feature_names=names), "fold")
            ],
            evals_result=history,
            verbose_eval=False,
        )
        curves.append(np.asarray(history["fold"]["logloss"]) * len(outside))
        weight += len(outside)
    if not curves:
        raise NotEnoughData("too few training students to cross-validate")
    return np.sum(curves, axis=0) / weight


def choose_rounds(data: Dataset, features: FeatureSet) -> int:
    """The number of rounds with the lowest cross-validated log-loss on `data` (the training
    students)."""
    return int(np.argmin(cross_validated_log_loss(data, features))) + 1


def raw(booster: "xgb.Booster", features: np.ndarray) -> np.ndarray:
    """The booster's own probabilities, from all its trees (or those kept by early stopping,
    for a booster that stopped early)."""
    best = getattr(booster, "best_iteration", None)
    rounds = (0, best + 1) if best is not None else (0, 0)
    # float64: XGBoost answers in float32, where 1 - 1e-12 rounds to 1 (and log(0) follows)
    return np.asarray(booster.inplace_predict(features, iteration_range=rounds), dtype=np.float64)


def fit_platt(probabilities: np.ndarray, labels: np.ndarray) -> Calibration:
    """Logistic regression of the labels on the logit, by Newton's method; a slope that
    would come out non-positive is held at a small positive value (monotone stays monotone)."""
    clipped = np.clip(probabilities, 1e-6, 1 - 1e-6)
    x = np.log(clipped / (1 - clipped))
    slope, intercept = 1.0, 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(slope * x + intercept)))
        weight = np.maximum(p * (1 - p), 1e-9)
        gradient = np.array([np.sum((p - labels) * x), np.sum(p - labels)])
        hessian = np.array(
            [[np.sum(weight * x * x), np.sum(weight * x)], [np.sum(weight * x), np.sum(weight)]]
        ) + 1e-6 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        slope, intercept = slope - step[0], intercept - step[1]
        if np.max(np.abs(step)) < 1e-8:
            break
    return Calibration(slope=max(float(slope), 1e-3), intercept=float(intercept))


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve: the chance a completer is ranked above a non-completer
    (ties count half), from average ranks."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    positives = labels == 1
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def per_horizon(predicted: np.ndarray, test: Dataset) -> dict[str, Evaluation]:
    """The held-out figures of each horizon that has rows with both outcomes."""
    found = {}
    for horizon in HORIZONS:
        inside = test.horizons == horizon.name
        if len(set(test.labels[inside].tolist())) == 2:
            found[horizon.name] = evaluate(predicted[inside], test.labels[inside])
    return found


def caught(predicted: np.ndarray, labels: np.ndarray, share: float = 0.2) -> float:
    """Of the rows labelled 0, the share within the lowest-likelihood `share` of rows (ties
    broken by position, so the fifth is exactly a fifth)."""
    missed = labels == 0
    if not missed.any():
        return 0.0
    lowest = np.argsort(predicted, kind="stable")[: round(share * len(predicted))]
    return float(missed[lowest].sum() / missed.sum())


def evaluate(predicted: np.ndarray, labels: np.ndarray) -> Evaluation:
    clipped = np.clip(predicted, 1e-12, 1 - 1e-12)
    bins = []
    for low in np.arange(0, 1, 0.1):
        inside = (predicted >= low) & ((predicted < low + 0.1) | (low >= 0.9))
        if inside.any():
            bins.append(
                (float(predicted[inside].mean()), float(labels[inside].mean()), int(inside.sum()))
            )
    roc = [(0.0, 0.0)]
    positives, negatives = max(1, int(labels.sum())), max(1, int((1 - labels).sum()))
    for threshold in sorted(set(predicted.tolist()), reverse=True):
        chosen = predicted >= threshold
        roc.append(
            (
                float((chosen & (labels == 0)).sum() / negatives),
                float((chosen & (labels == 1)).sum() / positives),
            )
        )
    return Evaluation(
        auc=auc(predicted, labels),
        log_loss=float(-np.mean(labels * np.log(clipped) + (1 - labels) * np.log(1 - clipped))),
        brier=float(np.mean((predicted - labels) ** 2)),
        base_rate=float(labels.mean()),
        rows=len(labels),
        calibration=bins,
        roc=roc,
        caught=caught(predicted, labels),
    )
