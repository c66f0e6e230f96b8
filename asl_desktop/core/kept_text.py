"""The spelled text and the finished sentences, kept in the user's data folder between runs
(no Qt): written atomically as they change, read back at start, so quitting (or a crash)
loses nothing. A damaged file is set aside, not overwritten."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from asl_runtime.storage import atomic_write, user_data_dir


@dataclass
class KeptText:
    text: str = ""
    history: list[str] = field(default_factory=list)  # finished sentences, oldest first


def kept_text_path() -> Path:
    return user_data_dir() / "text.json"


def load_kept_text(path: Path | None = None) -> KeptText:
    path = path or kept_text_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return KeptText()
    except (OSError, ValueError):
        data = None
    if (isinstance(data, dict) and isinstance(data.get("text"), str) and isinstance(data.get("history"), list)
            and all(isinstance(line, str) for line in data["history"])):
        return KeptText(data["text"], data["history"])
    try:  # keep it for the user to look at; start afresh
        os.replace(path, path.with_name(path.name + ".damaged"))
    except OSError:
        pass
    return KeptText()


def save_kept_text(kept: KeptText, path: Path | None = None) -> None:
    payload = json.dumps({"text": kept.text, "history": kept.history}, ensure_ascii=False, indent=1)
    atomic_write(path or kept_text_path(), lambda tmp: Path(tmp).write_text(payload, encoding="utf-8"))
