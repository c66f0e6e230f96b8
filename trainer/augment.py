"""Per-sample augmentation of whole batches on tensors (no per-image Python loop).

Each image in a batch gets its own random affine (rotation, scale, shift, optional
horizontal flip for left-handed signers) through one `affine_grid`/`grid_sample` call,
and its own brightness, contrast, saturation and colour-cast factors.
"""

import math

import torch
import torch.nn.functional as F


def _uniform(n: int, low: float, high: float, gen: torch.Generator, device) -> torch.Tensor:
    return torch.rand(n, generator=gen, device=device) * (high - low) + low


def augment_batch(x: torch.Tensor, gen: torch.Generator, *, degrees: float = 12.0,
                  scale=(0.8, 1.15), shift: float = 0.1, flip: bool = True,
                  color: float = 0.4, gray: float = 0.0) -> torch.Tensor:
    """x: N x 3 x H x W floats in [0, 1] -> an augmented batch of the same shape."""
    n, dev = x.shape[0], x.device
    angle = _uniform(n, -degrees, degrees, gen, dev) * (math.pi / 180)
    zoom = _uniform(n, scale[0], scale[1], gen, dev)
    sign = torch.ones(n, device=dev)
    if flip:
        sign = torch.where(torch.rand(n, generator=gen, device=dev) < 0.5, -sign, sign)
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([
        torch.stack([cos * sign, -sin, _uniform(n, -2 * shift, 2 * shift, gen, dev)], 1),
        torch.stack([sin * sign, cos, _uniform(n, -2 * shift, 2 * shift, gen, dev)], 1),
    ], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)

    def factor(low=1 - color, high=1 + color):
        return _uniform(n, low, high, gen, dev).view(n, 1, 1, 1)

    luma = 0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3]
    x = luma + (x - luma) * factor()                            # saturation
    mean = luma.mean(dim=(2, 3), keepdim=True)
    x = mean + (x - mean) * factor()                            # contrast
    x = x * factor()                                            # brightness
    cast = _uniform(n * 3, 0.9, 1.1, gen, dev).view(n, 3, 1, 1)  # white balance
    x = (x * cast).clamp_(0.0, 1.0)
    if gray > 0:  # some images lose their colour: shape matters, not skin tone or light
        to_gray = (torch.rand(n, generator=gen, device=dev) < gray).view(n, 1, 1, 1)
        luma = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3]).expand_as(x)
        x = torch.where(to_gray, luma, x)
    return x

