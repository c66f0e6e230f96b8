"""Other signers' hand points (MediaPipe's 21 x 3, no photos) in the app's form, for the letter
network to learn from beside the points found in photos, and to be scored on.

A set is an `.npz` (no pickles): `points` (N x 21 x 3, x and y normalised to the camera image,
z MediaPipe's relative depth on x's scale) and `labels` (a letter per row), with optional
`frame` (the recording's frame numbers: consecutive numbers are consecutive frames) and
`aspect` (the camera's width / height, 1 when absent). The public set whose arrays are named
`static_points` / `static_labels` (one letter's rows consecutive video frames, a square
camera) reads as the same. Consecutive frames of one recording are near copies, so a set is
split by runs of consecutive frames, never frame by frame at random (`split_runs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asl_runtime.hands import POINTS
from asl_runtime.labels import CLASSES

from .data import DatasetError

RUN_FRAMES = 30  # a recording is cut into runs of this many consecutive frames (about a second)
ASPECTS = {"borisgraudt-landmarks.npz": 4 / 3}  # cameras the sets' READMEs name (or fit best)


@dataclass
class PointSet:
    name: str
    points: np.ndarray  # N x 21 x 3, x, y and z in one scale (the camera's pixels' proportions)
    labels: np.ndarray  # class index per row
    runs: np.ndarray    # run number per row: rows of one run are consecutive frames


def load_point_set(path: str | Path, every: int = 1) -> PointSet:
    """A set in the app's form, every `every`-th frame of each run; DatasetError says what is wrong."""
    path = Path(path)
    try:
        with np.load(path) as data:
            names = set(data.files)
            key = "static_points" if "static_points" in names else "points"
            points = data[key].astype(np.float32)
            letters = data["static_labels" if key == "static_points" else "labels"]
            frames = data["frame"] if "frame" in names else None
            aspect = float(data["aspect"]) if "aspect" in names else ASPECTS.get(path.name, 1.0)
    except (OSError, ValueError, KeyError) as exc:
        raise DatasetError(f"{path}: not a set of hand points (an .npz with points and labels): {exc}") from exc
    if points.ndim != 3 or points.shape[1:] != (POINTS, 3) or len(letters) != len(points):
        raise DatasetError(f"{path}: points must be N x 21 x 3 with a label each, not {points.shape}")
    try:
        labels = np.array([CLASSES.index(str(c)) for c in letters], np.int64)
    except ValueError as exc:
        raise DatasetError(f"{path}: a label is not one of the 29 signs ({exc})") from exc
    points[..., [0, 2]] *= aspect  # x (and z, on x's scale) in the proportions of y
    runs = _runs(labels, frames)
    keep = np.concatenate([np.flatnonzero(runs == r)[::every] for r in np.unique(runs)])
    keep.sort()
    return PointSet(path.name, points[keep], labels[keep], runs[keep])


def _runs(labels: np.ndarray, frames: np.ndarray | None) -> np.ndarray:
    """A run number per row: a new run where the label changes or the frame numbers jump, and
    every RUN_FRAMES rows within one recording (a set may hold one recording a letter: the held-back
    runs must not be whole letters)."""
    new = np.ones(len(labels), bool)
    new[1:] = labels[1:] != labels[:-1]
    if frames is not None:
        new[1:] |= np.diff(frames) != 1
    position = np.arange(len(labels)) - np.maximum.accumulate(np.where(new, np.arange(len(labels)), 0))
    return np.cumsum(new | (position % RUN_FRAMES == 0)) - 1


def split_runs(runs: np.ndarray, seed: int, train: float, test: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices for training, test and validation, whole runs to each (shares of the runs)."""
    ids = np.random.default_rng(seed).permutation(np.unique(runs))
    n_train, n_test = round(len(ids) * train), round(len(ids) * test)
    parts = (ids[:n_train], ids[n_train:n_train + n_test], ids[n_train + n_test:])
    tr, te, va = (np.flatnonzero(np.isin(runs, part)) for part in parts)
    return tr, te, va
