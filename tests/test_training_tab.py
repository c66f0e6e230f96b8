import json

import pytest
from conftest import TINY_CLASSES, sign_frames, write_dataset, write_video
from PySide6.QtGui import QImage

from asl_desktop.main_window import MainWindow
from asl_desktop.settings import app_settings
from asl_runtime.runs import runs_dir


@pytest.fixture
def window(qtbot, tiny_model, tmp_path):
    app_settings().setValue("live/mirror", False)
    video = write_video(tmp_path / "v.avi", sign_frames(["H"] * 400))
    w = MainWindow(source=str(video), model=str(tiny_model))
    w.show()
    yield w
    if w.training.is_training():  # a failed test must not leave a run (and a close question) behind
        w.training.cancel()
        qtbot.waitUntil(lambda: not w.training.is_training(), timeout=20000)
    w.close()
    w.deleteLater()


def choose(qtbot, tab, folder):
    tab.dataset_edit.setText(str(folder))
    tab.scan_dataset()
    qtbot.waitUntil(lambda: tab.scan_thread is None, timeout=10000)


def start_a_long_run(qtbot, window, tmp_path):
    """An ASLNet run of 500 epochs at batch 1 on a tiny set, waited for until batches flow."""
    tab = window.training
    choose(qtbot, tab, write_dataset(tmp_path / "data", TINY_CLASSES, per_class=12))
    tab.arch.setCurrentIndex(tab.arch.findData("aslnet"))
    tab.epochs.setValue(500)
    tab.batch.setValue(1)
    tab.start()
    qtbot.waitUntil(lambda: tab.progress.value() > 0, timeout=30000)
    return tab


