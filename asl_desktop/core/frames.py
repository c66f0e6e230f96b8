"""Frame sources: a camera, a video file or a folder of images (no Qt here).

Each source hands out BGR frames with a timestamp in seconds: wall-clock time for a
camera, the frame's position in the stream for files, so that a recording spells the
same text however fast it is processed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from asl_runtime.images import IMAGE_SUFFIXES, decode_image

# the view already says "No camera found"; OpenCV would also warn on the terminal at every retry
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


class SourceError(RuntimeError):
    """A source that cannot be opened or read, with a message for the user."""


@dataclass
class Frame:
    image: np.ndarray  # BGR uint8
    timestamp: float   # seconds
    index: int


class FrameSource:
    """Base class. `read()` returns the next Frame, or None when the stream ends or fails."""

    description = "source"
    realtime = False      # True for cameras: frames arrive at their own pace
    fps = 30.0

    def read(self) -> Frame | None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class CameraSource(FrameSource):
    realtime = True

    def __init__(self, index: int = 0, width: int = 640, height: int = 480):
        self.index = index
        self.description = f"Camera {index}"
        self.cap = cv2.VideoCapture(index)
        if not self.cap.isOpened():
            self.cap.release()
            raise SourceError(f"No camera found at index {index}, or it is in use by another program.")
        self.cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self.cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self.fps = self.cap.get(cv2.CAP_PROP_FPS) or 30.0
        self._n = 0

    def read(self) -> Frame | None:
        ok, image = self.cap.read()
        if not ok or image is None:
            return None
        self._n += 1
        return Frame(image, time.monotonic(), self._n - 1)

    def close(self) -> None:
        self.cap.release()


class VideoFileSource(FrameSource):
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.description = self.path.name
        if not self.path.is_file():
            raise SourceError(f"Video file not found: {self.path}")
        self.cap = cv2.VideoCapture(str(self.path))
        ok, first = self.cap.read() if self.cap.isOpened() else (False, None)
        if not ok or first is None:
            self.cap.release()
            raise SourceError(f"Cannot read video file {self.path.name}: "
                              "not a video, or a format OpenCV cannot decode.")
        fps = self.cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and 1 <= fps <= 240 else 30.0
        self._pending: np.ndarray | None = first
        self._n = 0

    def read(self) -> Frame | None:
        if self._pending is not None:
            image, self._pending = self._pending, None
        else:
            ok, image = self.cap.read()
            if not ok or image is None:
                return None
        self._n += 1
        return Frame(image, (self._n - 1) / self.fps, self._n - 1)

    def close(self) -> None:
        self.cap.release()


class ImageFolderSource(FrameSource):
    """Plays the images of a folder in name order at `fps` images per second."""

    def __init__(self, path: str | Path, fps: float = 5.0):
        self.path = Path(path)
        self.description = f"{self.path.name}/"
        if not self.path.is_dir():
            raise SourceError(f"Image folder not found: {self.path}")
        self.files = sorted(p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self.files:
            raise SourceError(f"No images (.jpg, .png, ...) in {self.path}")
        self.fps = fps
        self._pos = 0
        self.skipped = 0

    def read(self) -> Frame | None:
        while self._pos < len(self.files):
            path = self.files[self._pos]
            self._pos += 1
            try:
                image = decode_image(path.read_bytes())  # the trainer's checks: truncated, huge...
            except OSError:
                image = None
            if image is not None:
                return Frame(image, (self._pos - 1) / self.fps, self._pos - 1)
            self.skipped += 1
        return None


MAX_CAMERA_INDEX = 63


def is_camera_spec(spec: str | int) -> bool:
    """A camera index, as an int or as ASCII digits ("0")."""
    return isinstance(spec, int) or (str(spec).isascii() and str(spec).isdigit())


def open_source(spec: str | int, folder_fps: float = 5.0) -> FrameSource:
    """A camera index ("0"), a video file or an image folder."""
    if is_camera_spec(spec):
        if not 0 <= int(spec) <= MAX_CAMERA_INDEX:
            raise SourceError(f"Camera index {spec} is out of range: use 0 to {MAX_CAMERA_INDEX}.")
        return CameraSource(int(spec))
    if not folder_fps > 0:
        raise SourceError(f"Images per second must be above 0, not {folder_fps}.")
    path = Path(str(spec)).expanduser()
    if path.is_dir():
        return ImageFolderSource(path, folder_fps)
    return VideoFileSource(path)


def available_cameras(max_index: int = 4) -> list[int]:
    """Indices of the cameras that open (probing takes a moment: not on the GUI thread)."""
    found = []
    for i in range(max_index):
        cap = cv2.VideoCapture(i)
        if cap.isOpened():
            found.append(i)
        cap.release()
    return found
