"""The live tab: video with the hand box, the prediction, and the text being spelled. It draws
what its `LiveController` reports and passes the user's commands to it."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
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
from .core.session import Step
from .core.speller import SpellerState
from .layout import one_tab_stop, scroll_column, scrollbar_width
from .live_controller import LiveController
from .text_panel import TextPanel
from .video_view import VideoView


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
    mirror_changed = Signal(bool)
    anywhere_changed = Signal(bool)

    def __init__(self, controller: LiveController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._build_ui(settings.read(settings.MIRROR), settings.read(settings.ANYWHERE))
        controller.result.connect(self.on_result)
        controller.text_changed.connect(self._on_text_changed)
        controller.message_changed.connect(self.view.show_message)
        controller.guide_changed.connect(self.view.set_guide)
        controller.source_ended.connect(self._on_ended)
        controller.paused_changed.connect(self._on_paused)
        controller.opening.connect(lambda _: self.view.setFocus())  # so Space pauses it
        self._cleared: str | None = None  # the text the last New sentence put into the history
        if self.panel.kept.text:  # the text as the app last closed with it
            controller.restore_text(self.panel.kept.text)
        self._probe_cameras()

    # UI ------------------------------------------------------------------------
    def _build_ui(self, mirror: bool, anywhere: bool) -> None:
        live = self.controller
        self.view = VideoView()
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # so Space pauses, not a focused button
        self.view.setAccessibleName("Camera view with the hand box; Space pauses")
        self.view.setToolTip("Drag the box onto your hand, or its corner to resize it; "
                             "View > Reset the box (Ctrl+0) brings the default back")
        self.view.set_guide(live.guide)
        self.view.guide_changed.connect(live.set_guide)

        self.letter = QLabel()  # empty until the first frame is read
        self.letter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = QFont(self.font())
        f.setPointSize(64)
        f.setBold(True)
        self.letter.setFont(f)
        self.confidence = QLabel("no frame read yet")
        self.confidence.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hold_bar = QProgressBar()
        self.hold_bar.setRange(0, 100)
        self.hold_bar.setValue(0)  # shows its text before the first frame too
        self.hold_bar.setFormat(_idle_text(live.session.speller.settle))
        self.hold_bar.setAccessibleName("How near the sign read is to being committed")
        self.chart = TopChart()
        self.chart.setAccessibleName("The five most likely signs")
        self.letter.setAccessibleName("Sign read")

        self.camera_combo = QComboBox()
        self.camera_combo.setToolTip("Cameras that opened on this computer")
        self.camera_combo.activated.connect(lambda _: live.open_source(self.camera_combo.currentData()))
        self.refresh_cameras = QToolButton()
        self.refresh_cameras.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.refresh_cameras.setAccessibleName("Refresh cameras")
        self.refresh_cameras.setToolTip("Look for cameras again, e.g. after plugging one in")
        self.refresh_cameras.clicked.connect(self._probe_cameras)
        self.mirror_box = QCheckBox("Mirror (selfie view)")
        self.mirror_box.setChecked(mirror)
        self.mirror_box.toggled.connect(live.set_mirror)
        self.mirror_box.toggled.connect(self.mirror_changed)
        self.anywhere_box = QCheckBox("Find my hand anywhere in view")
        self.anywhere_box.setToolTip("Look for the hand in the whole picture. Untick to look only inside the "
                                     "yellow guide box, e.g. with someone else in view")
        self.anywhere_box.setChecked(anywhere)
        self.anywhere_box.toggled.connect(live.set_anywhere)
        self.anywhere_box.toggled.connect(self.anywhere_changed)
        self.hand_combo = QComboBox()
        for text, which in (("Either", "either"), ("Right", "right"), ("Left", "left")):
            self.hand_combo.addItem(text, which)
        self.hand_combo.setCurrentIndex(max(0, self.hand_combo.findData(settings.read(settings.HAND))))
        self.hand_combo.setToolTip("With both hands in view, the one read; the view names the hand it reads")
        self.hand_combo.setAccessibleName("Signing hand")
        self.hand_combo.currentIndexChanged.connect(lambda _: live.set_hand(self.hand_combo.currentData()))
        self.threshold = QLabeledDoubleSlider(Qt.Orientation.Horizontal)
        self.threshold.setRange(0.2, 0.99)
        self.threshold.setValue(live.session.speller.threshold)
        self.threshold.valueChanged.connect(live.set_threshold)
        self.threshold.setAccessibleName("Confidence a sign needs")
        self.hold = QLabeledDoubleSlider(Qt.Orientation.Horizontal)
        self.hold.setRange(0.2, 3.0)
        self.hold.setValue(live.session.speller.hold)
        self.hold.valueChanged.connect(live.set_hold)
        self.hold.setAccessibleName("Seconds a sign is held")
        self.hold.setToolTip("Seconds a sign read from the picture is held before it commits, and every sign with "
                             "Text > Hold each letter to commit it; otherwise a letter commits when your hand settles on it")
        for labelled in (self.threshold, self.hold):
            one_tab_stop(labelled)

        controls = QGroupBox("Settings")
        form = QFormLayout(controls)
        camera_row = QHBoxLayout()
        camera_row.addWidget(self.camera_combo, 1)
        camera_row.addWidget(self.refresh_cameras)
        form.addRow("Camera", camera_row)
        form.addRow(self.mirror_box)
        form.addRow(self.anywhere_box)
        form.addRow("Signing hand", self.hand_combo)
        form.addRow("Confidence", self.threshold)
        form.addRow("Hold (s)", self.hold)

        side = QVBoxLayout()
        side.addWidget(self.letter)
        side.addWidget(self.confidence)
        side.addWidget(self.hold_bar)
        side.addWidget(self.chart)
        side.addWidget(controls)
        side.addStretch(1)
        panel = QWidget()
        panel.setLayout(side)
        panel.setFixedWidth(340)  # a fixed panel: the video never jumps sideways with the labels
        side_widget = scroll_column(panel)
        side_widget.setFixedWidth(340 + scrollbar_width(side_widget))

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
        self.panel.backspace_requested.connect(live.backspace)
        self.panel.accepted.connect(live.accept)
        self.panel.add_word_requested.connect(live.add_word)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(live.set_paused)
        self.panel.buttons.insertWidget(0, self.pause_button)
        bottom = self.panel

        layout = QVBoxLayout(self)
        layout.addWidget(top, 1)
        layout.addWidget(bottom)
        QWidget.setTabOrder(self.view, self.pause_button)  # Pause next to the video, then the settings
        QWidget.setTabOrder(self.pause_button, self.camera_combo)

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
        spec = self.controller.source_spec
        if is_camera_spec(spec) and int(spec) in indices:
            self.camera_combo.setCurrentIndex(indices.index(int(spec)))
        self.refresh_cameras.setEnabled(True)

    @Slot(str)
    def _on_text_changed(self, text: str) -> None:
        self.panel.show_text(text)
        self.panel.set_suggestions(list(self.controller.session.suggestions))  # kept after a Backspace

    @Slot()
    def _on_ended(self) -> None:
        self.hold_bar.setValue(0)  # nothing is being held any more
        self.hold_bar.setFormat("source ended")

    # results -------------------------------------------------------------------
    @Slot(object)
    def on_result(self, step: Step) -> None:
        r = step.result
        self.view.show_frame(r.frame, r.box, r.tracked, r.pixels, r.points, r.mirrored, r.which)
        p = r.prediction
        resting = p.label == "nothing" and p.source == "landmarks"  # a hand is seen, making no letter
        self._show_letter("no letter" if resting else p.label)
        self.confidence.setText("your hand is seen, making no letter" if resting else
                                f"confidence {p.confidence:.0%} · from the "
                                + ("hand's shape" if p.source == "landmarks" else "picture"))
        self.chart.set_top(p.top)
        state = step.spelling
        if state is not None:
            if not self.controller.ended:  # a frame read after the end leaves the bar empty
                self.hold_bar.setValue(int(state.progress * 100))
                self.hold_bar.setFormat(_hold_text(state, self.controller.session.speller.settle))
            if state.committed:
                self.panel.show_text(self.controller.session.text)  # not step.text: a Backspace may have come since
                if state.committed == "space" and settings.read(settings.SPEAK_WORDS):
                    self.panel.speak(step.text.rstrip(" ").rsplit(" ", 1)[-1])
        if step.suggestions is not None:
            self.panel.set_suggestions(step.suggestions)

    def _show_letter(self, label: str) -> None:
        """A letter big; del, nothing and space smaller, so the word fits the panel."""
        font = self.letter.font()
        size = 64 if len(label) == 1 else 30
        if font.pointSize() != size:
            font.setPointSize(size)
            self.letter.setFont(font)
        self.letter.setText(label if len(label) == 1 else label.upper())

    # actions -------------------------------------------------------------------
    def clear_text(self) -> None:
        """New sentence: the text goes into the history (spoken, when asked) and the box empties."""
        text = self.controller.session.text
        self.panel.finish_sentence(text)
        if text.strip() and settings.read(settings.SPEAK_SENTENCES):
            self.panel.speak(text)
        self.controller.clear()
        self._cleared = text if text.strip() else None

    def undo_clear(self) -> None:
        """Back to the text before the last New sentence, while nothing new is spelled."""
        if self._cleared is None or self.controller.session.text.strip():
            self.controller.status.emit("Nothing to undo")
            return
        self.panel.take_last_sentence()
        self.controller.restore_text(self._cleared)
        self._cleared = None
        self.controller.status.emit("New sentence undone")

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.controller.session.text)
        self.controller.status.emit("Text copied to the clipboard")

    @Slot(bool)
    def _on_paused(self, paused: bool) -> None:
        self.pause_button.setChecked(paused)
        self.pause_button.setText("Resume" if paused else "Pause")

    @property
    def mirror(self) -> bool:
        return self.mirror_box.isChecked()

    def set_mirror(self, on: bool) -> None:
        self.mirror_box.setChecked(on)

    @property
    def anywhere(self) -> bool:
        return self.anywhere_box.isChecked()

    def set_anywhere(self, on: bool) -> None:
        self.anywhere_box.setChecked(on)


def _idle_text(settle: bool) -> str:
    """What the bar says with no sign on the way: how a letter commits in this mode."""
    return "settle on a sign to commit it" if settle else "hold a sign until the bar fills"


def _hold_text(state: SpellerState, settle: bool) -> str:
    if not state.candidate:
        return _idle_text(settle)
    return f"holding {state.candidate}" if state.sure else f"unclear: guessing {state.candidate}?"
