"""Saving and safely loading model checkpoints (weights plus metadata); each save also writes
the ONNX export the live app reads (`trainer.export`)."""

from __future__ import annotations

import math
import pickle
import platform
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import torch
from torch import nn

from asl_runtime.labels import CLASSES
from asl_runtime.model_files import MAX_INPUT, MIN_INPUT, ModelFileError
from asl_runtime.storage import atomic_write

from .export import export_picture
from .models import ARCHS, build_model

FORMAT = "asl-desktop-checkpoint"
FORMAT_VERSION = 1


@dataclass
class LoadedModel:
    model: nn.Module
    arch: str
    classes: list[str]
    input_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    meta: dict
    path: Path
    temperature: float = 1.0  # divides the logits before softmax (fitted at training time)


def library_versions() -> dict[str, str]:
    import cv2
    import numpy
    import torchvision
    return {"python": platform.python_version(), "torch": str(torch.__version__),
            "torchvision": str(torchvision.__version__), "numpy": str(numpy.__version__),
            "opencv": str(cv2.__version__)}


def save_checkpoint(path: str | Path, model: nn.Module, arch: str, mean, std,
                    input_size: int, temperature: float = 1.0, **meta) -> None:
    """Write weights and metadata (history, dataset, metrics...) atomically, and the ONNX
    export beside them (`model.pt` -> `model.onnx`). Weights that are not all finite (a run
    that diverged) are refused: ValueError, nothing written."""
    refuse_diverged(model)
    payload = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "arch": arch,
        "classes": list(CLASSES), "input_size": int(input_size),
        "mean": [float(v) for v in mean], "std": [float(v) for v in std],
        "temperature": float(temperature),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": library_versions(), **meta,
    }
    atomic_write(Path(path), lambda tmp: torch.save(payload, tmp))
    export_picture(model, arch, int(input_size), mean, std, temperature, Path(path).with_suffix(".onnx"))


def all_finite(model: nn.Module) -> bool:
    """Whether every weight is a finite number (a diverged run's are NaN or infinite)."""
    return all(bool(torch.isfinite(t).all()) for t in model.state_dict().values() if t.is_floating_point())


def refuse_diverged(model: nn.Module) -> None:
    """ValueError when any weight is NaN or infinite: such a model reads every frame as one sign."""
    if not all_finite(model):
        raise ValueError("the training diverged: its weights hold NaN or infinite values, so nothing was saved "
                         "(try a lower learning rate)")


def read_payload(path: Path, device: str | torch.device = "cpu", what: str = "model file"):
    """torch.load with `weights_only=True`; a missing or unreadable file is a ModelFileError."""
    if not path.is_file():
        raise ModelFileError(f"{path}: no such {what}")
    try:
        return torch.load(path, map_location=device, weights_only=True)
    except Exception as exc:  # any failure to unpickle means "not a model file"
        if isinstance(exc, pickle.UnpicklingError):
            reason = "it is damaged, or holds objects a safe model file may not contain"
        else:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelFileError(f"{path}: not a readable model file ({reason[:200]})") from exc


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> LoadedModel:
    """Load a checkpoint with `weights_only=True`; any problem is a ModelFileError."""
    path = Path(path)
    payload = read_payload(path, device)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not an ASL Desktop model checkpoint")
    arch = payload.get("arch")
    if not isinstance(arch, str) or arch not in ARCHS:
        raise ModelFileError(f"{path}: unknown architecture '{arch}'")
    _check_fields(path, payload)
    try:
        model = build_model(arch, len(CLASSES), payload["input_size"])
        model.load_state_dict(payload["state_dict"])
    except (KeyError, RuntimeError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path}: weights do not match the '{arch}' architecture ({str(exc)[:200]})") from exc
    if not all_finite(model):
        raise ModelFileError(f"{path}: the weights contain NaN or infinite values (a diverged training run)")
    meta = {k: v for k, v in payload.items() if k != "state_dict"}
    return LoadedModel(model.to(device).eval(), arch, list(CLASSES), payload["input_size"],
                       tuple(payload["mean"]), tuple(payload["std"]), meta, path,
                       float(payload.get("temperature", 1.0)))


def _check_fields(path: Path, payload: dict) -> None:
    """Every field the app relies on, before any of it is used."""
    classes = payload.get("classes")
    if not isinstance(classes, list) or classes != list(CLASSES):
        shown = classes[:5] if isinstance(classes, list) else type(classes).__name__
        raise ModelFileError(f"{path}: its classes ({shown}...) are not the 29 signs A-Z, del, nothing, space")
    size = payload.get("input_size")
    if not isinstance(size, int) or isinstance(size, bool) or not MIN_INPUT <= size <= MAX_INPUT or size % 4:
        raise ModelFileError(f"{path}: input size {size!r} is not a multiple of 4 from {MIN_INPUT} to {MAX_INPUT}")
    for name in ("mean", "std"):
        values = payload.get(name)
        if (not isinstance(values, (list, tuple)) or len(values) != 3
                or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)):
            raise ModelFileError(f"{path}: '{name}' must be three finite numbers (one per colour), not {values!r}")
    if not all(v > 0 for v in payload["std"]):
        raise ModelFileError(f"{path}: 'std' must be above zero, not {payload['std']!r}")
    temperature = payload.get("temperature", 1.0)  # files from before calibration have none
    if (not isinstance(temperature, (int, float)) or isinstance(temperature, bool)
            or not math.isfinite(temperature) or not 0.01 <= temperature <= 100):
        raise ModelFileError(f"{path}: 'temperature' must be a number from 0.01 to 100, not {temperature!r}")
    if not isinstance(payload.get("state_dict"), dict):
        raise ModelFileError(f"{path}: it holds no weights")
