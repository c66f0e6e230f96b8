"""Training runs as the app lists them: one folder each in the user's data folder, with its
model, report and metrics.json (written by `trainer.runs`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .storage import user_data_dir


def runs_dir() -> Path:
    """Where runs live: the user's data folder (never inside the installed package)."""
    return user_data_dir() / "runs"


def new_run_dir(tag: str) -> Path:
    return runs_dir() / f"{datetime.now():%Y%m%d-%H%M%S}-{tag}"


@dataclass
class RunInfo:
    """A finished run (or the shipped model) as the results list shows it."""
    folder: Path
    model: Path
    created: str
    arch: str | None
    test_accuracy: float | None
    unseen_accuracy: float | None  # on the --unseen people, when the run had them

    @property
    def report(self) -> Path:
        return self.folder / "report.html"


def _accuracy(part: object) -> float | None:
    """`part["accuracy"]` when it is a share from 0 to 1; a damaged file shows none."""
    value = part.get("accuracy") if isinstance(part, dict) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    return None


def read_run(metrics_file: Path, model: Path | None = None) -> RunInfo | None:
    """The run described by a metrics.json (its model beside it), or None when unreadable."""
    try:
        m = json.loads(metrics_file.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(m, dict):
        return None
    arch = m.get("arch") if isinstance(m.get("arch"), str) else None
    return RunInfo(metrics_file.parent, model or metrics_file.parent / "model.pt", str(m.get("created", "")),
                   arch, _accuracy(m.get("test")), _accuracy(m.get("unseen")))


def list_runs() -> list[RunInfo]:
    """Finished runs in the user's runs folder, newest first; a run still being written (or one
    a killed process left half-written) sits in a hidden folder and is not listed."""
    folder = runs_dir()
    found = sorted(folder.glob("[!.]*/metrics.json"), reverse=True) if folder.is_dir() else []
    return [run for run in map(read_run, found) if run is not None]
