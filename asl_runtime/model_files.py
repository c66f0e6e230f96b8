"""The live models as ONNX files, checked before use: the picture model and the letter network.

Training keeps torch checkpoints and writes an ONNX export beside each (`trainer.export`), with
what reading it needs (classes, input size, colour statistics, temperature) in the file's
metadata. A file that is missing, damaged, of the wrong kind or whose outputs are not finite
numbers is a ModelFileError naming the file; the model in use stays.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort

from .calibration import calibrated
from .hands import FEATURES
from .labels import CLASSES
from .ort_session import ort_session
from .preprocess import standardized

PICTURE_FORMAT = "asl-desktop-picture"
LETTERS_FORMAT = "asl-desktop-letters"
MIN_INPUT, MAX_INPUT = 8, 224  # input sizes a picture model may declare (28 is the app's)
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.01, 100.0


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names the file."""


def _open(path: Path, what: str, fmt: str, threads: int) -> tuple[ort.InferenceSession, dict[str, str]]:
    if not path.is_file():
        hint = ""
        if path.suffix == ".onnx" and path.with_suffix(".pt").is_file():
            hint = (f" (only its torch checkpoint {path.with_suffix('.pt').name} is there: "
                    f"`asl-train export {path.with_suffix('.pt')}` writes it)")
        raise ModelFileError(f"{path}: no such {what}{hint}")
    try:
        session = ort_session(str(path), threads)
    except Exception as exc:  # ONNX Runtime raises its own exception types
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelFileError(f"{path}: not a readable {what} ({reason[:200]})") from exc
    meta = dict(session.get_modelmeta().custom_metadata_map)
    if meta.get("format") != fmt:
        raise ModelFileError(f"{path}: not an ASL Desktop {what}")
    try:
        classes = json.loads(meta.get("classes", "null"))
    except ValueError:
        classes = None
    if classes != list(CLASSES):
        raise ModelFileError(f"{path}: its classes are not the 29 signs A-Z, del, nothing, space")
    return session, meta


def _number(path: Path, meta: dict[str, str], name: str, low: float, high: float) -> float:
    try:
        value = float(meta[name])
    except (KeyError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise ModelFileError(f"{path}: '{name}' must be a number from {low} to {high}, not {meta.get(name)!r}")
    return value


def _three_numbers(path: Path, meta: dict[str, str], name: str) -> tuple[float, float, float]:
    try:
        values = json.loads(meta.get(name, "null"))
    except ValueError:
        values = None
    if (not isinstance(values, list) or len(values) != 3
            or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)):
        raise ModelFileError(f"{path}: '{name}' must be three finite numbers (one per colour), not {values!r}")
    return float(values[0]), float(values[1]), float(values[2])


def _probe(path: Path, logits: Callable[[np.ndarray], np.ndarray], probe: np.ndarray, what: str) -> None:
    """Run a probe input: a model of another shape, or a diverged or damaged one (which would
    read every frame as one letter), is refused at load."""
    try:
        out = logits(probe)
    except Exception as exc:  # ONNX Runtime's own errors: an input or output of another shape
        raise ModelFileError(f"{path}: does not read {what} ({str(exc)[:200]})") from exc
    if out.shape != (len(probe), len(CLASSES)) or not np.isfinite(out).all():
        raise ModelFileError(f"{path}: its outputs are not 29 finite numbers (a diverged or damaged model)")


@dataclass
class PictureModel:
    """The 28x28 picture model: RGB pixels -> calibrated probabilities, one thread."""
    path: Path
    arch: str
    input_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    temperature: float
    session: ort.InferenceSession

    @classmethod
    def load(cls, path: str | Path) -> PictureModel:
        path = Path(path)
        session, meta = _open(path, "picture model", PICTURE_FORMAT, threads=1)
        size = _number(path, meta, "input_size", MIN_INPUT, MAX_INPUT)
        if size != int(size) or size % 4:
            raise ModelFileError(f"{path}: input size {meta['input_size']!r} is not a multiple of 4")
        std = _three_numbers(path, meta, "std")
        if min(std) <= 0:
            raise ModelFileError(f"{path}: 'std' must be above zero, not {list(std)}")
        model = cls(path, meta.get("arch", "?"), int(size), _three_numbers(path, meta, "mean"), std,
                    _number(path, meta, "temperature", MIN_TEMPERATURE, MAX_TEMPERATURE), session)
        _probe(path, model.logits, np.full((1, model.input_size, model.input_size, 3), 128, np.uint8),
               f"{model.input_size}x{model.input_size} pictures")
        return model

    def logits(self, pixels: np.ndarray) -> np.ndarray:
        """N x size x size x 3 RGB uint8 -> N x 29 logits."""
        return self.session.run(None, {"pixels": standardized(pixels, self.mean, self.std)})[0]

    def probs(self, pixels: np.ndarray) -> np.ndarray:
        """N x size x size x 3 RGB uint8 -> N x 29 calibrated probabilities (CLASSES order)."""
        return calibrated(self.logits(pixels), self.temperature)


@dataclass
class LetterModel:
    """The letter network: the hand's 63 landmark features -> calibrated probabilities."""
    path: Path
    temperature: float
    session: ort.InferenceSession

    @classmethod
    def load(cls, path: str | Path) -> LetterModel:
        path = Path(path)
        session, meta = _open(path, "hand-landmark letter model", LETTERS_FORMAT, threads=1)
        model = cls(path, _number(path, meta, "temperature", MIN_TEMPERATURE, MAX_TEMPERATURE), session)
        _probe(path, model.logits, np.random.default_rng(0).uniform(-1, 1, (2, FEATURES)).astype(np.float32),
               "63 landmark features")
        return model

    def logits(self, feats: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"features": np.ascontiguousarray(feats, np.float32)})[0]

    def probs(self, feats: np.ndarray) -> np.ndarray:
        """N x 63 features -> N x 29 calibrated probabilities (CLASSES order)."""
        return calibrated(self.logits(feats), self.temperature)
