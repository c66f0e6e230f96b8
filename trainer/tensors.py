"""Pixels to the tensors training feeds its networks, as `asl_runtime.preprocess.standardized`
does for the live models."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from asl_runtime.preprocess import DEFAULT_MEAN, DEFAULT_STD, INPUT_SIZE, to_model_pixels


def to_unit(pixels: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8 pixels (HxWx3 or NxHxWx3) -> float tensor (3xHxW or Nx3xHxW) in [0, 1]."""
    return torch.as_tensor(pixels).movedim(-1, -3).float().div_(255.0)


def standardize(x: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """Subtract the per-channel mean and divide by the std (channels at dim -3)."""
    m = torch.tensor(mean, dtype=torch.float32, device=x.device).view(3, 1, 1)
    s = torch.tensor(std, dtype=torch.float32, device=x.device).view(3, 1, 1)
    return (x - m) / s


def normalize(pixels: np.ndarray | torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """uint8 pixels (HxWx3 or NxHxWx3) -> normalised float tensor (3xHxW or Nx3xHxW)."""
    return standardize(to_unit(pixels), mean, std)


def preprocess(bgr: np.ndarray, mean: Sequence[float] = DEFAULT_MEAN, std: Sequence[float] = DEFAULT_STD,
               size: int = INPUT_SIZE) -> torch.Tensor:
    """A BGR crop of any size -> normalised float tensor 3 x size x size."""
    return normalize(to_model_pixels(bgr, size), mean, std)
