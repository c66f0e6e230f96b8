"""One training or fine-tune run at a time, in its own process, for the tab that asks.

The Training and My signs tabs both start, cancel and follow a run the same way: through a
`RunController`, which owns the worker and its thread and passes the run's events on as
signals on the GUI thread. A tab draws; it never touches the worker or the thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from trainer.finetune import FinetuneConfig
from trainer.train import TrainConfig

from .threads import WorkerThread
from .training_worker import TrainingWorker


class RunController(QObject):
    loading = Signal(int, int)          # images decoded, total
    started = Signal(int, int)          # epochs, batches per epoch
    batch = Signal(int, int, float, float)
    epoch = Signal(object)              # trainer.train.EpochRecord
    succeeded = Signal(object)          # trainer.jobs.Succeeded
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()                 # after the run's last event; a new run may start

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self._thread: WorkerThread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def worker(self) -> TrainingWorker | None:
        """The running run's worker (its process, its thread), or None."""
        return self._thread.worker if self._thread is not None else None  # type: ignore[return-value]

    def train(self, data_path: str, cfg: TrainConfig, init_from: str | None = None) -> None:
        self._start(TrainingWorker.training(data_path, cfg, init_from))

    def finetune(self, model: str, own: str, cfg: FinetuneConfig, base: str | None = None) -> None:
        self._start(TrainingWorker.finetune(model, own, cfg, base))

    def _start(self, worker: TrainingWorker) -> None:
        if self.running:
            raise RuntimeError("a run is already going")
        for mine, theirs in ((self.loading, worker.loading), (self.started, worker.started),
                             (self.batch, worker.batch), (self.epoch, worker.epoch),
                             (self.succeeded, worker.succeeded), (self.failed, worker.failed),
                             (self.cancelled, worker.cancelled)):
            theirs.connect(mine)
        worker.done.connect(self._on_done)
        self._thread = WorkerThread(worker, self.name, worker.run)

    def cancel(self) -> None:
        """The run stops at its next batch (or the next 256 images while reading them)."""
        if self._thread is not None:
            self._thread.worker.cancel()

    @Slot()
    def _on_done(self) -> None:
        if self._thread is None:  # already stopped by shutdown()
            return
        self._thread.stop()
        self._thread = None
        self.finished.emit()

    def shutdown(self) -> None:
        """Cancel a run and wait for its process to end (the window is closing)."""
        if self._thread is not None:
            self._thread.worker.cancel()
            self._thread.stop()
            self._thread = None
