"""Live pipeline speed on this machine's CPU with the shipped model.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_live.py [--seconds 10]
Prints per-frame processing time (finding the hand, crop, preprocess, inference) p50/p95 on
640x480 frames one after another, apart for search frames (palm detector), follow frames (the
landmark model alone) and picture reads: the picture model alone; with hand landmarks on frames
without a hand, a Massey hand filling the box and one anywhere in a room; then runs the real
window (default settings) on a 640x480 30 fps video without a hand and on a Massey word video,
and reports the pipeline's sustained frames per second, its time per frame there (frames 33 ms
apart, with the GUI drawing) and the longest stall of the GUI event loop.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def make_video(path: Path, seconds: float, fps: int = 30) -> Path:
    rng = np.random.default_rng(0)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (640, 480))
    for i in range(int(seconds * fps)):
        frame = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
        cv2.circle(frame, (320 + int(80 * np.sin(i / 10)), 240), 90, (60, 140, 220), -1)
        writer.write(frame)
    writer.release()
    return path


def hand_frames(folder: str, frames: int = 300) -> list[np.ndarray]:
    """640x480 frames of Massey hands (a new photo every 30 frames, with a slight tremor), or []."""
    import massey
    photos = massey.photos(folder)[::60]
    if not photos:
        return []
    rng = np.random.default_rng(0)
    out = []
    for i in range(frames):
        hand = cv2.resize(cv2.imread(str(photos[i // 30 % len(photos)])), (300, 300), interpolation=cv2.INTER_CUBIC)
        frame = np.zeros((480, 640, 3), np.uint8)
        x, y = 170 + int(rng.integers(-4, 5)), 90 + int(rng.integers(-4, 5))
        frame[y:y + 300, x:x + 300] = hand
        out.append(frame)
    return out


def room_frames(folder: str, rooms: str, frames: int = 300) -> list[np.ndarray]:
    """640x480 frames of a Massey hand somewhere in a room (bench/room_frames.py), a new photo and
    place every 30 frames, with a slight tremor; or []."""
    import massey
    import room_frames
    photos = massey.photos(folder)[::60]
    backgrounds = sorted(Path(rooms).glob("*.jpg"))[:room_frames.ROOMS_WITHOUT_HANDS] if Path(rooms).is_dir() else []
    if not photos or not backgrounds:
        return []
    out = []
    for i in range(frames):
        if i % 30 == 0:
            rng = np.random.default_rng(i)
            room, hand = cv2.imread(str(backgrounds[i // 30 % len(backgrounds)])), cv2.imread(str(photos[i // 30 % len(photos)]))
        jitter = np.random.default_rng(i // 30)  # the same place for 30 frames ...
        frame, _ = room_frames.paste(room, hand, jitter)
        shake = np.float32([[1, 0, rng.integers(-3, 4)], [0, 1, rng.integers(-3, 4)]])  # ... and a tremor
        out.append(cv2.warpAffine(frame, shake, (640, 480), borderMode=cv2.BORDER_REPLICATE))
    return out


def per_frame(video: Path, massey_folder: str, rooms: str, frames: int = 300) -> None:
    from asl_desktop.core.recognizer import Recognizer, one_thread_a_frame
    from asl_desktop.live_models import load_hands, load_picture_model
    from asl_runtime.shipped import default_model
    one_thread_a_frame()  # as the inference worker does
    recognizer = Recognizer(load_picture_model(default_model()), mirror=True)
    cap = cv2.VideoCapture(str(video))
    images = [image for ok, image in (cap.read() for _ in range(frames)) if ok]

    def report(what: str, frames: list[np.ndarray]) -> None:
        kinds: dict[str, list[float]] = {"search": [], "follow": [], "picture": []}
        for i, img in enumerate(frames):
            following = recognizer.hands is not None and recognizer.hands.finder._hand is not None
            r = recognizer.process(img)
            if i >= 10:
                searched = recognizer.hands is not None and recognizer.hands.looked and not following
                kinds["follow" if following else "search" if searched else "picture"].append(r.latency_ms)
        parts = [f"{kind} frames {len(ms)}: p50 {np.percentile(ms, 50):.2f} ms, p95 {np.percentile(ms, 95):.2f} ms"
                 for kind, ms in kinds.items() if ms]
        print(f"per frame ({what}), 640x480: " + "; ".join(parts))

    report("picture only, guide box", images)
    recognizer.hands = load_hands(default_model())
    report("landmarks on, no hand in view: the picture read, or a search every third frame", images)
    for what, hands in (("a Massey hand filling the box", hand_frames(massey_folder, frames)),
                        ("a Massey hand anywhere in a room", room_frames(massey_folder, rooms, frames))):
        if hands:
            recognizer.forget_hand()
            report(f"landmarks on, {what}", hands)


def word_video(folder: str, path: Path) -> Path | None:
    """Massey signer hand1 spelling HELLO WORLD (480x480, 30 fps; bench/word_videos.py), or None."""
    import random

    import word_videos
    photos = word_videos.photos_by_signer(Path(folder)).get("hand1")
    if not photos:
        return None
    rng = random.Random(0)
    frames = [f for word in ("HELLO", "WORLD") for f in word_videos.word_frames(word, photos, rng, 1.5)]
    return word_videos.write_video(path, frames)


def live_window(video: Path, seconds: float, what: str) -> None:
    """The real window (default settings, hand landmarks on) playing `video` for `seconds`."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from asl_desktop.main_window import MainWindow
    app = QApplication.instance()
    window = MainWindow(source=str(video), with_training=False)
    window.show()
    results, gaps = [], []
    window.live.controller.result.connect(
        lambda step: results.append((time.monotonic(), step.result.latency_ms, step.result.prediction.source)))
    clock = QElapsedTimer()
    clock.start()
    ticker = QTimer()
    ticker.timeout.connect(lambda: gaps.append(clock.restart()))
    ticker.start(5)
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    window.close()
    settled = [r for r in results if r[0] > results[0][0] + 1.0]
    fps = (len(settled) - 1) / (settled[-1][0] - settled[0][0])
    p50, p95 = np.percentile([ms for t, ms, source in settled], [50, 95])
    read = [ms for t, ms, source in settled if source == "landmarks"]
    hands = (f" (read from landmarks: {len(read)} frames, p50 {np.percentile(read, 50):.2f} ms, "
             f"p95 {np.percentile(read, 95):.2f} ms)" if read else "")
    print(f"window, {what}: {fps:.1f} frames/s classified and shown, per frame p50 {p50:.2f} ms, p95 {p95:.2f} ms"
          f"{hands}; longest GUI event-loop stall {max(gaps[20:])} ms (timer every 5 ms)")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--massey", default="/tmp/asl/massey-letters", help="Massey photos for frames with a hand")
    p.add_argument("--rooms", default="/tmp/asl/train/Nothing", help="photos of rooms (bench/room_frames.py)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        video = make_video(Path(tmp) / "bench.avi", args.seconds + 3)
        per_frame(video, args.massey, args.rooms)

        from pyqtgraph.util.garbage_collector import GarbageCollector
        from PySide6 import QtWebEngineWidgets  # noqa: F401
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)  # the defaults, not yours
        app = QApplication([])  # noqa: F841
        collector = GarbageCollector(interval=1.0)  # noqa: F841 (as the app does, app.py)
        live_window(video, args.seconds, "a 30 fps 640x480 video, no hand in view")
        words = word_video(args.massey, Path(tmp) / "words.avi")
        if words:
            live_window(words, args.seconds, "a Massey signer spelling HELLO WORLD (480x480, 30 fps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
