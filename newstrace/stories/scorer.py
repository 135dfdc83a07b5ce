"""The pair classifier: how likely two articles, or an article and a story, tell one event.

A logistic regression over a handful of similarities, each defined between two articles:

- `embedding`      cosine of their multilingual-e5 vectors (title and lead)
- `entities`       cosine of their IDF-weighted entity keys (the same in every language)
- `lexical`        cosine of their IDF-weighted words, when both are in one language (else 0)
- `same_language`  1 when both are in one language
- `numbers`        cosine of the two sets of figures, |A ∩ B| / √(|A| |B|)
- `time_gap`       log(1 + days between their publication dates), 0 when one is undated

Between an article and a story, each feature is its mean over the story's members (average
linkage), which the story index computes from running sums in constant time; between two
stories, the mean over every pair of their members. So the one model decides joins, new
stories and merges alike.

The weights (`newstrace/data/stories/pair_model.json`) are fitted on the dev corpus by
`benchmarks/stories.py --train`; their cross-validated figures are in docs/stories.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

FEATURES = ("embedding", "entities", "lexical", "same_language", "numbers", "time_gap")
# Ridge penalty of the fit, on standardised features: enough to keep the weights finite
# when one feature separates a training fold perfectly.
L2 = 1.0


@dataclass(frozen=True)
class PairModel:
    """Standardisation, weights and the join threshold on the probability."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    about: str = ""

    def logit(self, values: Sequence[float]) -> float:
        total = self.bias
        for value, mean, scale, weight in zip(
            values, self.mean, self.scale, self.weights, strict=True
        ):
            total += weight * (value - mean) / scale
        return total

    def probability(self, values: Sequence[float]) -> float:
        """P(same event) for one feature row (in FEATURES order)."""
        z = self.logit(values)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def probabilities(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """P(same event) for many rows at once (the last axis in FEATURES order)."""
        z = self.bias + ((rows - np.array(self.mean)) / np.array(self.scale)) @ np.array(
            self.weights
        )
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
        return result

    def with_threshold(self, threshold: float) -> PairModel:
        return PairModel(self.mean, self.scale, self.weights, self.bias, threshold, self.about)

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": list(FEATURES),
                "mean": list(self.mean),
                "scale": list(self.scale),
                "weights": list(self.weights),
                "bias": self.bias,
                "threshold": self.threshold,
                "about": self.about,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> PairModel:
        data: dict[str, Any] = json.loads(text)
        if list(data["features"]) != list(FEATURES):
            raise ValueError(
                f"pair model features {data['features']} are not {list(FEATURES)}: "
                "refit it with `benchmarks/stories.py --train`"
            )
        return cls(
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) for v in data["scale"]),
            tuple(float(v) for v in data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
            str(data.get("about", "")),
        )


@cache
def shipped() -> PairModel:
    """The model shipped with newstrace (fitted on the whole dev corpus)."""
    path = resources.files("newstrace") / "data" / "stories" / "pair_model.json"
    return PairModel.from_json(path.read_text(encoding="utf-8"))


def fit(
    rows: npt.NDArray[np.float64],
    labels: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64] | None = None,
    threshold: float = 0.5,
    about: str = "",
) -> PairModel:
    """Weighted L2 logistic regression by Newton's method (rows in FEATURES order)."""
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalty = L2 * np.diag(np.r_[0.0, np.ones(z.shape[1] - 1)])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        gradient = z.T @ (w * (p - y)) + penalty @ beta
        hessian = (z * (w * p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return PairModel(
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in beta[1:]),
        float(beta[0]),
        threshold,
        about,
    )
