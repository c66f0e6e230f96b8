"""The one place the window and `transcribe` load the live models: the picture model and the
letter network that reads the hand's landmarks, both ONNX files read by ONNX Runtime."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from asl_runtime.finder import HandReader
from asl_runtime.model_files import LetterModel, ModelFileError
from asl_runtime.motion import MotionLetters, motion_model_path
from asl_runtime.shipped import landmark_model_for, onnx_for

from .core.recognizer import Classifier


def exported(model: str | Path) -> Path:
    """The ONNX file for `model`. A torch checkpoint saved before training wrote exports (or
    copied without its export) is exported once, beside it, where training is installed."""
    onnx = onnx_for(model)
    checkpoint = onnx.with_suffix(".pt")
    if onnx.is_file() or not checkpoint.is_file() or find_spec("torch") is None:
        return onnx
    from trainer.export import export_beside
    try:
        return export_beside(checkpoint)
    except OSError as exc:
        raise ModelFileError(f"{checkpoint}: cannot write its ONNX export beside it ({exc})") from exc


def load_picture_model(model: str | Path) -> Classifier:
    return Classifier.from_path(exported(model))


def load_hands(model: str | Path) -> HandReader:
    """A reader of the letter from the hand's landmarks, with the letter network that goes
    with `model` (`landmark_model_for`); `hands.LandmarksUnavailable` or ModelFileError say why not."""
    return HandReader(LetterModel.load(exported(landmark_model_for(model))), video=True)



def load_motion() -> MotionLetters:
    """The J/Z motion model that ships; ModelFileError says why it cannot be read."""
    try:
        return MotionLetters()
    except (OSError, ValueError, KeyError) as exc:
        raise ModelFileError(f"{motion_model_path()}: J and Z by their motion are off ({exc})") from exc
