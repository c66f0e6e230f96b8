"""A lead for teaching it your hand: the nearest of your own samples, blended with the letter network.

For each Massey signer (photos read the app's way, `trainer/frame_points.py`; hands found only),
K photos a letter are that person's samples and the rest are read three ways: by the shipped
letter network alone; by the nearest sample of each letter (softmax of minus the distance between
the hands' features, over `--tau`); and by the two blended, (1 - w) * network + w * nearest. No
training: it shows how far a person's own samples alone take the app, beside `asl-train finetune`
(`bench/finetune_signers.py`). Massey is the dev set: dev figures.

Run: .venv/bin/python bench/personal_neighbours.py [--massey DIR] [--k 5]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import massey  # noqa: E402

from asl_desktop.live_models import exported  # noqa: E402
from asl_runtime.hands import features  # noqa: E402
from asl_runtime.model_files import LetterModel  # noqa: E402
from asl_runtime.shipped import landmark_model_for  # noqa: E402
from trainer.data import scan_dataset  # noqa: E402
from trainer.frame_points import frame_points  # noqa: E402


def nearest(test: np.ndarray, own: np.ndarray, own_labels: np.ndarray, classes: int, tau: float) -> np.ndarray:
    """Per test hand, a softmax over letters of minus the distance to that letter's nearest sample."""
    distance = np.linalg.norm(test[:, None] - own[None], axis=2)
    probs = np.zeros((len(test), classes))
    letters = np.unique(own_labels)
    closest = np.stack([distance[:, own_labels == c].min(1) for c in letters], 1)
    e = np.exp(-(closest - closest.min(1, keepdims=True)) / tau)
    probs[:, letters] = e / e.sum(1, keepdims=True)
    return probs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    massey.add_arguments(ap)
    ap.add_argument("--k", type=int, default=5, help="samples a letter (default %(default)s)")
    ap.add_argument("--tau", type=float, nargs="*", default=[0.05, 0.1, 0.2])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if not massey.photos(args.massey):
        return 0
    path = Path(args.massey)
    members = scan_dataset(path)
    points = frame_points(path)
    labels = np.array([c for _, c in members])
    signers = np.array([re.match(r"(hand\d+)", Path(m).name).group(1) for m, _ in members])
    found = ~np.isnan(points[:, 0, 0])
    feats = np.zeros((len(points), points.shape[1] * 3), np.float32)
    feats[found] = features(points[found])
    letters = LetterModel.load(exported(landmark_model_for(args.model)))
    rng = np.random.default_rng(args.seed)
    scores: dict[tuple[float, float], list[tuple[int, int]]] = defaultdict(list)
    for signer in sorted(set(signers)):
        mine = np.flatnonzero((signers == signer) & found)
        own, test = [], []
        for c in np.unique(labels[mine]):
            photos = rng.permutation(mine[labels[mine] == c])
            if len(photos) > args.k:
                own += list(photos[:args.k])
                test += list(photos[args.k:])
        if not test:
            continue
        network = letters.probs(feats[test])
        for tau in args.tau:
            near = nearest(feats[test], feats[own], labels[own], network.shape[1], tau)
            for w in (0.0, 0.3, 0.5, 0.7, 1.0):
                read = ((1 - w) * network + w * near).argmax(1)
                scores[tau, w].append((int((read == labels[test]).sum()), len(test)))
        print(f"{signer}: {len(own)} samples, {len(test)} other photos with a hand found")
    for (tau, w), rows in sorted(scores.items()):
        right, total = sum(r for r, _ in rows), sum(n for _, n in rows)
        print(f"tau {tau:.2f}  w {w:.1f}: {right / total:.4f}  (" + ", ".join(f"{r / n:.3f}" for r, n in rows) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
