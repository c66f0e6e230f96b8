"""One hour (by default) of live video through the real main window.

Run: make soak, or under a real X server:
  QT_QPA_PLATFORM=xcb xvfb-run -a .venv/bin/python bench/soak.py [--minutes 60] [--video FILE]
A generated 640x480 30 fps clip (or FILE, e.g. a word video from word_videos.py --keep, so
letters commit and suggestions are ranked) plays with the shipped model and is reopened each
time it ends. Prints frames shown, word-suggestion updates, RSS and None's reference count at
the start (after a 30 s warm-up), every 10 minutes and the end, and the longest stall of the
GUI event loop.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
sys.path.insert(0, str(Path(__file__).parent))

from bench_live import make_video  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--video", help="play this file instead of the generated clip")
    args = p.parse_args()
    from pyqtgraph.util.garbage_collector import GarbageCollector
    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from asl_desktop.main_window import MainWindow
    tmp = tempfile.TemporaryDirectory()
    video = Path(args.video) if args.video else make_video(Path(tmp.name) / "soak.avi", 60)
    app = QApplication([])
    _collector = GarbageCollector(interval=1.0)  # as the app does (app.py); alive for the run
    window = MainWindow(source=str(video))
    window.show()
    shown = [0]
    window.live.controller.result.connect(lambda r: shown.__setitem__(0, shown[0] + 1))
    words = [0]
    window.live.controller.result.connect(
        lambda step: words.__setitem__(0, words[0] + (step.suggestions is not None)))
    clock, stall = QElapsedTimer(), [0]
    clock.start()
    started = time.monotonic()

    def tick():
        gap = clock.restart()
        if time.monotonic() - started > 30:  # ignore start-up
            stall[0] = max(stall[0], gap)
    ticker = QTimer()
    ticker.timeout.connect(tick)
    ticker.start(5)

    def replay():
        if window.live.view.message.startswith("End of"):
            window.live.controller.open_source(str(video))
    looper = QTimer()
    looper.timeout.connect(replay)
    looper.start(500)

    total = args.minutes * 60
    def mark(name):
        print(f"{name:>6} t={time.monotonic() - started:7.0f} s  frames shown {shown[0]:8d}  "
              f"word updates {words[0]:6d}  RSS {rss_mb():7.1f} MB  "
              f"None refcount {sys.getrefcount(None)}", flush=True)
    QTimer.singleShot(30_000, lambda: mark("start"))
    QTimer.singleShot(int(total * 500), lambda: mark("middle"))
    QTimer.singleShot(int(total * 1000), lambda: (mark("end"), app.quit()))
    for m in range(10, int(args.minutes), 10):
        QTimer.singleShot(m * 60_000, lambda m=m: mark(f"{m}min"))
    app.exec()
    fps = shown[0] / (time.monotonic() - started)
    print(f"alive after {args.minutes:.0f} min: {shown[0]} frames shown ({fps:.1f}/s), "
          f"longest GUI event-loop stall {stall[0]} ms (timer every 5 ms)", flush=True)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
