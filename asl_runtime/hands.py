"""The hand's 21 landmarks in a crop, and the letter read from them (no torch, no Qt).

MediaPipe's hand landmark model (Apache-2.0, from the mediapipe 0.10.21 wheel), converted to
ONNX, fine-tuned to find the same points in blurred and poorly compressed crops
(`tools/sturdy_landmarks.py`) and run by ONNX Runtime, finds 21 points of the hand in a crop:
8-bit integer weights and activations (`hand_landmark_lite_int8.onnx`) on processors whose
integer kernels are exact (x86-64 with AVX-512 VNNI), the float model (`hand_landmark_lite.onnx`)
elsewhere; letter networks learn from the points of the model as converted
(`hand_landmark_lite_original.onnx`). How the files were made: `tools/landmark_onnx.py`.
Nothing is downloaded. The letter network (`model_files.LetterModel`) reads the letter from
where those points sit relative to each other: a shape looks alike across people, skin,
lighting and rooms, where pixels do not (docs/model-card.md).

The crop is already where the hand is (the guide box or the hand tracker), so there is no palm
detector: a first look at the whole canonical crop (`canonical_rgb(crop)`, as the 64 px training
photos were made) places the hand, a second look at the box MediaPipe's tracker would draw
around those points (turned upright) reads it. On video one look a frame: at the box around the
previous frame's points (kept while the hand barely moves, so a still hand reads the same every
frame), or, while no hand is followed, at the whole crop, whose points are then read as they
are. The model's own hand-presence score decides whether a hand was found.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from .ort_session import ort_session
from .preprocess import CANONICAL_SIZE, canonical_rgb
from .shipped import models

POINTS = 21
FEATURES = POINTS * 3
MODEL_SIDE = 224       # the landmark model's input
FIRST_LOOK = 1.3       # side of the first look's box, in crop sides (the hand fills the crop)
PALM_POINTS = [0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18]  # what MediaPipe's tracker boxes
BOX_SCALE, BOX_SHIFT = 2.0, -0.1  # ... scaled by 2 and shifted towards the fingers, as it does
MIN_PRESENCE = 0.5
# video: the previous look's box is kept while the hand's box moves less than this (shift and
# size change as a share of its side, turn in radians): a hand held still is read through one
# box, not a box that wobbles with its points; 10% limits froze a box before it had settled on
# a hand smaller than the crop (docs/measurements.md, A steady box)
STEADY_SHIFT, STEADY_SCALE, STEADY_TURN = 0.03, 0.03, math.radians(3)


class LandmarksUnavailable(RuntimeError):
    """Hand points cannot be found here: the landmark model file is missing or damaged."""


def int8_is_exact() -> bool:
    """Whether ONNX Runtime's 8-bit kernels compute exactly here: x86-64 with AVX-512 VNNI.
    Without VNNI its x86 kernels may saturate 16-bit sums (ONNX Runtime's quantization
    documentation); other processors are not verified (docs/measurements.md, Speed)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__  # what numpy's own dispatch reads
    except ImportError:  # moved in a later numpy: the float model is right everywhere
        return False
    return bool(__cpu_features__.get("AVX512VNNI"))


def landmark_onnx(int8: bool | None = None) -> Path:
    """The shipped hand landmark model: 8-bit where that is exact (`int8_is_exact`), else float."""
    int8 = int8_is_exact() if int8 is None else int8
    return models() / f"hand_landmark_lite{'_int8' * int8}.onnx"


def original_landmark_onnx() -> Path:
    """MediaPipe's float hand landmark model as converted, before the sturdy fine-tune: the one
    whose points letter networks learn from, while the app finds hands with `landmark_onnx()`
    (docs/model-card.md)."""
    return models() / "hand_landmark_lite_original.onnx"


Box = tuple[float, float, float, float]  # centre x, centre y, side (pixels), rotation (radians)


def box_around(points: np.ndarray) -> Box:
    """The upright square MediaPipe's tracker crops around a hand's points (its
    HandLandmarksToRect + RectTransformation): rotation from the wrist towards the middle of
    the knuckles, the palm's points boxed in that frame, shifted and scaled."""
    p = points[PALM_POINTS, :2]
    knuckles = ((points[5, :2] + points[13, :2]) / 2 + points[9, :2]) / 2
    dx, dy = knuckles - points[0, :2]
    rotation = (math.pi / 2 - math.atan2(-dy, dx) + math.pi) % (2 * math.pi) - math.pi
    c, s = math.cos(rotation), math.sin(rotation)
    turn = np.array([[c, -s], [s, c]], np.float32)  # upright frame -> image
    centre = (p.min(0) + p.max(0)) / 2
    upright = (p - centre) @ turn  # image -> upright frame
    lo, hi = upright.min(0), upright.max(0)
    width, height = hi - lo
    middle = turn @ ((lo + hi) / 2) + centre + turn @ np.array([0.0, BOX_SHIFT * height], np.float32)
    return float(middle[0]), float(middle[1]), float(max(width, height) * BOX_SCALE), rotation


def steady(old: Box | None, new: Box) -> Box:
    """`old` while `new` differs from it by less than the STEADY_ limits, else `new`."""
    if old is None or old[2] <= 0:
        return new
    turn = abs((new[3] - old[3] + math.pi) % (2 * math.pi) - math.pi)
    moved = math.hypot(new[0] - old[0], new[1] - old[1]) / old[2]
    return old if moved < STEADY_SHIFT and abs(new[2] / old[2] - 1) < STEADY_SCALE and turn < STEADY_TURN else new


def whole_crop(rgb: np.ndarray) -> Box:
    """The first look's box: the whole (square) crop, with a margin."""
    side = rgb.shape[0]
    return side / 2, side / 2, side * FIRST_LOOK, 0.0


