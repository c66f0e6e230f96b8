"""The user's guide box: where the hand is looked for when not anywhere, and read as a picture."""

from __future__ import annotations

from dataclasses import dataclass

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