def test_train_in_the_app_then_use_the_model(qtbot, window, tmp_path):
    tab = window.training
    choose(qtbot, tab, write_dataset(tmp_path / "data", TINY_CLASSES, per_class=12))
    assert f"{12 * len(TINY_CLASSES)} images in {len(TINY_CLASSES)} classes" in tab.dataset_info.text()
    assert tab.counts_bars.opts["height"][7] == 12 and tab.counts_bars.opts["height"][0] == 0 and tab.start_button.isEnabled()
    tab.arch.setCurrentIndex(tab.arch.findData("aslnet"))
    tab.epochs.setValue(2)
    window.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(tab.results.report_loaded, timeout=60000,
                          check_params_cb=lambda path, ok: path.startswith(str(runs_dir()))) as loaded:
        tab.start()
    assert loaded.args[1] is True
    log = tab.log.toPlainText()
    assert "epoch 1:" in log and "epoch 2:" in log and "epoch 3:" not in log and "%" in log  # accuracy in %
    assert len(tab.train_loss_curve.getData()[0]) == 2
    assert len(tab.val_acc_curve.getData()[1]) == 2 and len(tab.batch_curve.getData()[0]) >= 1
    for plot in (tab.batch_plot, tab.loss_plot, tab.acc_plot):  # the run's epochs, labelled as epochs
        low, high = plot.viewRange()[0]
        assert -0.1 <= low <= 0.1 and 1.9 <= high <= 2.1 and not plot.getAxis("bottom").autoSIPrefix
    assert "Done: test accuracy" in tab.progress_label.text() and tab.progress.value() == tab.progress.maximum()
    assert tab.right.currentWidget() is tab.results and tab.use_button.isEnabled()
    runs = list(runs_dir().iterdir())
    assert len(runs) == 1 and (runs[0] / "model.pt").exists()
    metrics = json.loads((runs[0] / "metrics.json").read_text())
    assert metrics["config"]["epochs"] == 2
    assert f"{metrics['test']['accuracy']:.1%} on" in (runs[0] / "report.html").read_text()  # % as in the window
    # a poor first run says what usually helps, with the number of steps it took
    steps = f"low after {tab.progress.maximum()} training steps: more epochs"
    assert (steps in tab.progress_label.text()) == (metrics["test"]["accuracy"] < 0.5)
    assert tab.results.runs.topLevelItem(0).text(0) == runs[0].name
    qtbot.wait(500)
    shot = tmp_path / "results.png"
    window.grab().save(str(shot))
    img = QImage(str(shot))
    right = {img.pixel(x, y) for x in range(img.width() // 2, img.width(), 9) for y in range(100, img.height() - 50, 9)}
    assert len(right) > 10, "results view looks blank"
    with qtbot.waitSignal(window.live.controller.model_loaded, timeout=5000) as changed:
        tab.use_button.click()
    assert changed.args == [str(runs[0] / "model.pt"), "aslnet"]
    assert window.model_path == str(runs[0] / "model.pt")


def test_cancel_keeps_previous_checkpoints_byte_for_byte(qtbot, window, tmp_path, tiny_model):
    before = tiny_model.read_bytes()
    tab = window.training
    choose(qtbot, tab, write_dataset(tmp_path / "data", TINY_CLASSES, per_class=12))
    qtbot.waitUntil(lambda: tab.current_arch == "aslnet", timeout=5000)  # the tiny model is an ASLNet
    tab.arch.setCurrentIndex(tab.arch.findData("deepcnn"))
    tab.finetune.setChecked(True)
    assert tab.arch.currentData() == "aslnet" and not tab.arch.isEnabled()
    assert "tiny.pt" in tab.finetune.text()
    tab.epochs.setValue(500)
    tab.batch.setValue(1)
    tab.start()
    qtbot.waitUntil(lambda: tab.progress.value() > 0, timeout=20000)
    assert not tab.settings_box.isEnabled()
    with qtbot.waitSignal(tab.run.cancelled, timeout=15000):  # the child runs at nice 10: slow on a busy machine
        tab.cancel_button.click()
    qtbot.waitUntil(lambda: not tab.run.running, timeout=5000)
    assert "Nothing was saved" in tab.progress_label.text()
    assert tiny_model.read_bytes() == before
    assert not runs_dir().exists() or not any(runs_dir().glob("*/model.pt"))
    assert tab.start_button.isEnabled() and tab.settings_box.isEnabled()


def test_a_folder_that_is_not_a_dataset_starts_nothing(qtbot, window, tmp_path):
    tab = window.training
    (tmp_path / "holiday").mkdir()
    (tmp_path / "holiday" / "notes.txt").write_text("hi")
    choose(qtbot, tab, tmp_path / "holiday")
    assert "no images found" in tab.dataset_info.text()
    assert not tab.start_button.isEnabled()
    tab.start()
    assert not tab.run.running


def test_shipped_report_is_listed_with_its_accuracy(qtbot, window):
    runs = window.training.results.runs
    rows = {runs.topLevelItem(i).text(0): runs.topLevelItem(i).text(2) for i in range(runs.topLevelItemCount())}
    assert rows["Shipped model"].endswith("%")


def test_closing_during_training_asks_first(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    tab = start_a_long_run(qtbot, window, tmp_path)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    window.close()
    assert window.isVisible() and tab.is_training(), "'No' keeps the window and the run"
    thread = tab.run.worker.thread()
    window.close()
    assert not window.isVisible() and thread.isFinished() and not answers
    assert not runs_dir().exists() or not any(runs_dir().glob("*/model.pt"))


def test_cancel_while_images_are_still_being_read(qtbot, tmp_path, isolated_user_dirs):
    from asl_desktop.training_worker import TrainingWorker
    from trainer.train import TrainConfig
    data = write_dataset(tmp_path / "data", TINY_CLASSES, per_class=12)
    worker = TrainingWorker.training(str(data), TrainConfig.for_arch("aslnet", epochs=1))
    worker.cancel()
    with qtbot.assertNotEmitted(worker.started), qtbot.waitSignal(worker.cancelled, timeout=30000):
        worker.run()  # on this thread: the first progress report sees the cancel
    assert not (isolated_user_dirs / "cache").exists() or not any((isolated_user_dirs / "cache").iterdir())
    assert not runs_dir().exists()


def test_training_survives_opengl_in_the_window(qtbot, window, tmp_path):
    """Regression: once Mesa's GL is loaded (a QOpenGLWidget under X11), creating the optimizer
    in the window's process segfaulted. Training runs in a process of its own."""
    from PySide6.QtOpenGLWidgets import QOpenGLWidget
    gl = QOpenGLWidget()
    qtbot.addWidget(gl)
    gl.show()
    qtbot.waitExposed(gl)
    tab = window.training
    choose(qtbot, tab, write_dataset(tmp_path / "data", TINY_CLASSES, per_class=12))
    tab.arch.setCurrentIndex(tab.arch.findData("deepcnn"))  # AdamW, as in the crash
    tab.epochs.setValue(1)
    window.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(tab.results.report_loaded, timeout=120000,
                          check_params_cb=lambda path, ok: path.startswith(str(runs_dir()))):
        tab.start()
    assert "Done: test accuracy" in tab.progress_label.text()
    assert window.isVisible()


def test_a_crash_in_training_is_a_message_and_the_app_goes_on(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    tab = start_a_long_run(qtbot, window, tmp_path)
    tab.run.worker.process.kill()  # as the out-of-memory killer would
    qtbot.waitUntil(lambda: not tab.run.running, timeout=10000)
    assert len(shown) == 1 and "stopped unexpectedly" in shown[0] and "SIGKILL" in shown[0]
    assert "Training failed" in tab.progress_label.text()
    assert window.isVisible() and tab.start_button.isEnabled()
    assert not runs_dir().exists() or not any(runs_dir().glob("*/model.pt"))
    with qtbot.waitSignal(window.live.controller.result, timeout=5000):
        pass  # live recognition goes on


def test_an_unexpected_error_while_reading_a_dataset_ends_the_scan_with_a_message(qtbot, window, tmp_path,
                                                                                   monkeypatch):
    import zlib

    from asl_desktop import training_worker
    tab = window.training
    real = training_worker.load_dataset

    def broken(path, progress=None):
        raise zlib.error("Error -3 while decompressing data: invalid distance too far back")

    monkeypatch.setattr(training_worker, "load_dataset", broken)
    choose(qtbot, tab, tmp_path)
    assert "invalid distance" in tab.dataset_info.text() and not tab.start_button.isEnabled()
    monkeypatch.setattr(training_worker, "load_dataset", real)
    choose(qtbot, tab, write_dataset(tmp_path / "data", TINY_CLASSES, per_class=4))
    assert f"{4 * len(TINY_CLASSES)} images in {len(TINY_CLASSES)} classes" in tab.dataset_info.text()
    assert tab.start_button.isEnabled()


def test_choosing_another_folder_while_one_is_read_shows_and_trains_the_new_one(qtbot, window, tmp_path,
                                                                                 monkeypatch):
    import time

    from asl_desktop import training_worker
    tab = window.training
    slow_dir = write_dataset(tmp_path / "slow", TINY_CLASSES, per_class=3)
    new_dir = write_dataset(tmp_path / "new", TINY_CLASSES, per_class=6)
    real = training_worker.load_dataset

    def slow(path, progress=None):
        if path == str(slow_dir):
            for i in range(200):  # a big folder: progress reports give Cancel its chance
                time.sleep(0.05)
                progress(i, 200)
        return real(path, progress=progress)

    monkeypatch.setattr(training_worker, "load_dataset", slow)
    tab.dataset_edit.setText(str(slow_dir))
    tab.scan_dataset()
    qtbot.waitUntil(lambda: "Reading images..." in tab.dataset_info.text(), timeout=5000)
    tab.dataset_edit.setText(str(new_dir))
    tab.scan_dataset()
    qtbot.waitUntil(lambda: tab.scan_thread is None and tab.scanned_path is not None, timeout=8000)
    assert tab.scanned_path == str(new_dir)
    assert f"{6 * len(TINY_CLASSES)} images in {len(TINY_CLASSES)} classes" in tab.dataset_info.text()
    assert tab.counts_bars.opts["height"][7] == 6


def test_use_this_model_takes_the_selected_run_and_warns_when_it_is_worse_on_new_people(
        qtbot, window, tiny_model, monkeypatch):
    import shutil

    from PySide6.QtWidgets import QMessageBox
    for name, unseen in (("20261101-100000-aslnet", 0.9), ("20261102-100000-aslnet", 0.3)):
        folder = runs_dir() / name
        folder.mkdir(parents=True)
        shutil.copy(tiny_model, folder / "model.pt")
        (folder / "report.html").write_text("<html><body>report</body></html>")
        (folder / "metrics.json").write_text(json.dumps({"arch": "aslnet", "created": "2026-11-01T10:00:00",
                                                         "test": {"accuracy": 0.99}, "unseen": {"accuracy": unseen}}))
    tab = window.training
    tab.results.refresh()
    runs = tab.results.runs
    rows = {runs.topLevelItem(i).text(0): i for i in range(runs.topLevelItemCount())}
    assert runs.topLevelItem(rows["20261101-100000-aslnet"]).text(3) == "90.0%"
    qtbot.waitUntil(lambda: window.model_ready, timeout=10000)  # the start-up model first
    runs.setCurrentItem(runs.topLevelItem(rows["20261101-100000-aslnet"]))
    with qtbot.waitSignal(window.live.controller.model_loaded, timeout=5000):
        tab.use_button.click()
    assert "20261101-100000-aslnet" in window.model_label.text()
    asked = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (asked.append(a[2]), answers.pop(0))[1])
    runs.setCurrentItem(runs.topLevelItem(rows["20261102-100000-aslnet"]))
    tab.use_button.click()
    assert len(asked) == 1 and "30.0%" in asked[0] and "90.0%" in asked[0]
    assert window.model_path.endswith("20261101-100000-aslnet/model.pt")
    with qtbot.waitSignal(window.live.controller.model_loaded, timeout=5000):
        tab.use_button.click()
    assert window.model_path.endswith("20261102-100000-aslnet/model.pt")


def test_open_in_browser_says_so_when_no_browser_can_be_started(qtbot, window, monkeypatch):
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox
    shown = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    results = window.training.results
    qtbot.waitUntil(lambda: results.current_report is not None, timeout=5000)
    results.browser_button.click()
    assert len(shown) == 1 and results.current_report in shown[0]


def test_the_view_menu_and_the_live_tab_stay_in_step(qtbot, window):
    from PySide6.QtGui import QAction
    actions = {a.text(): a for a in window.findChildren(QAction)}
    actions["&Mirror"].trigger()
    assert window.live.mirror_box.isChecked() == actions["&Mirror"].isChecked()
    window.live.mirror_box.click()
    assert window.live.mirror_box.isChecked() == actions["&Mirror"].isChecked()
    window.live.pause_button.click()
    assert window.pause_action.isChecked() and window.live.controller.paused


def test_the_report_viewer_is_made_only_when_results_are_shown(qtbot, window):
    """While only the live tab has been shown, the window holds no web view (which would
    switch the whole window to OpenGL composition: slower, and memory grew under Mesa)."""
    results = window.training.results
    assert results.web is None and results.current_report is not None
    window.tabs.setCurrentWidget(window.training)
    with qtbot.waitSignal(results.report_loaded, timeout=30000) as loaded:
        window.training.right.setCurrentWidget(results)
    assert loaded.args == [results.current_report, True] and results.web.isVisible()


def test_closing_the_window_while_a_folder_is_typed_leaves_no_scan_running(qtbot, window, tmp_path):
    """The folder field loses focus as the window closes (editingFinished): no scan may start
    then, or Qt aborts the app on exit with the scan's thread still running."""
    tab = window.training
    window.tabs.setCurrentWidget(tab)
    window.activateWindow()
    tab.dataset_edit.setFocus()
    qtbot.waitUntil(tab.dataset_edit.hasFocus, timeout=5000)
    tab.dataset_edit.setText(str(write_dataset(tmp_path / "data", TINY_CLASSES, per_class=12)))
    window.close()
    assert tab.scan_thread is None


def test_use_this_model_asks_about_a_poor_run_and_keeps_what_my_signs_taught(qtbot, window, tiny_model, monkeypatch):
    import shutil

    from PySide6.QtWidgets import QMessageBox

    from trainer.landmarks import LandmarkNet, save_landmark_model
    for name, test in (("20261101-100000-my-signs", 0.99), ("20261103-100000-aslnet", 0.3)):
        folder = runs_dir() / name
        folder.mkdir(parents=True)
        shutil.copy(tiny_model, folder / "model.pt")
        (folder / "metrics.json").write_text(json.dumps({"arch": "aslnet", "test": {"accuracy": test}}))
    mine = runs_dir() / "20261101-100000-my-signs"
    save_landmark_model(mine / "landmarks.pt", LandmarkNet(), 1.0)  # what My signs taught
    qtbot.waitUntil(lambda: window.model_ready, timeout=10000)
    with qtbot.waitSignal(window.live.controller.model_loaded, timeout=10000):
        window.load_model(str(mine / "model.pt"))
    tab = window.training
    tab.results.refresh()
    runs = tab.results.runs
    rows = {runs.topLevelItem(i).text(0): i for i in range(runs.topLevelItemCount())}
    runs.setCurrentItem(runs.topLevelItem(rows["20261103-100000-aslnet"]))
    asked, answers = [], [QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (asked.append(a[2]), answers.pop(0))[1])
    with qtbot.waitSignal(window.live.controller.model_loaded, timeout=10000):
        tab.use_button.click()
    assert "only 30.0% of its own test photos" in asked[0] and "My signs taught" in asked[1]
    poor = runs_dir() / "20261103-100000-aslnet"
    assert (poor / "landmarks.pt").read_bytes() == (mine / "landmarks.pt").read_bytes()
    assert (poor / "landmarks.onnx").is_file() and window.model_path == str(poor / "model.pt")
