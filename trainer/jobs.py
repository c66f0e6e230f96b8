"""What the window and the training process say to each other: one job in, events out.

All are dataclasses, pickled over a multiprocessing queue, that the window dispatches by type
(`asl_desktop.training_worker`). A run posts any number of progress events, then exactly one
of `Succeeded`, `Cancelled` or `Failed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .finetune import FinetuneConfig
from .train import EpochRecord, TrainConfig


@dataclass(frozen=True)
class TrainJob:
    """Train a picture model on a dataset (`trainer.runs.run_training`)."""
    data: str
    out: str
    config: TrainConfig
    init_from: str | None = None  # a checkpoint to fine-tune from


@dataclass(frozen=True)
class FinetuneJob:
    """Adapt a model (and its letter network) to one person's samples (`trainer.runs.run_finetune`)."""
    model: str
    own: str
    out: str
    config: FinetuneConfig
    base: str | None = None       # the dataset to replay, so the model does not forget
    landmarks: str | None = None  # the letter network to adapt too


Job = TrainJob | FinetuneJob


@dataclass(frozen=True)
class Loading:
    done: int
    total: int


@dataclass(frozen=True)
class Started:
    epochs: int
    batches_per_epoch: int


@dataclass(frozen=True)
class BatchDone:
    epoch: int
    batch: int
    loss: float
    accuracy: float


@dataclass(frozen=True)
class EpochDone:
    record: EpochRecord


@dataclass(frozen=True)
class BeforeAfter:
    """A share right on someone's held-back samples before and after a fine-tune."""
    held_back: int
    before: float
    after: float


@dataclass(frozen=True)
class Succeeded:
    """The run's files and the figures the window shows (the rest is in `metrics`)."""
    checkpoint: str
    report: str
    metrics: dict[str, Any]
    test_accuracy: float
    test_images: int
    seconds: float | None = None        # a fine-tune's own time
    own_samples: BeforeAfter | None = None   # a fine-tune: the picture model on the person's held-back samples
    own_hands: BeforeAfter | None = None     # ... and the letter network, where a hand was found in them

    @classmethod
    def of(cls, checkpoint: str, report: str, metrics: dict[str, Any]) -> Succeeded:
        """From a run's metrics.json record (`trainer.runs`)."""
        test, tuned = metrics["test"], metrics.get("finetune")
        own = hands = seconds = None
        if tuned is not None:
            seconds = tuned["seconds"]
            own = BeforeAfter(tuned["split"]["held_back"], tuned["held_back_before"], tuned["held_back_after"])
            h = tuned.get("landmarks")
            if h is not None:
                hands = BeforeAfter(h["held_back"], h["held_back_before"], h["held_back_after"])
        return cls(checkpoint, report, metrics, test["accuracy"], test["images"], seconds, own, hands)


@dataclass(frozen=True)
class Cancelled:
    pass


@dataclass(frozen=True)
class Failed:
    message: str


Event = Loading | Started | BatchDone | EpochDone | Succeeded | Cancelled | Failed
FINAL = (Succeeded, Cancelled, Failed)
