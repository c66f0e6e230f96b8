"""J and Z by their motion, spelled: recall on held-back J/Z sequences and false J/Z on still letters.

The J and Z sequences of dvorakman-landmarks.npz that `tools/motion_letters.py` held back
(every fourth), each played at 30 frames a second after 0.5 s of its first frame held (the
starting shape: I for J, a pointing index for Z) and followed by 0.3 s of its last frame, through
the app's speller (`Speller(settle=True)` with the shipped motion model, letters read by the
shipped letter network from the points): recall is the share whose text ends in the letter.
Then the held-back last quarter of every still letter's frames of both sets (people the letter
network learnt from; the motion model never saw these frames), one run after another, each
moved to where the last one ended and reached by 0.1 s of motion: every J or Z committed there
is a false one; per letter for I, D, X and G, and for every letter that gave one.

Run: .venv/bin/python bench/jz_motion.py [--sets ../shared/data/landmark-sets]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from motion_letters import runs_of  # noqa: E402

from asl_desktop.core.speller import Speller  # noqa: E402
from asl_runtime.hands import features  # noqa: E402
from asl_runtime.labels import CLASSES  # noqa: E402
from asl_runtime.model_files import LetterModel  # noqa: E402
from asl_runtime.motion import MotionLetters  # noqa: E402
from asl_runtime.shipped import shipped_landmark_model  # noqa: E402

FPS, SIDE = 30.0, 640.0


def play(speller: Speller, letters: LetterModel, frames: np.ndarray, t: float, rng) -> float:
    """Frames of normalised points through the speller as a video would bring them; the next time."""
    pixels = frames[..., :2] * SIDE
    probs = letters.probs(features(np.concatenate([pixels, frames[..., 2:] * SIDE], -1)))
    for p, pts in zip(probs, pixels):
        speller.update(t, dict(zip(CLASSES, p)), True, pts + rng.normal(0, 0.5, pts.shape))
        t += 1 / FPS
    return t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "landmark-sets"))
    args = ap.parse_args()
    sets = Path(args.sets)
    if not (sets / "dvorakman-landmarks.npz").is_file():
        print(f"skipped: {sets} has no landmark sets")
        return 0
    letters, motion, rng = LetterModel.load(shipped_landmark_model()), MotionLetters(), np.random.default_rng(0)
    with np.load(sets / "dvorakman-landmarks.npz") as d:
        frames, lengths, names = d["motion_frames"], d["motion_lengths"], d["motion_labels"]
        still = [(d["static_points"], d["static_labels"])]
    with np.load(sets / "borisgraudt-landmarks.npz") as b:
        points = b["points"].copy()
        points[..., 0] *= 4 / 3
        still.append((points, b["labels"]))
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    found: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    for i, (start, length, name) in enumerate(zip(starts, lengths, names)):
        if i % 4 or length < 8:
            continue
        seq = frames[start:start + length]
        speller = Speller(settle=True, motion=motion)
        stream = np.concatenate([np.repeat(seq[:1], 15, 0), seq, np.repeat(seq[-1:], 10, 0)])
        play(speller, letters, stream, 0.0, rng)
        tried[str(name)] += 1
        found[str(name)] += speller.text.endswith(str(name))
    for name in ("J", "Z"):
        print(f"{name} by its motion: {found[name]} of {tried[name]} held-back sequences end in {name}")
    false: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    seconds = 0.0
    speller, t, previous = Speller(settle=True, motion=motion), 0.0, None
    for points, labels in still:
        for a, b in runs_of(np.asarray(labels)):
            label = str(labels[a])
            if label in ("J", "Z") or b - a < 40:
                continue
            run = points[a + (b - a) * 3 // 4:b].copy()
            if previous is not None:  # the hand moves on from where it was: 0.1 s from one shape to the next
                run[..., :2] += previous[0, :2] - run[0, 0, :2]
                move = np.stack([previous + (run[0] - previous) * k / 4 for k in (1, 2, 3)])
                run = np.concatenate([move, run])
            previous = run[-1]
            before = speller.text
            t = play(speller, letters, run, t, rng)
            seconds += len(run) / FPS
            seen[label] += 1
            false[label] += sum(speller.text[len(before):].count(c) for c in "JZ")
    total = sum(false.values())
    print(f"still letters, {sum(seen.values())} held-back runs ({seconds:.0f} s): {total} false J or Z "
          f"({total / seconds * 60:.1f} a minute); " + ", ".join(f"{c} {false[c]} of {seen[c]} runs" for c in "IDXG")
          + "; all: " + ", ".join(f"{c} {n}" for c, n in sorted(false.items()) if n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