def model_patch(rgb: np.ndarray, box: Box) -> tuple[np.ndarray, np.ndarray]:
    """The landmark model's 224 x 224 uint8 input cut from `rgb` along a box, and the 2 x 3
    map from its pixels back to `rgb`'s."""
    x, y, side, rotation = box
    c, s = math.cos(rotation), math.sin(rotation)
    k = side / MODEL_SIDE  # model pixels -> image pixels, turned by the box's rotation
    to_image = np.array([[c * k, -s * k, x - (c - s) * side / 2],
                         [s * k, c * k, y - (s + c) * side / 2]], np.float32)
    patch = cv2.warpAffine(rgb, to_image, (MODEL_SIDE, MODEL_SIDE),
                           flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
    return patch, to_image


class HandLandmarker:
    """The 21 hand points in a crop, or None. video=True follows the hand from frame to frame."""

    def __init__(self, video: bool = False, threads: int = 2, model: str | Path | None = None):
        path = Path(model or landmark_onnx())
        try:
            self._session = ort_session(str(path), threads)
            names = [o.name for o in self._session.get_outputs()]
            model_input = self._session.get_inputs()[0]
            if model_input.shape != [1, MODEL_SIDE, MODEL_SIDE, 3] or len(names) < 2:
                raise ValueError("not 224 x 224 RGB in, points and presence out")
        except Exception as exc:  # ONNX Runtime raises its own exception types
            raise LandmarksUnavailable(f"{path}: not a hand landmark model ({str(exc)[:200]})") from exc
        self._input = model_input.name
        # 21 x 3 points in model pixels, the hand-presence score, and which hand it is
        self._outputs = names[:3]
        # the 8-bit model reads the patch's 0-255 pixels as they are, the float model 0-1
        reads_bytes = model_input.type == "tensor(uint8)"
        self._pixels = None if reads_bytes else np.empty((1, MODEL_SIDE, MODEL_SIDE, 3), np.float32)
        self.video = video
        self._last: np.ndarray | None = None  # the previous frame's points (video)
        self._box: Box | None = None          # ... and the box they were read through
        # the last look's handedness score: above 0.5 a right hand in a mirrored (selfie) image,
        # as MediaPipe documents it, so the signer's left hand in the camera's own image
        self.handedness = 0.5

    def run(self, patch: np.ndarray) -> tuple[np.ndarray, float]:
        """The model's points (21 x 3, in its 224 px input's pixels) and hand-presence score."""
        if self._pixels is None:
            pixels = patch[None]
        else:
            pixels = self._pixels
            np.multiply(patch, np.float32(1 / 255), out=pixels[0])
        found, presence, *handedness = self._session.run(self._outputs, {self._input: pixels})
        self.handedness = float(handedness[0].reshape(-1)[0]) if handedness else 0.5
        return found.reshape(POINTS, 3), float(presence.reshape(-1)[0])

    def look(self, rgb: np.ndarray, box: Box) -> tuple[np.ndarray, float]:
        """Points (21 x 3 in pixels of `rgb`, z on x's scale) and the hand-presence score in a box."""
        patch, to_image = model_patch(rgb, box)
        found, presence = self.run(patch)
        points = np.empty((POINTS, 3), np.float32)
        points[:, :2] = found[:, :2] @ to_image[:, :2].T + to_image[:, 2]
        points[:, 2] = found[:, 2] * (box[2] / MODEL_SIDE)
        return points, presence

    def photo_boxes(self, rgb: np.ndarray) -> list[Box]:
        """The boxes a photo's two looks take: the whole crop, and the box around the hand
        where the first look finds one (what the offline tools cut their patches along)."""
        boxes = [whole_crop(rgb)]
        points, presence = self.look(rgb, boxes[0])
        if presence >= MIN_PRESENCE:
            boxes.append(box_around(points))
        return boxes

    def find_canonical(self, rgb: np.ndarray) -> np.ndarray | None:
        """Points (21 x 3: x, y and depth z in pixels of this crop) in canonical RGB pixels.

        A photo gets two looks (the whole crop, then the box around the hand); video one a
        frame: at the box around the previous frame's points (`steady`: the same box while the
        hand barely moves), or the whole crop, whose points are read as they are (a second look
        gained nothing there: docs/measurements.md)."""
        if self.video and self._last is not None:
            self._box = steady(self._box, box_around(self._last))
            points, presence = self.look(rgb, self._box)
        else:
            self._box = None
            points, presence = self.look(rgb, whole_crop(rgb))
            if presence >= MIN_PRESENCE and not self.video:
                points, presence = self.look(rgb, box_around(points))
        self._last = points if presence >= MIN_PRESENCE else None
        return self._last

    def find(self, bgr: np.ndarray, canonical: np.ndarray | None = None) -> np.ndarray | None:
        """Points (21 x 3, in the pixels of this crop) in a BGR crop of any size; `canonical`:
        its `canonical_rgb`, when the caller has made it already."""
        points = self.find_canonical(canonical_rgb(bgr) if canonical is None else canonical)
        if points is not None:
            points = points * (np.array([bgr.shape[1], bgr.shape[0], bgr.shape[1]], np.float32) / CANONICAL_SIZE)
        return points

    def close(self) -> None:
        self._last = self._box = None


def features(points: np.ndarray) -> np.ndarray:
    """21 x 3 points (or N x 21 x 3) -> 63 numbers that ignore where the hand is and its size:
    relative to the wrist, divided by the distance to the farthest point in the image plane."""
    p = np.asarray(points, np.float32)
    p = p - p[..., :1, :]
    scale = np.linalg.norm(p[..., :2], axis=-1).max(axis=-1)[..., None, None]
    return (p / np.maximum(scale, 1e-6)).reshape(*p.shape[:-2], FEATURES)
