"""Files that ship with the app."""

import json
from importlib.resources import files
from pathlib import Path


def resources() -> Path:
    return Path(str(files("asl_desktop.resources")))


def default_model() -> Path:
    return resources() / "models" / "deepcnn.pt"


def default_model_report() -> Path:
    return resources() / "models" / "report.html"


def app_icon() -> Path:
    return resources() / "icons" / "asl-desktop.svg"


def sign_descriptions() -> dict[str, str]:
    """One line per sign saying how the hand is shaped."""
    return json.loads((resources() / "signs" / "descriptions.json").read_text(encoding="utf-8"))
