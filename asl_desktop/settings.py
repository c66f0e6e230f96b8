"""Persistent user settings: one typed, validated place for every key.

Values live in QSettings (INI format in the user's config folder). Reading goes through
`read(KEY)`: a missing value gives the default; a value of the wrong type, not finite or
out of range is replaced (numbers are clamped) and the replacement is logged, never fatal.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from .core.frames import MAX_CAMERA_INDEX
from .core.region import GuideBox
from .core.speller import DEFAULT_HOLD, DEFAULT_THRESHOLD

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Key:
    name: str
    kind: type                  # bool, int, float, str or QByteArray
    default: Any
    low: float | None = None    # numbers are clamped into [low, high]
    high: float | None = None
    choices: tuple = ()         # str values allowed, when given


GEOMETRY = Key("window/geometry", QByteArray, None)
THEME = Key("window/theme", str, "system", choices=("system", "light", "dark"))
CAMERA = Key("live/camera", int, 0, 0, MAX_CAMERA_INDEX)
MODEL = Key("live/model", str, "")
GUIDE_CX = Key("live/guide_cx", float, GuideBox().cx, 0.0, 1.0)
GUIDE_CY = Key("live/guide_cy", float, GuideBox().cy, 0.0, 1.0)
GUIDE_SIZE = Key("live/guide_size", float, GuideBox().size, 0.15, 1.0)
MIRROR = Key("live/mirror", bool, True)
ANYWHERE = Key("live/anywhere", bool, True)  # look for the hand in the whole frame, not only the guide box
HAND = Key("live/hand", str, "either", choices=("either", "right", "left"))  # the signing hand, two in view
LANDMARKS = Key("live/landmarks", bool, True)
THRESHOLD = Key("live/threshold", float, DEFAULT_THRESHOLD, 0.2, 0.99)
HOLD = Key("live/hold", float, DEFAULT_HOLD, 0.2, 3.0)
DATASET = Key("training/dataset", str, "")
MY_SIGNS_SET = Key("my_signs/set", str, "me")
MY_SIGNS_COUNT = Key("my_signs/count", int, 10, 1, 50)
ARCH = Key("training/arch", str, "deepcnn", choices=("deepcnn", "aslnet"))
DIR_VIDEO = Key("dirs/video", str, "")
DIR_IMAGES = Key("dirs/images", str, "")
DIR_MODEL = Key("dirs/model", str, "")
DIR_TEXT = Key("dirs/text", str, "")
AUTOCORRECT = Key("text/autocorrect", bool, True)
SPACE_ACCEPTS = Key("text/space_accepts", bool, False)
GUESS = Key("text/guess", bool, True)
HOLD_TO_COMMIT = Key("text/hold_to_commit", bool, False)  # a learner's pace: every letter held
SPEAK_WORDS = Key("text/speak_words", bool, False)
SPEAK_SENTENCES = Key("text/speak_sentences", bool, False)
TEXT_SIZE = Key("text/size", int, 22, 10, 60)
VOICE = Key("text/voice", str, "")
RATE = Key("text/rate", float, 0.0, -1.0, 1.0)


def app_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ASL Desktop", "ASL Desktop")


def _convert(key: Key, raw: Any) -> Any:
    """The value as key.kind, or raise ValueError/TypeError."""
    if key.kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise ValueError(raw)
    if key.kind is QByteArray:
        if not isinstance(raw, QByteArray):
            raise TypeError(type(raw).__name__)
        return raw
    if key.kind is str:
        if not isinstance(raw, str) or (key.choices and raw not in key.choices):
            raise ValueError(raw)
        return raw
    text = str(raw).strip()
    if key.kind is int and not text.isascii():
        raise ValueError(raw)  # int() would take Unicode digits such as "٣"
    value = key.kind(float(text)) if key.kind is float else int(text)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def read(key: Key, s: QSettings | None = None) -> Any:
    s = s or app_settings()
    raw = s.value(key.name)
    if raw is None:
        return key.default
    try:
        value = _convert(key, raw)
    except (TypeError, ValueError, OverflowError):
        log.warning("setting %s=%r is not a valid %s; using %r", key.name, raw, key.kind.__name__, key.default)
        return key.default
    if key.low is not None and not key.low <= value <= key.high:
        clamped = min(max(value, key.low), key.high)
        log.warning("setting %s=%r is outside %s..%s; using %r", key.name, raw, key.low, key.high, clamped)
        return key.kind(clamped)
    return value


def write(key: Key, value: Any) -> None:
    app_settings().setValue(key.name, value)
