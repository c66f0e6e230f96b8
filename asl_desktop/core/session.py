"""One live session: frame in -> crop, prediction and spelling out (no Qt).

The window's inference worker and `transcribe` both feed frames to a `LiveSession`, so the
same video gives the same text in both. The window's commands (pause, clear, backspace,
thresholds, region, model) arrive from the GUI thread while frames are processed on the
inference thread: every method takes the session's lock.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from .recognizer import Classifier, FrameResult, Recognizer
from .region import GuideBox
from .speller import Speller, SpellerState


@dataclass
class Step:
    """What one frame produced, for the view to show."""
    result: FrameResult
    spelling: SpellerState | None  # None while paused
    text: str
    fps: float                     # frames processed per second, over the last 30


class LiveSession:
    def __init__(self, speller: Speller, guide: GuideBox | None = None, mirror: bool = False,
                 auto: bool = False, classifier: Classifier | None = None):
        self._lock = threading.Lock()
        self.speller = speller
        self.recognizer = Recognizer(classifier, guide, mirror, auto) if classifier else None
        self._region = (guide or GuideBox(), mirror, auto)
        self.paused = False
        self._times: deque[float] = deque(maxlen=30)

    @property
    def ready(self) -> bool:
        return self.recognizer is not None

    @property
    def text(self) -> str:
        with self._lock:
            return self.speller.text

    def process(self, image: np.ndarray, timestamp: float) -> Step:
        """Classify one frame and, unless paused, feed the speller. Needs a model (`use`)."""
        with self._lock:
            result = self.recognizer.process(image, timestamp)
            p = result.prediction
            spelling = None if self.paused else self.speller.update(timestamp, p.probs)
            self._times.append(time.monotonic())
            span = self._times[-1] - self._times[0]
            fps = (len(self._times) - 1) / span if span > 0 else 0.0
            return Step(result, spelling, self.speller.text, fps)

    def use(self, classifier: Classifier) -> None:
        """Switch models; the text and the region stay."""
        with self._lock:
            self.recognizer = Recognizer(classifier, *self._region)

    def set_region(self, guide: GuideBox | None = None, mirror: bool | None = None,
                   auto: bool | None = None) -> None:
        with self._lock:
            old_guide, old_mirror, old_auto = self._region
            self._region = (guide or old_guide, old_mirror if mirror is None else mirror,
                            old_auto if auto is None else auto)
            if self.recognizer is not None:
                self.recognizer.guide, self.recognizer.mirror, self.recognizer.auto = self._region

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self.paused = paused
            self.speller.reset_hold()
            self._times.clear()

    def restart(self) -> None:
        """A new source: forget the letter being held and the frame rate, keep the text."""
        with self._lock:
            self.speller.reset_hold()
            self._times.clear()

    def set_threshold(self, value: float) -> None:
        with self._lock:
            self.speller.threshold = value

    def set_hold(self, value: float) -> None:
        with self._lock:
            self.speller.hold = value

    def clear(self) -> None:
        with self._lock:
            self.speller.clear()

    def backspace(self) -> None:
        with self._lock:
            self.speller.backspace()
