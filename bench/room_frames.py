"""Webcam-like frames: a Massey hand anywhere in a 640 x 480 room; a hand found and letters read.

A webcam shows a person in a room, the hand somewhere in the frame at a fraction of its
height; the photos the models learned from show a hand filling the picture. Each frame here is
one `Nothing` photo of the ASL alphabet set (walls, doors, furniture) stretched to 640 x 480,
with one Massey photo's hand (five people on black, cut out by its brightness) pasted at a
random place, size (15-50% of the frame's height) and turn (up to 20 degrees either way), the
hand mirrored in half of them (a left hand). Many `Nothing` photos show a hand or an arm; the
first 210 in name order (walls, porches, gardens, trees, a street) were checked by eye to show
none, and only those are used. Seeded: the same frames on every run. Each frame
is read as a photo is (`asl_runtime.finder.HandFinder`, video=False: palm detector on the
whole frame, then its tiles, the landmark model on each palm) by the letter network the app
pairs with the model, and as the app read frames before the palm detector: the landmark model
on the centred square alone (`--square-only`).

The Massey photos are the project's dev set (recipes were chosen on them): these are dev
figures. `--empty N` also reads N frames with no hand pasted, and reports how often a hand is
"found" in them.

Run: .venv/bin/python bench/room_frames.py [--massey DIR] [--rooms DIR] [--frames 1000]
     [--save DIR] [--square-only]
(--rooms defaults to /tmp/asl/train/Nothing, unpacked from ../shared/data/asl-alphabet)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import massey  # noqa: E402

from asl_desktop.live_models import exported  # noqa: E402
from asl_runtime.finder import HandFinder  # noqa: E402
from asl_runtime.hands import features  # noqa: E402
from asl_runtime.labels import CLASSES  # noqa: E402
from asl_runtime.model_files import LetterModel  # noqa: E402
from asl_runtime.shipped import landmark_model_for  # noqa: E402

WIDTH, HEIGHT = 640, 480
ROOMS_WITHOUT_HANDS = 210  # the first Nothing photos in name order: checked by eye


def rooms_without_hands(folder: str | Path) -> list[Path]:
    """The room photos checked by eye to show no hand: the first ROOMS_WITHOUT_HANDS in name order."""
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in {".jpg", ".png"})[:ROOMS_WITHOUT_HANDS]


def paste(room: np.ndarray, hand: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, tuple[int, int, int]]:
    """A 640 x 480 frame of `room` with `hand` (on black) pasted in; where (x, y, side)."""
    frame = cv2.resize(room, (WIDTH, WIDTH), interpolation=cv2.INTER_CUBIC)[80:80 + HEIGHT].copy()
    side = int(rng.uniform(0.15, 0.5) * HEIGHT)
    hand = cv2.resize(hand, (side, side), interpolation=cv2.INTER_CUBIC)
    if rng.random() < 0.5:
        hand = hand[:, ::-1]
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), rng.uniform(-20, 20), 1.0)
    hand = cv2.warpAffine(hand, turn, (side, side), borderValue=(0, 0, 0))
    mask = (cv2.GaussianBlur(hand.max(2), (5, 5), 0) > 25).astype(np.float32)
    mask = cv2.GaussianBlur(mask, (3, 3), 0)[..., None]
    x, y = int(rng.integers(0, WIDTH - side)), int(rng.integers(0, HEIGHT - side))
    roi = frame[y:y + side, x:x + side]
    frame[y:y + side, x:x + side] = (roi * (1 - mask) + hand * mask).astype(np.uint8)
    return frame, (x, y, side)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    massey.add_arguments(ap)
    ap.add_argument("--rooms", default="/tmp/asl/train/Nothing", help="photos of rooms with no sign")
    ap.add_argument("--frames", type=int, default=1000)
    ap.add_argument("--empty", type=int, default=200, help="frames with no hand pasted")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--square-only", action="store_true",
                    help="read the centred square alone, as the app did before the palm detector")
    ap.add_argument("--save", help="write the first 20 frames, the hand's points drawn, into this folder")
    args = ap.parse_args()
    photos = [(p, CLASSES[massey.label(p)]) for p in massey.photos(args.massey)]
    rooms = rooms_without_hands(args.rooms)
    letters = LetterModel.load(exported(landmark_model_for(args.model)))
    finder = HandFinder(video=False)
    if args.square_only:
        finder._palms = lambda rgb, area: []  # what the app read before: the guide square alone
    rng = np.random.default_rng(args.seed)
    by_size: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # frames, found, right
    took = []
    for i in range(args.frames + args.empty):
        room = cv2.imread(str(rooms[rng.integers(len(rooms))]))
        path, label = photos[rng.integers(len(photos))]
        if i < args.frames:
            frame, (x, y, side) = paste(room, cv2.imread(str(path)), rng)
        else:
            frame = cv2.resize(room, (WIDTH, WIDTH), interpolation=cv2.INTER_CUBIC)[80:80 + HEIGHT]
        started = time.perf_counter()
        hand = finder.find(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), ((WIDTH - HEIGHT) // 2, 0, HEIGHT))
        took.append(time.perf_counter() - started)
        if i >= args.frames:
            by_size[-1][0] += 1
            by_size[-1][1] += hand is not None
            continue
        px, py = hand.points[9, :2] if hand is not None else (-1, -1)
        found = hand is not None and x <= px < x + side and y <= py < y + side
        read = CLASSES[int(np.argmax(letters.probs(features(hand.points)[None])[0]))] if found else None
        row = by_size[side * 10 // HEIGHT]
        row[0] += 1
        row[1] += found
        row[2] += read == label
        if args.save and i < 20:
            out = Path(args.save)
            out.mkdir(parents=True, exist_ok=True)
            if hand is not None:
                for p in hand.points:
                    cv2.circle(frame, (int(p[0]), int(p[1])), 3, (0, 255, 0), -1)
            cv2.imwrite(str(out / f"{i:02d}_{label}_{read}.png"), frame)
    n, found, right = (sum(r[j] for k, r in by_size.items() if k >= 0) for j in range(3))
    for k in sorted(k for k in by_size if k >= 0):
        f, h, r = by_size[k]
        print(f"hand {k * 10}-{k * 10 + 10}% of the height: {f:4d} frames, hand found {h / f:.3f}, letters right {r / f:.3f}")
    print(f"{'square only' if args.square_only else 'palm detector'}: {n} frames, hand found {found / n:.3f}, "
          f"letters right {right / n:.3f} (of those found {right / max(found, 1):.3f}); "
          f"{np.median(took) * 1000:.0f} ms a frame (median)")
    if -1 in by_size:
        f, h, _ = by_size[-1]
        print(f"no hand pasted: {f} frames, a hand found in {h / f:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
