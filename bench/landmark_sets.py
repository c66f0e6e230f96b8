"""The letter network on other signers' hand points: the two public landmark sets in
../shared/data/landmark-sets (skips when absent). People the project never tuned on.

Run: .venv/bin/python bench/landmark_sets.py [--model resources/models/landmarks.onnx]
Prints, per set, the share of frames read right from their points alone (no photos, so no
hand finding) and the weakest letters. The points are normalised to the camera image; x and z
are scaled by its aspect ratio (width / height) to put them in pixels' proportions, as the
app's points are.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asl_runtime.hands import features  # noqa: E402
from asl_runtime.labels import CLASSES  # noqa: E402
from asl_runtime.model_files import LetterModel  # noqa: E402
from asl_runtime.shipped import shipped_landmark_model  # noqa: E402

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "data" / "landmark-sets"
# file, points array, labels array, the camera's aspect ratio (width / height; README of the sets)
SETS = [("dvorakman-landmarks.npz", "static_points", "static_labels", 1.0),
        ("borisgraudt-landmarks.npz", "points", "labels", 4 / 3)]


def load_set(name: str, points_key: str, labels_key: str, aspect: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Features (N x 63) and class indices of one set, or None when it is not there."""
    path = FOLDER / name
    if not path.is_file():
        return None
    with np.load(path) as data:
        points = data[points_key].astype(np.float32)
        labels = np.array([CLASSES.index(str(c)) for c in data[labels_key]])
    points[..., [0, 2]] *= aspect
    return features(points), labels


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=str(shipped_landmark_model()), help="letter network (.onnx)")
    args = ap.parse_args()
    model = LetterModel.load(args.model)
    for name, points_key, labels_key, aspect in SETS:
        loaded = load_set(name, points_key, labels_key, aspect)
        if loaded is None:
            print(f"skipped: {FOLDER / name} is not there")
            continue
        feats, labels = loaded
        read = model.probs(feats).argmax(1)
        per_letter = {CLASSES[c]: float((read[labels == c] == c).mean()) for c in np.unique(labels)}
        weakest = ", ".join(f"{k} {v:.2f}" for k, v in sorted(per_letter.items(), key=lambda kv: kv[1])[:6])
        print(f"{name}: {float((read == labels).mean()):.3f} of {len(labels)} frames "
              f"({len(per_letter)} letters); weakest: {weakest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
