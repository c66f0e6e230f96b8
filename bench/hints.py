"""Do Practice's hints point the right way? Checked on photos and points of real wrong letters.

A learner asked for T signs R. `asl_runtime.sign_shapes.hint` names one change ("bend your index
finger", "spread your index and middle fingers apart", "point your fingers down"). For every hand
of letter R (a Massey photo read the app's way, or a frame of the two landmark sets) and every
other letter T, the hint is checked against the same person's own T: the median of that
signer's (or that set's) hands of T. A hint is right when that real T differs from the R hand
in the direction it names: a finger to bend is less stretched in their T, fingers to spread are
farther apart, a hand to turn points closer to the sign's direction. A coin would be right half
the time. For a finger, also whether it is the finger whose stretch differs most between the R
hand and their T. "none": the hand was close enough to the shape that no hint was given.

Run: .venv/bin/python bench/hints.py [--massey /tmp/asl/massey-letters] [--sets ../shared/data/landmark-sets]
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asl_runtime.labels import CLASSES  # noqa: E402
from asl_runtime.sign_shapes import FINGERS, heading, hint, sign_shapes, stretch, upright  # noqa: E402
from trainer.data import scan_dataset  # noqa: E402
from trainer.frame_points import frame_points  # noqa: E402

LETTERS = [c for c in CLASSES if len(c) == 1 and c not in "JZ"]  # J and Z are checked by their motion


def spread(hand: np.ndarray) -> float:
    return float(np.linalg.norm(hand[8, :2] - hand[12, :2]))


def turn_gap(points: np.ndarray, direction: float) -> float:
    return abs((heading(points) - direction + math.pi) % (2 * math.pi) - math.pi)


def verdict(words: str, hand: np.ndarray, points: np.ndarray, theirs: np.ndarray, their_points: np.ndarray,
            target: str) -> tuple[str, bool, bool | None]:
    """(the hint's kind, whether their real `target` differs from `hand` the way it says, and for
    a finger: whether it is the finger whose stretch differs most between the two)."""
    if words.startswith("point") or words.startswith("turn"):
        direction = sign_shapes()[target][1]
        return "turn the hand", turn_gap(their_points, direction) < turn_gap(points, direction), None
    if "index and middle" in words:
        return "spread", (spread(theirs) > spread(hand)) == words.startswith("spread"), None
    finger = next(f for f in FINGERS if f in words) if "thumb" not in words else "thumb"
    less = words.startswith("bend") or words.startswith("tuck")  # the target is less stretched
    most = max(FINGERS, key=lambda f: abs(stretch(theirs, f) - stretch(hand, f)))
    return ("thumb" if finger == "thumb" else "bend/straighten", (stretch(theirs, finger) < stretch(hand, finger)) == less,
            most == finger)


def check(groups: dict[tuple[str, str], list[np.ndarray]], name: str) -> None:
    """groups: (person, letter) -> that person's hands of the letter (21 x 3, x and y alike)."""
    medians = {key: np.median(np.stack(hands), axis=0) for key, hands in groups.items() if len(hands) >= 3}
    counts: Counter = Counter()
    right: Counter = Counter()
    most: Counter = Counter()
    for (person, letter), hands in groups.items():
        for points in hands:
            hand = upright(points)
            for target in LETTERS:
                if target == letter or (person, target) not in medians:
                    continue
                words = hint(points, target)
                if words is None:
                    counts["none"] += 1
                    continue
                their_points = medians[person, target]
                kind, ok, biggest = verdict(words, hand, points, upright(their_points), their_points, target)
                counts[kind] += 1
                right[kind] += ok
                most[kind] += bool(biggest)
    given = sum(v for k, v in counts.items() if k != "none")
    total = given + counts["none"]
    print(f"{name}: {total} wrong-letter hands; a hint given for {given / total:.3f}; "
          f"pointing the right way {sum(right.values()) / max(given, 1):.3f}")
    for kind in sorted(k for k in counts if k != "none"):
        named = f", the finger that differs most {most[kind] / counts[kind]:.3f}" if most[kind] else ""
        print(f"  {kind:16s} {counts[kind]:6d} hints, right {right[kind] / counts[kind]:.3f}{named}")


def massey(path: Path) -> dict[tuple[str, str], list[np.ndarray]]:
    members = scan_dataset(path)
    points = frame_points(path)
    assert len(points) == len(members), "every Massey photo is readable"
    groups: dict[tuple[str, str], list[np.ndarray]] = defaultdict(list)
    for (member, label), p in zip(members, points):
        signer = re.match(r"(hand\d+)", Path(member).name)
        if CLASSES[label] in LETTERS and signer and not np.isnan(p[0, 0]):
            groups[signer.group(1), CLASSES[label]].append(p)
    return groups


def landmark_sets(sets: Path) -> dict[tuple[str, str], list[np.ndarray]]:
    groups: dict[tuple[str, str], list[np.ndarray]] = defaultdict(list)
    with np.load(sets / "dvorakman-landmarks.npz") as d:
        both = [("dvorakman", d["static_points"][::3], d["static_labels"][::3], 1.0)]
    with np.load(sets / "borisgraudt-landmarks.npz") as b:
        both.append(("borisgraudt", b["points"][::3], b["labels"][::3], 4 / 3))
    for name, points, labels, aspect in both:
        for p, label in zip(points, labels):
            if str(label) in LETTERS:
                p = p.astype(np.float32).copy()
                p[:, 0] *= aspect  # x in y's units
                groups[name, str(label)].append(p)
    return groups


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--massey", type=Path, default=Path("/tmp/asl/massey-letters"))
    ap.add_argument("--sets", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/landmark-sets")
    args = ap.parse_args()
    if args.massey.exists():
        check(massey(args.massey), "Massey photos (5 signers, each against their own letters)")
    if args.sets.exists():
        check(landmark_sets(args.sets), "landmark sets (each set against its own letters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
