"""Hand points of labelled photos, found as the app finds a hand in a camera frame (cached).

The letter network learns from points found in the 64 px canonical photos (`extract_points`);
the app finds the hand anywhere in a whole frame (`asl_runtime.finder`: palm detector, then the
landmark model). A photo of a person in a room shrunk to 64 px loses the hand, so photos are
scored the app's way: each one whole, at most 640 px on its longer side (a webcam frame), read
as a photo (`HandFinder(video=False)`), in the order `load_dataset` gives them.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from pathlib import Path

import cv2
import numpy as np

from asl_runtime.finder import HandFinder
from asl_runtime.hands import POINTS, HandLandmarker, landmark_onnx
from asl_runtime.images import decode_image
from asl_runtime.palms import PalmDetector, palm_onnx

from .data import Progress, _cache_key, _chunks, _read_bytes, default_cache_dir, scan_dataset
from .landmark_training import save_cache

MAX_SIDE = 640   # a webcam frame's longer side
VERSION = 1
_finder: HandFinder | None = None


def as_frame(bgr: np.ndarray) -> np.ndarray:
    """A decoded photo -> RGB at most MAX_SIDE on its longer side (never enlarged)."""
    scale = MAX_SIDE / max(bgr.shape[:2])
    if scale < 1:
        bgr = cv2.resize(bgr, (round(bgr.shape[1] * scale), round(bgr.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _start(threads: int = 1) -> None:
    global _finder
    cv2.setNumThreads(1)
    _finder = HandFinder(video=False, landmarker=HandLandmarker(threads=threads), detector=PalmDetector(threads=threads))


def _points(data: bytes | None) -> np.ndarray | None:
    """NaN points where no hand is found; None for a photo that cannot be decoded."""
    assert _finder is not None, "started by _start"
    bgr = decode_image(data) if data is not None else None
    if bgr is None:
        return None
    rgb = as_frame(bgr)
    h, w = rgb.shape[:2]
    side = min(h, w)
    hand = _finder.find(rgb, ((w - side) // 2, (h - side) // 2, side))
    return hand.points if hand is not None else np.full((POINTS, 3), np.nan, np.float32)


def frame_points(path: str | Path, progress: Progress | None = None, workers: int | None = None,
                 cache_dir: Path | None = None) -> np.ndarray:
    """N x 21 x 3 points of a dataset's readable photos (NaN where no hand is found), in
    `load_dataset`'s order."""
    path = Path(path).expanduser()
    members = [f for f, _ in scan_dataset(path)]
    models = b"".join(p.read_bytes() for p in (palm_onnx(), landmark_onnx()))
    key = hashlib.sha1(f"{VERSION}|{MAX_SIDE}|{_cache_key(path, members, MAX_SIDE)}".encode() + models).hexdigest()
    cache = (cache_dir or default_cache_dir()) / f"frame-points-{key}.npy"
    if cache.exists():
        try:
            return np.load(cache)
        except (OSError, ValueError):
            pass
    workers = workers or min(os.cpu_count() or 1, 4)
    found: list[np.ndarray] = []
    pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_start) if workers > 1 else None
    if pool is None:
        _start(threads=2)
    try:
        done = 0
        for chunk in _chunks(_read_bytes(path, members), 64):
            datas = [data for _, data in chunk]
            results = pool.map(_points, datas) if pool else [_points(d) for d in datas]
            found += [r for r in results if r is not None]
            done += len(chunk)
            if progress:
                progress(done, len(members))
    finally:
        if pool:
            pool.terminate()
    points = np.stack(found) if found else np.empty((0, POINTS, 3), np.float32)
    save_cache(cache, points)
    return points
