"""The Massey photos the benchmarks score on (five signers, never trained on): where they are
and what their names say. Unpack them with
tar xzf ../shared/data/massey-letters/massey-letters.tar.gz -C /tmp/asl
"""

from __future__ import annotations

import argparse
from pathlib import Path

from asl_runtime.labels import CLASSES
from asl_runtime.shipped import default_model

DEFAULT_FOLDER = "/tmp/asl/massey-letters"


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--massey", default=DEFAULT_FOLDER, help="the unpacked Massey letters (default %(default)s)")
    ap.add_argument("--model", default=str(default_model()), help="checkpoint (default: the shipped model)")


def photos(folder: str | Path) -> list[Path]:
    """Every photo, sorted; an empty list (and a line saying so) when they are not there."""
    found = sorted(Path(folder).glob("*/*.jpg"))
    if not found:
        print(f"skipped: no Massey photos at {folder} ({__doc__.strip().splitlines()[-1]})")
    return found


def label(photo: Path) -> int:
    return CLASSES.index(photo.parent.name.upper())


def signer(photo: Path) -> str:
    """Massey names files handN_<letter>_...: the signer is handN."""
    return photo.name.split("_")[0]
