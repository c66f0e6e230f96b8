"""The training loop, evaluation and the progress callback interface.

`train()` drives one run on an in-memory dataset and reports through a
`TrainingCallback`; the CLI wraps it with tqdm and the app with Qt signals.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field, fields

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from asl_runtime.labels import CLASSES

from .augment import augment_batch
from .calibrate import MIN_TEMPERATURE, before_after, fit_temperature
from .data import ImageDataset, split_indices
from .models import build_model
from .tensors import standardize, to_unit

# Per-architecture defaults. "aslnet" is the study's recipe exactly; "deepcnn" is the
# recipe that generalised best to unseen people here (docs/model-card.md).
RECIPES = {
    "aslnet": dict(epochs=10, batch_size=32, lr=1e-3, optimizer="adam", schedule="constant",
                   label_smoothing=0.0, weight_decay=0.0, augment=False),
    "deepcnn": dict(epochs=40, batch_size=128, lr=3e-3, optimizer="adamw", schedule="onecycle",
                    label_smoothing=0.1, weight_decay=5e-4, augment=True),
}


OPTIMIZERS = ("adam", "adamw")
SCHEDULES = ("constant", "onecycle")


MAX_LR = 1.0  # above this Adam diverges at once (1e30 overflowed inside the optimizer)


@dataclass
class TrainConfig:
    arch: str = "deepcnn"
    epochs: int = 40
    batch_size: int = 128
    lr: float = 3e-3
    optimizer: str = "adamw"
    schedule: str = "onecycle"
    label_smoothing: float = 0.1
    weight_decay: float = 5e-4
    augment: bool = True
    seed: int = 0
    train_share: float = 0.7
    test_share: float = 0.2
    device: str | None = None
    zoom: tuple[float, float] = (0.8, 1.15)  # augmentation's scale range (above 1 zooms in)
    degrees: float = 12.0                    # augmentation's rotation range, +-

    def __post_init__(self):
        """Refuse settings that would train nothing, or something other than asked."""
        checks = [
            (self.arch in RECIPES, f"unknown architecture '{self.arch}': choose one of {', '.join(RECIPES)}"),
            (self.optimizer in OPTIMIZERS, f"unknown optimizer '{self.optimizer}': choose {' or '.join(OPTIMIZERS)}"),
            (self.schedule in SCHEDULES, f"unknown schedule '{self.schedule}': choose {' or '.join(SCHEDULES)}"),
            (isinstance(self.epochs, int) and self.epochs >= 1, f"epochs must be 1 or more, not {self.epochs}"),
            (isinstance(self.batch_size, int) and self.batch_size >= 1,
             f"batch size must be 1 or more, not {self.batch_size}"),
            (math.isfinite(self.lr) and 0 < self.lr <= MAX_LR,
             f"--lr (the learning rate) must be above 0 and at most {MAX_LR}, not {self.lr}"),
            (isinstance(self.seed, int) and self.seed >= 0, f"--seed must be 0 or more, not {self.seed}"),
            (0 < self.train_share and 0 < self.test_share and self.train_share + self.test_share < 1,
             "train and test shares must be above 0 and leave some images for validation"),
            (0 < self.zoom[0] <= self.zoom[1], f"zoom must be a range above 0, not {self.zoom}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        if self.device is not None:
            check_device(self.device)

    @classmethod
    def for_arch(cls, arch: str, **overrides) -> TrainConfig:
        """The recipe of an architecture, with any non-None overrides applied; unknown names fail."""
        if arch not in RECIPES:
            raise ValueError(f"unknown architecture '{arch}': choose one of {', '.join(RECIPES)}")
        names = {f.name for f in fields(cls)}
        unknown = sorted(k for k in overrides if k not in names)
        if unknown:
            raise ValueError(f"unknown training setting(s): {', '.join(unknown)}")
        values = {**RECIPES[arch], **{k: v for k, v in overrides.items() if v is not None}}
        return cls(arch=arch, **{k: v for k, v in values.items() if k in names})

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class EpochRecord:
    """One epoch's figures; saved as a dict (`asdict`) in metrics.json and checkpoints."""
    epoch: int
    train_loss: float
    train_acc: float
    val_loss: float
    val_acc: float
    seconds: float
    unseen_acc: float | None = None  # on the unseen people, when the run has them


class TrainingCancelled(Exception):
    """Raised inside `train()` when the callback asks to stop; nothing is saved."""


class TrainingCallback:
    """Progress events of a run. Override what you need; `should_stop` cancels."""

    def on_start(self, epochs: int, batches_per_epoch: int) -> None: ...

    def on_batch(self, epoch: int, batch: int, loss: float, accuracy: float) -> None: ...

    def on_epoch(self, record: EpochRecord) -> None: ...

    def should_stop(self) -> bool:
        return False


