"""My signs: record your own hand for each sign, then fine-tune the model on it in one click.

Recording uses whatever the Live tab is showing (camera, video or image folder): after a
short countdown, crops of the hand box are saved a few times a second. Fine-tuning runs in
a training process (see training_worker) and ends with a before/after figure on samples
of yours that it did not train on.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from asl_runtime import shipped
from asl_runtime.images import decode_image
from asl_runtime.labels import CLASSES

from . import settings
from .core.my_signs import DEFAULT_SET, Recording, RecordingState, SampleStore, my_signs_root, valid_set_name
from .core.session import Step
from .extras import TRAIN_HINT, training_installed
from .hand_view import HandView, show_sign
from .layout import scroll_column, scrollbar_width
from .live_controller import LiveController
from .video_view import VideoView, bgr_to_qimage

THUMB = 72
THUMB_MAX_PIXELS = 4_000_000  # samples are 96 x 96; a photo for a thumbnail is rarely over 2000 x 2000


def _pixmap(path: Path, side: int) -> QPixmap:
    """A thumbnail; a file that is not a picture, or far larger than a sample, shows none (it is
    decoded on the GUI thread: a 20000 px PNG would freeze the window)."""
    try:
        image = decode_image(path.read_bytes(), max_pixels=THUMB_MAX_PIXELS)
    except OSError:
        image = None
    if image is None:
        return QPixmap()
    return QPixmap.fromImage(bgr_to_qimage(image)).scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                                           Qt.TransformationMode.SmoothTransformation)


def _dataset_example(dataset: str, label: str) -> Path | None:
    """A photo of this sign from the user's training photos, when they are an unpacked folder."""
    root = Path(dataset) if dataset else None
    if root is None or not root.is_dir():
        return None
    for folder in [root, *[p for p in root.iterdir() if p.is_dir()]]:
        for sub in (folder / label, folder / label.upper(), folder / label.capitalize()):
            if sub.is_dir():
                return next((f for f in sorted(sub.iterdir()) if f.suffix.lower() in (".jpg", ".jpeg", ".png")), None)
    return None


