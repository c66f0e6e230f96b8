"""The one preprocessing path shared by training, evaluation and the live app.

A crop (BGR uint8 from OpenCV, any size) becomes 28x28 RGB uint8 pixels with
`to_model_pixels`, then normalised floats with `standardized` (training's torch version:
`trainer.tensors`). Every crop takes the path the training photos took before they reached us
(area-resized to 64 px, stored as JPEG), so a 400 px photo, a webcam crop and a 64 px training
photo look alike to the model whatever the source resolution (docs/model-card.md).
"""

from collections.abc import Sequence

import cv2
import numpy as np

INPUT_SIZE = 28
# Fallback statistics; training computes the real per-channel ones and stores them in each checkpoint.
DEFAULT_MEAN = (0.5, 0.5, 0.5)
DEFAULT_STD = (0.25, 0.25, 0.25)
# The canonical intermediate: the training photos are 64x64 JPEGs.
CANONICAL_SIZE = 64
CANONICAL_JPEG_QUALITY = 85


def canonical(bgr: np.ndarray, side: int = CANONICAL_SIZE) -> np.ndarray:
    """Any BGR crop -> side x side BGR as the training photos were made: area resize, JPEG q85."""
    while min(bgr.shape[:2]) >= 4 * side:  # halve exactly first: OpenCV's fast path, same box filter
        h, w = bgr.shape[:2]
        bgr = cv2.resize(bgr[:h - h % 2, :w - w % 2], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    if bgr.shape[:2] != (side, side):
        shrink = min(bgr.shape[:2]) >= side
        bgr = cv2.resize(bgr, (side, side),
                         interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    ok, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, CANONICAL_JPEG_QUALITY])
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else None
    return bgr if decoded is None else decoded


def canonical_rgb(bgr: np.ndarray, side: int = CANONICAL_SIZE) -> np.ndarray:
    """A BGR (or grey) crop -> side x side RGB uint8, as the training photos were made."""
    if bgr is None or bgr.size == 0:
        raise ValueError("empty image crop")
    if bgr.ndim == 2:
        bgr = cv2.cvtColor(bgr, cv2.COLOR_GRAY2BGR)
    elif bgr.shape[2] == 4:
        bgr = cv2.cvtColor(bgr, cv2.COLOR_BGRA2BGR)
    return cv2.cvtColor(canonical(np.ascontiguousarray(bgr), side), cv2.COLOR_BGR2RGB)


def shrink(rgb: np.ndarray, size: int) -> np.ndarray:
    """Canonical pixels -> size x size (area resize; unchanged when already that size)."""
    return rgb if rgb.shape[:2] == (size, size) else cv2.resize(rgb, (size, size), interpolation=cv2.INTER_AREA)


def to_model_pixels(bgr: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """A BGR (or grey) crop -> size x size RGB uint8 through the canonical 64 px JPEG."""
    return shrink(canonical_rgb(bgr, max(CANONICAL_SIZE, size)), size)


def standardized(pixels: np.ndarray, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """uint8 pixels (N x H x W x 3) -> float32 N x 3 x H x W in [0, 1], less the per-channel
    mean, over the std: the picture model's input."""
    x = np.moveaxis(np.asarray(pixels, np.float32) * np.float32(1 / 255), -1, -3)
    m = np.asarray(mean, np.float32).reshape(3, 1, 1)
    s = np.asarray(std, np.float32).reshape(3, 1, 1)
    return np.ascontiguousarray((x - m) / s)
