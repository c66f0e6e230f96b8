"""Persistent user settings (QSettings, INI format in the user's config folder)."""

from PySide6.QtCore import QSettings


def app_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ASL Desktop", "ASL Desktop")


def get_float(s: QSettings, key: str, default: float) -> float:
    try:
        return float(s.value(key, default))
    except (TypeError, ValueError):
        return default


def get_bool(s: QSettings, key: str, default: bool) -> bool:
    value = s.value(key, default)
    return value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")
