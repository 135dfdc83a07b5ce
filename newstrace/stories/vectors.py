"""Vectors of texts: the type story encoders give, and scaling rows to unit length."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


def normalise(rows: Any) -> Vectors:
    """Rows (or one vector) scaled to unit length, as float32; zero rows stay zero."""
    matrix = np.asarray(rows, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Vectors = matrix / norms
    return normalised
