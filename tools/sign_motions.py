"""Make `resources/models/sign_motions.npz`: J and Z drawn with their motion, for the reference hand.

J and Z are signed by moving: the little finger draws a hook, the index a Z. Their still
shapes (`sign_shapes.npz`) are only where they start. From the 82 J and 46 Z sequences of
dvorakman-landmarks.npz (../shared/data/landmark-sets; Apache License 2.0, credited in
sign_motions.NOTICE): each sequence of at least MIN_FRAMES frames is moved so its first wrist
is at the origin, scaled so its first wrist-to-middle-knuckle distance is 1, mirrored where
its hand is the other hand from the photos' (the turn from the index knuckle to the little
knuckle goes the other way round, as seen from the wrist), resampled to FRAMES steps, and the
median taken point by point and step by step. No sequence ships, only that median path.

Run: .venv/bin/python tools/sign_motions.py [--sets ../shared/data/landmark-sets]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asl_runtime.sign_shapes import MOTION_SIGNS, handed, motions_path, sign_shapes  # noqa: E402
from asl_runtime.storage import atomic_write  # noqa: E402

FRAMES = 30      # steps each motion is resampled to (a second at the animation's 30 a second)
MIN_FRAMES = 15  # shorter recordings are left out (a few frames, or a single one)


def resample(sequence: np.ndarray, steps: int) -> np.ndarray:
    """T x 21 x 3 -> steps x 21 x 3, linear in time."""
    where = np.linspace(0, len(sequence) - 1, steps)
    flat = sequence.reshape(len(sequence), -1)
    return np.stack([np.interp(where, np.arange(len(sequence)), flat[:, k]) for k in range(flat.shape[1])],
                    -1).reshape(steps, *sequence.shape[1:]).astype(np.float32)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/landmark-sets")
    args = ap.parse_args()
    with np.load(args.sets / "dvorakman-landmarks.npz") as d:
        frames, lengths, names = d["motion_frames"], d["motion_lengths"], d["motion_labels"]
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    motions = np.zeros((len(MOTION_SIGNS), FRAMES, 21, 3), np.float32)
    for m, sign in enumerate(MOTION_SIGNS):
        photos_hand = handed(sign_shapes()[sign][0])
        paths = []
        for start, length, name in zip(starts, lengths, names):
            if name != sign or length < MIN_FRAMES:
                continue
            s = frames[start:start + length].astype(np.float32) - frames[start, 0]
            s /= max(float(np.linalg.norm(s[0, 9, :2])), 1e-6)
            if handed(s[0]) != photos_hand:
                s[..., 0] = -s[..., 0]
            paths.append(resample(s, FRAMES))
        motions[m] = np.median(np.stack(paths), axis=0)
        print(f"{sign}: the median of {len(paths)} sequences")

    def save(tmp: str) -> None:
        with open(tmp, "wb") as fh:  # a file object: np.savez would add ".npz" to the temporary name
            np.savez(fh, motions=motions, signs=np.array(MOTION_SIGNS))

    atomic_write(motions_path(), save)
    print(motions_path())
    return 0


if __name__ == "__main__":
    sys.exit(main())
