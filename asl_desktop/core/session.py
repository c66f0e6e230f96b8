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

from asl_runtime.finder import HandReader, Which

from .recognizer import Classifier, FrameResult, Recognizer
from .region import GuideBox
from .speller import DEFAULT_PATIENCE, MOTION_WINDOW, Speller, SpellerState
from .words import Vocabulary, autocorrect, suggest


@dataclass
class Step:
    """What one frame produced, for the view to show."""
    result: FrameResult
    spelling: SpellerState | None  # None while paused
    text: str
    fps: float                     # frames processed per second, over the last 30
    suggestions: list[str] | None = None     # new suggestions after a commit (None: unchanged)
    corrected: tuple[str, str] | None = None  # (as spelled, replaced by) when a finished word was corrected
    drawn: tuple[str, float] | None = None    # not spelling (Practice): the J/Z motion model's read of the
    #                                           hand's path over the last MOTION_WINDOW s (label, probability)
    restarted: bool = False                   # this frame, a new source's first, started a new word


class LiveSession:
    def __init__(self, speller: Speller, guide: GuideBox | None = None, mirror: bool = False,
                 anywhere: bool = True, classifier: Classifier | None = None, vocabulary: Vocabulary | None = None,
                 hands: HandReader | None = None):
        self._lock = threading.Lock()
        self.speller = speller
        self.vocabulary = vocabulary
        self.autocorrect = False        # replace a finished word by a clearly more likely one
        self.space_accepts = False      # the space sign takes the top suggestion
        self.suggestions: list[str] = []
        self.transcript = speller.transcript
        self._region = (guide or GuideBox(), mirror, anywhere)
        self.hands = hands
        self._which: Which = hands.which if hands is not None else None
        self.recognizer = Recognizer(classifier, *self._region, hands) if classifier else None
        self.paused = False
        self.spelling = True  # False while frames are recorded as samples: read, not spelled
        self._times: deque[float] = deque(maxlen=30)
        self._trail: deque[tuple[float, np.ndarray]] = deque()  # not spelling: the hand's recent points
        self._restart_pending = False  # a new source opened: its first frame starts a new word

    @property
    def ready(self) -> bool:
        return self.recognizer is not None

    @property
    def text(self) -> str:
        with self._lock:
            return self.transcript.text

    def current_word(self) -> str:
        """The word being spelled, else the last one finished."""
        with self._lock:
            return self.transcript.last_word

    def process(self, image: np.ndarray, timestamp: float) -> Step:
        """Classify one frame and, unless paused, feed the speller. Needs a model (`use`)."""
        with self._lock:
            if self.recognizer is None:
                raise RuntimeError("no model loaded yet")
            restarted = self._restart_pending
            new_word = self._restart() if restarted else None
            result = self.recognizer.process(image, timestamp)
            p = result.prediction
            spelling = (self.speller.update(timestamp, p.probs, p.source == "landmarks", result.points)
                        if self.spelling and not self.paused else None)
            drawn = self._drawn(timestamp, result.points) if not self.spelling and not self.paused else None
            self._times.append(time.monotonic())
            span = self._times[-1] - self._times[0]
            fps = (len(self._times) - 1) / span if span > 0 else 0.0
            suggestions = corrected = None
            if spelling is not None and spelling.committed:
                if spelling.committed == "space":
                    corrected = self._correct_finished()
                suggestions = self._suggest()
            return Step(result, spelling, self.transcript.text, fps, [] if restarted and suggestions is None else suggestions,
                        corrected or new_word, drawn, restarted)

    def _drawn(self, timestamp: float, points: np.ndarray | None) -> tuple[str, float] | None:
        """J or Z read from the hand's path over the last MOTION_WINDOW seconds (here, on the
        inference thread), for Practice, which reads frames without spelling them."""
        if points is None or self.speller.motion is None:
            self._trail.clear()
            return None
        self._trail.append((timestamp, points))
        while timestamp - self._trail[0][0] > MOTION_WINDOW:
            self._trail.popleft()
        return self.speller.motion.read(np.stack([q for _, q in self._trail]))

    def _suggest(self) -> list[str]:
        evidence = self.transcript.evidence
        self.suggestions = ([s.word for s in suggest(self.vocabulary, evidence)]
                            if self.vocabulary is not None and evidence else [])
        return self.suggestions

    def _correct_finished(self) -> tuple[str, str] | None:
        """After a space (or the source's end): the top suggestion (space_accepts) or a clearly
        better word (autocorrect); Backspace right after undoes it."""
        evidence, spelled = self.transcript.finished, self.transcript.last_word
        if self.vocabulary is None or not evidence or len(evidence) != len(spelled):
            return None
        new: str | None
        if self.space_accepts and self.suggestions:
            new = self.suggestions[0]
        elif self.autocorrect:
            new = autocorrect(self.vocabulary, evidence)
        else:
            return None
        if not new or new == spelled:
            return None
        self.transcript.correct_finished(new)
        return spelled, new

    def finish_word(self) -> tuple[str, str] | None:
        """The source ended mid-word: treat the last word as finished (autocorrect applies)."""
        with self._lock:
            return self._finish_word()

    def _finish_word(self) -> tuple[str, str] | None:
        return self._correct_finished() if self.transcript.finish_word() else None

    def accept(self, word: str) -> str:
        """Put a suggestion in place of the word being spelled, then a space; returns the text."""
        with self._lock:
            self.suggestions = []
            return self.transcript.accept(word)

    def add_word(self, word: str) -> None:
        """A word of the user's into the vocabulary in use (it is saved by `words.add_user_word`)."""
        with self._lock:
            if self.vocabulary is not None:
                self.vocabulary.add(word)

    def set_words(self, vocabulary: Vocabulary | None = None, autocorrect: bool | None = None,
                  space_accepts: bool | None = None) -> None:
        with self._lock:
            self.vocabulary = vocabulary or self.vocabulary
            self.autocorrect = self.autocorrect if autocorrect is None else autocorrect
            self.space_accepts = self.space_accepts if space_accepts is None else space_accepts

    def use(self, classifier: Classifier) -> None:
        """Switch picture models; the text, the region and the hand reader stay."""
        with self._lock:
            self.recognizer = Recognizer(classifier, *self._region, self.hands)

    def use_hands(self, hands: HandReader | None) -> HandReader | None:
        """Read letters from hand landmarks with this reader (None: from the picture alone);
        returns the reader it replaces, for the caller to close."""
        with self._lock:
            old, self.hands = self.hands, hands
            if hands is not None:
                hands.which = self._which
            if self.recognizer is not None:
                self.recognizer.hands = hands
            return old

    def set_hand(self, which: Which) -> None:
        """With two hands in view, read the signer's "right" or "left" one (None: either)."""
        with self._lock:
            self._which = which
            if self.hands is not None:
                self.hands.which = which

    def set_region(self, guide: GuideBox | None = None, mirror: bool | None = None,
                   anywhere: bool | None = None) -> None:
        with self._lock:
            old_guide, old_mirror, old_anywhere = self._region
            self._region = (guide or old_guide, old_mirror if mirror is None else mirror,
                            old_anywhere if anywhere is None else anywhere)
            if self.recognizer is not None:
                self.recognizer.guide, self.recognizer.mirror, self.recognizer.anywhere = self._region

    def restore_text(self, text: str) -> None:
        """Text from before (the last run, an undone New sentence) in place of the text now."""
        with self._lock:
            self.transcript.clear()
            self.transcript.text = text
            self.speller.start_over()
            self.suggestions = []

    def set_spelling(self, on: bool) -> None:
        """Spell from the frames read, or only read them (My signs records them as samples)."""
        with self._lock:
            self.spelling = on
            self.speller.reset_hold()

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self.paused = paused
            self.speller.reset_hold()
            self._times.clear()

    def restart(self) -> tuple[str, str] | None:
        """A new source starts a new word: the text stays, its last word is finished (autocorrect
        applies; returned as in `finish_word`) and a space follows it; the letter being held, the
        hand followed and the frame rate are forgotten."""
        with self._lock:
            return self._restart()

    def restart_with_next_frame(self) -> None:
        """`restart` just before the next frame is read: a new source's first frame starts the new
        word, in order with the frames (a source that never sends one leaves the text alone)."""
        with self._lock:
            self._restart_pending = True

    def _restart(self) -> tuple[str, str] | None:
        self._restart_pending = False
        corrected = self._finish_word()
        self.transcript.break_word()
        self.speller.start_over()
        self.suggestions = []
        self._times.clear()
        self._trail.clear()
        if self.recognizer is not None:
            self.recognizer.forget_hand()
        return corrected

    def set_guessing(self, on: bool) -> None:
        """Commit an unclear letter held still as a best guess (the speller's patience), or never."""
        with self._lock:
            self.speller.patience = DEFAULT_PATIENCE if on else 0.0

    def set_settle(self, on: bool) -> None:
        """Commit a letter when the hand settles on it (any pace), or only once held (`hold`)."""
        with self._lock:
            self.speller.settle = on
            self.speller.reset_hold()

    def set_threshold(self, value: float) -> None:
        with self._lock:
            self.speller.threshold = value

    def set_hold(self, value: float) -> None:
        with self._lock:
            self.speller.hold = value

    def clear(self) -> None:
        with self._lock:
            self.transcript.clear()
            self.speller.start_over()
            self.suggestions = []

    def backspace(self) -> str:
        """Right after a correction or an accepted suggestion: undo it. Otherwise delete a
        character. The suggestions follow the word being spelled."""
        with self._lock:
            text = self.transcript.backspace()
            self._suggest()  # the word being spelled, one letter shorter (none after an undo)
            return text
