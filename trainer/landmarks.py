"""Hand landmarks: the letter read from the hand's shape rather than its pixels (no Qt).

MediaPipe Hands (its detector and landmark models ship inside the mediapipe wheel; nothing is
downloaded) finds 21 points of the hand in a crop; `LandmarkNet` reads the letter from where
those points sit relative to each other. A shape looks alike across people, skin, lighting
and rooms, where pixels do not (README: Massey).

Every crop goes the canonical way first (`to_model_pixels(crop, CANONICAL_SIZE)`, as the 64 px
training photos were made), then is scaled up and framed with a margin: the palm detector
needs room around a tight crop. mediapipe is optional (requirements-landmarks.txt); without
it `available()` is False and callers read the picture alone.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn

from .checkpoint import CheckpointError, atomic_write, library_versions, read_payload
from .labels import CLASSES
from .preprocess import CANONICAL_SIZE, to_model_pixels

FORMAT = "asl-desktop-landmarks"
POINTS = 21
FEATURES = POINTS * 3
FRAME_SIDE = 256   # the canonical crop is scaled to this ...
MARGIN = 64        # ... and framed by this many repeated edge pixels
COMPLEXITY = 0     # MediaPipe's lighter landmark model: ~6 ms a frame here (README, Speed)
MIN_CONFIDENCE = 0.3
SEARCH_EVERY = 3   # frames, while no hand is in view (live)


class LandmarksUnavailable(RuntimeError):
    """mediapipe is not installed."""


def available() -> bool:
    return importlib.util.find_spec("mediapipe") is not None


class HandLandmarker:
    """The 21 hand points in a crop, or None. video=True follows the hand from frame to frame."""

    def __init__(self, video: bool = False):
        try:
            from mediapipe.python.solutions.hands import Hands
        except ImportError as exc:
            raise LandmarksUnavailable("hand landmarks need mediapipe: "
                                       "pip install --no-deps -r requirements-landmarks.txt") from exc
        self._hands = Hands(static_image_mode=not video, max_num_hands=1, model_complexity=COMPLEXITY,
                            min_detection_confidence=MIN_CONFIDENCE, min_tracking_confidence=MIN_CONFIDENCE)

    def find_canonical(self, rgb: np.ndarray) -> np.ndarray | None:
        """Points (21 x 3: x, y and depth z in pixels of this crop) in canonical RGB pixels."""
        side = rgb.shape[0]
        big = cv2.resize(rgb, (FRAME_SIDE, FRAME_SIDE), interpolation=cv2.INTER_CUBIC)
        framed = cv2.copyMakeBorder(big, MARGIN, MARGIN, MARGIN, MARGIN, cv2.BORDER_REPLICATE)
        found = self._hands.process(framed).multi_hand_landmarks
        if not found:
            return None
        points = np.array([(p.x, p.y, p.z) for p in found[0].landmark], np.float32) * (FRAME_SIDE + 2 * MARGIN)
        points[:, :2] -= MARGIN  # z is on x's scale: it is scaled with x and y below
        return points * (side / FRAME_SIDE)

    def find(self, bgr: np.ndarray) -> np.ndarray | None:
        """Points (21 x 3, in the pixels of this crop) in a BGR crop of any size."""
        points = self.find_canonical(to_model_pixels(bgr, CANONICAL_SIZE))
        if points is not None:
            points *= np.array([bgr.shape[1], bgr.shape[0], bgr.shape[1]], np.float32) / CANONICAL_SIZE
        return points

    def close(self) -> None:
        self._hands.close()


def features(points: np.ndarray) -> np.ndarray:
    """21 x 3 points (or N x 21 x 3) -> 63 numbers that ignore where the hand is and its size:
    relative to the wrist, divided by the distance to the farthest point in the image plane."""
    p = np.asarray(points, np.float32)
    p = p - p[..., :1, :]
    scale = np.linalg.norm(p[..., :2], axis=-1).max(axis=-1)[..., None, None]
    return (p / np.maximum(scale, 1e-6)).reshape(*p.shape[:-2], FEATURES)


class LandmarkNet(nn.Module):
    """63 landmark features -> 29 classes: two hidden layers of 256 with dropout."""

    def __init__(self, num_classes: int = len(CLASSES), hidden: int = 256, dropout: float = 0.2):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(FEATURES, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


@dataclass
class LandmarkModel:
    net: LandmarkNet
    temperature: float
    meta: dict
    path: Path | None = None

    @torch.inference_mode()
    def probs(self, feats: np.ndarray) -> np.ndarray:
        """N x 63 features -> N x 29 calibrated probabilities (CLASSES order)."""
        logits = self.net(torch.as_tensor(np.asarray(feats, np.float32)))
        return torch.softmax(logits / self.temperature, dim=1).numpy()


def save_landmark_model(path: str | Path, net: LandmarkNet, temperature: float, **meta) -> None:
    payload = {"format": FORMAT, "classes": list(CLASSES), "temperature": float(temperature),
               "complexity": COMPLEXITY, "versions": library_versions(),
               "state_dict": {k: v.detach().cpu() for k, v in net.state_dict().items()}, **meta}
    atomic_write(Path(path), lambda tmp: torch.save(payload, tmp))


def load_landmark_model(path: str | Path) -> LandmarkModel:
    """Load safely (`weights_only=True`); any problem is a CheckpointError naming the file."""
    path = Path(path)
    payload = read_payload(path, what="hand-landmark model file")
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not an ASL Desktop hand-landmark model")
    if payload.get("classes") != list(CLASSES):
        raise CheckpointError(f"{path}: its classes are not the 29 signs A-Z, del, nothing, space")
    temperature = payload.get("temperature")
    if not isinstance(temperature, float) or not math.isfinite(temperature) or temperature <= 0:
        raise CheckpointError(f"{path}: temperature {temperature!r} is not a positive number")
    net = LandmarkNet()
    try:
        net.load_state_dict(payload["state_dict"])
    except (KeyError, RuntimeError, TypeError) as exc:
        raise CheckpointError(f"{path}: weights do not match the landmark network ({str(exc)[:200]})") from exc
    meta = {k: v for k, v in payload.items() if k != "state_dict"}
    return LandmarkModel(net.eval(), temperature, meta, path)


class HandReader:
    """A BGR crop -> (points, probabilities) from its landmarks, or None when no hand is found.

    On video, while no hand is in view it looks for one on every SEARCH_EVERY-th frame only:
    the palm detector is the costly part (README, Speed)."""

    def __init__(self, model: LandmarkModel, video: bool = False):
        self.model = model
        self.video = video
        self.landmarker = HandLandmarker(video)
        self._misses = 0  # frames since a hand was last found

    def read(self, bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        if self.video and self._misses % SEARCH_EVERY:
            self._misses += 1
            return None
        points = self.landmarker.find(bgr)
        if points is None:
            self._misses += 1
            return None
        self._misses = 0
        return points, self.model.probs(features(points)[None])[0]

    def close(self) -> None:
        self.landmarker.close()
