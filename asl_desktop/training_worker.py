"""Training in its own process, watched from a QThread; dataset scans on a QThread.

Why a process: the window loads OpenGL (Mesa's libLLVM under X11), and torch's optimizer
lazily loads triton's native library, which then segfaults; a process also keeps the GIL
and torch's thread setting apart from live inference. Anything that kills the training
process becomes a message in the tab; the window and the current model are untouched.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from asl_runtime.runs import new_run_dir
from asl_runtime.shipped import landmark_model_for
from trainer.child_run import run_in_child
from trainer.data import load_dataset
from trainer.finetune import FinetuneConfig
from trainer.jobs import (
    FINAL,
    BatchDone,
    Cancelled,
    EpochDone,
    Event,
    Failed,
    FinetuneJob,
    Job,
    Loading,
    Started,
    Succeeded,
    TrainJob,
)
from trainer.train import TrainConfig, TrainingCancelled

from .crash import crash_log_path, log_exception

CANCEL_GRACE_SECONDS = 15.0  # after Cancel, a process that has not stopped by then is ended


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"ended by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"ended by signal {-code}"
    return f"exit code {code}"


class TrainingWorker(QObject):
    loading = Signal(int, int)          # images decoded, total
    started = Signal(int, int)          # epochs, batches per epoch
    batch = Signal(int, int, float, float)
    epoch = Signal(object)              # trainer.train.EpochRecord
    succeeded = Signal(object)          # trainer.jobs.Succeeded
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()

    def __init__(self, job: Job):
        """job: what `trainer.child_run.run_in_child` runs; see `training` and `finetune`."""
        super().__init__()
        self.job = job
        self._ctx = mp.get_context("spawn")
        self._cancel = self._ctx.Event()
        self._cancelled_at: float | None = None
        self.process = None

    @classmethod
    def training(cls, data_path: str, cfg: TrainConfig, init_from: str | None = None) -> TrainingWorker:
        return cls(TrainJob(data_path, str(new_run_dir(cfg.arch)), cfg, init_from))

    @classmethod
    def finetune(cls, model: str, own: str, cfg: FinetuneConfig, base: str | None = None) -> TrainingWorker:
        """Fine-tune `model` (and the landmark model that goes with it) on the samples in `own`,
        replaying `base` when given."""
        return cls(FinetuneJob(model, own, str(new_run_dir("my-signs")), cfg, base, str(landmark_model_for(model))))

    def cancel(self) -> None:
        """Thread-safe: the run stops at the next batch (or the next 256 images while decoding)."""
        self._cancel.set()
        self._cancelled_at = self._cancelled_at or time.monotonic()

    @Slot()
    def run(self) -> None:
        events = self._ctx.Queue()
        self.process = self._ctx.Process(
            target=run_in_child, name="asl-training", daemon=True,
            args=(events, self._cancel, self.job, str(crash_log_path())))
        try:
            self.process.start()
            while not self._dispatch(events):
                pass
        except Exception as exc:  # starting the process can fail (no memory, no /dev/shm)
            self.failed.emit(f"Could not run the training: {log_exception(exc, 'training')}")
        finally:
            if self.process.is_alive():
                self.process.join(5)
            if self.process.is_alive():
                self.process.kill()
            events.close()
            self.done.emit()

    def _dispatch(self, events) -> bool:
        """Handle one event (or a quiet moment); True once the run has ended."""
        try:
            event = events.get(timeout=0.2)
        except queue.Empty:
            if self._cancelled_at and time.monotonic() - self._cancelled_at > CANCEL_GRACE_SECONDS:
                self.process.kill()
            if self.process.is_alive():
                return False
            try:  # it may have posted its last event just before it ended
                event = events.get(timeout=0.5)
            except queue.Empty:
                if self._cancelled_at:
                    self.cancelled.emit()
                else:
                    self.failed.emit(f"The training process stopped unexpectedly ({_exit_text(self.process.exitcode)}). "
                                     "Nothing was saved; the app and the current model are fine. "
                                     f"Details may be in {crash_log_path()}")
                return True
        self._emit(event)
        return isinstance(event, FINAL)

    def _emit(self, event: Event) -> None:
        match event:
            case Loading(done, total):
                self.loading.emit(done, total)
            case Started(epochs, batches):
                self.started.emit(epochs, batches)
            case BatchDone(epoch, batch, loss, accuracy):
                self.batch.emit(epoch, batch, loss, accuracy)
            case EpochDone(record):
                self.epoch.emit(record)
            case Succeeded():
                self.succeeded.emit(event)
            case Cancelled():
                self.cancelled.emit()
            case Failed(message):
                self.failed.emit(message)


class DatasetScanWorker(QObject):
    """Decodes (and caches) a dataset folder to show what it holds before training."""

    progress = Signal(int, int)
    scanned = Signal(object)   # trainer.data.DatasetSummary
    failed = Signal(str)
    finished = Signal()   # always last, also after cancel

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Thread-safe: stop at the next 256 images; nothing is emitted."""
        self._cancel.set()

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise TrainingCancelled
        self.progress.emit(done, total)

    @Slot()
    def run(self) -> None:
        try:
            self.scanned.emit(load_dataset(self.path, progress=self._progress).summary())
        except TrainingCancelled:
            pass
        except (ValueError, OSError) as exc:  # DatasetError is a ValueError
            self.failed.emit(str(exc))
        except Exception as exc:  # anything else must still end the scan, with a message
            self.failed.emit(f"Cannot read {self.path}: {log_exception(exc, 'dataset scan')}")
        finally:
            self.finished.emit()
