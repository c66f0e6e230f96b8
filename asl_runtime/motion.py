"""J and Z by their motion: the paths of the fingertips over about a second (no torch, no Qt).

J is the little finger drawing a hook, Z the index finger drawing a Z; held still, their shapes
are I and a pointing index (D, G, X), which the letter network reads. A small network (one hidden
layer of 64; `resources/models/motion_letters.npz`, `tools/motion_letters.py` trains it on the J and Z
sequences of ../shared/data/landmark-sets) reads the paths of the wrist, the index tip and the
little fingertip, resampled to STEPS points and measured in hand sizes from where they started,
and says none, J or Z. A left hand draws the mirror of a right hand's path; it learnt both.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .shipped import models

TIPS = (0, 8, 20)       # the wrist, the index fingertip, the little fingertip
STEPS = 10              # points each path is resampled to
MIN_FRAMES = 8          # a window shorter than this is not read
LABELS = ("none", "J", "Z")


def motion_model_path() -> Path:
    return models() / "motion_letters.npz"


def path_features(points: np.ndarray) -> np.ndarray:
    """T x 21 x (2 or 3) points (pixels, or any units with x and y alike) -> the paths of TIPS,
    each relative to its start, in hand sizes, resampled to STEPS points: 3 x STEPS x 2 numbers."""
    p = np.asarray(points, np.float32)[..., :2]
    size = float(np.median(np.ptp(p, axis=1).max(axis=1)))
    paths = (p[:, TIPS] - p[:1, TIPS]) / max(size, 1e-6)          # T x 3 x 2
    where = np.linspace(0, len(p) - 1, STEPS)
    resampled = np.stack([np.stack([np.interp(where, np.arange(len(p)), paths[:, k, d]) for d in range(2)], -1)
                          for k in range(len(TIPS))])               # 3 x STEPS x 2
    return resampled.reshape(-1)


class MotionLetters:
    """Probabilities of none, J and Z for a window of a hand's points."""

    def __init__(self, path: str | Path | None = None):
        path = Path(path or motion_model_path())
        with np.load(path) as z:  # plain arrays: no pickles
            self.w1, self.b1, self.w2, self.b2, self.mean, self.std = (
                z[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2", "mean", "std"))
        if self.w1.shape[0] != len(TIPS) * STEPS * 2 or self.w2.shape != (self.w1.shape[1], len(LABELS)):
            raise ValueError(f"{path}: not a J/Z motion model")

    def probs(self, features: np.ndarray) -> np.ndarray:
        """N x features -> N x 3 probabilities (none, J, Z)."""
        hidden = np.maximum(((np.atleast_2d(features) - self.mean) / self.std) @ self.w1 + self.b1, 0)
        logits = hidden @ self.w2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def read(self, points: np.ndarray) -> tuple[str, float]:
        """The window's label and its probability; ("none", 1.0) for too few frames."""
        if len(points) < MIN_FRAMES:
            return "none", 1.0
        p = self.probs(path_features(points))[0]
        k = int(np.argmax(p))
        return LABELS[k], float(p[k])
