"""Errors never just vanish the window.

`install()` (called once by the app) sends fatal signals' stack traces (faulthandler) and
every unhandled exception to a crash log in the user data folder, and shows a dialog for
an exception on the GUI thread. Workers catch their own errors, log them with
`log_exception` and send the returned one-line summary to the window as a message.
"""

from __future__ import annotations

import faulthandler
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path

from asl_runtime.storage import user_data_dir

_log = None          # the open crash log, once installed
_dialog_open = False  # one dialog at a time: a per-frame error must not stack hundreds


def crash_log_path() -> Path:
    return user_data_dir() / "crash.log"


def summary(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__


def log_exception(exc: BaseException, where: str) -> str:
    """Write the traceback to the crash log (and stderr); return a one-line summary."""
    lines = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    entry = f"--- {datetime.now().isoformat(timespec='seconds')} in {where}\n{lines}"
    sys.stderr.write(entry)
    try:
        path = crash_log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(entry)
    except OSError:
        pass  # the log is a help; a read-only disk must not turn one error into two
    return summary(exc)


def _on_gui_exception(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    text = log_exception(exc.with_traceback(tb), "the window")
    show_error_dialog(f"Something went wrong: {text}\n\nThe app keeps running. "
                      f"Details were written to {crash_log_path()}")


def show_error_dialog(message: str) -> None:
    """A warning box on the GUI thread; ignored elsewhere or while one is already open."""
    global _dialog_open
    from PySide6.QtWidgets import QApplication, QMessageBox
    app = QApplication.instance()
    if app is None or _dialog_open or threading.current_thread() is not threading.main_thread():
        return
    _dialog_open = True
    try:
        QMessageBox.warning(app.activeWindow(), "ASL Desktop: unexpected error", message)
    finally:
        _dialog_open = False


def install() -> Path:
    """Crash log for fatal signals and unhandled exceptions; a dialog for GUI-thread ones."""
    global _log
    path = crash_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    _log = open(path, "a", encoding="utf-8")  # noqa: SIM115  (kept open for faulthandler)
    faulthandler.enable(_log, all_threads=True)
    sys.excepthook = _on_gui_exception
    threading.excepthook = lambda a: log_exception(a.exc_value, f"thread {a.thread.name if a.thread else '?'}")
    return path