@dataclass
class TrainResult:
    model: nn.Module
    config: TrainConfig
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    history: list[EpochRecord]
    test: dict
    split: dict = field(default_factory=dict)
    temperature: float = 1.0
    calibration: dict = field(default_factory=dict)


def check_device(name: str) -> torch.device:
    """A device this machine has, or a ValueError that says which ones it has."""
    try:
        device = torch.device(name)
    except RuntimeError:
        raise ValueError(f"unknown device '{name}': use cpu or cuda") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for, but this machine has no usable CUDA GPU: use cpu")
    if device.type not in ("cpu", "cuda"):
        raise ValueError(f"device '{name}' is not supported: use cpu or cuda")
    return device


def pick_device(name: str | None = None) -> torch.device:
    if name:
        return torch.device(name)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def channel_stats(images: np.ndarray) -> tuple[tuple, tuple]:
    """Per-channel mean and std of uint8 RGB images, in [0, 1] units."""
    flat = images.reshape(-1, 3).astype(np.float64) / 255.0
    return tuple(float(v) for v in flat.mean(0)), tuple(float(max(v, 1e-3)) for v in flat.std(0))


@torch.no_grad()
def predict_logits(model: nn.Module, images, mean, std, device=None, batch_size: int = 1024,
                   augment_seed: int | None = None) -> torch.Tensor:
    """Raw class scores (N x classes) for uint8 RGB pixel arrays (augmented when a seed is given)."""
    device = device or next(model.parameters()).device
    model.eval()
    pixels = torch.as_tensor(images)
    gen = torch.Generator(device=device).manual_seed(augment_seed) if augment_seed is not None else None
    out = []
    for start in range(0, len(pixels), batch_size):
        x = to_unit(pixels[start:start + batch_size].to(device))
        if gen is not None:
            x = augment_batch(x, gen)
        out.append(model(standardize(x, mean, std)).float().cpu())
    return torch.cat(out) if out else torch.empty(0, len(CLASSES))


def predict_pixels(model: nn.Module, images, mean, std, device=None, batch_size: int = 1024,
                   temperature: float = 1.0) -> torch.Tensor:
    """Class probabilities (N x classes) for uint8 RGB pixel arrays."""
    return F.softmax(predict_logits(model, images, mean, std, device, batch_size) / temperature, dim=1)


def calibrate(model: nn.Module, images, labels, mean, std, seed: int = 0) -> tuple[float, dict]:
    """Fit the temperature on held-out images, as they are and under two draws of augmentation.

    Held-out photos of the training people are nearly all right; the augmented copies add
    the harder, unfamiliar views that new people and rooms bring, so the fitted confidence
    does not promise near-certainty on them.
    """
    labels = torch.as_tensor(labels).cpu()
    logits = torch.cat([predict_logits(model, images, mean, std, augment_seed=s)
                        for s in (None, seed + 1, seed + 2)])
    targets = labels.repeat(3)
    temperature = fit_temperature(logits, targets)
    fitted_on = f"validation split ({len(labels)} images) as is and under two draws of augmentation"
    if temperature <= MIN_TEMPERATURE or bool((logits.argmax(1) == targets).all()):
        fitted_on += (" (no mistakes there to fit on: the fit only sharpens, and shown confidence "
                      "will overstate accuracy for new people)")
    return temperature, {
        "temperature": temperature,
        "fitted_on": fitted_on,
        "validation": before_after(logits, targets, temperature),
    }


def calibration_on(model: nn.Module, images, labels, mean, std, temperature: float) -> dict:
    """ECE and reliability bins on a labelled set (e.g. unseen people), before/after the temperature."""
    return before_after(predict_logits(model, images, mean, std), labels, temperature)


def score(probs: torch.Tensor, labels) -> dict:
    """Accuracy, loss, per-class accuracy and confusion matrix of predictions."""
    labels = torch.as_tensor(labels)
    k = len(CLASSES)
    if len(labels) == 0:
        return {"accuracy": float("nan"), "loss": float("nan"), "images": 0,
                "per_class": {}, "confusion": [[0] * k for _ in range(k)], "classes": list(CLASSES)}
    preds = probs.argmax(1)
    loss = F.nll_loss(torch.log(probs.clamp_min(1e-12)), labels).item()
    confusion = torch.bincount(labels * k + preds, minlength=k * k).view(k, k)
    per_class = {
        CLASSES[i]: float(confusion[i, i] / confusion[i].sum())
        for i in range(k) if confusion[i].sum() > 0
    }
    return {"accuracy": float((preds == labels).float().mean()), "loss": loss, "images": len(labels),
            "per_class": per_class, "confusion": confusion.tolist(), "classes": list(CLASSES)}