class MySignsTab(QWidget):
    use_model = Signal(str)        # a fine-tuned checkpoint to load into the live tab

    def __init__(self, live: LiveController, current_model, parent=None):
        """live: the live pipeline whose frames are recorded; current_model: () -> path of the model in use."""
        super().__init__(parent)
        self.live, self.current_model = live, current_model
        self.descriptions = shipped.sign_descriptions()
        self.recording: Recording | None = None
        self.queue: list[str] = []
        self.run = None  # a RunController, where training is installed (recording needs none)
        if training_installed():
            from .run_controller import RunController
            self.run = RunController("finetune", self)
            self.run.started.connect(self._on_started)
            self.run.batch.connect(self._on_batch)
            self.run.succeeded.connect(self._on_succeeded)
            self.run.failed.connect(self._on_failed)
            self.run.cancelled.connect(self._on_cancelled)
            self.run.finished.connect(self._on_finished)
        self.new_model: str | None = None
        self._build_ui()
        if self.run is None:  # recording works; fine-tuning needs torch
            self.result_label.setText(f"Record your signs here. {TRAIN_HINT}")
        self._load_sets(settings.read(settings.MY_SIGNS_SET))
        live.result.connect(self.on_result)
        self.view.set_guide(live.guide)
        self.view.guide_changed.connect(live.set_guide)
        live.guide_changed.connect(self.view.set_guide)
        live.message_changed.connect(self._on_source_message)
        live.source_ended.connect(self._on_source_ended)
        self.view.show_message(live.message)

    # layout ------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.set_combo = QComboBox()
        self.set_combo.setToolTip("A set is one person's (or one camera's) samples; keep as many as you like")
        self.set_combo.currentTextChanged.connect(self._on_set_changed)
        new_set = QPushButton("New set...")
        new_set.clicked.connect(self.new_set)
        open_folder = QPushButton("Open folder")
        open_folder.clicked.connect(self.open_folder)
        top = QHBoxLayout()
        for w in (QLabel("Set:"), self.set_combo, new_set, open_folder):
            top.addWidget(w)
        top.addStretch(1)

        self.signs = QListWidget()
        self.signs.setAccessibleName("Signs, with how many samples of each you recorded")
        self.signs.setFixedWidth(170)
        for label in CLASSES:
            self.signs.addItem(QListWidgetItem(label))
        self.signs.currentRowChanged.connect(self._on_sign_changed)
        self.all_box = QCheckBox("Go through all signs")
        self.count = QSpinBox()
        self.count.setRange(1, 50)
        self.count.setValue(settings.read(settings.MY_SIGNS_COUNT))
        self.count.valueChanged.connect(lambda v: settings.write(settings.MY_SIGNS_COUNT, v))
        self.record_button = QPushButton("Record")
        self.record_button.setToolTip("Ctrl+Return: after a 3 s countdown, hold the sign in the box")
        self.record_button.clicked.connect(self.start_recording)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.start_recording)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop_recording)
        left = QVBoxLayout()
        left.addWidget(self.signs, 1)
        form = QFormLayout()
        form.addRow("Samples per sign", self.count)
        left.addLayout(form)
        left.addWidget(self.all_box)
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addWidget(self.stop_button)
        left.addLayout(row)

        self.view = VideoView()
        self.view.setMinimumSize(360, 270)
        self.view.setToolTip("Drag the box onto your hand (it is the Live tab's box too)")
        self.sign_title = QLabel()
        font = self.sign_title.font()
        font.setPointSize(28)
        font.setBold(True)
        self.sign_title.setFont(font)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.drawn = HandView("How it is signed", QColor(60, 140, 230))
        self.drawn.setMinimumSize(160, 160)
        self.reference = QLabel()
        self.reference.setFixedSize(128, 128)
        self.reference.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reference.setStyleSheet("border: 1px solid #bbb")
        info = QVBoxLayout()
        info.addWidget(self.sign_title)
        info.addWidget(self.description)
        info.addWidget(self.drawn, 1)
        info.addWidget(self.reference)
        middle = QHBoxLayout()
        middle.addWidget(self.view, 1)
        info_panel = QWidget()
        info_panel.setLayout(info)
        info_box = scroll_column(info_panel)  # scrolls in a small window instead of overlapping
        info_box.setFixedWidth(240 + scrollbar_width(info_box))
        middle.addWidget(info_box)

        self.thumbs = QListWidget()
        self.thumbs.setAccessibleName("Your samples of the sign")
        self.thumbs.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbs.setIconSize(QSize(THUMB, THUMB))
        self.thumbs.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.thumbs.setFixedHeight(THUMB + 40)
        self.thumbs.setToolTip("Select samples and press Delete to remove them")
        QShortcut(QKeySequence.StandardKey.Delete, self.thumbs, self.delete_selected)
        self.delete_button = QPushButton("Delete selected")
        self.delete_button.clicked.connect(self.delete_selected)

        self.finetune_button = QPushButton("Fine-tune on my signs")
        self.finetune_button.clicked.connect(self.start_finetune)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_finetune)
        self.use_button = QPushButton("Use this model")
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(lambda: self.new_model and self.use_model.emit(self.new_model))
        self.progress = QProgressBar()
        self.result_label = QLabel("Record a few samples of each sign (10 is plenty), then fine-tune.")
        self.result_label.setWordWrap(True)
        tune = QGroupBox("Fine-tune")
        t = QVBoxLayout(tune)
        buttons = QHBoxLayout()
        for w in (self.finetune_button, self.cancel_button, self.use_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        t.addLayout(buttons)
        t.addWidget(self.progress)
        t.addWidget(self.result_label)

        right = QVBoxLayout()
        right.addLayout(middle, 1)
        thumbs_row = QHBoxLayout()
        thumbs_row.addWidget(self.thumbs, 1)
        thumbs_row.addWidget(self.delete_button)
        right.addLayout(thumbs_row)
        right.addWidget(tune)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addLayout(body, 1)

    # sets and samples --------------------------------------------------------------
    def _load_sets(self, wanted: str) -> None:
        try:  # a name from the settings file is checked like a typed one: never a path elsewhere
            wanted = valid_set_name(wanted) if wanted else wanted
        except ValueError:
            wanted = DEFAULT_SET
        names = SampleStore.sets() or [DEFAULT_SET]
        if wanted and wanted not in names:
            names.append(wanted)
        self.set_combo.blockSignals(True)
        self.set_combo.clear()
        self.set_combo.addItems(sorted(names))
        self.set_combo.blockSignals(False)
        self.set_combo.setCurrentText(wanted if wanted in names else names[0])
        self._on_set_changed(self.set_combo.currentText())

    def open_folder(self) -> None:
        """Show the set's files in the desktop's file manager (the folder is made if new)."""
        try:
            self.store.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            QMessageBox.warning(self, "Open folder", f"Cannot create {self.store.folder}: {exc}")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.store.folder)))

    def new_set(self) -> None:
        name, ok = QInputDialog.getText(self, "New set", "Name of the new set (e.g. your name, or 'office camera'):")
        if not ok:
            return
        try:
            name = valid_set_name(name)
        except ValueError as exc:
            QMessageBox.warning(self, "New set", f"'{name}' cannot be a set name: {exc}.")
            return
        (my_signs_root() / name).mkdir(parents=True, exist_ok=True)
        self._load_sets(name)

    @Slot(str)
    def _on_set_changed(self, name: str) -> None:
        if not name:
            return
        self.store = SampleStore(my_signs_root() / name)
        settings.write(settings.MY_SIGNS_SET, name)
        self._refresh_counts()
        if self.signs.currentRow() < 0:
            self.signs.setCurrentRow(0)
        self._on_sign_changed(self.signs.currentRow())

    def _refresh_counts(self) -> None:
        counts = self.store.counts()
        for i, label in enumerate(CLASSES):
            n = counts[label]
            self.signs.item(i).setText(f"{label:8s}  {n} sample{'s' if n != 1 else ''}" if n else label)
        total = sum(counts.values())
        self.finetune_button.setEnabled(total > 0 and self.run is not None and not self.run.running)

    @property
    def sign(self) -> str:
        return CLASSES[max(0, self.signs.currentRow())]

    @Slot(int)
    def _on_sign_changed(self, row: int) -> None:
        if row < 0:
            return
        label = CLASSES[row]
        self.sign_title.setText(label if len(label) == 1 else label.upper())
        self.description.setText(self.descriptions.get(label, ""))
        show_sign(self.drawn, label)
        self._show_samples(label)

    def _show_samples(self, label: str) -> None:
        samples = self.store.samples(label)
        self.thumbs.clear()
        for path in samples:
            item = QListWidgetItem(QIcon(_pixmap(path, THUMB)), "")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(path.name)
            self.thumbs.addItem(item)
        example = samples[-1] if samples else _dataset_example(settings.read(settings.DATASET), label)
        if example is not None:
            self.reference.setPixmap(_pixmap(example, 128))
            self.reference.setToolTip("Your latest sample" if samples else f"From your training photos: {example}")
        else:
            self.reference.setText("no sample yet")
            self.reference.setToolTip("Record a sample, or choose a dataset folder in the Training tab")

    def delete_selected(self) -> None:
        chosen = [Path(i.data(Qt.ItemDataRole.UserRole)) for i in self.thumbs.selectedItems()]
        if chosen:
            self.store.delete(chosen)
            self._refresh_counts()
            self._show_samples(self.sign)

    # recording -------------------------------------------------------------------------
    def start_recording(self) -> None:
        if self.recording is not None:
            return
        if not self.live.session.ready:
            QMessageBox.information(self, "Record", "Open a camera, video or image folder in the Live tab first.")
            return
        self.queue = list(CLASSES[self.signs.currentRow():]) if self.all_box.isChecked() else [self.sign]
        self._next_sign()

    def _next_sign(self) -> None:
        label = self.queue.pop(0)
        self.signs.setCurrentRow(CLASSES.index(label))
        self.recording = Recording(self.store, label, self.count.value())
        self.live.set_spelling(False)  # the signs recorded are not spelled into the Live text
        self.record_button.setEnabled(False)
        self.stop_button.setEnabled(True)

    def stop_recording(self) -> None:
        self.recording = None
        self.queue = []
        self.live.set_spelling(True)
        self.record_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.view.show_message(self.live.message)

    @Slot()
    def _on_source_ended(self) -> None:
        """A video or folder ended mid-recording: keep what was saved, show it, and say so."""
        if self.recording is None:
            return
        label, saved, wanted = self.recording.label, len(self.recording.saved), self.recording.wanted
        self.stop_recording()
        self._refresh_counts()
        self._show_samples(label)
        self.view.show_message(f"The video ended after {saved} of {wanted} samples of {label}; they are saved. "
                               "Play it again (Ctrl+R) or record more.")

    @Slot(str)
    def _on_source_message(self, text: str) -> None:
        """While nothing is recorded, the view says what the live view says of the source
        (opening, no camera, paused, ended)."""
        if self.recording is None:
            self.view.show_message(text)

    @Slot(object)
    def on_result(self, step: Step) -> None:
        r = step.result
        if self.isVisible():
            self.view.show_frame(r.frame, r.box, r.tracked, r.pixels, mirrored=r.mirrored)
        if self.recording is None:
            return
        saved_before = len(self.recording.saved)
        try:
            state = self.recording.feed(r.timestamp, r.hand)
        except OSError as exc:
            self.stop_recording()
            QMessageBox.warning(self, "Record", f"Could not save the sample in {self.store.folder}: {exc}")
            return
        self._show_progress(state)
        if state.captured > saved_before:  # a new file: recount (not on every frame)
            self._refresh_counts()
        if state.done:
            self._show_samples(state.label)
            if self.queue:
                self._next_sign()
            else:
                self.stop_recording()
                self.view.show_message(f"Saved {state.captured} samples of {state.label}. Record more, or fine-tune.")

    def _show_progress(self, state: RecordingState) -> None:
        name = state.label if len(state.label) == 1 else state.label.upper()
        if state.countdown > 0:
            self.view.show_message(f"Show {name} in the box... {state.countdown:.0f}")
        else:
            self.view.show_message(f"Recording {name}: {state.captured}/{state.wanted}")

    # fine-tuning -----------------------------------------------------------------------
    def start_finetune(self) -> None:
        if self.run is None or self.run.running or self.store.total() == 0:
            return
        unknown = self.store.unknown_folders()
        if unknown:
            answer = QMessageBox.question(
                self, "Folders that are no sign",
                f"The set {self.store.folder} holds folders that are no sign: {', '.join(unknown)}; "
                "pictures in them would stop the fine-tune.\n\nMove them into the set's hidden "
                "'.set-aside' folder (nothing is deleted) and fine-tune?")
            if answer != QMessageBox.StandardButton.Yes:
                return
            try:
                for name in unknown:
                    self.store.set_aside(name)
            except OSError as exc:
                self.result_label.setText(f"Could not move them aside ({exc}); use Open folder to move them.")
                return
        base = settings.read(settings.DATASET) or None
        if base and not Path(base).exists():
            base = None
        from trainer.finetune import FinetuneConfig
        self.run.finetune(self.current_model(), str(self.store.folder), FinetuneConfig(), base)
        self.finetune_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.use_button.setEnabled(False)
        self.progress.setRange(0, 0)
        replay = f"replaying photos from {base}" if base else "no base dataset chosen in the Training tab: early layers frozen"
        self.result_label.setText(f"Fine-tuning {Path(self.current_model()).name} on {self.store.total()} samples ({replay})...")

    def cancel_finetune(self) -> None:
        if self.run is not None and self.run.running:
            self.run.cancel()
            self.cancel_button.setEnabled(False)

    @Slot(int, int)
    def _on_started(self, epochs: int, batches: int) -> None:
        self._batches = batches
        self.progress.setRange(0, epochs * batches)

    @Slot(int, int, float, float)
    def _on_batch(self, epoch: int, batch: int, loss: float, accuracy: float) -> None:
        self.progress.setValue((epoch - 1) * self._batches + batch)

    @Slot(object)
    def _on_succeeded(self, out) -> None:
        """out: trainer.jobs.Succeeded"""
        self.new_model = out.checkpoint
        self.progress.setValue(self.progress.maximum())
        own, hands = out.own_samples, out.own_hands
        figure = (f"on the last {own.held_back} samples you recorded, which it did not train on: "
                  f"{own.before:.0%} before, {own.after:.0%} after" if own and own.held_back
                  else "record 3 or more per sign to see a before/after figure")
        if hands and hands.held_back:
            figure += (f"; read from the hand's shape, {hands.before:.0%} before, "
                       f"{hands.after:.0%} after (on {hands.held_back} with a hand found)")
        self.result_label.setText(f"Done in {out.seconds or 0:.0f} s: {figure}. Saved as {out.checkpoint}.")
        self.use_button.setEnabled(True)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.result_label.setText(f"Fine-tuning failed: {message}")

    @Slot()
    def _on_cancelled(self) -> None:
        self.result_label.setText("Cancelled: nothing was saved; the current model is unchanged.")

    @Slot()
    def _on_finished(self) -> None:
        self.progress.setRange(0, 1)
        self.cancel_button.setEnabled(False)
        self._refresh_counts()

    def shutdown(self) -> None:
        self.recording = None
        if self.run is not None:
            self.run.shutdown()
