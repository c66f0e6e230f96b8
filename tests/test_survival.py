"""The window survives real use: no reference leak, errors become messages, crashes are logged."""

import os
import subprocess
import sys

from conftest import sign_frames, write_video
from test_live_gui import make_window, no_popups  # noqa: F401  (fixture)

from asl_desktop import crash, workers
from asl_desktop.core.frames import FrameSource


def test_qt_calls_do_not_leak_references_to_none(qtbot):
    """PySide6 6.12.0 took a reference from None on every void call: a busy window aborted
    with 'none_dealloc' after ~45 s on Python 3.11."""
    from PySide6.QtWidgets import QLabel
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(5000):
        label.setText(str(i))
    assert abs(sys.getrefcount(None) - before) < 100


def test_an_exception_in_inference_is_shown_and_recognition_resumes(qtbot, tiny_model, tmp_path):
    window = make_window(qtbot, str(write_video(tmp_path / "v.avi", sign_frames(["L"] * 400))), tiny_model)
    live = window.live
    qtbot.waitSignal(live.controller.result, timeout=5000).wait()
    real = live.controller.session.recognizer.process
    broken = [True]

    def flaky(image, timestamp):
        if broken[0]:
            raise RuntimeError("simulated failure in the model")
        return real(image, timestamp)

    live.controller.session.recognizer.process = flaky
    qtbot.waitUntil(lambda: "Cannot classify" in live.view.message, timeout=5000)
    assert "simulated failure" in live.view.message and str(crash.crash_log_path()) in live.view.message
    assert "simulated failure in the model" in crash.crash_log_path().read_text()
    broken[0] = False
    with qtbot.waitSignal(live.controller.result, timeout=5000) as got:
        pass
    assert got.args[0].result.prediction.label == "L" and window.isVisible()


class ExplodingSource(FrameSource):
    description = "Broken decoder"

    def read(self):
        raise MemoryError("decoder ran out of memory")


def test_an_exception_in_capture_is_shown(qtbot, tiny_model, monkeypatch):
    monkeypatch.setattr(workers, "open_source", lambda spec, fps: ExplodingSource())
    window = make_window(qtbot, "whatever.mp4", tiny_model)
    qtbot.waitUntil(lambda: "The video stopped" in window.live.view.message, timeout=5000)
    assert "MemoryError: decoder ran out of memory" in window.live.view.message
    assert window.isVisible()


def test_an_exception_on_the_gui_thread_shows_a_dialog_with_the_log(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    try:
        raise KeyError("no such setting")
    except KeyError as exc:
        crash._on_gui_exception(type(exc), exc, exc.__traceback__)
    assert len(shown) == 1 and "KeyError" in shown[0] and str(crash.crash_log_path()) in shown[0]
    log = crash.crash_log_path().read_text()
    assert "Traceback" in log and "no such setting" in log


def test_a_fatal_crash_leaves_a_stack_trace_in_the_crash_log(tmp_path):
    env = {**os.environ, "ASL_DESKTOP_DATA": str(tmp_path)}
    code = "from asl_desktop import crash; crash.install(); import ctypes; ctypes.string_at(0)"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert proc.returncode != 0
    log = (tmp_path / "crash.log").read_text()
    assert "Segmentation fault" in log and "<string>" in log


def test_a_window_closed_twice_stops_its_threads_once(qtbot, tiny_model):
    """Qt delivers a close event for each close() of a window never shown; the second one
    used to stop the already deleted threads again and crash."""
    from asl_desktop.main_window import MainWindow
    window = MainWindow(source=None, model=str(tiny_model), with_training=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model_ready, timeout=10000)
    window.close()
    assert window.close()  # accepted, nothing stopped again (qtbot closes it a third time)
