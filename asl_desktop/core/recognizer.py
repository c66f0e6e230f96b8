"""Frame -> hand crop -> model -> prediction; shared by the live tab and `transcribe`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from asl_runtime.finder import HandReader
from asl_runtime.labels import CLASSES
from asl_runtime.model_files import PictureModel
from asl_runtime.preprocess import CANONICAL_SIZE, canonical_rgb, shrink
from asl_runtime.shipped import onnx_for

from .region import GuideBox, clamp_square, crop


def one_thread_a_frame() -> None:
    """OpenCV on one thread (process-wide), for one frame at a time: the GUI, capture and the
    landmark look keep the other core; OpenCV's own pool stretched the slowest frames
    (docs/measurements.md, Speed). Training runs in a process of its own."""
    cv2.setNumThreads(1)


@dataclass
class Prediction:
    label: str
    confidence: float
    top: list[tuple[str, float]]  # best first
    probs: dict[str, float]        # every class, calibrated (the speller averages these)
    source: str = "picture"        # what was read: "picture" (the CNN) or "landmarks" (the hand's shape)

    @classmethod
    def from_probs(cls, probs, source: str, k: int = 5) -> Prediction:
        """From a probability per class (CLASSES order)."""
        by_class = dict(zip(CLASSES, (float(p) for p in probs)))
        top = sorted(by_class.items(), key=lambda lp: -lp[1])[:k]
        return cls(top[0][0], top[0][1], top, by_class, source)


@dataclass
class FrameResult:
    frame: np.ndarray              # the camera's image, BGR (the view mirrors it when `mirrored`)
    box: tuple[int, int, int]      # x, y, side of the crop in the frame as shown
    tracked: bool                  # True when the box follows a detected hand
    hand: np.ndarray               # the BGR crop before resizing, unmirrored (recorded as a sample)
    pixels: np.ndarray | None      # the 28x28 RGB input the picture model saw; None when read from the hand's points
    prediction: Prediction
    timestamp: float
    latency_ms: float              # crop + preprocess + inference
    points: np.ndarray | None = None  # the hand's 21 landmarks (x, y in the frame as shown), when read from them
    mirrored: bool = False         # shown mirrored (selfie view)
    which: str | None = None       # the hand read: "right" or "left" (the signer's), when one is found


class Classifier:
    """The picture model ready for single-crop reads (ONNX Runtime, one thread)."""

    def __init__(self, model: PictureModel):
        self.model = model

    @classmethod
    def from_path(cls, path: str | Path) -> Classifier:
        """From an ONNX file, or the export beside a torch checkpoint (`shipped.onnx_for`)."""
        return cls(PictureModel.load(onnx_for(path)))

    @property
    def input_size(self) -> int:
        return self.model.input_size

    def predict_pixels(self, pixels: np.ndarray, k: int = 5) -> Prediction:
        return Prediction.from_probs(self.model.probs(pixels[None])[0], "picture", k)


def hand_square(points: np.ndarray, width: int, height: int, margin: float = 1.3) -> tuple[int, int, int]:
    """The square around a hand's points, with a margin, kept inside the frame: the crop a
    My signs sample keeps and the view draws."""
    lo, hi = points[:, :2].min(0), points[:, :2].max(0)
    side = int(max(hi - lo) * margin)
    cx, cy = (lo + hi) / 2
    return clamp_square(int(cx - side / 2), int(cy - side / 2), side, width, height)


class Recognizer:
    """Finds the hand and reads its letter: from the hand's landmarks when a `HandReader` is
    given and finds a hand (anywhere in the frame with `anywhere`, else inside the guide box),
    else from the picture in the guide box.

    The boxes are in the frame as the user sees it, mirrored when asked (the view mirrors the
    image as it draws it); the models always see the camera's image unmirrored, so the mirror
    setting changes what the user sees, never what is spelled: the window and `transcribe`
    agree on the same video.

    A frame is read from the picture or from the hand's shape, never both: on a frame where
    the `HandReader` looked for a hand (every third, while none is in view) and found none,
    the previous frame's picture read stands (docs/measurements.md, Speed).
    """

    def __init__(self, classifier: Classifier, guide: GuideBox | None = None,
                 mirror: bool = False, anywhere: bool = True, hands: HandReader | None = None):
        self.classifier = classifier
        self.guide = guide or GuideBox()
        self.mirror = mirror
        self.anywhere = anywhere
        self.hands = hands
        self._picture: Prediction | None = None  # the previous frame's picture read, if it was one

    def forget_hand(self) -> None:
        """A new source: the hand followed so far is looked for afresh."""
        if self.hands is not None:
            self.hands.close()

    def _flip(self, box: tuple[int, int, int], width: int) -> tuple[int, int, int]:
        """A square between the camera's image and the view (mirrored or not)."""
        x, y, side = box
        return (width - x - side, y, side) if self.mirror else box

    def process(self, image: np.ndarray, timestamp: float = 0.0) -> FrameResult:
        started = time.perf_counter()
        h, w = image.shape[:2]
        guide = self._flip(self.guide.to_pixels(w, h), w)  # in the camera's image
        read = None
        if self.hands is not None:
            read = self.hands.read(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), guide, self.anywhere)
        points, picture = None, None
        box = guide if read is None else hand_square(read[0].points, w, h)
        hand = crop(image, box)
        pixels = None  # a frame read from the hand's points skips the picture's path (0.3 ms)
        if read is None:
            size = self.classifier.input_size
            pixels = shrink(canonical_rgb(hand, max(CANONICAL_SIZE, size)), size)  # as every training photo
        if read is None and self.hands is not None and self.hands.looked and self._picture is not None:
            prediction = self._picture  # this frame's time went to looking for a hand
        elif pixels is not None:
            prediction = picture = self.classifier.predict_pixels(pixels)
        else:
            assert read is not None  # the picture's input is made whenever no hand was read
            prediction = Prediction.from_probs(read[1], "landmarks")
            points = read[0].points[:, :2].copy()
            if self.mirror:
                points[:, 0] = w - points[:, 0]
        self._picture = picture
        latency = (time.perf_counter() - started) * 1000
        which = None if read is None else "right" if read[0].right else "left"
        return FrameResult(image, self._flip(box, w), read is not None, hand, pixels, prediction, timestamp,
                           latency, points, self.mirror, which)
