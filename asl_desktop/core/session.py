"""One live session: frame in -> crop, prediction and spelling out (no Qt).

The window's inference worker and `transcribe` both feed frames to a `LiveSession`, so the
same video gives the same text in both. The window's commands (pause, clear, backspace,
thresholds, region, model) arrive from the GUI thread while frames are processed on the
inference thread: every method takes the session's lock. Ranking word suggestions after a
commit takes up to a few hundred ms: `transcribe` does it inline, the window (`defer_words`)
on a thread of its own through `update_words`, so no frame waits for it.
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
    words_due: bool = False  # a commit whose suggestions are left to `update_words` (defer_words)


@dataclass
class WordsUpdate:
    """New suggestions after a commit, and the correction of the word a space finished."""
    suggestions: list[str]
    corrected: tuple[str, str] | None
    finished_word: str | None  # the word a space finished, as it stands now (None after a letter)


@dataclass
class _WordsJob:
    text: str                      # the text when the job was made: a changed text makes it stale
    evidence: list                 # the commits of the word being spelled
    finished: list | None          # the commits of the word a space just finished
    spelled: str                   # that finished word as spelled
    vocabulary: Vocabulary | None
    autocorrect: bool
    space_accepts: bool

    def rank(self) -> tuple[list[str], str | None]:
        """Suggestions for the word being spelled, and the replacement of the finished one (if any)."""
        vocab = self.vocabulary
        if vocab is None:
            return [], None
        suggestions = [s.word for s in suggest(vocab, self.evidence)] if self.evidence else []
        new = None
        if self.finished and len(self.finished) == len(self.spelled):
            if self.space_accepts:
                best = suggest(vocab, self.finished, k=1)
                new = best[0].word if best else None
            elif self.autocorrect:
                new = autocorrect(vocab, self.finished)
        return suggestions, (new if new != self.spelled else None)


class LiveSession:
    def __init__(self, speller: Speller, guide: GuideBox | None = None, mirror: bool = False,
                 auto: bool = False, classifier: Classifier | None = None, vocabulary: Vocabulary | None = None):
        self._lock = threading.Lock()
        self.speller = speller
        self.vocabulary = vocabulary
        self.autocorrect = False        # replace a finished word by a clearly more likely one
        self.space_accepts = False      # the space sign takes the top suggestion
        self.suggestions: list[str] = []
        self._undo: tuple[str, str] | None = None  # (text before, text after) of the last correction
        self.recognizer = Recognizer(classifier, guide, mirror, auto) if classifier else None
        self._region = (guide or GuideBox(), mirror, auto)
        self.paused = False
        self.defer_words = False        # leave suggestions to `update_words` (the window's words thread)
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
            step = Step(result, spelling, self.speller.text, fps)
            if spelling is not None and spelling.committed:
                self._undo = None
                if self.defer_words:
                    step.words_due = True
                else:
                    job = self._words_job(spelling.committed == "space")
                    update = self._apply(job, *job.rank())
                    step.suggestions, step.corrected, step.text = update.suggestions, update.corrected, self.speller.text
            return step

    def update_words(self, after_space: bool) -> WordsUpdate | None:
        """Rank suggestions (and correct the word a space finished) without holding the lock
        while ranking; None when the text changed meanwhile (a newer commit will ask again)."""
        with self._lock:
            job = self._words_job(after_space)
        suggestions, new = job.rank()
        with self._lock:
            return self._apply(job, suggestions, new) if self.speller.text == job.text else None

    def _words_job(self, after_space: bool) -> _WordsJob:
        text = self.speller.text
        return _WordsJob(text, list(self.speller.evidence), list(self.speller.finished) if after_space else None,
                         text.rstrip(" ").rsplit(" ", 1)[-1], self.vocabulary, self.autocorrect, self.space_accepts)

    def _apply(self, job: _WordsJob, suggestions: list[str], new: str | None) -> WordsUpdate:
        self.suggestions = suggestions
        corrected = None
        if new:
            before = self.speller.text
            self.speller.replace_word(new, end=True)
            self._undo = (before, self.speller.text)
            corrected = (job.spelled, new)
        finished = self.speller.text.rstrip(" ").rsplit(" ", 1)[-1] if job.finished is not None else None
        return WordsUpdate(suggestions, corrected, finished)

    def finish_word(self) -> tuple[str, str] | None:
        """The source ended mid-word: treat the last word as finished (autocorrect applies)."""
        with self._lock:
            if not self.speller.evidence:
                return None
            self.speller.finished, self.speller.evidence = self.speller.evidence, []
            self.speller.text += " "
            job = self._words_job(after_space=True)
            corrected = self._apply(job, *job.rank()).corrected
            self.speller.text = self.speller.text[:-1]
            return corrected

    def accept(self, word: str) -> str:
        """Put a suggestion in place of the word being spelled, then a space; returns the text."""
        with self._lock:
            before = self.speller.text
            self.speller.replace_word(word, end=False)
            self.speller.text += " "
            self.speller.evidence = []
            self._undo = (before, self.speller.text)
            self.suggestions = []
            return self.speller.text

    def set_words(self, vocabulary: Vocabulary | None = None, autocorrect: bool | None = None,
                  space_accepts: bool | None = None) -> None:
        with self._lock:
            self.vocabulary = vocabulary or self.vocabulary
            self.autocorrect = self.autocorrect if autocorrect is None else autocorrect
            self.space_accepts = self.space_accepts if space_accepts is None else space_accepts

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
            self.suggestions, self._undo = [], None

    def backspace(self) -> str:
        """Right after a correction or an accepted suggestion: undo it. Otherwise delete a character."""
        with self._lock:
            if self._undo is not None and self.speller.text == self._undo[1]:
                self.speller.text = self._undo[0]
                self.speller.evidence = []
            else:
                self.speller.backspace()
            self._undo = None
            return self.speller.text
