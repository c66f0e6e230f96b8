"""Fingerspelled word videos from the Massey signers, spelled by `transcribe`; exact words and
character accuracy.

The Massey photos (five people on black backgrounds, never trained on) become 480x480,
30 fps videos: each letter is one photo of that signer held for `--hold-seconds` with a
slight hand tremor (`--still`: without; other photos are then drawn), consecutive letters are
joined by `--move-seconds` of motion-blurred cross-fade, and a doubled letter (the L's of
HELLO) gets a bounce between its two photos (the hand drops by up to a fifth of the frame and
comes back). `--rate` sets the pace in letters a second instead of the hold. `--room` puts each
word's hand into a 640x480 room, as a webcam sees a person: one of `bench/room_frames.py`'s rooms
checked to show no hand, the hand at one random place, size (15-50% of the height), turn and
side for the whole word. Each video goes
through the same code as `asl-desktop transcribe` with its defaults (`-- OPTIONS` adds some).
Prints exact words, character accuracy, letters a second and words a minute, and the time from
a letter settling to its commit.

Run: .venv/bin/python bench/word_videos.py [--massey DIR] [--model PATH] [--keep DIR] [--seed N] [--still]
     [--hold-seconds S | --rate R] [--move-seconds S] [--room [--rooms DIR]] [-- TRANSCRIBE OPTIONS]
(DIR defaults to /tmp/asl/massey-letters, unpacked from ../shared/data/massey-letters).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import massey  # noqa: E402
from room_frames import HEIGHT, WIDTH, rooms_without_hands  # noqa: E402

from asl_desktop.transcribe import build_parser, transcribe  # noqa: E402

WORDS = ["HELLO", "WORLD", "SIGN", "QUIZ", "THANK", "YOU", "BOOK", "APPLE", "NAME", "HELP"]
SIDE, FPS = 480, 30


def photos_by_signer(folder: Path) -> dict[str, dict[str, list[Path]]]:
    """signer -> letter -> photos (Massey names files handN_<letter>_...)."""
    found: dict[str, dict[str, list[Path]]] = defaultdict(lambda: defaultdict(list))
    for f in massey.photos(folder):
        found[massey.signer(f)][f.parent.name.upper()].append(f)
    return found


def _shifted(img: np.ndarray, dx: float, dy: float, scale: float = 1.0, angle: float = 0.0) -> np.ndarray:
    m = cv2.getRotationMatrix2D((SIDE / 2, SIDE / 2), angle, scale)
    m[:, 2] += (dx, dy)
    return cv2.warpAffine(img, m, (SIDE, SIDE), borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def _blur(img: np.ndarray, length: int) -> np.ndarray:
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2] = 1.0 / length
    return cv2.filter2D(img, -1, kernel)


def word_frames(word: str, photos: dict[str, list[Path]], rng: random.Random, hold: float, tremor: bool = True,
                move: float = 5 / FPS, starts: list[float] | None = None):
    """The frames of one fingerspelled word (tremor=False: each letter a still picture); `move`:
    seconds of the motion between two letters; `starts` gets the time each letter settles."""
    pictures = [cv2.resize(cv2.imread(str(rng.choice(photos[c]))), (SIDE, SIDE), interpolation=cv2.INTER_CUBIC)
                for c in word]
    frame = 0
    for i, (letter, img) in enumerate(zip(word, pictures)):
        if starts is not None:
            starts.append(frame / FPS)
        for _ in range(max(1, round(hold * FPS))):
            frame += 1  # held, with a slight tremor unless still
            yield (_shifted(img, rng.gauss(0, 4), rng.gauss(0, 4), 1 + rng.gauss(0, 0.01), rng.gauss(0, 1.5))
                   if tremor else img)
        if i + 1 == len(word):
            break
        nxt = pictures[i + 1]
        if word[i + 1] == letter:  # a doubled letter: the hand bounces (drops a little and comes back)
            steps = max(2, round(move * FPS))
            half = steps // 2
            for k in range(1, half + 1):
                frame += 1
                yield _blur(_shifted(img, 0, k * SIDE / 8), 9)
            for k in range(steps - half, 0, -1):
                frame += 1
                yield _blur(_shifted(nxt, 0, k * SIDE / 8), 9)
        else:  # a quick motion-blurred cross-fade to the next handshape
            steps = max(1, round(move * FPS))
            for k in range(1, steps + 1):
                a = k / (steps + 1)
                frame += 1
                yield _blur(cv2.addWeighted(img, 1 - a, nxt, a, 0), 15)


def in_room(frames, room: np.ndarray, rng: random.Random):
    """Each frame's hand (on black) pasted into a 640 x 480 frame of `room`, at one place, size,
    turn and side for the whole word."""
    background = cv2.resize(room, (WIDTH, WIDTH), interpolation=cv2.INTER_CUBIC)[80:80 + HEIGHT]
    side = int(rng.uniform(0.15, 0.5) * HEIGHT)
    flip, angle = rng.random() < 0.5, rng.uniform(-20, 20)
    x, y = rng.randrange(0, WIDTH - side), rng.randrange(0, HEIGHT - side)
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
    for frame in frames:
        hand = cv2.resize(frame, (side, side), interpolation=cv2.INTER_AREA)
        hand = cv2.warpAffine(hand[:, ::-1] if flip else hand, turn, (side, side), borderValue=(0, 0, 0))
        mask = cv2.GaussianBlur((cv2.GaussianBlur(hand.max(2), (5, 5), 0) > 25).astype(np.float32), (3, 3), 0)[..., None]
        out = background.copy()
        roi = out[y:y + side, x:x + side]
        out[y:y + side, x:x + side] = (roi * (1 - mask) + hand * mask).astype(np.uint8)
        yield out


def write_video(path: Path, frames) -> Path:
    frames = iter(frames)
    first = next(frames)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (first.shape[1], first.shape[0]))
    writer.write(first)
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def char_accuracy(truth: str, got: str) -> float:
    """1 - Levenshtein distance / length of the truth (floored at 0)."""
    prev = list(range(len(got) + 1))
    for i, a in enumerate(truth, 1):
        cur = [i]
        for j, b in enumerate(got, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
        prev = cur
    return max(0.0, 1 - prev[-1] / len(truth))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    massey.add_arguments(ap)
    ap.add_argument("--hold-seconds", type=float, default=1.5, help="seconds each letter is held")
    ap.add_argument("--move-seconds", type=float, default=5 / FPS, help="seconds of motion between two letters")
    ap.add_argument("--rate", type=float, help="letters a second: each held 1/RATE less the move (overrides --hold-seconds)")
    ap.add_argument("--keep", help="write the videos into this folder (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--still", action="store_true", help="each letter a still picture, without the tremor")
    ap.add_argument("--room", action="store_true", help="the hand somewhere in a 640x480 room (webcam-like)")
    ap.add_argument("--rooms", default="/tmp/asl/train/Nothing", help="the room photos (the ASL alphabet's Nothing)")
    ap.add_argument("extra", nargs="*", help="extra transcribe options, after --")
    args = ap.parse_args()
    hold = 1 / args.rate - args.move_seconds if args.rate else args.hold_seconds
    if hold <= 0:
        ap.error("the letters leave no time to hold them: lower --rate or --move-seconds")
    signers = photos_by_signer(Path(args.massey))
    if not signers:
        return 0
    out = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="asl-words-"))
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    rooms = rooms_without_hands(args.rooms) if args.room else []
    if args.room and not rooms:
        ap.error(f"--room: no room photos in {args.rooms}")
    exact = total = letters = 0
    chars, delays = [], []
    seconds = 0.0
    started = time.perf_counter()
    for signer, photos in sorted(signers.items()):
        line = []
        for word in WORDS:
            starts: list[float] = []
            frames = list(word_frames(word, photos, rng, hold, not args.still, args.move_seconds, starts))
            if rooms:
                frames = list(in_room(frames, cv2.imread(str(rng.choice(rooms))), rng))
            video = write_video(out / f"{signer}_{word}.avi", frames)
            commits: list[tuple[float, str]] = []
            got = transcribe(build_parser().parse_args([str(video), "--model", args.model, *args.extra]), commits)
            letters += len(word)
            seconds += len(frames) / FPS + args.move_seconds  # and the move to the next word's first letter
            if got == word and len(commits) == len(word):  # from settling on a letter to its showing
                delays += [t - start for (t, _), start in zip(commits, starts)]
            exact += got == word
            total += 1
            chars.append(char_accuracy(word, got))
            line.append(f"{word}->{got or '-'}")
        print(f"{signer}: " + "  ".join(line), flush=True)
    print(f"model {args.model}, options {' '.join(args.extra) or '(defaults)'}{', in rooms' if rooms else ''}")
    rate = letters / seconds
    print(f"{rate:.2f} letters a second ({rate * 60 / 5:.0f} words a minute at 5 letters a word): exact words: "
          f"{exact} of {total} ({exact / total:.0%}); character accuracy {np.mean(chars):.3f}; from a letter settling "
          f"to its commit (exact words): median {np.median(delays) * 1000 if delays else float('nan'):.0f} ms, "
          f"p90 {np.percentile(delays, 90) * 1000 if delays else float('nan'):.0f} ms; {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
