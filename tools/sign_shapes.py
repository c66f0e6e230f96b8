"""Make `resources/models/sign_shapes.npz`: each sign's typical hand points, drawn as its reference.

The photos cannot ship; the shape of a hand can. For every sign of the training photos, the
points MediaPipe's landmark model (as converted) finds in them (`extract_points`, cached), each
hand put upright (the wrist at the origin, the middle finger's knuckle straight above it at a
distance of 1), and the median taken point by point over the sign's photos. Signs with no hand
(nothing) or too few photos with one are left out (`present` False). `headings`: the mean
direction the hand points in the sign's photos (0 = fingers up).

Run: .venv/bin/python tools/sign_shapes.py DATA   (e.g. /tmp/asl/train)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asl_runtime.labels import CLASSES  # noqa: E402
from asl_runtime.preprocess import CANONICAL_SIZE  # noqa: E402
from asl_runtime.sign_shapes import heading, shapes_path, upright  # noqa: E402
from asl_runtime.storage import atomic_write  # noqa: E402
from trainer.data import load_dataset  # noqa: E402
from trainer.landmark_training import extract_points  # noqa: E402

MIN_PHOTOS = 50


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", help="the training photos (a folder per sign)")
    args = ap.parse_args()
    data = load_dataset(args.data, size=CANONICAL_SIZE)
    points = extract_points(data.images)
    shapes = np.zeros((len(CLASSES), 21, 3), np.float32)
    present = np.zeros(len(CLASSES), bool)
    headings = np.zeros(len(CLASSES), np.float32)
    for c, name in enumerate(CLASSES):
        found = points[(data.labels == c) & ~np.isnan(points[:, 0, 0])]
        if name == "nothing" or len(found) < MIN_PHOTOS:
            continue
        shapes[c] = np.median(np.stack([upright(p) for p in found]), axis=0)
        turns = np.array([heading(p) for p in found])
        headings[c] = np.arctan2(np.sin(turns).mean(), np.cos(turns).mean())  # the mean direction
        present[c] = True
        print(f"{name}: {len(found)} photos with a hand")

    def save(tmp: str) -> None:
        with open(tmp, "wb") as fh:  # a file object: np.savez would add ".npz" to the temporary name
            np.savez(fh, shapes=shapes, present=present, headings=headings, classes=np.array(CLASSES))

    atomic_write(shapes_path(), save)
    print(f"{shapes_path()}: {present.sum()} signs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
