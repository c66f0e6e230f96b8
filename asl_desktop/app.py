"""Entry point: `asl-desktop` starts the window; `asl-desktop transcribe ...` runs headless."""

from __future__ import annotations

import argparse
import os
import sys


def _prepare_qt_env() -> None:
    # QtWebEngine refuses to start as root without this; harmless otherwise.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "transcribe":
        from .transcribe import main as transcribe_main
        return transcribe_main(argv[1:])

    parser = argparse.ArgumentParser(prog="asl-desktop", description="ASL fingerspelling to text, live.",
                                     epilog="Also: asl-desktop transcribe SOURCE (no window); see --help there.")
    parser.add_argument("--source", help="camera index, video file or image folder to start with")
    parser.add_argument("--model", help="model checkpoint to start with")
    args = parser.parse_args(argv)

    _prepare_qt_env()
    from pyqtgraph.util.garbage_collector import GarbageCollector
    from PySide6 import QtWebEngineWidgets  # noqa: F401  (must load before the QApplication)
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from asl_runtime import shipped

    from . import crash
    from .main_window import MainWindow
    crash.install()
    app = QApplication(sys.argv[:1])
    app.setApplicationName("ASL Desktop")
    app.setOrganizationName("ASL Desktop")
    app.setWindowIcon(QIcon(str(shipped.app_icon())))
    # Python's cycle collector runs where memory happens to be allocated; in a worker thread it
    # would destroy collected Qt widgets there, which deadlocks Qt. It runs on a GUI-thread timer.
    collector = GarbageCollector(interval=1.0)
    window = MainWindow(source=args.source, model=args.model)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    code = app.exec()
    collector.timer.stop()
    # delete the window (and its web view) while Qt still runs: a QtWebEngine page that
    # outlives its profile crashes the interpreter's exit
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return code


if __name__ == "__main__":
    sys.exit(main())
