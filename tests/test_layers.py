"""The trainer and the live core never import Qt: the command line and the trainer run
without a display, and the core stays reusable outside the window."""

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
