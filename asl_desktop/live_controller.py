"""The live pipeline as the window drives it: one source, one session, their threads.

The main window owns one `LiveController` and hands it to the tabs that show the camera (Live,
My signs). It owns the `LiveSession`, the frame slot, the capture and inference workers and
their threads, the guide box and the message a view shows over the video; it takes the
window's commands and reports through signals on the GUI thread. A tab draws what it is told
and never reaches into another tab.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from asl_runtime.model_files import ModelFileError

from . import settings
from .core.frames import MAX_CAMERA_INDEX, is_camera_spec
from .core.region import GuideBox
from .core.session import LiveSession, Step
from .core.speller import Speller
from .core.words import add_user_word, user_words_path
from .crash import log_exception
from .live_models import load_motion
from .threads import WorkerThread
from .workers import CaptureWorker, FrameSlot, InferenceWorker

PAUSED = "Paused. Press Space or Resume to continue."


class LiveController(QObject):
    result = Signal(object)             # session.Step, every frame read
    text_changed = Signal(str)          # a command or a new source changed the text
    status = Signal(str)                # one line for the status bar
    message_changed = Signal(str)       # the line a view shows over the video ("" for none)
    opening = Signal(object)            # a source (camera index, file, folder) is being opened
    source_ended = Signal()
    guide_changed = Signal(object)      # GuideBox, moved in one of the views
    paused_changed = Signal(bool)
    model_loaded = Signal(str, str)     # path, architecture
    model_failed = Signal(str, str)     # path, message; the previous model stays
    hands_changed = Signal(bool, str)   # reading hand landmarks or not; a line saying so
    _load_requested = Signal(str)
    _landmarks_requested = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.guide = GuideBox(settings.read(settings.GUIDE_CX), settings.read(settings.GUIDE_CY),
                              settings.read(settings.GUIDE_SIZE))
        try:
            motion = load_motion()
        except ModelFileError as exc:  # J and Z then come from their still shapes only
            motion = None
            log_exception(exc, "J/Z motion model")
        self.session = LiveSession(Speller(settings.read(settings.THRESHOLD), settings.read(settings.HOLD),
                                           settle=not settings.read(settings.HOLD_TO_COMMIT), motion=motion),
                                   self.guide, settings.read(settings.MIRROR), settings.read(settings.ANYWHERE))
        self.session.set_words(autocorrect=settings.read(settings.AUTOCORRECT),
                               space_accepts=settings.read(settings.SPACE_ACCEPTS))
        self.session.set_guessing(settings.read(settings.GUESS))
        self.session.set_hand(None if settings.read(settings.HAND) == "either" else settings.read(settings.HAND))
        self.slot = FrameSlot()
        self.paused = False
        self.message = ""
        self.source_spec: str | int | None = None
        self.closed = False
        self._capture: WorkerThread | None = None
        self._source_text = ""
        self._ended = False
        self._inference_failing = False
        self.inference = InferenceWorker(self.slot, self.session)
        self._inference = WorkerThread(self.inference, "inference")
        self._load_requested.connect(self.inference.load_model)
        self._landmarks_requested.connect(self.inference.set_landmarks)
        self.inference.result.connect(self._on_result)
        self.inference.model_loaded.connect(self.model_loaded)
        self.inference.model_failed.connect(self.model_failed)
        self.inference.failed.connect(self._on_inference_failed)
        self.inference.note.connect(self.status)
        self.inference.hands_changed.connect(self._on_hands_changed)
        self._landmarks_requested.emit(settings.read(settings.LANDMARKS))

    # models ------------------------------------------------------------------------
    def load_model(self, path: str) -> None:
        """Load on the inference thread; `model_loaded` or `model_failed` says how it went."""
        self._load_requested.emit(path)

    def set_landmarks(self, on: bool) -> None:
        settings.write(settings.LANDMARKS, on)
        self._landmarks_requested.emit(on)

    @Slot(bool, str)
    def _on_hands_changed(self, on: bool, message: str) -> None:
        self.hands_changed.emit(on, message)
        self.status.emit(message)

    # sources -----------------------------------------------------------------------
    def open_source(self, spec: str | int) -> None:
        """Switch to a camera index, video file or image folder (opened on the capture thread).
        A new source starts a new word once its first frame is read (a file that cannot be read
        leaves the text as it was)."""
        if self.closed:  # a model that finished loading after the window closed asks for none
            return
        self.stop_capture()
        self.source_spec = spec
        self.opening.emit(spec)
        self.session.restart_with_next_frame()
        self._ended = False
        camera = is_camera_spec(spec)
        self.show_message(f"Opening {f'camera {spec}' if camera else spec}...")
        capture = CaptureWorker(spec, self.slot)
        capture.frame_ready.connect(self.inference.process_newest)
        capture.opened.connect(self._on_opened)
        capture.problem.connect(self.show_message)
        capture.problem.connect(self.status)
        capture.ended.connect(self._on_ended)
        capture.set_paused(self.paused)
        self._capture = WorkerThread(capture, "capture", capture.run)
        if camera and 0 <= int(spec) <= MAX_CAMERA_INDEX:  # only an index that can be a camera is remembered
            settings.write(settings.CAMERA, int(spec))

    def replay(self) -> None:
        """Open the current video or image folder again from its start."""
        if self.source_spec is not None and not is_camera_spec(self.source_spec):
            self.open_source(self.source_spec)

    def initial_source(self) -> str | int:
        return settings.read(settings.CAMERA)

    def stop_capture(self) -> None:
        if self._capture is not None:
            self._capture.worker.stop()  # type: ignore[attr-defined]
            self._capture.stop()
            self._capture = None

    def shutdown(self) -> None:
        """Stop every thread; called when the window closes."""
        self.closed = True
        self.stop_capture()
        self._inference.stop()
        hands = self.session.use_hands(None)
        if hands is not None:
            hands.close()
        QThreadPool.globalInstance().waitForDone(3000)

    @Slot(str, int, int)
    def _on_opened(self, description: str, width: int, height: int) -> None:
        self._source_text = f"{description} · {width}x{height}"
        self.show_message("")
        self.status.emit(self._source_text)

    @Slot(str)
    def _on_ended(self, text: str) -> None:
        self.show_message(f"{text}. Press Ctrl+R to play it again, open another file, or pick a camera.")
        self._ended = True
        corrected = self.session.finish_word()  # the last word is finished too (as in `transcribe`)
        self.text_changed.emit(self.session.text)
        self.source_ended.emit()
        self.status.emit(f"{self._source_text} · ended"
                         + (f" · corrected {corrected[0]} to {corrected[1]}" if corrected else ""))

    @Slot(str)
    def _on_inference_failed(self, text: str) -> None:
        self._inference_failing = True
        self.show_message(text)
        self.status.emit(text)

    @Slot(str)
    def show_message(self, text: str) -> None:
        self.message = text
        self.message_changed.emit(text)

    @property
    def ended(self) -> bool:
        """The file source played to its end (frames read after it change nothing shown)."""
        return self._ended

    # frames ------------------------------------------------------------------------
    @Slot(object)
    def _on_result(self, step: Step) -> None:
        if self._inference_failing:  # recognition works again
            self._inference_failing = False
            self.show_message("")
        if step.restarted:  # a new source's first frame began a new word
            self.text_changed.emit(self.session.text)
        self.result.emit(step)
        if step.corrected:
            self.status.emit(f"Corrected {step.corrected[0]} to {step.corrected[1]}: Backspace undoes it")
        if not self._ended:
            self.status.emit(f"{self._source_text} · {step.fps:4.1f} fps · {step.result.latency_ms:.1f} ms per frame")

    # the text ----------------------------------------------------------------------
    def clear(self) -> None:
        self.session.clear()
        self.text_changed.emit(self.session.text)

    def restore_text(self, text: str) -> None:
        self.session.restore_text(text)
        self.text_changed.emit(self.session.text)

    def backspace(self) -> None:
        self.text_changed.emit(self.session.backspace())

    def accept(self, word: str) -> None:
        self.text_changed.emit(self.session.accept(word))
        self.status.emit(f"{word}: Backspace undoes it")

    def add_word(self) -> None:
        """The word being spelled (or the last one) into the user's own words."""
        word = self.session.current_word()
        try:
            add_user_word(word)
        except (ValueError, OSError) as exc:
            self.status.emit(f"Not added: {exc}")
            return
        self.session.add_word(word)
        self.status.emit(f"{word.upper()} added to your words ({user_words_path()})")

    def set_words(self, autocorrect: bool | None = None, space_accepts: bool | None = None) -> None:
        self.session.set_words(autocorrect=autocorrect, space_accepts=space_accepts)

    def set_guessing(self, on: bool) -> None:
        self.session.set_guessing(on)

    def set_spelling(self, on: bool) -> None:
        """Off while My signs records samples: the frames are read and shown, nothing is spelled."""
        self.session.set_spelling(on)

    # settings ----------------------------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        if paused == self.paused:
            return
        self.paused = paused
        self.session.set_paused(paused)
        if self._capture is not None:
            self._capture.worker.set_paused(paused)  # type: ignore[attr-defined]
        if paused and not self.ended:  # after the end the end's message stays: nothing plays to pause
            self.show_message(PAUSED)
        elif self.message == PAUSED:
            self.show_message("")
        self.paused_changed.emit(paused)

    def set_guide(self, guide: GuideBox) -> None:
        """The box moved in one view: the session reads through it, every view shows it."""
        self.guide = guide
        self.session.set_region(guide=guide)
        settings.write(settings.GUIDE_CX, guide.cx)
        settings.write(settings.GUIDE_CY, guide.cy)
        settings.write(settings.GUIDE_SIZE, guide.size)
        self.guide_changed.emit(guide)

    def set_mirror(self, on: bool) -> None:
        self.session.set_region(mirror=on)
        settings.write(settings.MIRROR, on)

    def set_anywhere(self, on: bool) -> None:
        self.session.set_region(anywhere=on)
        settings.write(settings.ANYWHERE, on)

    def set_hold_to_commit(self, on: bool) -> None:
        """A learner's pace: every letter held `hold` seconds; off, a letter commits as the hand
        settles on it."""
        self.session.set_settle(not on)

    def set_hand(self, which: str) -> None:
        """The signing hand read with two in view: "right", "left" or "either"."""
        self.session.set_hand(None if which == "either" else which)
        settings.write(settings.HAND, which)

    def set_threshold(self, value: float) -> None:
        self.session.set_threshold(value)
        settings.write(settings.THRESHOLD, value)

    def set_hold(self, value: float) -> None:
        self.session.set_hold(value)
        settings.write(settings.HOLD, value)
