"""`asl-desktop transcribe`: the live tab's session without a window."""

from __future__ import annotations

import argparse
import math
import sys
from contextlib import closing, nullcontext

from asl_runtime.hands import LandmarksUnavailable
from asl_runtime.model_files import ModelFileError
from asl_runtime.shipped import default_model

from .core.frames import SourceError, open_source
from .core.recognizer import one_thread_a_frame
from .core.region import GuideBox
from .core.session import LiveSession
from .core.speller import DEFAULT_HOLD, DEFAULT_THRESHOLD, Speller
from .core.words import MAX_USER_WORDS, Vocabulary, user_words_path
from .live_models import load_hands, load_motion, load_picture_model


def _roi(text: str) -> tuple[int, int, int]:
    try:
        x, y, size = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected X,Y,SIZE in pixels, e.g. 100,50,300") from None
    if size <= 0:
        raise argparse.ArgumentTypeError("SIZE must be positive")
    return x, y, size


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return value


def _share(text: str) -> float:
    value = _positive(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="asl-desktop transcribe",
                                description="Spell the signs in a video, image folder or camera as text.")
    p.add_argument("source", help="video file, image folder, or camera index (0, 1, ...)")
    p.add_argument("--roi", type=_roi, help="hand region X,Y,SIZE in pixels (default: the centred square)")
    p.add_argument("--hold", type=_positive, default=DEFAULT_HOLD,
                   help="seconds a letter read from the picture (or every letter, with --hold-to-commit) must hold "
                   "(default %(default)s)")
    p.add_argument("--hold-to-commit", action="store_true",
                   help="commit a letter only once it is held --hold seconds, as a learner may prefer (default: "
                   "when the hand settles on it, at any pace)")
    p.add_argument("--threshold", type=_share, default=DEFAULT_THRESHOLD,
                   help="minimum confidence (default %(default)s)")
    p.add_argument("--model", default=str(default_model()),
                   help="picture model: a checkpoint with its ONNX export beside it, or the .onnx (default: the shipped "
                   "model, not the one chosen in the window: pass that one's path to read with it)")
    p.add_argument("--anywhere", action=argparse.BooleanOptionalAction, default=True,
                   help="look for the hand anywhere in the frame, as the window does by default "
                   "(--no-anywhere: only inside --roi or the centred square)")
    p.add_argument("--hand", choices=["left", "right"],
                   help="with two hands in view, read the signer's left or right hand (default: either)")
    p.add_argument("--autocorrect", action=argparse.BooleanOptionalAction, default=True,
                   help="replace each finished word by a clearly more likely English (or your own) word, "
                   "as the window does by default")
    p.add_argument("--guess", action=argparse.BooleanOptionalAction, default=True,
                   help="commit a letter held still but never clearly read as a best guess, as the window does by default")
    p.add_argument("--no-landmarks", dest="landmarks", action="store_false",
                   help="read every frame from the picture (default: from the hand's landmarks where a hand is found)")
    p.add_argument("--fps", type=_positive, default=5.0, help="images per second for an image folder")
    p.add_argument("--verbose", action="store_true", help="print each committed letter as it happens")
    return p


def transcribe(args, commits: list[tuple[float, str]] | None = None) -> str:
    """The text spelled from `args.source`; `commits`, when given, gets each commit's time and sign."""
    one_thread_a_frame()  # as in the window
    hands = None
    if args.landmarks:
        try:
            hands = load_hands(args.model)
            hands.which = args.hand
        except (LandmarksUnavailable, ModelFileError) as exc:
            print(f"warning: reading the picture only: {exc}", file=sys.stderr)
    motion = None
    if args.landmarks and not args.hold_to_commit:
        try:
            motion = load_motion()
        except ModelFileError as exc:
            print(f"warning: {exc}", file=sys.stderr)
    speller = Speller(args.threshold, args.hold, settle=not args.hold_to_commit, motion=motion)
    vocabulary = Vocabulary.english() if args.autocorrect else None
    if vocabulary is not None and vocabulary.user_words_left_out:
        print(f"warning: your own word list ({user_words_path()}) is long: the first {MAX_USER_WORDS:,} words are used, "
              f"{vocabulary.user_words_left_out:,} left out", file=sys.stderr)
    session = LiveSession(speller, GuideBox(), False, args.anywhere,
                          load_picture_model(args.model), vocabulary, hands)
    session.set_words(autocorrect=args.autocorrect)
    session.set_guessing(args.guess)
    frames = 0
    with open_source(args.source, folder_fps=args.fps) as source, closing(hands) if hands else nullcontext():
        try:
            while (frame := source.read()) is not None:
                frames += 1
                if args.roi:
                    h, w = frame.image.shape[:2]
                    session.set_region(guide=GuideBox.from_pixels(*args.roi, w, h))
                step = session.process(frame.image, frame.timestamp)
                if step.spelling.committed and commits is not None:
                    commits.append((frame.timestamp, step.spelling.committed))
                if step.spelling.committed and args.verbose:
                    guess = "" if step.spelling.sure else "  (best guess)"
                    print(f"{frame.timestamp:7.2f}s  {step.spelling.committed:8s} -> {step.text!r}{guess}", file=sys.stderr)
                if step.corrected and args.verbose:
                    print(f"          corrected {step.corrected[0]} -> {step.corrected[1]}", file=sys.stderr)
        except KeyboardInterrupt:
            pass
    if args.autocorrect:
        corrected = session.finish_word()
        if corrected and args.verbose:
            print(f"          corrected {corrected[0]} -> {corrected[1]}", file=sys.stderr)
    skipped = getattr(source, "skipped", 0)
    if frames == 0:
        raise SourceError(f"{args.source}: no readable image or frame" + (f" ({skipped} unreadable files)" if skipped else ""))
    if skipped:
        print(f"warning: skipped {skipped} unreadable image(s) in {args.source}", file=sys.stderr)
    return session.text


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        print(transcribe(args))
    except (SourceError, ModelFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
