"""Files that ship with the app (the package `asl_runtime.resources`): models, icon, sign notes."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path


def resources() -> Path:
    return Path(str(files("asl_runtime.resources")))


def models() -> Path:
    return resources() / "models"


def default_model() -> Path:
    """The shipped picture model's torch checkpoint; the live app reads `onnx_for` of it."""
    return models() / "deepcnn.pt"


def default_model_report() -> Path:
    return models() / "report.html"


def shipped_landmark_model() -> Path:
    """The letter network that ships, read wherever a hand is found."""
    return models() / "landmarks.onnx"


def landmark_model_for(model: str | Path) -> Path:
    """The letter network that goes with a picture model: its own beside it (a My signs run
    adapts both; `landmarks.pt` alone: a run from before the ONNX exports), else the shipped one."""
    own = Path(model).with_name("landmarks.onnx")
    return own if own.is_file() or own.with_suffix(".pt").is_file() else shipped_landmark_model()


def onnx_for(model: str | Path) -> Path:
    """The ONNX file the live app reads for a model: the file itself, or the export beside a
    torch checkpoint (`model.pt` -> `model.onnx`)."""
    model = Path(model)
    return model if model.suffix == ".onnx" else model.with_suffix(".onnx")


def app_icon() -> Path:
    return resources() / "icons" / "asl-desktop.svg"


def sign_descriptions() -> dict[str, str]:
    """One line per sign saying how the hand is shaped."""
    return json.loads((resources() / "signs" / "descriptions.json").read_text(encoding="utf-8"))
