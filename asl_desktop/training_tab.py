"""The training tab: pick a dataset, set the recipe, train with live curves, view results."""

from __future__ import annotations

import time
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from asl_runtime import shipped
from asl_runtime.labels import CLASSES
from asl_runtime.runs import RunInfo, read_run
from asl_runtime.storage import atomic_write
from trainer.data import DatasetSummary
from trainer.jobs import Succeeded
from trainer.train import RECIPES, EpochRecord, TrainConfig

from . import settings
from .layout import scroll_column, scrollbar_width
from .results_view import ResultsView
from .run_controller import RunController
from .threads import WorkerThread
from .training_worker import DatasetScanWorker

LOW_ACCURACY = 0.5  # a finished run below this says what usually helps


def _plot(title: str, y_label: str) -> pg.PlotWidget:
    w = pg.PlotWidget(title=title)
    w.setAccessibleName(title)
    w.setBackground(None)  # the window's own colour: a dark palette gives dark charts
    w.addLegend(offset=(-10, 10))
    w.showGrid(x=True, y=True, alpha=0.3)
    w.setLabel("bottom", "epoch")
    w.getAxis("bottom").enableAutoSIPrefix(False)  # epochs stay epochs (not "x0.001" in the first one)
    w.setLabel("left", y_label)
    return w


TRAIN_COLOUR, VALIDATION_COLOUR = "#2563eb", "#dc2626"


def _curve(plot: pg.PlotWidget, colour: str, name: str) -> pg.PlotDataItem:
    """A line with round markers, both in one colour, so the legend tells the series apart."""
    return plot.plot(pen=pg.mkPen(colour, width=2), symbol="o", symbolBrush=colour, symbolPen=colour, name=name)


