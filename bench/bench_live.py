"""Live pipeline speed on this machine's CPU with the shipped model.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_live.py [--seconds 10]
Prints per-frame processing time (crop + preprocess + inference) p50/p95 on 640x480
frames, then runs the real window on a 640x480 30 fps video and reports the pipeline's
sustained frames per second and the longest stall of the GUI event loop.
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
import torch


def make_video(path: Path, seconds: float, fps: int = 30) -> Path:
    rng = np.random.default_rng(0)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (640, 480))
    for i in range(int(seconds * fps)):
        frame = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
        cv2.circle(frame, (320 + int(80 * np.sin(i / 10)), 240), 90, (60, 140, 220), -1)
        writer.write(frame)
    writer.release()
    return path


def per_frame(video: Path, frames: int = 300) -> None:
    from asl_desktop import paths
    from asl_desktop.core.recognizer import Classifier, Recognizer
    torch.set_num_threads(1)
    recognizer = Recognizer(Classifier.from_path(paths.default_model()), mirror=True)
    cap = cv2.VideoCapture(str(video))
    images = [image for ok, image in (cap.read() for _ in range(frames)) if ok]
    for auto in (False, True):
        recognizer.auto = auto
        times = [recognizer.process(img).latency_ms for img in images]
        p50, p95 = np.percentile(times[10:], [50, 95])
        print(f"per frame ({'hand tracking' if auto else 'guide box'}): p50 {p50:.2f} ms, p95 {p95:.2f} ms "
              f"over {len(times) - 10} frames of 640x480")


def live_window(video: Path, seconds: float) -> None:
    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from asl_desktop.main_window import MainWindow
    app = QApplication([])
    window = MainWindow(source=str(video), with_training=False)
    window.show()
    results, gaps = [], []
    window.live.inference.result.connect(lambda r: results.append(time.monotonic()))
    clock = QElapsedTimer()
    clock.start()
    ticker = QTimer()
    ticker.timeout.connect(lambda: gaps.append(clock.restart()))
    ticker.start(5)
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    window.close()
    settled = [t for t in results if t > results[0] + 1.0]
    fps = (len(settled) - 1) / (settled[-1] - settled[0])
    print(f"window on a 30 fps 640x480 video: {fps:.1f} frames/s classified and shown; "
          f"longest GUI event-loop stall {max(gaps[20:])} ms (timer every 5 ms)")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=10.0)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        video = make_video(Path(tmp) / "bench.avi", args.seconds + 3)
        per_frame(video)
        live_window(video, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
