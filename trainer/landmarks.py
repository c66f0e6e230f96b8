"""The letter network that reads the hand's landmarks, as training knows it (torch).

`LandmarkNet` reads the letter from where the hand's 21 points sit relative to each other
(`asl_runtime.hands.features`), and from how its joints bend (`hand_shape`). Its file is a
torch checkpoint (`landmarks.pt`, with the statistics a fine-tune replays) and, beside it, the
ONNX export the live app reads (`landmarks.onnx`, `trainer.export`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from asl_runtime.hands import FEATURES, POINTS
from asl_runtime.labels import CLASSES
from asl_runtime.model_files import ModelFileError
from asl_runtime.storage import atomic_write

from .checkpoint import library_versions, read_payload, refuse_diverged
from .export import export_letters

FORMAT = "asl-desktop-landmarks"
# how the points a landmark network learns from are found (stored with it and keyed in point
# caches): by a float model (`original_landmark_onnx`), the same on every machine
PIPELINE = "hand_landmark_lite, 2 looks, no palm detector"


FINGERS = np.array([[0, 1, 2, 3, 4], [0, 5, 6, 7, 8], [0, 9, 10, 11, 12], [0, 13, 14, 15, 16], [0, 17, 18, 19, 20]])
TIP_PAIRS = np.triu_indices(5, 1)  # the 10 pairs of fingertips
SHAPE_FEATURES = 29


def _length(v):
    return (v * v).sum(-1, keepdims=True) ** 0.5


def hand_shape(x):
    """N x 63 features (a numpy array or a torch tensor) -> N x 29 numbers of the same kind that
    do not change as the hand turns: how much each finger joint bends (cosine between
    consecutive bones, 15), the spread between neighbouring fingers (4) and the distances
    between fingertips, in palm lengths (10)."""
    xp = torch if isinstance(x, torch.Tensor) else np
    p = x.reshape(-1, POINTS, 3)
    bones = p[:, FINGERS[:, 1:]] - p[:, FINGERS[:, :-1]]  # N x 5 fingers x 4 bones x 3
    bones = bones / _length(bones).clip(min=1e-8)
    bends = (bones[:, :, 1:] * bones[:, :, :-1]).sum(-1).reshape(p.shape[0], -1)
    first = bones[:, :, 1]  # each finger's bone after its knuckle
    spread = (first[:, 1:] * first[:, :-1]).sum(-1)
    palm = _length(p[:, 9] - p[:, 0]).clip(min=1e-6)
    tips = p[:, FINGERS[:, -1]]
    gaps = _length(tips[:, TIP_PAIRS[0]] - tips[:, TIP_PAIRS[1]])[..., 0] / palm
    return xp.concatenate([bends, spread, gaps], axis=1)


class LandmarkNet(nn.Module):
    """63 landmark features (and, with `shape`, the 29 of `hand_shape` computed from them) ->
    29 classes: two hidden layers of 256 with dropout. The shape numbers help on people it never
    saw (docs/measurements.md); files made before them load without."""

    def __init__(self, num_classes: int = len(CLASSES), hidden: int = 256, dropout: float = 0.2,
                 shape: bool = True):
        super().__init__()
        self.shape = shape
        self.layers = nn.Sequential(
            nn.Linear(FEATURES + SHAPE_FEATURES * shape, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(torch.cat([x, hand_shape(x)], dim=1) if self.shape else x)

@dataclass
class Replay:
    """Each class's training features as a Gaussian (mean, Cholesky factor of the covariance):
    a fine-tune draws samples of every sign from it, so that learning a few signs of one person
    does not unlearn the others (the training photos themselves do not ship)."""
    mean: torch.Tensor  # classes x 63; NaN rows: no statistics for that class
    chol: torch.Tensor  # classes x 63 x 63

    @classmethod
    def of(cls, feats: np.ndarray, labels: np.ndarray, min_samples: int = 10) -> Replay:
        mean = torch.full((len(CLASSES), FEATURES), float("nan"))
        chol = torch.zeros(len(CLASSES), FEATURES, FEATURES)
        for c in range(len(CLASSES)):
            x = feats[labels == c].astype(np.float64)
            if len(x) >= min_samples:
                mean[c] = torch.as_tensor(x.mean(0))
                cov = np.cov(x.T) + 1e-4 * np.eye(FEATURES)
                chol[c] = torch.linalg.cholesky(torch.as_tensor(cov)).float()
        return cls(mean, chol)

    def sample(self, per_class: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """per_class features of every class with statistics, and their labels."""
        classes = torch.nonzero(~self.mean[:, 0].isnan()).flatten()
        z = torch.randn(len(classes), per_class, FEATURES, generator=gen)
        x = self.mean[classes, None, :] + torch.einsum("cij,cnj->cni", self.chol[classes], z)
        return x.reshape(-1, FEATURES), classes.repeat_interleave(per_class)


@dataclass
class LandmarkModel:
    net: LandmarkNet
    temperature: float
    meta: dict
    path: Path | None = None
    replay: Replay | None = None

    def probs(self, feats: np.ndarray) -> np.ndarray:
        """N x 63 features -> N x 29 calibrated probabilities (CLASSES order)."""
        with torch.no_grad():
            logits = self.net.eval()(torch.as_tensor(np.asarray(feats, np.float32)))
        return torch.softmax(logits / self.temperature, 1).numpy()


def save_landmark_model(path: str | Path, net: LandmarkNet, temperature: float, replay: Replay | None = None,
                        **meta) -> None:
    refuse_diverged(net)
    payload = {"format": FORMAT, "classes": list(CLASSES), "temperature": float(temperature),
               "pipeline": PIPELINE, "versions": library_versions(), "hand_shape": net.shape,
               "state_dict": {k: v.detach().cpu() for k, v in net.state_dict().items()}, **meta}
    if replay is not None:
        payload["replay"] = {"mean": replay.mean, "chol": replay.chol}
    atomic_write(Path(path), lambda tmp: torch.save(payload, tmp))
    export_letters(net, temperature, Path(path).with_suffix(".onnx"))


def load_landmark_model(path: str | Path) -> LandmarkModel:
    """Load a `landmarks.pt` safely (`weights_only=True`); any problem is a ModelFileError naming
    the file. An `.onnx` path names the torch file beside it."""
    path = Path(path).with_suffix(".pt")
    payload = read_payload(path, what="hand-landmark model file")
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not an ASL Desktop hand-landmark model")
    if payload.get("classes") != list(CLASSES):
        raise ModelFileError(f"{path}: its classes are not the 29 signs A-Z, del, nothing, space")
    temperature = payload.get("temperature")
    if not isinstance(temperature, float) or not math.isfinite(temperature) or temperature <= 0:
        raise ModelFileError(f"{path}: temperature {temperature!r} is not a positive number")
    net = LandmarkNet(shape=payload.get("hand_shape") is True)
    try:
        net.load_state_dict(payload["state_dict"])
    except (KeyError, RuntimeError, TypeError) as exc:
        raise ModelFileError(f"{path}: weights do not match the landmark network ({str(exc)[:200]})") from exc
    replay = payload.get("replay")
    try:
        replay = Replay(replay["mean"].float(), replay["chol"].float()) if replay is not None else None
        if replay and (replay.mean.shape != (len(CLASSES), FEATURES) or replay.chol.shape != (len(CLASSES), FEATURES, FEATURES)):
            raise ValueError("wrong shape")
        if replay and not torch.isfinite(replay.chol).all():
            raise ValueError("not finite")
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ModelFileError(f"{path}: its replay statistics are damaged ({exc})") from exc
    meta = {k: v for k, v in payload.items() if k not in ("state_dict", "replay")}
    return LandmarkModel(net.eval(), temperature, meta, path, replay)