class TrainingTab(QWidget):
    use_model = Signal(str)   # path of a checkpoint to load into the live tab

    def __init__(self, parent=None):
        super().__init__(parent)
        self.current_model = str(shipped.default_model())
        self.current_arch: str | None = None
        self.run = RunController("training", self)
        self.run.loading.connect(self._on_loading)
        self.run.started.connect(self._on_started)
        self.run.batch.connect(self._on_batch)
        self.run.epoch.connect(self._on_epoch)
        self.run.succeeded.connect(self._on_succeeded)
        self.run.failed.connect(self._on_failed)
        self.run.cancelled.connect(self._on_cancelled)
        self.run.finished.connect(self._on_finished)
        self.scan_thread: WorkerThread | None = None
        self.scanned_path: str | None = None  # the folder whose images were read: what Start trains
        self.closed = False  # after shutdown nothing new starts (the folder field still reports editingFinished)
        self._build_ui()
        folder = settings.read(settings.DATASET)
        if folder:
            self.dataset_edit.setText(folder)
            self.scan_dataset()

    # UI ------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.dataset_edit = QLineEdit()
        self.dataset_edit.setPlaceholderText("Folder (or .zip / .tar.gz) with one sub-folder per letter")
        self.dataset_edit.editingFinished.connect(self.scan_dataset)
        browse = QPushButton("Choose...")
        browse.clicked.connect(self.choose_dataset)
        row = QHBoxLayout()
        row.addWidget(self.dataset_edit, 1)
        row.addWidget(browse)
        self.dataset_info = QLabel("No dataset chosen.")
        self.dataset_info.setWordWrap(True)
        self.counts_plot = pg.PlotWidget()
        self.counts_plot.setAccessibleName("Images per sign in the dataset")
        self.counts_plot.setBackground(None)
        self.counts_plot.setMaximumHeight(130)
        self.counts_plot.setLimits(yMin=0)  # counts: no negative axis while the chart is empty
        self.counts_plot.setMouseEnabled(x=False, y=False)
        self.counts_plot.setLabel("left", "images")
        short = [c if len(c) == 1 else c[0] for c in CLASSES]  # del, nothing, space -> d, n, s
        self.counts_plot.getAxis("bottom").setTicks([list(enumerate(short))])
        self.counts_bars = pg.BarGraphItem(x=list(range(len(CLASSES))), height=[0] * len(CLASSES), width=0.7,
                                           brush="#3b82f6")
        self.counts_plot.addItem(self.counts_bars)
        data_box = QGroupBox("Dataset")
        dl = QVBoxLayout(data_box)
        dl.addLayout(row)
        dl.addWidget(self.dataset_info)
        dl.addWidget(self.counts_plot)
        legend = QLabel("<i>d = del, n = nothing, s = space</i>")  # the palette's own text colour, light or dark
        dl.addWidget(legend)

        self.arch = QComboBox()
        self.arch.addItem("DeepCNN (default, best on new people)", "deepcnn")
        self.arch.addItem("ASLNet (the study's reference)", "aslnet")
        self.arch.currentIndexChanged.connect(self._apply_recipe)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 500)
        self.batch = QSpinBox()
        self.batch.setRange(1, 4096)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(1e-5, 1.0)
        self.lr.setSingleStep(1e-4)
        self.augment = QCheckBox("Augment (rotation, zoom, shift, flip, colour)")
        self.val_share = QDoubleSpinBox()
        self.val_share.setRange(0.05, 0.5)
        self.val_share.setSingleStep(0.05)
        self.val_share.setValue(0.1)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.finetune = QCheckBox("Start from the current model (fine-tune)")
        self.finetune.toggled.connect(self._sync_finetune)
        self.arch.setCurrentIndex(max(0, self.arch.findData(settings.read(settings.ARCH))))
        self._apply_recipe()
        self.settings_box = QGroupBox("Settings")
        form = QFormLayout(self.settings_box)
        form.addRow("Model", self.arch)
        form.addRow("Epochs", self.epochs)
        form.addRow("Batch size", self.batch)
        form.addRow("Learning rate", self.lr)
        form.addRow("Validation share", self.val_share)
        form.addRow("Seed", self.seed)
        form.addRow(self.augment)
        form.addRow(self.finetune)

        self.start_button = QPushButton("Start training")
        self.start_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button = QPushButton("Use this model")
        self.use_button.setToolTip("Load the run selected in Results into the live tab")
        self.use_button.clicked.connect(self.use_selected_run)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.cancel_button, self.use_button):
            buttons.addWidget(b)
        self.progress = QProgressBar()
        self.progress_label = QLabel("")
        self.progress_label.setWordWrap(True)  # a finished run's line can be long
        self.log = QPlainTextEdit()
        self.log.setAccessibleName("Training log")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)

        left = QVBoxLayout()
        left.addWidget(data_box)
        left.addWidget(self.settings_box)
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(self.progress_label)
        left.addWidget(self.log, 1)
        panel = QWidget()
        panel.setLayout(left)
        left_widget = scroll_column(panel)
        left_widget.setMaximumWidth(460 + scrollbar_width(left_widget))
        left_widget.setMinimumWidth(panel.minimumSizeHint().width() + scrollbar_width(left_widget))

        self.batch_plot = _plot("Training loss per batch (smoothed)", "loss")
        self.batch_plot.setLabel("bottom", "epoch")
        self.batch_curve = self.batch_plot.plot(pen=pg.mkPen("#64748b", width=1), name="train (smoothed)")
        self.loss_plot = _plot("Loss per epoch", "cross-entropy")
        self.train_loss_curve = _curve(self.loss_plot, TRAIN_COLOUR, "train")
        self.val_loss_curve = _curve(self.loss_plot, VALIDATION_COLOUR, "validation")
        self.acc_plot = _plot("Accuracy per epoch", "accuracy (%)")
        self.acc_plot.getAxis("left").enableAutoSIPrefix(False)
        self.train_acc_curve = _curve(self.acc_plot, TRAIN_COLOUR, "train")
        self.val_acc_curve = _curve(self.acc_plot, VALIDATION_COLOUR, "validation")
        curves = QWidget()
        cl = QVBoxLayout(curves)
        cl.addWidget(self.batch_plot)
        cl.addWidget(self.loss_plot)
        cl.addWidget(self.acc_plot)

        self.results = ResultsView()
        self.results.run_selected.connect(self._on_run_selected)
        self.right = QTabWidget()
        self.right.addTab(curves, "Progress")
        self.right.addTab(self.results, "Results")

        layout = QHBoxLayout(self)
        layout.addWidget(left_widget)
        layout.addWidget(self.right, 1)

    @Slot(object)
    def _on_run_selected(self, run: RunInfo) -> None:
        self.use_button.setEnabled(run.model.is_file())

    def use_selected_run(self) -> None:
        """Load the selected run's model, asking first when it did worse (on unseen people, or on
        its own test photos) and when it would drop the letter network My signs taught."""
        run = self.results.selected_run()
        if run is None:
            return
        current = read_run(Path(self.current_model).parent / "metrics.json", Path(self.current_model))
        worse = None
        if (current is not None and current.unseen_accuracy is not None and run.unseen_accuracy is not None
                and run.unseen_accuracy < current.unseen_accuracy):
            worse = (f"This model recognised {run.unseen_accuracy:.1%} of the photos of people it never saw; "
                     f"the model in use now recognised {current.unseen_accuracy:.1%}.")
        elif run.test_accuracy is not None and run.test_accuracy < LOW_ACCURACY:
            worse = f"This model recognised only {run.test_accuracy:.1%} of its own test photos."
        if worse and QMessageBox.question(self, "A weaker model", f"{worse} Use it anyway?") != QMessageBox.StandardButton.Yes:
            return
        if not self._keep_personal_letters(run.model):
            return
        self.use_model.emit(str(run.model))

    def _keep_personal_letters(self, model: Path) -> bool:
        """The model in use has a letter network of the user's own beside it (My signs) and the
        new one has none: offer to keep it beside the new model. False: the user cancelled."""
        own = Path(self.current_model).with_name("landmarks.pt")
        if not own.is_file() or model.with_name("landmarks.pt").is_file() or own.parent == model.parent:
            return True
        answer = QMessageBox.question(
            self, "Keep what My signs learnt?",
            "The model in use reads your hand's shape with what My signs taught it; this run has no "
            "such network of its own. Keep yours beside it (Yes), or read with the shipped one (No)?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Yes:
            try:
                for name in ("landmarks.pt", "landmarks.onnx"):
                    if own.with_name(name).is_file():
                        data = own.with_name(name).read_bytes()
                        atomic_write(model.with_name(name), lambda tmp, data=data: Path(tmp).write_bytes(data))
            except OSError as exc:
                QMessageBox.warning(self, "Keep what My signs learnt", f"Could not copy it beside {model}: {exc}")
                return False
        return True

    def _apply_recipe(self) -> None:
        r = RECIPES[self.arch.currentData()]
        self.epochs.setValue(r["epochs"])
        self.batch.setValue(r["batch_size"])
        self.lr.setValue(r["lr"])
        self.augment.setChecked(r["augment"])

    def set_current_model(self, path: str, arch: str) -> None:
        """The live tab's model: what "fine-tune" starts from."""
        self.current_model, self.current_arch = path, arch
        self.finetune.setText(f"Start from the current model ({Path(path).name}, {arch}) - fine-tune")
        self._sync_finetune()

    def _sync_finetune(self) -> None:
        """Fine-tuning keeps the current model's architecture, so the choice is locked to it."""
        tuning = self.finetune.isChecked()
        if tuning and self.current_arch is not None:
            self.arch.setCurrentIndex(self.arch.findData(self.current_arch))
        self.arch.setEnabled(not tuning)

    # dataset -------------------------------------------------------------------
    def choose_dataset(self) -> None:
        start = self.dataset_edit.text() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Choose a dataset folder", start)
        if folder:
            self.dataset_edit.setText(folder)
            self.scan_dataset()

    def scan_dataset(self) -> None:
        """Read the folder in the text field; a scan still running for another folder is
        cancelled, and this one starts when it has stopped."""
        if self.closed:
            return
        path = self.dataset_edit.text().strip()
        if self.scan_thread is not None:
            if path != self._scan.path:
                self._scan.cancel()  # _end_scan starts the new one
            return
        if not path:
            return
        self.scanned_path = None
        self.start_button.setEnabled(False)
        self.dataset_info.setStyleSheet("")
        self.dataset_info.setText("Reading images...")
        self._scan = DatasetScanWorker(path)
        self._scan.progress.connect(self._on_scan_progress)  # a method: runs on the GUI thread
        self._scan.scanned.connect(self._on_scanned)
        self._scan.failed.connect(self._on_scan_failed)
        self._scan.finished.connect(self._end_scan)
        self.scan_thread = WorkerThread(self._scan, "dataset-scan", self._scan.run)

    @Slot(int, int)
    def _on_scan_progress(self, done: int, total: int) -> None:
        self.dataset_info.setText(f"Reading images... {done}/{total}")

    @Slot()
    def _end_scan(self) -> None:
        if self.scan_thread is None:  # already stopped by shutdown()
            return
        self.scan_thread.stop()
        self.scan_thread = None
        if self.dataset_edit.text().strip() != self._scan.path:
            self.scan_dataset()  # the user chose another folder meanwhile

    @Slot(object)
    def _on_scanned(self, summary: DatasetSummary) -> None:
        if self._scan.path != self.dataset_edit.text().strip():
            return  # a folder the user has since replaced
        settings.write(settings.DATASET, self._scan.path)
        counts = summary.per_class
        self.counts_bars.setOpts(height=[counts[c] for c in CLASSES])
        missing = summary.missing_classes
        text = f"{summary.images} images in {len(CLASSES) - len(missing)} classes"
        if summary.unreadable:
            text += f"; {summary.unreadable} unreadable files will be skipped"
        if missing:
            text += f". Missing classes: {', '.join(missing)}"
        self.dataset_info.setText(text + ".")
        self.scanned_path = self._scan.path
        self.start_button.setEnabled(not self.run.running)

    @Slot(str)
    def _on_scan_failed(self, message: str) -> None:
        if self._scan.path != self.dataset_edit.text().strip():
            return
        self.counts_bars.setOpts(height=[0] * len(CLASSES))
        self.dataset_info.setStyleSheet("color: #b91c1c")
        self.dataset_info.setText(message)

    # training ------------------------------------------------------------------
    def config(self) -> TrainConfig:
        return TrainConfig.for_arch(self.arch.currentData(), epochs=self.epochs.value(),
                                    batch_size=self.batch.value(), lr=self.lr.value(),
                                    augment=self.augment.isChecked(), seed=self.seed.value(),
                                    train_share=round(0.8 - self.val_share.value(), 4), test_share=0.2)

    def start(self) -> None:
        if self.run.running or self.scanned_path is None:
            return
        cfg = self.config()
        settings.write(settings.ARCH, cfg.arch)
        for curve in (self.batch_curve, self.train_loss_curve, self.val_loss_curve,
                      self.train_acc_curve, self.val_acc_curve):
            curve.setData([], [])
        self._batch_losses: list[float] = []  # exponentially smoothed
        self._batch_x: list[float] = []
        self._history: list[EpochRecord] = []
        self.use_button.setEnabled(False)
        self.log.appendPlainText(f"Training {cfg.arch} for {cfg.epochs} epochs on {self.scanned_path}")
        self.run.train(self.scanned_path, cfg, self.current_model if self.finetune.isChecked() else None)
        self.start_button.setEnabled(False)
        self.settings_box.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.right.setCurrentIndex(0)

    def cancel(self) -> None:
        if self.run.running:
            self.run.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling...")

    @Slot(int, int)
    def _on_loading(self, done: int, total: int) -> None:
        self.progress_label.setText(f"Reading images {done}/{total}")

    @Slot(int, int)
    def _on_started(self, epochs: int, batches: int) -> None:
        self._epochs, self._batches = epochs, batches
        for plot in (self.batch_plot, self.loss_plot, self.acc_plot):  # the whole run's epochs, from the start
            plot.setXRange(0, epochs, padding=0.02)
        self._t0 = time.monotonic()
        self.progress.setRange(0, epochs * batches)
        self.progress.setValue(0)

    @Slot(int, int, float, float)
    def _on_batch(self, epoch: int, batch: int, loss: float, accuracy: float) -> None:
        done = (epoch - 1) * self._batches + batch
        self.progress.setValue(done)
        elapsed = time.monotonic() - self._t0
        eta = elapsed / done * (self.progress.maximum() - done)
        self.progress_label.setText(f"Epoch {epoch}/{self._epochs}, batch {batch}/{self._batches} · "
                                    f"elapsed {elapsed:.0f} s · about {eta:.0f} s left")
        previous = self._batch_losses[-1] if self._batch_losses else loss
        self._batch_losses.append(0.8 * previous + 0.2 * loss)
        self._batch_x.append(epoch - 1 + batch / self._batches)
        self.batch_curve.setData(self._batch_x, self._batch_losses)

    @Slot(object)
    def _on_epoch(self, r: EpochRecord) -> None:
        self._history.append(r)
        x = [h.epoch for h in self._history]
        self.train_loss_curve.setData(x, [h.train_loss for h in self._history])
        self.val_loss_curve.setData(x, [h.val_loss for h in self._history])
        self.train_acc_curve.setData(x, [100 * h.train_acc for h in self._history])
        self.val_acc_curve.setData(x, [100 * h.val_acc for h in self._history])
        self.log.appendPlainText(f"epoch {r.epoch}: train loss {r.train_loss:.4f}, accuracy {r.train_acc:.1%}"
                                 f" · validation loss {r.val_loss:.4f}, accuracy {r.val_acc:.1%} · {r.seconds:.1f} s")

    @Slot(object)
    def _on_succeeded(self, out: Succeeded) -> None:
        self.progress.setValue(self.progress.maximum())
        done = f"Done: test accuracy {out.test_accuracy:.1%} on {out.test_images} images"
        if out.test_accuracy < LOW_ACCURACY:  # e.g. a short first try: say what helps
            done += (f" · low after {self._epochs * self._batches} training steps: "
                     "more epochs (or more photos a sign) usually help")
        self.progress_label.setText(done)
        self.log.appendPlainText(f"Saved {out.checkpoint}\nReport {out.report}")
        self.results.refresh(select=out.report)
        self.right.setCurrentIndex(1)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.progress_label.setText("Training failed.")
        self.log.appendPlainText(f"Error: {message}")
        QMessageBox.warning(self, "Training failed", message)

    @Slot()
    def _on_cancelled(self) -> None:
        epochs = len(self._history)
        text = (f"Cancelled after {epochs} complete epoch{'s' if epochs != 1 else ''}. Nothing was saved; "
                "the current model and earlier runs are unchanged.")
        self.progress_label.setText(text)
        self.log.appendPlainText(text)

    @Slot()
    def _on_finished(self) -> None:
        self.cancel_button.setEnabled(False)
        self.settings_box.setEnabled(True)
        self.start_button.setEnabled(self.scanned_path is not None)

    # window closing ------------------------------------------------------------
    def is_training(self) -> bool:
        return self.run.running

    def confirm_close(self) -> bool:
        if not self.is_training():
            return True
        answer = QMessageBox.question(self, "Training is running",
                                      "A training run is in progress. Stop it and quit? Nothing of this run is saved.")
        return answer == QMessageBox.StandardButton.Yes

    def shutdown(self) -> None:
        self.closed = True
        self.run.shutdown()
        if self.scan_thread is not None:
            self._scan.cancel()
            self.scan_thread.stop()
            self.scan_thread = None
