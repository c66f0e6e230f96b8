"""A still hand on video: the Massey photos, each shown for 15 frames, read frame by frame as
`transcribe` reads a video (landmarks where a hand is found, one look a frame through the box
around the last points). Prints how many frames after the first three are read right and how
often the read changes.

Each photo fills a 480x480 frame, or with --framed is a 300 px hand off-centre in a 640x480
frame (the guide box is the centred 480 px square), moving --drift pixels a frame to the right.

Run: .venv/bin/python bench/still_frames.py [--massey DIR] [--model PATH] [--framed [--drift PX]]
[--no-steady] (--no-steady: a new box from the last points every frame, as before the steady box).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import massey  # noqa: E402

from asl_desktop.core.recognizer import Recognizer, one_thread_a_frame  # noqa: E402
from asl_desktop.live_models import load_hands, load_picture_model  # noqa: E402
from asl_runtime import hands as landmarks  # noqa: E402
from asl_runtime.labels import CLASSES  # noqa: E402

FRAMES, SETTLE, SIDE = 15, 3, 480


def frames(photo: Path, framed: bool, drift: float):
    """The FRAMES frames showing one photo."""
    if not framed:
        image = cv2.resize(cv2.imread(str(photo)), (SIDE, SIDE), interpolation=cv2.INTER_CUBIC)
        return [image] * FRAMES
    hand = cv2.resize(cv2.imread(str(photo)), (300, 300), interpolation=cv2.INTER_CUBIC)
    out = []
    for i in range(FRAMES):
        frame = np.zeros((480, 640, 3), np.uint8)
        x = int(round(100 + drift * i))
        frame[90:390, x:x + 300] = hand
        out.append(frame)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    massey.add_arguments(ap)
    ap.add_argument("--framed", action="store_true", help="a 300 px hand off-centre in a 640x480 frame")
    ap.add_argument("--drift", type=float, default=0.0, help="with --framed: pixels the hand moves a frame")
    ap.add_argument("--no-steady", action="store_true", help="a new box from the last points every frame")
    args = ap.parse_args()
    photos = massey.photos(args.massey)
    if not photos:
        return 0
    if args.no_steady:
        landmarks.STEADY_SHIFT = landmarks.STEADY_SCALE = landmarks.STEADY_TURN = 0.0
    one_thread_a_frame()
    recognizer = Recognizer(load_picture_model(args.model), hands=load_hands(args.model))
    right = changes = count = 0
    started = time.perf_counter()
    for photo in photos:
        truth = CLASSES[massey.label(photo)]
        recognizer.forget_hand()  # each photo is a new video
        read = [recognizer.process(frame, i / 30).prediction.label
                for i, frame in enumerate(frames(photo, args.framed, args.drift))][SETTLE:]
        right += sum(label == truth for label in read)
        changes += sum(a != b for a, b in zip(read, read[1:]))
        count += len(read)
    what = f"framed, drift {args.drift:g} px a frame" if args.framed else "full frame"
    print(f"{what}, {'no steady box' if args.no_steady else 'steady box'}: {right / count:.3f} of {count} frames read right; "
          f"the read changed {changes / len(photos):.2f} times a photo ({FRAMES - SETTLE} frames); "
          f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
