"""The trainer and the live core never import Qt: the command line and the trainer run
without a display, and the core stays reusable outside the window."""

import os
import subprocess
import sys

QT_FREE = ["trainer.cli", "trainer.child_run", "trainer.runs", "trainer.report", "asl_desktop.core.session",
           "asl_desktop.core.frames", "asl_desktop.core.speller", "asl_desktop.transcribe"]


def test_trainer_and_live_core_import_no_qt():
    code = ("import sys, importlib\n"
            f"for name in {QT_FREE!r}: importlib.import_module(name)\n"
            "qt = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'shiboken6', 'pyqtgraph', 'superqt', 'qtpy'))\n"
            "print(','.join(qt))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt modules imported: {out.stdout.strip()}"


def test_spelling_without_a_window_needs_no_torch():
    """The live models run in ONNX Runtime: `transcribe` and the live core load no torch, so a
    user who only spells can install the app without it (docs/architecture.md)."""
    code = ("import sys, asl_desktop.transcribe, asl_desktop.live_models, asl_runtime.model_files\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'torchvision', 'onnx')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_without_the_training_extra_the_window_spells_and_says_how_to_add_training(tmp_path):
    """torch (and onnx) made unimportable, as in an install without `[train]`: the window opens,
    reads a model, the Training tab says what to install and My signs still records."""
    code = f"""
import sys
for name in ("torch", "torchvision", "onnx"):
    sys.modules[name] = None  # an import of it fails, as when it is not installed
import os
os.environ["ASL_DESKTOP_DATA"] = {str(tmp_path)!r}
from PySide6 import QtWebEngineWidgets
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, {str(tmp_path)!r})
app = QApplication([])
from asl_desktop.main_window import MainWindow
w = MainWindow(source="/nonexistent.avi")
deadline = __import__("time").monotonic() + 30
while not w.model_ready and __import__("time").monotonic() < deadline:
    app.processEvents()
print("model ready", w.model_ready)
print("training tab:", w.tabs.widget(1).text())
print("my signs:", w.my_signs.result_label.text(), w.my_signs.record_button.isEnabled())
print("torch loaded", any(m.startswith("torch") and sys.modules[m] is not None for m in sys.modules))
w.close()
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "model ready True" in out.stdout
    assert "training tab: Training needs the training extra" in out.stdout and "asl-desktop[train]" in out.stdout
    assert "my signs: Record your signs here. Training needs" in out.stdout and "True" in out.stdout.splitlines()[2]
    assert "torch loaded False" in out.stdout
