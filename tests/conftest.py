"""Shared fixtures: generated datasets, isolated user folders, headless Qt."""

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6 import QtWebEngineWidgets  # noqa: F401  (must load before QApplication)


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


TINY_CLASSES = ("H", "E", "L", "O", "nothing", "space")


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path):
    from PySide6.QtCore import QSettings
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A small real model that tells the synthetic signs of TINY_CLASSES apart."""
    from trainer.checkpoint import save_checkpoint
    from trainer.data import load_dataset
    from trainer.train import TrainConfig, train

    root = tmp_path_factory.mktemp("tiny")
    data = load_dataset(write_dataset(root / "data", TINY_CLASSES, per_class=40), cache_dir=root / "cache")
    result = train(data, TrainConfig.for_arch("aslnet", epochs=15, batch_size=16))
    assert result.test["accuracy"] > 0.95
    path = root / "tiny.pt"
    save_checkpoint(path, result.model, "aslnet", result.mean, result.std, 28)
    return path


def sign_frames(labels, frame_size=(96, 96), offset=(0, 0), seed=1):
    """BGR frames, one per label, each showing the synthetic sign of that TINY_CLASSES label."""
    rng = np.random.default_rng(seed)
    w, h = frame_size
    frames = []
    for label in labels:
        frame = np.zeros((h, w, 3), np.uint8)
        sign = cv2.resize(synthetic_image(TINY_CLASSES.index(label), rng), (96, 96),
                          interpolation=cv2.INTER_NEAREST)
        frame[offset[1]:offset[1] + 96, offset[0]:offset[0] + 96] = sign
        frames.append(frame)
    return frames


def write_video(path: Path, frames, fps: float = 20.0) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def hello_labels(fps: float = 20.0, seconds: float = 0.8):
    n = int(fps * seconds)
    return (["nothing"] * n + ["H"] * n + ["E"] * n + ["L"] * n + ["nothing"] * (n // 2)
            + ["L"] * n + ["O"] * n + ["nothing"] * n)


@pytest.fixture(scope="session", autouse=True)
def garbage_collected_on_the_gui_thread(qapp):
    """As in the app (app.py): collected on a GUI-thread timer, so that a closed window left in
    a reference cycle is never destroyed by a worker thread (that deadlocked a test run)."""
    from pyqtgraph.util.garbage_collector import GarbageCollector
    collector = GarbageCollector(interval=1.0)
    yield
    collector.timer.stop()
    gc.enable()


@pytest.fixture(autouse=True)
def collect_garbage_after_each_test(garbage_collected_on_the_gui_thread):
    yield
    gc.collect()


@pytest.fixture(scope="session", autouse=True)
def delete_windows_before_exit(qapp):
    """Windows closed by pytest-qt are only scheduled for deletion; delete them while Qt is
    still alive, or QtWebEngine's pages outlive their profile and crash the interpreter's exit."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
