"""Runs `trainer.runs.run_training` on a QThread and reports through signals."""

from __future__ import annotations

import os
import threading
import time

import torch
from PySide6.QtCore import QObject, Signal, Slot

from trainer.checkpoint import CheckpointError
from trainer.data import DatasetError, load_dataset
from trainer.runs import new_run_dir, run_training
from trainer.train import TrainConfig, TrainingCallback, TrainingCancelled


class _SignalCallback(TrainingCallback):
    """Bridges trainer callbacks to Qt signals, throttling batch events to ~20 per second."""

    def __init__(self, worker: TrainingWorker):
        self.worker = worker
        self._last = 0.0

    def on_start(self, epochs, batches_per_epoch):
        self.worker.started.emit(epochs, batches_per_epoch)

    def on_batch(self, epoch, batch, loss, accuracy):
        now = time.monotonic()
        if now - self._last >= 0.05:
            self._last = now
            self.worker.batch.emit(epoch, batch, loss, accuracy)

    def on_epoch(self, record):
        self.worker.epoch.emit(record)

    def should_stop(self):
        return self.worker.cancel_requested.is_set()


class TrainingWorker(QObject):
    loading = Signal(int, int)          # images decoded, total
    started = Signal(int, int)          # epochs, batches per epoch
    batch = Signal(int, int, float, float)
    epoch = Signal(dict)
    succeeded = Signal(dict)            # {"checkpoint", "report", "metrics"}
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()

    def __init__(self, data_path: str, cfg: TrainConfig, init_from: str | None = None):
        super().__init__()
        self.data_path, self.cfg, self.init_from = data_path, cfg, init_from
        self.cancel_requested = threading.Event()

    def cancel(self) -> None:
        """Thread-safe: the run stops at the next batch (or the next 256 images while decoding)."""
        self.cancel_requested.set()

    def _loading(self, done: int, total: int) -> None:
        self.loading.emit(done, total)
        if self.cancel_requested.is_set():
            raise TrainingCancelled

    @Slot()
    def run(self) -> None:
        threads = torch.get_num_threads()
        torch.set_num_threads(os.cpu_count() or 1)  # training may use every core while it runs
        try:
            out = run_training(self.data_path, new_run_dir(self.cfg.arch), self.cfg, _SignalCallback(self),
                               init_from=self.init_from, load_progress=self._loading)
            self.succeeded.emit({"checkpoint": str(out.checkpoint), "report": str(out.report),
                                 "metrics": out.metrics})
        except TrainingCancelled:
            self.cancelled.emit()
        except (DatasetError, CheckpointError, ValueError, OSError, RuntimeError) as exc:
            self.failed.emit(str(exc))
        finally:
            torch.set_num_threads(threads)
            self.done.emit()


class DatasetScanWorker(QObject):
    """Decodes (and caches) a dataset folder to show what it holds before training."""

    progress = Signal(int, int)
    scanned = Signal(dict)
    failed = Signal(str)

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    @Slot()
    def run(self) -> None:
        try:
            self.scanned.emit(load_dataset(self.path, progress=self.progress.emit).summary())
        except (DatasetError, OSError) as exc:
            self.failed.emit(str(exc))