def _optimizer(cfg: TrainConfig, model: nn.Module, steps: int):
    if cfg.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    else:  # "adamw": TrainConfig allows no other
        opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched = (torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=steps)
             if cfg.schedule == "onecycle" else None)
    return opt, sched


def train_epoch(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epoch: int, batch_size: int, opt, sched,
                gen: torch.Generator, callback: TrainingCallback, mean, std, augment: bool,
                label_smoothing: float, augment_args: dict | None = None) -> tuple[float, float]:
    """One pass over uint8 images `x` (N x H x W x 3, on the device) in shuffled batches, each
    augmented per sample when asked (`augment_args` go to `augment_batch`); returns the mean
    loss and accuracy. The caller sets the model's mode. Raises TrainingCancelled when the
    callback asks to stop."""
    order = torch.randperm(len(y), generator=gen, device=x.device)
    total_loss = total_correct = 0.0
    for b in range((len(y) + batch_size - 1) // batch_size):
        if callback.should_stop():
            raise TrainingCancelled()
        idx = order[b * batch_size:(b + 1) * batch_size]
        batch = to_unit(x[idx])
        if augment:
            batch = augment_batch(batch, gen, **(augment_args or {}))
        logits = model(standardize(batch, mean, std))
        loss = F.cross_entropy(logits, y[idx], label_smoothing=label_smoothing)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if sched:
            sched.step()
        correct, loss_value = (logits.argmax(1) == y[idx]).sum().item(), loss.item()  # one read each
        total_loss += loss_value * len(idx)
        total_correct += correct
        callback.on_batch(epoch, b + 1, loss_value, correct / len(idx))
    return total_loss / len(y), total_correct / len(y)


def train(data: ImageDataset, cfg: TrainConfig, callback: TrainingCallback | None = None,
          init_state: dict | None = None, unseen: ImageDataset | None = None) -> TrainResult:
    """Train on a seeded split of `data`; test at the end.

    `init_state` fine-tunes from existing weights; `unseen` is an optional labelled set of
    other people scored after every epoch (recorded as `unseen_acc`, never trained on).
    """
    callback = callback or TrainingCallback()
    torch.manual_seed(cfg.seed)
    device = pick_device(cfg.device)
    train_idx, test_idx, val_idx = split_indices(len(data), cfg.seed, cfg.train_share, cfg.test_share)
    if min(len(train_idx), len(test_idx), len(val_idx)) == 0:
        raise ValueError(f"{len(data)} images are too few to split into train/test/validation: "
                         "add more images (a few per sign at least)")

    mean, std = channel_stats(data.images[train_idx])
    images = torch.from_numpy(data.images).to(device)
    labels = torch.from_numpy(data.labels).to(device)
    x_train, y_train = images[train_idx], labels[train_idx]

    model = build_model(cfg.arch, len(CLASSES), data.images.shape[1]).to(device)
    if init_state is not None:
        model.load_state_dict(init_state)
    batches = (len(train_idx) + cfg.batch_size - 1) // cfg.batch_size
    opt, sched = _optimizer(cfg, model, cfg.epochs * batches)
    gen = torch.Generator(device=device).manual_seed(cfg.seed)
    augment_args = {"scale": tuple(cfg.zoom), "degrees": cfg.degrees}
    history: list[EpochRecord] = []
    callback.on_start(cfg.epochs, batches)

    for epoch in range(1, cfg.epochs + 1):
        started = time.perf_counter()
        model.train()
        train_loss, train_acc = train_epoch(model, x_train, y_train, epoch, cfg.batch_size, opt, sched, gen,
                                            callback, mean, std, cfg.augment, cfg.label_smoothing,
                                            augment_args)
        val = score(predict_pixels(model, images[val_idx], mean, std), labels[val_idx].cpu())
        unseen_acc = (score(predict_pixels(model, unseen.images, mean, std), unseen.labels)["accuracy"]
                      if unseen is not None and len(unseen) else None)
        record = EpochRecord(epoch, train_loss, train_acc, val["loss"], val["accuracy"],
                             time.perf_counter() - started, unseen_acc)
        history.append(record)
        callback.on_epoch(record)

    temperature, calibration = calibrate(model, images[val_idx], labels[val_idx], mean, std, cfg.seed)
    if unseen is not None and len(unseen):
        calibration["unseen"] = calibration_on(model, unseen.images, unseen.labels, mean, std, temperature)
    test = score(predict_pixels(model, images[test_idx], mean, std, temperature=temperature),
                 labels[test_idx].cpu())
    split = {"train": len(train_idx), "test": len(test_idx), "validation": len(val_idx)}
    return TrainResult(model.cpu().eval(), cfg, mean, std, history, test, split, temperature, calibration)

