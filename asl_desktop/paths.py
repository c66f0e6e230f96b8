"""Files that ship with the app."""

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
