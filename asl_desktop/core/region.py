"""Where the hand is: the user's guide box, or a box that follows the hand."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class GuideBox:
    """A square in relative units: centre (cx, cy) in [0, 1], side as a share of the shorter side.

    The default, shared by the window and `transcribe`, is the largest centred square: the
    whole height of a landscape frame, framed as the training photos are (hand filling it).
    """

    cx: float = 0.5
    cy: float = 0.5
    size: float = 1.0

    def to_pixels(self, width: int, height: int) -> tuple[int, int, int]:
        """(x, y, side) of the square in pixels, kept inside the frame."""
        side = int(round(max(0.05, min(self.size, 1.0)) * min(width, height)))
        x = int(round(self.cx * width - side / 2))
        y = int(round(self.cy * height - side / 2))
        return clamp_square(x, y, side, width, height)

    @classmethod
    def from_pixels(cls, x: float, y: float, side: float, width: int, height: int) -> GuideBox:
        return cls((x + side / 2) / width, (y + side / 2) / height, side / min(width, height))


def clamp_square(x: int, y: int, side: int, width: int, height: int) -> tuple[int, int, int]:
    side = max(1, min(side, width, height))
    return min(max(0, x), width - side), min(max(0, y), height - side), side


def crop(frame: np.ndarray, box: tuple[int, int, int]) -> np.ndarray:
    x, y, side = box
    return frame[y:y + side, x:x + side]


class HandTracker:
    """Finds the hand by skin colour (YCrCb range) and follows it with a smoothed square.

    Cheap (about a millisecond a frame) and dependency-free; returns None when no
    skin-coloured region of a plausible size is in view, so callers fall back to the guide box.
    """

    def __init__(self, smoothing: float = 0.6, margin: float = 1.25, min_area: float = 0.01):
        self.smoothing, self.margin, self.min_area = smoothing, margin, min_area
        self._box: np.ndarray | None = None

    def reset(self) -> None:
        self._box = None

    def find(self, frame: np.ndarray) -> tuple[int, int, int] | None:
        h, w = frame.shape[:2]
        small = cv2.resize(frame, (160, int(160 * h / w))) if w > 160 else frame
        scale = w / small.shape[1]
        ycrcb = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_BGR2YCrCb)
        mask = cv2.inRange(ycrcb, (0, 135, 85), (255, 180, 135))
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        best = max(contours, key=cv2.contourArea, default=None)
        if best is None or cv2.contourArea(best) < self.min_area * mask.size:
            self._box = None
            return None
        bx, by, bw, bh = cv2.boundingRect(best)
        side = max(bw, bh) * self.margin * scale
        target = np.array([(bx + bw / 2) * scale, (by + bh / 2) * scale, side])
        self._box = target if self._box is None else self.smoothing * self._box + (1 - self.smoothing) * target
        cx, cy, side = self._box
        return clamp_square(int(cx - side / 2), int(cy - side / 2), int(side), w, h)
