"""Frame -> hand crop -> model -> prediction; shared by the live tab and `transcribe`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from asl_runtime.hands import HandReader
from asl_runtime.labels import CLASSES
from asl_runtime.model_files import PictureModel
from asl_runtime.preprocess import CANONICAL_SIZE, canonical_rgb, shrink
from asl_runtime.shipped import onnx_for

from .region import GuideBox, HandTracker, crop


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
    pixels: np.ndarray             # the 28x28 RGB input the model saw
    prediction: Prediction
    timestamp: float
    latency_ms: float              # crop + preprocess + inference
    points: np.ndarray | None = None  # the hand's 21 landmarks (x, y in the frame as shown), when read from them
    mirrored: bool = False         # shown mirrored (selfie view)


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


class Recognizer:
    """Finds the crop (tracker or guide box) and classifies it:
    from the hand's landmarks when a `HandReader` is given and finds a hand, else from the
    picture.

    The boxes are in the frame as the user sees it, mirrored when asked (the view mirrors the
    image as it draws it); the models always see the crop unmirrored, so the mirror setting
    changes what the user sees, never what is spelled: the window and `transcribe` agree on
    the same video.

    A frame is read from the picture or from the hand's shape, never both: on a frame where
    the `HandReader` looked for a hand (every third, while none is in view) and found none,
    the previous frame's picture read stands (docs/measurements.md, Speed).
    """

    def __init__(self, classifier: Classifier, guide: GuideBox | None = None,
                 mirror: bool = False, auto: bool = False, hands: HandReader | None = None):
        self.classifier = classifier
        self.guide = guide or GuideBox()
        self.mirror = mirror
        self.auto = auto
        self.hands = hands
        self.tracker = HandTracker()
        self._picture: Prediction | None = None  # the previous frame's picture read, if it was one

    def forget_hand(self) -> None:
        """A new source: the hand followed so far (skin tracker, landmark box) is looked for afresh."""
        self.tracker.reset()
        if self.hands is not None:
            self.hands.close()

    def process(self, image: np.ndarray, timestamp: float = 0.0) -> FrameResult:
        started = time.perf_counter()
        h, w = image.shape[:2]
        found = self.tracker.find(image) if self.auto else None  # in the camera's image
        tracked = found is not None
        if found is not None and self.mirror:
            found = (w - found[0] - found[2], found[1], found[2])
        box = found or self.guide.to_pixels(w, h)
        x, y, side = box  # the models see the crop as the camera did: mirroring is for the viewer
        hand = crop(image, (w - x - side, y, side) if self.mirror else box)
        size = self.classifier.input_size
        canon = canonical_rgb(hand, max(CANONICAL_SIZE, size))  # the path every training photo took
        pixels = shrink(canon, size)
        read = self.hands.read(hand, canon if size <= CANONICAL_SIZE else None) if self.hands else None
        points, picture = None, None
        if read is None and self.hands is not None and self.hands.looked and self._picture is not None:
            prediction = self._picture  # this frame's time went to looking for a hand
        elif read is None:
            prediction = picture = self.classifier.predict_pixels(pixels)
        else:
            points, probs = read
            prediction = Prediction.from_probs(probs, "landmarks")
            points = points[:, :2] + box[:2]
            if self.mirror:  # the points were found in the unmirrored crop
                points[:, 0] = 2 * box[0] + hand.shape[1] - points[:, 0]
        self._picture = picture
        latency = (time.perf_counter() - started) * 1000
        return FrameResult(image, box, tracked, hand, pixels, prediction, timestamp, latency, points, self.mirror)
