"""Calibrated probabilities: softmax(logits / T), with T fitted when the model was trained."""

from __future__ import annotations

import numpy as np


def calibrated(logits: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(logits / T) over the last axis."""
    z = logits / np.float32(temperature)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
