"""Where hands are in a whole frame: MediaPipe's palm detector, run as ONNX (no torch, no Qt).

MediaPipe's `palm_detection_lite.tflite` (Apache-2.0, from the mediapipe 0.10.21 wheel,
`resources/models/palm_detection_lite.NOTICE`), converted by tf2onnx as the landmark model was
(`tools/landmark_onnx.py`), finds palms anywhere in a frame: the first step of MediaPipe's own
hand pipeline, which then follows a found hand with the landmark model alone
(`hands.HandReader`). The decoding below is MediaPipe's palm_detection_cpu graph: SSD anchors,
sigmoid scores, weighted non-maximum suppression, letterbox removal, and the rectangle the
landmark model reads (palm_detection_detection_to_roi: turned from the wrist towards the middle
finger, 2.6 times the palm, shifted towards the fingers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from .hands import LandmarksUnavailable
from .ort_session import ort_session
from .shipped import models

SIDE = 192               # the detector's input
MIN_SCORE = 0.5          # MediaPipe's min_detection_confidence default
MIN_OVERLAP = 0.3        # boxes overlapping more than this (IoU) are one palm
HAND_SCALE, HAND_SHIFT = 2.6, -0.5  # palm box -> the box the landmark model reads


def palm_onnx() -> Path:
    return models() / "palm_detection_lite.onnx"


@cache
def anchors() -> np.ndarray:
    """2016 x 2 anchor centres (0-1) of MediaPipe's palm SSD: 2 a cell on the 24 x 24 grid
    (stride 8), then 6 a cell on the 12 x 12 grid (three layers of stride 16); all of size 1."""
    centres = []
    for grid, per_cell in ((SIDE // 8, 2), (SIDE // 16, 6)):
        y, x = np.mgrid[0:grid, 0:grid]
        cell = np.stack([(x + 0.5) / grid, (y + 0.5) / grid], -1).reshape(-1, 1, 2)
        centres.append(np.repeat(cell, per_cell, axis=1).reshape(-1, 2))
    return np.concatenate(centres).astype(np.float32)


@dataclass(frozen=True)
class Palm:
    score: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels
    keypoints: np.ndarray                   # 7 x 2 in image pixels: wrist, knuckles, thumb...

    def hand_box(self) -> tuple[float, float, float, float]:
        """The landmark model's box (centre x, centre y, side, rotation), as `hands.Box`."""
        (wx, wy), (mx, my) = self.keypoints[0], self.keypoints[2]  # wrist, middle finger knuckle
        rotation = (math.pi / 2 - math.atan2(-(my - wy), mx - wx) + math.pi) % (2 * math.pi) - math.pi
        x0, y0, x1, y1 = self.box
        width, height = x1 - x0, y1 - y0
        c, s = math.cos(rotation), math.sin(rotation)
        cx = (x0 + x1) / 2 - HAND_SHIFT * height * s
        cy = (y0 + y1) / 2 + HAND_SHIFT * height * c
        return cx, cy, max(width, height) * HAND_SCALE, rotation


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of box `a` with each of boxes `b` (x0, y0, x1, y1)."""
    w = np.clip(np.minimum(a[2], b[:, 2]) - np.maximum(a[0], b[:, 0]), 0, None)
    h = np.clip(np.minimum(a[3], b[:, 3]) - np.maximum(a[1], b[:, 1]), 0, None)
    inter = w * h
    area = lambda r: (r[..., 2] - r[..., 0]) * (r[..., 3] - r[..., 1])  # noqa: E731
    return inter / np.maximum(area(a) + area(b) - inter, 1e-9)


MIN_SIDE = 8  # pixels: a narrower image holds no hand the detector could see


class PalmDetector:
    """Palms in an RGB image of any size, best first."""

    def __init__(self, model: str | Path | None = None, threads: int = 1):
        path = Path(model or palm_onnx())
        try:
            self._session = ort_session(str(path), threads)
            model_input = self._session.get_inputs()[0]
            if getattr(model_input, "shape", [1, SIDE, SIDE, 3]) != [1, SIDE, SIDE, 3]:
                raise ValueError("not 192 x 192 RGB in")
        except Exception as exc:  # ONNX Runtime raises its own exception types
            raise LandmarksUnavailable(f"{path}: not a palm detection model ({str(exc)[:200]})") from exc
        self._input = model_input.name
        self._pixels = np.zeros((1, SIDE, SIDE, 3), np.float32)

    def detect(self, rgb: np.ndarray, min_score: float = MIN_SCORE) -> list[Palm]:
        h, w = rgb.shape[:2]
        if min(h, w) < MIN_SIDE:  # a sliver (a 1700 x 5 frame, an empty tile): no hand to find
            return []
        scale = SIDE / max(w, h)  # letterboxed: the image kept whole, black bars around it
        sw, sh = max(1, round(w * scale)), max(1, round(h * scale))
        left, top = (SIDE - sw) // 2, (SIDE - sh) // 2
        self._pixels[:] = 0
        small = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA)
        np.multiply(small, np.float32(1 / 255), out=self._pixels[0, top:top + sh, left:left + sw])
        raw, logits = self._session.run(None, {self._input: self._pixels})
        scores = 1 / (1 + np.exp(-np.clip(logits[0, :, 0], -100, 100)))
        keep = np.flatnonzero(scores >= min_score)
        if not keep.size:
            return []
        values = raw[0, keep] / SIDE
        centre = anchors()[keep]
        mid, size = values[:, :2] + centre, values[:, 2:4]
        boxes = np.concatenate([mid - size / 2, mid + size / 2], 1)
        points = values[:, 4:18].reshape(-1, 7, 2) + centre[:, None]
        # back to image pixels: undo the letterbox
        offset, to_image = np.array([left, top], np.float32) / SIDE, np.float32(SIDE / scale)
        boxes = (boxes - np.tile(offset, 2)) * to_image
        points = (points - offset) * to_image
        return self._merge(scores[keep], boxes, points)

    @staticmethod
    def _merge(scores: np.ndarray, boxes: np.ndarray, points: np.ndarray) -> list[Palm]:
        """MediaPipe's weighted non-maximum suppression: each palm is the score-weighted mean of
        the boxes overlapping the best one, with the best one's score."""
        order = np.argsort(-scores)
        palms = []
        while order.size:
            near = order[iou(boxes[order[0]], boxes[order]) > MIN_OVERLAP]
            weights = scores[near] / scores[near].sum()
            x0, y0, x1, y1 = (float(v) for v in weights @ boxes[near])
            palms.append(Palm(float(scores[order[0]]), (x0, y0, x1, y1),
                              np.tensordot(weights, points[near], 1).astype(np.float32)))
            order = np.setdiff1d(order, near, assume_unique=True)
            order = order[np.argsort(-scores[order])]
        return palms
