"""Capture and inference workers: QObjects living on their own QThreads.

The capture worker reads frames as the source gives them and keeps only the newest in a
`FrameSlot`; the inference worker is poked by a signal and always takes the newest frame.
From a camera a slow step then drops frames instead of building up latency; a file's next
frame waits until the last one is read, so a file is read frame by frame, as `transcribe`
reads it, and spelled the same however busy the machine is.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from asl_runtime.finder import HandReader
from asl_runtime.hands import LandmarksUnavailable
from asl_runtime.model_files import ModelFileError
from asl_runtime.shipped import default_model, landmark_model_for

from .core.frames import Frame, FrameSource, SourceError, is_camera_spec, open_source
from .core.recognizer import one_thread_a_frame
from .core.session import LiveSession
from .core.words import MAX_USER_WORDS, Vocabulary, user_words_path
from .crash import crash_log_path, log_exception, summary
from .live_models import load_hands, load_picture_model

RECONNECT_SECONDS = 2.0


class FrameSlot:
    """Holds only the newest frame; thread-safe. Frames are numbered as they are put; the
    reader says which it has finished with (`done`), and a writer can wait for that."""

    def __init__(self):
        self._changed = threading.Condition()
        self._frame: Frame | None = None
        self._seq = 0
        self._done = 0

    def put(self, frame: Frame) -> int:
        """Hold `frame` in place of any frame not taken yet; returns its number."""
        with self._changed:
            self._frame, self._seq = frame, self._seq + 1
            return self._seq

    def take_newer(self, seen: int) -> tuple[Frame | None, int]:
        with self._changed:
            return (self._frame, self._seq) if self._seq > seen else (None, seen)

    def done(self, seq: int) -> None:
        """The reader has finished with frame `seq` (and every one before it)."""
        with self._changed:
            self._done = max(self._done, seq)
            self._changed.notify_all()

    def wait_done(self, seq: int, stop: threading.Event) -> None:
        """Until the reader has finished with frame `seq`, or `stop` is set."""
        with self._changed:
            while self._done < seq and not stop.is_set():
                self._changed.wait(0.05)


class CaptureWorker(QObject):
    """Reads one source in a loop on its thread. Cameras that fail are retried."""

    opened = Signal(str, int, int)   # description, width, height
    problem = Signal(str)            # plain-words message for the view
    ended = Signal(str)              # a file source reached its end
    frame_ready = Signal()

    def __init__(self, spec: str | int, slot: FrameSlot, folder_fps: float = 5.0):
        super().__init__()
        self.spec, self.slot, self.folder_fps = spec, slot, folder_fps
        self._stop = threading.Event()
        self._paused = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def set_paused(self, paused: bool) -> None:
        (self._paused.set if paused else self._paused.clear)()

    @property
    def is_camera(self) -> bool:
        return is_camera_spec(self.spec)

    def _open(self) -> FrameSource | None:
        try:
            return open_source(self.spec, self.folder_fps)
        except SourceError as exc:
            hint = (" Connect a camera, or use File > Open video file... or Open image folder...; "
                    "retrying..." if self.is_camera else "")
            self.problem.emit(f"{exc}{hint}")
            return None

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # a broken decoder or driver: say so instead of going quiet
            self.problem.emit(f"The video stopped: {log_exception(exc, 'capture')}. "
                              f"Open the source again, or another one. Details: {crash_log_path()}")

    def _run(self) -> None:
        while not self._stop.is_set():
            source = self._open()
            if source is None:
                if not self.is_camera:
                    return  # a bad file will not get better by retrying
                self._stop.wait(RECONNECT_SECONDS)
                continue
            with source:
                self._stream(source)
            if not source.realtime or self._stop.is_set():
                return
            self.problem.emit(f"{source.description} stopped sending images (unplugged?). Reconnecting...")
            self._stop.wait(RECONNECT_SECONDS)

    def _stream(self, source: FrameSource) -> None:
        first = True
        started, t0 = time.monotonic(), None
        while not self._stop.is_set():
            if self._paused.is_set():
                self._stop.wait(0.05)
                started, t0 = time.monotonic(), None
                continue
            frame = source.read()
            if frame is None:
                if not source.realtime:
                    self.ended.emit(f"End of {source.description}")
                return
            if first:
                h, w = frame.image.shape[:2]
                self.opened.emit(source.description, w, h)
                first = False
            if not source.realtime:  # play files at their own rate
                t0 = frame.timestamp if t0 is None else t0
                delay = (frame.timestamp - t0) - (time.monotonic() - started)
                if delay > 0:
                    self._stop.wait(delay)
            seq = self.slot.put(frame)
            self.frame_ready.emit()
            if not source.realtime:  # every frame of a file is read, however long that takes
                self.slot.wait_done(seq, self._stop)


class InferenceWorker(QObject):
    """Runs the live session on the newest frame whenever poked."""

    result = Signal(object)          # session.Step
    failed = Signal(str)             # a frame could not be classified; the next one is tried
    note = Signal(str)               # a line for the status bar (nothing failed)
    model_loaded = Signal(str, str)  # path, architecture
    model_failed = Signal(str, str)  # path, message; the previous model stays
    hands_changed = Signal(bool, str)  # reading hand landmarks or not; a line saying so

    def __init__(self, slot: FrameSlot, session: LiveSession):
        super().__init__()
        one_thread_a_frame()
        self.slot, self.session = slot, session
        self._seen = 0
        self._last_error: str | None = None
        self._model_path: str | None = None
        self._landmarks_on = False
        self._hands_path = None  # the landmark model read now

    @Slot(str)
    def load_model(self, path: str) -> None:
        try:
            classifier = load_picture_model(path)
        except ModelFileError as exc:
            self.model_failed.emit(path, str(exc))
            return
        except Exception as exc:
            self.model_failed.emit(path, f"{path}: cannot use this model ({log_exception(exc, 'model loading')})")
            return
        self.session.use(classifier)
        self._model_path = path
        self._load_hands()
        if self.session.vocabulary is None:  # the word list, once, off the GUI thread
            try:
                vocabulary = Vocabulary.english()
                self.session.set_words(vocabulary=vocabulary)
                if vocabulary.user_words_left_out:
                    self.note.emit(f"Your own word list ({user_words_path()}) is long: the first {MAX_USER_WORDS:,} "
                                   f"words are used, {vocabulary.user_words_left_out:,} left out")
            except Exception as exc:  # spelling goes on without suggestions: say so, do not stop
                self.failed.emit(f"Word suggestions and autocorrect are off: {log_exception(exc, 'word list')}. "
                                 f"Details: {crash_log_path()}")
        self.model_loaded.emit(path, classifier.model.arch)

    @Slot(bool)
    def set_landmarks(self, on: bool) -> None:
        """Read letters from the hand's landmarks where a hand is found, or from the picture alone."""
        self._landmarks_on = on
        self._load_hands()

    def _load_hands(self) -> None:
        """(Re)load the landmark model that goes with the model in use (see landmark_model_for)."""
        path = landmark_model_for(self._model_path or default_model()) if self._landmarks_on else None
        if path is not None and path == self._hands_path:
            return
        reader: HandReader | None = None
        message = "Reading letters from the picture (hand landmarks are off)"
        if path is not None:
            try:
                reader = load_hands(self._model_path or default_model())
                message = "Reading letters from the hand's shape (landmarks), from the picture when no hand is found"
            except (LandmarksUnavailable, ModelFileError) as exc:
                message = f"Reading letters from the picture only: {exc}"
            except Exception as exc:
                message = f"Reading letters from the picture only: {log_exception(exc, 'hand landmarks')}"
        old = self.session.use_hands(reader)
        if old is not None:
            old.close()
        self._hands_path = path if reader is not None else None
        self.hands_changed.emit(reader is not None, message)

    @Slot()
    def process_newest(self) -> None:
        frame, seq = self.slot.take_newer(self._seen)
        if frame is None:
            return
        self._seen = seq
        try:
            if self.session.ready:
                self._process(frame)
        finally:
            self.slot.done(seq)

    def _process(self, frame: Frame) -> None:
        try:
            step = self.session.process(frame.image, frame.timestamp)
        except Exception as exc:
            text = summary(exc)
            if text != self._last_error:  # log each new error once, not thirty times a second
                self._last_error = log_exception(exc, "inference")
                self.failed.emit(f"Cannot classify this video: {text}. Details: {crash_log_path()}")
            return
        self._last_error = None
        self.result.emit(step)
