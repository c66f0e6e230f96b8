"""Shared fixtures: generated datasets, isolated user folders, headless Qt."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6 import QtWebEngineWidgets  # noqa: E402,F401  (must load before QApplication)


def synthetic_image(class_pos: int, rng: np.random.Generator, size: int = 48) -> np.ndarray:
    """A noisy BGR picture whose bright blob position encodes the class."""
    img = rng.integers(0, 60, (size, size, 3), dtype=np.uint8)
    cells = 3
    r, c = divmod(class_pos % (cells * cells), cells)
    step = size // cells
    y, x = r * step + int(rng.integers(0, 4)), c * step + int(rng.integers(0, 4))
    colour = tuple(int(v) for v in rng.integers(180, 256, 3))
    cv2.rectangle(img, (x, y), (x + step - 4, y + step - 4), colour, -1)
    return img


def write_dataset(root: Path, classes=("A", "B", "del"), per_class: int = 30, seed: int = 0,
                  ext: str = ".png") -> Path:
    rng = np.random.default_rng(seed)
    for k, name in enumerate(classes):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            cv2.imwrite(str(folder / f"{name}_{i}{ext}"), synthetic_image(k, rng))
    return root


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep caches, runs and settings of tests out of the user's real folders."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("ASL_DESKTOP_CACHE", str(base / "cache"))
    monkeypatch.setenv("ASL_DESKTOP_DATA", str(base / "data"))
    return base


@pytest.fixture
def dataset_dir(tmp_path) -> Path:
    return write_dataset(tmp_path / "data")
