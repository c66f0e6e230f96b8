"""The live tab: video with the hand box, the prediction, and the text being spelled."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from superqt import QLabeledDoubleSlider
from superqt.utils import thread_worker

from . import settings
from .core.frames import available_cameras, is_camera_spec
from .core.region import GuideBox
from .core.session import LiveSession, Step
from .core.speller import Speller, SpellerState
from .core.words import add_user_word, user_words_path
from .text_panel import TextPanel
from .threads import WorkerThread
from .video_view import VideoView
from .workers import CaptureWorker, FrameSlot, InferenceWorker

PAUSED = "Paused. Press Space or Resume to continue."


class TopChart(pg.PlotWidget):
    """Horizontal bars of the five most likely classes."""

    def __init__(self):
        super().__init__()
        self.setBackground(None)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setXRange(0, 1)
        self.setYRange(-0.6, 4.6)
        self.getAxis("bottom").setLabel("probability")
        self.bars = pg.BarGraphItem(x0=0, y=list(range(5)), height=0.7, width=[0] * 5, brush="#3b82f6")
        self.addItem(self.bars)
        self.getAxis("left").setTicks([[]])  # no class names until the first prediction
        self.setMinimumHeight(150)

    def set_top(self, top: list[tuple[str, float]]) -> None:
        top = top[:5]
        self.bars.setOpts(width=[p for _, p in top], y=list(range(len(top)))[::-1])
        ticks = [(len(top) - 1 - i, name) for i, (name, _) in enumerate(top)]
        self.getAxis("left").setTicks([ticks])


class LiveTab(QWidget):
    model_requested = Signal(str)
    status = Signal(str)           # one line for the status bar
    model_changed = Signal(str, str)  # path, architecture; once loaded
    model_error = Signal(str, str)    # path, message
    paused_changed = Signal(bool)
    mirror_changed = Signal(bool)
    auto_changed = Signal(bool)
    landmarks_requested = Signal(bool)
    landmarks_changed = Signal(bool)  # whether letters are read from hand landmarks now

    def __init__(self, parent=None):
        super().__init__(parent)
        self.slot = FrameSlot()
        self.paused = False
        self.source_spec: str | int | None = None
        self.capture: CaptureWorker | None = None
        self.capture_thread = None
        self._source_text = ""
        self._ended = False
        self._inference_failing = False
        self.closed = False
        guide = GuideBox(settings.read(settings.GUIDE_CX), settings.read(settings.GUIDE_CY),
                         settings.read(settings.GUIDE_SIZE))
        mirror, auto = settings.read(settings.MIRROR), settings.read(settings.AUTO)
        self.session = LiveSession(Speller(settings.read(settings.THRESHOLD), settings.read(settings.HOLD)),
                                   guide, mirror, auto)
        self.session.set_words(autocorrect=settings.read(settings.AUTOCORRECT),
                               space_accepts=settings.read(settings.SPACE_ACCEPTS))
        self.session.set_guessing(settings.read(settings.GUESS))
        self._build_ui(guide, mirror, auto)

        self.inference = InferenceWorker(self.slot, self.session)
        self.inference_thread = WorkerThread(self.inference, "inference")
        self.model_requested.connect(self.inference.load_model)
        self.inference.result.connect(self.on_result)
        self.inference.model_loaded.connect(self.model_changed)
        self.inference.model_failed.connect(self.model_error)
        self.inference.failed.connect(self._on_inference_failed)
        self.landmarks_requested.connect(self.inference.set_landmarks)
        self.inference.hands_changed.connect(self._on_hands_changed)
        self.landmarks_requested.emit(settings.read(settings.LANDMARKS))
        self._probe_cameras()

    # UI ------------------------------------------------------------------------
    def _build_ui(self, guide: GuideBox, mirror: bool, auto: bool) -> None:
        self.view = VideoView()
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # so Space pauses, not a focused button
        self.view.set_guide(guide)
        self.view.guide_changed.connect(self._on_guide_changed)

        self.letter = QLabel("–")
        self.letter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = QFont(self.font())
        f.setPointSize(64)
        f.setBold(True)
        self.letter.setFont(f)
        self.confidence = QLabel("confidence –")
        self.confidence.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hold_bar = QProgressBar()
        self.hold_bar.setRange(0, 100)
        self.hold_bar.setValue(0)  # shows its text before the first frame too
        self.hold_bar.setFormat("hold to commit")
        self.chart = TopChart()

        self.camera_combo = QComboBox()
        self.camera_combo.setToolTip("Cameras that opened on this computer")
        self.camera_combo.activated.connect(lambda _: self.open_source(self.camera_combo.currentData()))
        self.refresh_cameras = QToolButton()
        self.refresh_cameras.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.refresh_cameras.setAccessibleName("Refresh cameras")
        self.refresh_cameras.setToolTip("Look for cameras again, e.g. after plugging one in")
        self.refresh_cameras.clicked.connect(self._probe_cameras)
        self.mirror_box = QCheckBox("Mirror (selfie view)")
        self.mirror_box.setChecked(mirror)
        self.mirror_box.toggled.connect(self._on_mirror)
        self.mirror_box.toggled.connect(self.mirror_changed)
        self.auto_box = QCheckBox("Follow my hand (skin colour)")
        self.auto_box.setToolTip("Find the hand automatically; the yellow guide box is used when no hand is found")
        self.auto_box.setChecked(auto)
        self.auto_box.toggled.connect(self._on_auto)
        self.auto_box.toggled.connect(self.auto_changed)
        self.threshold = QLabeledDoubleSlider(Qt.Orientation.Horizontal)
        self.threshold.setRange(0.2, 0.99)
        self.threshold.setValue(self.session.speller.threshold)
        self.threshold.valueChanged.connect(self._on_threshold)
        self.hold = QLabeledDoubleSlider(Qt.Orientation.Horizontal)
        self.hold.setRange(0.2, 3.0)
        self.hold.setValue(self.session.speller.hold)
        self.hold.valueChanged.connect(self._on_hold)

        controls = QGroupBox("Settings")
        form = QFormLayout(controls)
        camera_row = QHBoxLayout()
        camera_row.addWidget(self.camera_combo, 1)
        camera_row.addWidget(self.refresh_cameras)
        form.addRow("Camera", camera_row)
        form.addRow(self.mirror_box)
        form.addRow(self.auto_box)
        form.addRow("Confidence", self.threshold)
        form.addRow("Hold (s)", self.hold)

        side = QVBoxLayout()
        side.addWidget(self.letter)
        side.addWidget(self.confidence)
        side.addWidget(self.hold_bar)
        side.addWidget(self.chart)
        side.addWidget(controls)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(340)  # a fixed panel: the video never jumps sideways with the labels

        top = QSplitter()
        top.addWidget(self.view)
        top.addWidget(side_widget)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 1)

        self.panel = TextPanel()
        self.text, self.clear_button, self.back_button = self.panel.text, self.panel.clear_button, self.panel.back_button
        self.copy_button = self.panel.copy_button
        self.copy_button.clicked.connect(self.copy_text)
        self.panel.clear_requested.connect(self.clear_text)
        self.panel.backspace_requested.connect(self.backspace)
        self.panel.accepted.connect(self.accept_suggestion)
        self.panel.add_word_requested.connect(self.add_word)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self.set_paused)
        self.pause_button.toggled.connect(self.paused_changed)
        self.panel.buttons.insertWidget(0, self.pause_button)
        bottom = self.panel

        layout = QVBoxLayout(self)
        layout.addWidget(top, 1)
        layout.addWidget(bottom)

    # sources -------------------------------------------------------------------
    def _probe_cameras(self) -> None:
        """List the cameras that open, on a pool thread (opening a camera can take seconds)."""
        self.refresh_cameras.setEnabled(False)
        self.camera_combo.clear()
        self.camera_combo.addItem("Looking for cameras...", 0)
        worker = thread_worker(available_cameras, start_thread=False)()
        worker.returned.connect(self._on_cameras)
        worker.start()

    @Slot(object)
    def _on_cameras(self, indices: list[int]) -> None:
        self.camera_combo.clear()
        for i in indices:
            self.camera_combo.addItem(f"Camera {i}", i)
        if not indices:
            self.camera_combo.addItem("No camera found", 0)
        if is_camera_spec(self.source_spec):
            self.camera_combo.setCurrentIndex(max(0, self.camera_combo.findData(int(self.source_spec))))
        self.refresh_cameras.setEnabled(True)

    def open_source(self, spec: str | int) -> None:
        """Switch to a camera index, video file or image folder (opened on the capture thread)."""
        if self.closed:  # a model that finished loading after the window closed asks for none
            return
        self.stop_capture()
        self.source_spec = spec
        self.view.setFocus()
        corrected = self.session.restart()  # a new source starts a new word
        self._show_text(self.session.text)
        self.panel.set_suggestions([])
        if corrected:
            self.status.emit(f"corrected {corrected[0]} to {corrected[1]}")
        self._ended = False
        camera = is_camera_spec(spec)
        self.view.show_message(f"Opening {f'camera {spec}' if camera else spec}...")
        self.capture = CaptureWorker(spec, self.slot)
        self.capture.frame_ready.connect(self.inference.process_newest)
        self.capture.opened.connect(self._on_opened)
        self.capture.problem.connect(self.view.show_message)
        self.capture.problem.connect(self.status)
        self.capture.ended.connect(self._on_ended)
        self.capture.set_paused(self.paused)
        self.capture_thread = WorkerThread(self.capture, "capture", self.capture.run)
        if camera:
            settings.write(settings.CAMERA, int(spec))

    def stop_capture(self) -> None:
        if self.capture is not None:
            self.capture.stop()
            self.capture_thread.stop()
            self.capture = self.capture_thread = None

    def shutdown(self) -> None:
        """Stop every thread; called when the window closes."""
        self.closed = True
        self.stop_capture()
        self.inference_thread.stop()
        hands = self.session.use_hands(None)
        if hands is not None:
            hands.close()
        QThreadPool.globalInstance().waitForDone(3000)

    @Slot(str, int, int)
    def _on_opened(self, description: str, width: int, height: int) -> None:
        self._source_text = f"{description} · {width}x{height}"
        self.view.show_message("")
        self.status.emit(self._source_text)

    @Slot(str)
    def _on_ended(self, text: str) -> None:
        self.view.show_message(f"{text}. Press Ctrl+R to play it again, open another file, or pick a camera.")
        self._ended = True
        self.hold_bar.setValue(0)  # nothing is being held any more
        self.hold_bar.setFormat("source ended")
        corrected = self.session.finish_word()  # the last word is finished too (as in `transcribe`)
        self._show_text(self.session.text)
        self.status.emit(f"{self._source_text} · ended"
                         + (f" · corrected {corrected[0]} to {corrected[1]}" if corrected else ""))

    @Slot(str)
    def _on_inference_failed(self, text: str) -> None:
        self._inference_failing = True
        self.view.show_message(text)
        self.status.emit(text)

    # results -------------------------------------------------------------------
    @Slot(object)
    def on_result(self, step: Step) -> None:
        r = step.result
        self.view.show_frame(r.frame, r.box, r.tracked, r.pixels, r.points, r.mirrored)
        if self._inference_failing:  # recognition works again
            self._inference_failing = False
            self.view.show_message("")
        p = r.prediction
        self._show_letter(p.label)
        self.confidence.setText(f"confidence {p.confidence:.0%} · from the "
                                + ("hand's shape" if p.source == "landmarks" else "picture"))
        self.chart.set_top(p.top)
        state = step.spelling
        if state is not None:
            if not self._ended:  # a frame read after the end leaves the bar empty
                self.hold_bar.setValue(int(state.progress * 100))
                self.hold_bar.setFormat(_hold_text(state))
            if state.committed:
                self._show_text(self.session.text)  # not step.text: a Backspace may have come since
                if state.committed == "space" and settings.read(settings.SPEAK_WORDS):
                    self.panel.speak(step.text.rstrip(" ").rsplit(" ", 1)[-1])
        if step.suggestions is not None:
            self.panel.set_suggestions(step.suggestions)
        if step.corrected:
            self.status.emit(f"Corrected {step.corrected[0]} to {step.corrected[1]}: Backspace undoes it")
        if not self._ended:
            self.status.emit(f"{self._source_text} · {step.fps:4.1f} fps · {r.latency_ms:.1f} ms per frame")

    def set_landmarks(self, on: bool) -> None:
        settings.write(settings.LANDMARKS, on)
        self.landmarks_requested.emit(on)

    @Slot(bool, str)
    def _on_hands_changed(self, on: bool, message: str) -> None:
        self.landmarks_changed.emit(on)
        self.status.emit(message)

    def _show_letter(self, label: str) -> None:
        """A letter big; del, nothing and space smaller, so the word fits the panel."""
        font = self.letter.font()
        size = 64 if len(label) == 1 else 30
        if font.pointSize() != size:
            font.setPointSize(size)
            self.letter.setFont(font)
        self.letter.setText(label if len(label) == 1 else label.upper())

    def _show_text(self, text: str) -> None:
        self.panel.show_text(text)

    # actions -------------------------------------------------------------------
    def clear_text(self) -> None:
        """New sentence: the text goes into the history (spoken, when asked) and the box empties."""
        text = self.session.text
        self.panel.finish_sentence(text)
        if text.strip() and settings.read(settings.SPEAK_SENTENCES):
            self.panel.speak(text)
        self.session.clear()
        self._show_text(self.session.text)
        self.panel.set_suggestions([])

    def backspace(self) -> None:
        self._show_text(self.session.backspace())
        self.panel.set_suggestions([])

    def accept_suggestion(self, word: str) -> None:
        self._show_text(self.session.accept(word))
        self.panel.set_suggestions([])
        self.status.emit(f"{word}: Backspace undoes it")

    def add_word(self) -> None:
        word = self.session.speller.word or self.session.text.rstrip(" ").rsplit(" ", 1)[-1]
        try:
            add_user_word(word)
        except (ValueError, OSError) as exc:
            self.status.emit(f"Not added: {exc}")
            return
        if self.session.vocabulary is not None:
            self.session.vocabulary.add(word)
        self.status.emit(f"{word.upper()} added to your words ({user_words_path()})")

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.session.text)
        self.status.emit("Text copied to the clipboard")

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.pause_button.setChecked(paused)
        self.pause_button.setText("Resume" if paused else "Pause")
        self.session.set_paused(paused)
        if self.capture:
            self.capture.set_paused(paused)
        if paused:
            self.view.show_message(PAUSED)
        elif self.view.message == PAUSED:
            self.view.show_message("")

    @property
    def mirror(self) -> bool:
        return self.mirror_box.isChecked()

    def set_mirror(self, on: bool) -> None:
        self.mirror_box.setChecked(on)

    @property
    def auto(self) -> bool:
        return self.auto_box.isChecked()

    def set_auto(self, on: bool) -> None:
        self.auto_box.setChecked(on)

    @Slot(object)
    def set_guide(self, guide: GuideBox) -> None:
        """A box moved in another view (My signs): the same box here and in the session."""
        self.view.set_guide(guide)
        self._on_guide_changed(guide)

    def _on_guide_changed(self, guide: GuideBox) -> None:
        self.session.set_region(guide=guide)
        settings.write(settings.GUIDE_CX, guide.cx)
        settings.write(settings.GUIDE_CY, guide.cy)
        settings.write(settings.GUIDE_SIZE, guide.size)

    def _on_mirror(self, on: bool) -> None:
        self.session.set_region(mirror=on)
        settings.write(settings.MIRROR, on)

    def _on_auto(self, on: bool) -> None:
        self.session.set_region(auto=on)
        settings.write(settings.AUTO, on)

    def _on_threshold(self, value: float) -> None:
        self.session.set_threshold(value)
        settings.write(settings.THRESHOLD, value)

    def _on_hold(self, value: float) -> None:
        self.session.set_hold(value)
        settings.write(settings.HOLD, value)

    def replay(self) -> None:
        """Open the current video or image folder again from its start."""
        if self.source_spec is not None and not is_camera_spec(self.source_spec):
            self.open_source(self.source_spec)

    def initial_source(self) -> str | int:
        return settings.read(settings.CAMERA)


def _hold_text(state: SpellerState) -> str:
    if not state.candidate:
        return "hold to commit"
    return f"holding {state.candidate}" if state.sure else f"unclear: guessing {state.candidate}?"
