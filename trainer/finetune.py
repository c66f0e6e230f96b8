"""Fine-tuning a trained model on a user's own recorded signs, in about a minute on a CPU.

The user's samples are split per sign into a part to train on and a held-back part that
measures the model before and after. Each epoch shows the model the user's training
samples several times (augmented) together with a replay of photos from the base dataset,
so it learns the new hand without forgetting the old ones. Without base data to replay,
the early layers are frozen instead (they hold what transfers between people) and only
the last layers and the classifier learn.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from asl_runtime.labels import CLASSES

from .checkpoint import LoadedModel
from .data import ImageDataset
from .train import EpochRecord, TrainingCallback, predict_pixels, score, train_epoch

# Layers that keep learning when the rest is frozen (the last conv block and the classifier).
TRAINABLE_WHEN_FROZEN = {"deepcnn": ("features.6.", "features.7.", "head."), "aslnet": ("conv2.", "out.")}


@dataclass
class FinetuneConfig:
    epochs: int = 10
    lr: float = 1e-3
    batch_size: int = 64
    holdout: float = 0.2         # share of each sign's samples held back to measure before/after
    oversample: int = 3          # times each own sample is shown per epoch
    replay_per_class: int = 20   # base photos per sign mixed into each epoch
    freeze: bool | None = None   # None: freeze the early layers only when there is nothing to replay
    seed: int = 0
    device: str | None = None

    def __post_init__(self):
        if not (isinstance(self.epochs, int) and self.epochs >= 1):
            raise ValueError(f"epochs must be 1 or more, not {self.epochs}")
        if not 0 <= self.holdout < 1:
            raise ValueError(f"holdout must be from 0 to below 1, not {self.holdout}")


@dataclass
class FinetuneResult:
    model: torch.nn.Module
    history: list[EpochRecord]
    before: dict                 # score on the held-back own samples before fine-tuning
    after: dict                  # ... and after
    split: dict
    frozen: bool
    replayed: int                # base photos per epoch
    seconds: float
    unseen: dict = field(default_factory=dict)  # {"before": acc, "after": acc} on other people, when given


def holdout_split(labels: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
    """Per sign: hold back the last round(n * share) samples in the dataset's order (at least one
    when it has 3 or more). Samples are named by the time they were recorded, so these are the
    last ones recorded, one block: a sample picked at random would sit between two it trained on,
    a quarter second apart in the same clip, and overstate how well it reads the person."""
    train: list[np.ndarray] = []
    held: list[np.ndarray] = []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        k = max(1, int(round(len(idx) * share))) if len(idx) >= 3 and share > 0 else 0
        held.extend(idx[len(idx) - k:])
        train.extend(idx[:len(idx) - k])
    return np.asarray(sorted(train), dtype=np.int64), np.asarray(sorted(held), dtype=np.int64)


def replay_subset(base: ImageDataset, per_class: int, seed: int) -> ImageDataset:
    """Up to `per_class` photos of every sign of the base dataset."""
    rng = np.random.default_rng(seed)
    keep = np.concatenate([rng.permutation(np.flatnonzero(base.labels == c))[:per_class]
                           for c in range(len(CLASSES))])
    return ImageDataset(base.images[keep], base.labels[keep], base.source)


def _freeze(model: torch.nn.Module, arch: str) -> None:
    trainable = TRAINABLE_WHEN_FROZEN[arch]
    for name, p in model.named_parameters():
        p.requires_grad_(name.startswith(trainable))


def _set_mode(model: torch.nn.Module, arch: str, frozen: bool) -> None:
    """Train mode, except frozen batch-norm layers keep their statistics."""
    model.train()
    if frozen:
        trainable = TRAINABLE_WHEN_FROZEN[arch]
        for name, m in model.named_modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and not f"{name}.".startswith(trainable):
                m.eval()


def finetune(base: LoadedModel, own: ImageDataset, cfg: FinetuneConfig | None = None,
             callback: TrainingCallback | None = None, replay: ImageDataset | None = None,
             unseen: ImageDataset | None = None) -> FinetuneResult:
    """Fine-tune `base` (left untouched) on `own`; `replay` is the base dataset, when the user has it."""
    cfg = cfg or FinetuneConfig()
    callback = callback or TrainingCallback()
    started = time.perf_counter()
    torch.manual_seed(cfg.seed)
    device = torch.device(cfg.device or "cpu")
    train_idx, held_idx = holdout_split(own.labels, cfg.holdout)
    if len(train_idx) == 0:
        raise ValueError("no samples to fine-tune on: record a few of each sign first")
    frozen = replay is None if cfg.freeze is None else cfg.freeze
    model = type(base.model)(num_classes=len(CLASSES), input_size=base.input_size)
    model.load_state_dict(base.model.state_dict())
    model.to(device)
    if frozen:
        _freeze(model, base.arch)
    mean, std, t = base.mean, base.std, base.temperature

    def held_score(m) -> dict:
        return score(predict_pixels(m, own.images[held_idx], mean, std, temperature=t), own.labels[held_idx])

    def unseen_acc(m) -> float | None:
        return (score(predict_pixels(m, unseen.images, mean, std), unseen.labels)["accuracy"]
                if unseen is not None and len(unseen) else None)

    before, unseen_before = held_score(model), unseen_acc(model)
    replayed = replay_subset(replay, cfg.replay_per_class, cfg.seed) if replay is not None else None
    x_own = torch.from_numpy(own.images[train_idx]).repeat(cfg.oversample, 1, 1, 1)
    y_own = torch.from_numpy(own.labels[train_idx]).repeat(cfg.oversample)
    if replayed is not None:
        x_own = torch.cat([x_own, torch.from_numpy(replayed.images)])
        y_own = torch.cat([y_own, torch.from_numpy(replayed.labels)])
    x_all, y_all = x_own.to(device), y_own.to(device)
    batches = (len(y_all) + cfg.batch_size - 1) // cfg.batch_size
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.epochs * batches)
    gen = torch.Generator(device=device).manual_seed(cfg.seed)
    history: list[EpochRecord] = []
    callback.on_start(cfg.epochs, batches)
    for epoch in range(1, cfg.epochs + 1):
        epoch_started = time.perf_counter()
        _set_mode(model, base.arch, frozen)
        train_loss, train_acc = train_epoch(model, x_all, y_all, epoch, cfg.batch_size, opt, sched, gen,
                                            callback, mean, std, augment=True, label_smoothing=0.1)
        held = held_score(model) if len(held_idx) else {"loss": float("nan"), "accuracy": float("nan")}
        record = EpochRecord(epoch, train_loss, train_acc, held["loss"], held["accuracy"],
                             time.perf_counter() - epoch_started, unseen_acc(model))
        history.append(record)
        callback.on_epoch(record)
    model = model.cpu().eval()
    for p in model.parameters():
        p.requires_grad_(True)
    after = held_score(model)
    result = FinetuneResult(model, history, before, after,
                            {"train": len(train_idx), "held_back": len(held_idx)}, frozen,
                            0 if replayed is None else len(replayed), time.perf_counter() - started)
    if unseen_before is not None:
        result.unseen = {"before": unseen_before, "after": unseen_acc(model)}
    return result


def summary(result: FinetuneResult, cfg: FinetuneConfig) -> dict:
    """The fine-tune's figures for metrics.json."""
    return {"config": asdict(cfg), "split": result.split, "frozen_early_layers": result.frozen,
            "replayed_per_epoch": result.replayed, "seconds": round(result.seconds, 1),
            "held_back_before": result.before["accuracy"], "held_back_after": result.after["accuracy"],
            **({"unseen": result.unseen} if result.unseen else {})}
