"""The user's own recorded signs (no Qt): where they are kept and how a recording runs.

Samples live in the user data folder as a normal dataset, one folder per set (a person, a
camera, a day: as many as the user likes), one sub-folder per sign, 96x96 PNG crops:
`asl-train finetune` and the Training tab read a set as it is.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from asl_runtime.labels import CLASSES
from asl_runtime.storage import atomic_write, user_data_dir

SAMPLE_SIZE = 96
DEFAULT_SET = "me"


def my_signs_root() -> Path:
    return user_data_dir() / "my-signs"


def valid_set_name(name: str) -> str:
    """The name cleaned for use as a folder, or ValueError with a message."""
    name = name.strip()
    if not name or not re.fullmatch(r"[\w .-]{1,40}", name) or name.startswith("."):
        raise ValueError("use 1 to 40 letters, digits, spaces, dots, dashes or underscores")
    return name


class SampleStore:
    """One set of samples: <root>/<SIGN>/<time>-<n>.png."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @staticmethod
    def sets(root: Path | None = None) -> list[str]:
        root = root or my_signs_root()
        return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) \
            if root.is_dir() else []

    def samples(self, label: str) -> list[Path]:
        folder = self.folder / label
        return sorted(folder.glob("*.png")) if folder.is_dir() else []

    def counts(self) -> dict[str, int]:
        return {label: len(self.samples(label)) for label in CLASSES}

    def total(self) -> int:
        return sum(self.counts().values())

    def add(self, label: str, bgr: np.ndarray) -> Path:
        """Save a crop as a 96x96 PNG, atomically; returns its path."""
        if label not in CLASSES:
            raise ValueError(f"unknown sign '{label}'")
        folder = self.folder / label
        folder.mkdir(parents=True, exist_ok=True)
        side = SAMPLE_SIZE
        interp = cv2.INTER_AREA if min(bgr.shape[:2]) >= side else cv2.INTER_LINEAR
        ok, png = cv2.imencode(".png", cv2.resize(bgr, (side, side), interpolation=interp))
        if not ok:
            raise OSError("could not encode the sample")
        stamp = time.strftime("%Y%m%d-%H%M%S")
        n = len(list(folder.glob(f"{stamp}-*.png")))
        path = folder / f"{stamp}-{n:03d}.png"
        atomic_write(path, lambda tmp: Path(tmp).write_bytes(png.tobytes()))
        return path

    def unknown_folders(self) -> list[str]:
        """Folders in the set that are no sign (put there by hand): fine-tuning cannot read the set."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and p.name not in CLASSES)

    def set_aside(self, name: str) -> Path:
        """Move a folder that is no sign into the set's hidden `.set-aside` folder (nothing is
        deleted; training skips hidden folders); returns where it went."""
        if name in CLASSES or name.startswith(".") or Path(name).name != name:
            raise ValueError(f"'{name}' is not a folder to set aside")
        aside = self.folder / ".set-aside"
        aside.mkdir(exist_ok=True)
        target, n = aside / name, 1
        while target.exists():
            target, n = aside / f"{name}-{n}", n + 1
        (self.folder / name).rename(target)
        return target

    def delete(self, paths) -> int:
        removed = 0
        for p in paths:
            p = Path(p)
            if p.parent.parent == self.folder and p.suffix == ".png":
                p.unlink(missing_ok=True)
                removed += 1
        return removed


@dataclass
class RecordingState:
    label: str
    countdown: float      # seconds left before capturing starts (0 while capturing)
    captured: int
    wanted: int
    done: bool


class Recording:
    """Countdown, then one crop every `interval` seconds until `wanted` are saved.

    Fed with each processed frame's crop and timestamp (the inference thread's), so it
    works the same from a camera, a video or an image folder.
    """

    def __init__(self, store: SampleStore, label: str, wanted: int = 10,
                 countdown: float = 3.0, interval: float = 0.25):
        self.store, self.label, self.wanted = store, label, wanted
        self.countdown, self.interval = countdown, interval
        self.saved: list[Path] = []
        self._start: float | None = None
        self._last = float("-inf")

    def feed(self, timestamp: float, crop: np.ndarray) -> RecordingState:
        if self._start is None:
            self._start = timestamp
        left = self.countdown - (timestamp - self._start)
        if left <= 0 and len(self.saved) < self.wanted and timestamp - self._last >= self.interval:
            self.saved.append(self.store.add(self.label, crop))
            self._last = timestamp
        done = len(self.saved) >= self.wanted
        return RecordingState(self.label, max(0.0, left), len(self.saved), self.wanted, done)
