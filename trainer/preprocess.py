"""The one preprocessing path shared by training, evaluation and the live app.

A crop (BGR uint8 from OpenCV, any size) becomes 28x28 RGB uint8 pixels with
`to_model_pixels`, then a normalised float tensor with `normalize`. Every crop takes the
path the training photos took before they reached us (area-resized to 64 px, stored as
JPEG), so a 400 px photo, a webcam crop and a 64 px training photo look alike to the
model whatever the source resolution.  Training caches
the uint8 pixels and normalises batches; live inference calls the same two functions
(keeping the pixels to show the user what the model sees). `preprocess` is their
composition, so the same pixels give the same tensor.
"""

import cv2
import numpy as np
import torch

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
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else bgr


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


def to_unit(pixels: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8 pixels (HxWx3 or NxHxWx3) -> float tensor (3xHxW or Nx3xHxW) in [0, 1]."""
    return torch.as_tensor(pixels).movedim(-1, -3).float().div_(255.0)


def standardize(x: torch.Tensor, mean, std) -> torch.Tensor:
    """Subtract the per-channel mean and divide by the std (channels at dim -3)."""
    m = torch.tensor(mean, dtype=torch.float32, device=x.device).view(3, 1, 1)
    s = torch.tensor(std, dtype=torch.float32, device=x.device).view(3, 1, 1)
    return (x - m) / s


def normalize(pixels: np.ndarray | torch.Tensor, mean, std) -> torch.Tensor:
    """uint8 pixels (HxWx3 or NxHxWx3) -> normalised float tensor (3xHxW or Nx3xHxW)."""
    return standardize(to_unit(pixels), mean, std)


def preprocess(bgr: np.ndarray, mean=DEFAULT_MEAN, std=DEFAULT_STD,
               size: int = INPUT_SIZE) -> torch.Tensor:
    """A BGR crop of any size -> normalised float tensor 3 x size x size."""
    return normalize(to_model_pixels(bgr, size), mean, std)
