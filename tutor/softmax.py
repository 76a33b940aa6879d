"""Multinomial logistic regression fitted with L-BFGS: the one fit the safeguarding models
share (over hashed word features, tutor/safety_regression.py; over sentence vectors,
tutor/safety_meaning.py)."""

from typing import Any

import numpy as np


def fit(
    x: Any, classes: np.ndarray, count: int, penalty: float, iterations: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weights (columns x classes) and biases minimising the mean log-loss of `x`'s rows
    (a numpy array or a scipy sparse matrix) against `classes` (their indices, 0 to
    count - 1), with an L2 penalty on the weights."""
    from scipy.optimize import minimize  # imported on first use: a web process starts without it

    n, width = x.shape
    truth = np.zeros((n, count))
    truth[np.arange(n), classes] = 1

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = flat[: width * count].reshape(width, count), flat[width * count :]
        scores = np.asarray(x @ weights) + bias
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        value = -np.log(p[np.arange(n), classes] + 1e-12).sum() / n
        value += penalty * np.sum(weights**2) / 2
        error = (p - truth) / n
        gradient = np.concatenate([(x.T @ error + penalty * weights).ravel(), error.sum(axis=0)])
        return float(value), gradient

    found = minimize(
        loss,
        np.zeros(width * count + count),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": iterations},
    )
    return found.x[: width * count].reshape(width, count), found.x[width * count :]


def probabilities(scores: np.ndarray) -> np.ndarray:
    """Each row's scores turned into probabilities that sum to 1."""
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=-1, keepdims=True))
