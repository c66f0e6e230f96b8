"""One training run in a process of its own, reporting through a multiprocessing queue.

The app starts `run_in_child` with the spawn start method, so a crash inside torch or a
native library (a segfault, the out-of-memory killer) ends this process only, and the
window turns it into a message. It posts the events of `trainer.jobs`: progress, then exactly
one of Succeeded, Cancelled or Failed.
"""

from __future__ import annotations

import faulthandler
import os
import time
import traceback
from pathlib import Path

import torch

from .jobs import BatchDone, Cancelled, EpochDone, Failed, FinetuneJob, Job, Loading, Started, Succeeded
from .runs import run_finetune, run_training
from .train import TrainingCallback, TrainingCancelled


class _QueueCallback(TrainingCallback):
    """Forwards progress to the parent, batch events throttled to ~20 a second."""

    def __init__(self, events, cancel):
        self.events, self.cancel = events, cancel
        self._last = 0.0

    def loading(self, done: int, total: int) -> None:
        self.events.put(Loading(done, total))
        if self.cancel.is_set():
            raise TrainingCancelled

    def on_start(self, epochs, batches_per_epoch):
        self.events.put(Started(epochs, batches_per_epoch))

    def on_batch(self, epoch, batch, loss, accuracy):
        now = time.monotonic()
        if now - self._last >= 0.05:
            self._last = now
            self.events.put(BatchDone(epoch, batch, loss, accuracy))

    def on_epoch(self, record):
        self.events.put(EpochDone(record))

    def should_stop(self):
        return self.cancel.is_set()


def _open_log(path: str):
    """The crash log, kept open until the process ends (faulthandler writes to it)."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a", encoding="utf-8")  # noqa: SIM115
    except OSError:
        return None


def run_in_child(events, cancel, job: Job, crash_log: str | None) -> None:
    """Entry point of the training process: run the job, then post exactly one final event."""
    log = _open_log(crash_log) if crash_log else None
    if log:
        faulthandler.enable(log, all_threads=True)
    if hasattr(os, "nice"):
        os.nice(10)  # the window's live view keeps priority over a training run
    torch.set_num_threads(os.cpu_count() or 1)
    callback = _QueueCallback(events, cancel)
    try:
        if isinstance(job, FinetuneJob):
            out = run_finetune(job.model, job.own, job.out, job.config, callback, base_path=job.base,
                               load_progress=callback.loading, landmarks=job.landmarks)
        else:
            out = run_training(job.data, job.out, job.config, callback, init_from=job.init_from,
                               load_progress=callback.loading)
        events.put(Succeeded.of(str(out.checkpoint), str(out.report), out.metrics))
    except TrainingCancelled:
        events.put(Cancelled())
    except Exception as exc:  # every failure becomes a message in the window
        traceback.print_exc()
        if log:
            traceback.print_exc(file=log)
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        known = isinstance(exc, (ValueError, OSError))  # DatasetError, ModelFileError are ValueErrors
        events.put(Failed(text if known else f"{type(exc).__name__}: {text}"))
