import threading
import time

import pytest
from conftest import hello_labels, sign_frames, write_video
from PySide6.QtCore import Qt

from asl_desktop import workers
from asl_desktop.core.frames import Frame, FrameSource
from asl_desktop.main_window import MainWindow
from asl_desktop.settings import app_settings


@pytest.fixture
def no_popups(monkeypatch):
    shown = []
    from PySide6.QtWidgets import QMessageBox
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    return shown


def make_window(qtbot, source, model, training=False):
    app_settings().setValue("live/mirror", False)  # the synthetic signs are not mirror-symmetric
    window = MainWindow(source=source, model=str(model), with_training=training)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_selfie_view_shows_the_camera_image_mirrored(qtbot):
    import numpy as np

    from asl_desktop.video_view import VideoView
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(320, 240)
    frame = np.zeros((240, 320, 3), np.uint8)
    frame[:, :160] = 255  # white on the camera's left
    view.show_message("")
    for mirrored, white_side in ((False, 20), (True, 300)):  # outside the guide box
        view.show_frame(frame, (0, 0, 240), False, np.zeros((28, 28, 3), np.uint8), mirrored=mirrored)
        shot = view.grab().toImage()
        assert shot.pixelColor(white_side, 120).lightness() > 200
        assert shot.pixelColor(320 - white_side, 120).lightness() < 60
    frame[:] = 0
    view.show_frame(frame, (0, 0, 240), False, np.full((28, 28, 3), 255, np.uint8))
    assert view.grab().toImage().pixelColor(270, 50).lightness() > 200  # the picture model's input, top right
    view.show_frame(frame, (0, 0, 240), True, None)  # read from the hand's points: no picture inset
    assert view.inset is None and view.grab().toImage().pixelColor(270, 50).lightness() < 60


def test_live_tab_spells_hello_from_a_fake_camera_off_the_gui_thread(qtbot, tiny_model, tmp_path):
    video = write_video(tmp_path / "hello.avi", sign_frames(hello_labels()))
    window = make_window(qtbot, str(video), tiny_model)
    live = window.live
    live.hold.setValue(0.4)
    # where frames are read: the inference worker's signal, taken on the thread that emits it
    readers = set()
    live.controller.inference.result.connect(lambda _: readers.add(threading.current_thread().name),
                                             Qt.ConnectionType.DirectConnection)
    results = []
    live.controller.result.connect(results.append)
    # the text box shows a commit when its frame's result reaches the GUI thread
    qtbot.waitUntil(lambda: live.text.toPlainText() == "HELLO", timeout=20000)
    assert readers and threading.main_thread().name not in readers  # the GUI thread only draws
    assert live.controller.session.text == "HELLO"
    assert len(results) > 30
    r = results[-1].result
    assert r.pixels.shape == (28, 28, 3) and len(r.prediction.top) == 5
    assert live.chart.bars.opts["width"][0] == pytest.approx(r.prediction.top[0][1], abs=0.2)
    assert "hello.avi" in window.statusBar().currentMessage() or "fps" in window.statusBar().currentMessage()
    shot = tmp_path / "live.png"
    window.grab().save(str(shot))
    from PySide6.QtGui import QImage
    img = QImage(str(shot))
    assert img.width() > 600 and len({img.pixel(x, img.height() // 3) for x in range(0, img.width(), 7)}) > 5


def test_copy_backspace_clear_and_pause(qtbot, tiny_model, tmp_path):
    video = write_video(tmp_path / "h.avi", sign_frames(["H"] * 40))
    window = make_window(qtbot, str(video), tiny_model)
    live = window.live
    live.hold.setValue(0.3)
    qtbot.waitUntil(lambda: live.text.toPlainText() == "H", timeout=10000)  # shown, not only spelled
    live.copy_button.click()
    from PySide6.QtGui import QGuiApplication
    assert QGuiApplication.clipboard().text() == "H"
    live.back_button.click()
    assert live.text.toPlainText() == ""
    window.pause_action.trigger()
    assert live.controller.paused and live.pause_button.text() == "Resume"
    assert "Paused" in live.view.message


def test_no_camera_says_so_and_a_video_can_be_opened(qtbot, tiny_model, tmp_path):
    window = make_window(qtbot, 9, tiny_model)
    qtbot.waitUntil(lambda: "No camera found" in window.live.view.message, timeout=5000)
    assert "Open video file" in window.live.view.message
    video = write_video(tmp_path / "v.avi", sign_frames(["E"] * 30))
    with qtbot.waitSignal(window.live.controller.result, timeout=5000):
        window.live.controller.open_source(str(video))


def test_unreadable_video_shows_a_message(qtbot, tiny_model, tmp_path):
    junk = tmp_path / "broken.mp4"
    junk.write_bytes(b"\x00garbage" * 500)
    window = make_window(qtbot, str(junk), tiny_model)
    qtbot.waitUntil(lambda: "Cannot read video file broken.mp4" in window.live.view.message, timeout=5000)


class DyingCamera(FrameSource):
    """A camera that sends a few frames and then stops, as when unplugged."""
    realtime = True
    description = "Fake camera"
    opened = 0

    def __init__(self):
        DyingCamera.opened += 1
        self.n = 0

    def read(self):
        self.n += 1
        time.sleep(0.02)
        return Frame(sign_frames(["O"])[0], time.monotonic(), self.n) if self.n <= 5 else None


def test_camera_lost_mid_stream_reconnects(qtbot, tiny_model, monkeypatch):
    monkeypatch.setattr(workers, "open_source", lambda spec, fps: DyingCamera())
    monkeypatch.setattr(workers, "RECONNECT_SECONDS", 0.2)
    DyingCamera.opened = 0
    window = make_window(qtbot, 0, tiny_model)
    qtbot.waitUntil(lambda: "Reconnecting" in window.live.view.message or DyingCamera.opened >= 2, timeout=5000)
    qtbot.waitUntil(lambda: DyingCamera.opened >= 2, timeout=5000)
    assert window.isVisible()


def test_a_bad_model_file_keeps_the_current_model(qtbot, tiny_model, tmp_path, no_popups):
    window = make_window(qtbot, str(write_video(tmp_path / "v.avi", sign_frames(["L"] * 200))), tiny_model)
    qtbot.waitUntil(lambda: "tiny.pt" in window.model_label.text(), timeout=5000)
    bad = tmp_path / "corrupt.pt"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with qtbot.waitSignal(window.live.controller.model_failed, timeout=5000):
        window.load_model(str(bad))
    qtbot.waitUntil(lambda: len(no_popups) == 1, timeout=2000)
    assert "corrupt.pt" in no_popups[0] and "current model stays" in no_popups[0]
    assert "tiny.pt" in window.model_label.text()
    with qtbot.waitSignal(window.live.controller.result, timeout=5000) as blocker:
        pass
    assert blocker.args[0].result.prediction.label == "L"


def test_guide_box_and_options_persist(qtbot, tiny_model, tmp_path):
    from asl_desktop.core.region import GuideBox
    window = make_window(qtbot, str(write_video(tmp_path / "v.avi", sign_frames(["L"] * 20))), tiny_model)
    window.live.view.guide_changed.emit(GuideBox(0.3, 0.4, 0.5))
    window.live.threshold.setValue(0.8)
    window.close()
    s = app_settings()
    assert float(s.value("live/guide_cx")) == pytest.approx(0.3)
    assert float(s.value("live/threshold")) == pytest.approx(0.8)
    window2 = make_window(qtbot, str(tmp_path / "v.avi"), tiny_model)
    assert window2.live.view.guide.size == pytest.approx(0.5)
    assert window2.live.controller.session.speller.threshold == pytest.approx(0.8)


def test_a_saved_model_that_broke_falls_back_to_the_shipped_one(qtbot, tmp_path, no_popups):
    bad = tmp_path / "mine.pt"
    bad.write_bytes(b"truncated")
    app_settings().setValue("live/model", str(bad))
    window = MainWindow(source=str(write_video(tmp_path / "v.avi", sign_frames(["L"] * 20))))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "deepcnn.pt" in window.model_label.text(), timeout=5000)
    assert len(no_popups) == 1 and "mine.pt" in no_popups[0] and "shipped model is used" in no_popups[0]
    qtbot.waitUntil(lambda: "Letters from the hand's shape: the shipped one" in window.model_label.text(),
                    timeout=5000)  # most letters come from the letter network: the status bar names it


def test_refresh_finds_a_camera_plugged_in_later(qtbot, tiny_model, tmp_path, monkeypatch):
    from asl_desktop import live_tab
    plugged: list[int] = []
    monkeypatch.setattr(live_tab, "available_cameras", lambda: list(plugged))
    window = make_window(qtbot, str(write_video(tmp_path / "v.avi", sign_frames(["L"] * 20))), tiny_model)
    combo = window.live.camera_combo
    qtbot.waitUntil(lambda: combo.itemText(0) == "No camera found", timeout=5000)
    plugged.extend([0, 2])
    window.live.refresh_cameras.click()
    qtbot.waitUntil(lambda: [combo.itemText(i) for i in range(combo.count())] == ["Camera 0", "Camera 2"], timeout=5000)
    assert window.live.refresh_cameras.isEnabled()


def test_garbage_in_the_settings_file_starts_with_defaults(qtbot, tiny_model, tmp_path):
    s = app_settings()
    for key, value in {"window/geometry": "garbage", "live/camera": "abc", "live/guide_cx": "nan",
                       "live/guide_cy": "-7", "live/guide_size": "inf", "live/threshold": "5",
                       "live/hold": "1e9", "live/mirror": "maybe", "training/arch": "resnet999"}.items():
        s.setValue(key, value)
    s.sync()
    window = MainWindow(source=str(write_video(tmp_path / "v.avi", sign_frames(["L"] * 100))), model=str(tiny_model))
    qtbot.addWidget(window)
    window.show()
    live = window.live
    assert live.controller.session.speller.threshold == pytest.approx(0.99) and live.threshold.value() == pytest.approx(0.99)
    assert live.controller.session.speller.hold == pytest.approx(3.0) and live.hold.value() == pytest.approx(3.0)
    assert (live.view.guide.cx, live.view.guide.cy, live.view.guide.size) == (0.5, 0.0, 1.0)  # nan, inf: defaults; -7: clamped
    assert live.mirror_box.isChecked() and live.controller.initial_source() == 0
    assert window.training.arch.currentData() == "deepcnn"
    with qtbot.waitSignal(live.controller.result, timeout=5000):
        pass  # frames are classified


@pytest.mark.parametrize("camera", ["99999999999999999999", "٣"])
def test_a_huge_or_unicode_camera_index_in_the_settings_is_ignored(qtbot, tiny_model, camera):
    app_settings().setValue("live/camera", camera)
    window = MainWindow(model=str(tiny_model), with_training=False)
    qtbot.addWidget(window)
    assert window.live.controller.initial_source() in (0, 63)
    qtbot.waitUntil(lambda: "camera" in window.live.view.message.lower(), timeout=5000)


def test_a_saved_model_with_nan_weights_falls_back_to_the_shipped_one(qtbot, tmp_path, tiny_model, no_popups):
    import torch
    payload = torch.load(tiny_model, weights_only=True)
    payload["state_dict"] = {k: v.float().fill_(float("nan")) if v.is_floating_point() else v
                             for k, v in payload["state_dict"].items()}
    bad = tmp_path / "diverged.pt"
    torch.save(payload, bad)
    app_settings().setValue("live/model", str(bad))
    window = MainWindow(source=str(write_video(tmp_path / "v.avi", sign_frames(["L"] * 20))), with_training=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "deepcnn.pt" in window.model_label.text(), timeout=5000)
    assert len(no_popups) == 1 and "NaN" in no_popups[0] and "shipped model is used" in no_popups[0]
    assert app_settings().value("live/model") != str(bad)


def test_the_window_and_transcribe_spell_the_same_text_from_the_same_video(qtbot, tiny_model, tmp_path, capsys):
    from asl_desktop.transcribe import main as transcribe_main
    labels = hello_labels() + ["E"] * 16 + ["nothing"] * 8 + ["L"] * 16 + ["nothing"] * 8
    video = write_video(tmp_path / "same.avi", sign_frames(labels))
    assert transcribe_main([str(video), "--model", str(tiny_model), "--hold", "0.4"]) == 0
    headless = capsys.readouterr().out.strip()
    window = MainWindow(source=None, model=str(tiny_model), with_training=False)  # default region, mirrored view
    qtbot.addWidget(window)
    assert window.live.mirror_box.isChecked()  # mirroring changes the view, not the spelling
    window.live.hold.setValue(0.4)
    qtbot.waitUntil(lambda: window.model_ready, timeout=5000)
    window.live.controller.open_source(str(video))
    qtbot.waitUntil(lambda: "End of" in window.live.view.message, timeout=30000)
    qtbot.wait(300)
    assert headless == "HELLOEL" and window.live.controller.session.text == headless


def test_a_video_file_is_read_frame_by_frame_when_reading_is_slower_than_playing(
        qtbot, tiny_model, tmp_path, capsys, monkeypatch):
    """A busy machine (a training beside it) must not make the window skip frames of a file:
    it spells what `transcribe` spells, every time."""
    from asl_desktop.core.session import LiveSession
    from asl_desktop.transcribe import main as transcribe_main
    labels = hello_labels()
    video = write_video(tmp_path / "slow.avi", sign_frames(labels))  # 20 frames a second
    assert transcribe_main([str(video), "--model", str(tiny_model), "--hold", "0.4"]) == 0
    headless = capsys.readouterr().out.strip()
    read_at, process = [], LiveSession.process

    def slow(self, image, timestamp):
        time.sleep(0.08)  # slower than the file's 50 ms a frame
        read_at.append(timestamp)
        return process(self, image, timestamp)

    monkeypatch.setattr(LiveSession, "process", slow)
    window = make_window(qtbot, None, tiny_model)
    window.live.hold.setValue(0.4)
    qtbot.waitUntil(lambda: window.model_ready, timeout=5000)
    window.live.controller.open_source(str(video))
    qtbot.waitUntil(lambda: "End of" in window.live.view.message, timeout=30000)
    assert len(read_at) == len(labels) and read_at == sorted(read_at)
    assert headless == "HELLO" and window.live.controller.session.text == headless


def test_replaying_a_video_spells_it_again_as_a_new_word(qtbot, tiny_model, tmp_path):
    from PySide6.QtGui import QAction
    labels = ["nothing"] * 10 + ["H"] * 16 + ["E"] * 16 + ["nothing"] * 4
    video = write_video(tmp_path / "he.avi", sign_frames(labels))
    window = make_window(qtbot, str(video), tiny_model)
    window.live.hold.setValue(0.4)
    qtbot.waitUntil(lambda: "Ctrl+R" in window.live.view.message, timeout=30000)
    qtbot.wait(300)
    assert window.live.text.toPlainText() == "HE"
    [play_again] = [a for a in window.findChildren(QAction) if a.shortcut().toString() == "Ctrl+R"]
    play_again.trigger()  # the next word starts with the video's first frame, shown as such
    qtbot.waitUntil(lambda: window.live.text.toPlainText() == "HE ␣", timeout=10000)
    qtbot.waitUntil(lambda: "Ctrl+R" in window.live.view.message, timeout=30000)
    qtbot.wait(300)
    assert window.live.controller.session.text == "HE HE" and window.live.text.toPlainText() == "HE HE"


def test_a_video_opened_at_start_up_is_read_from_its_first_frame(qtbot, tiny_model, tmp_path):
    video = write_video(tmp_path / "h.avi", sign_frames(["H"] * 30 + ["nothing"] * 10))  # H at once
    window = make_window(qtbot, str(video), tiny_model)
    assert "Loading the model" in window.live.view.message
    qtbot.waitUntil(lambda: "End of" in window.live.view.message, timeout=30000)
    assert window.live.controller.session.text == "H"


def test_when_a_video_ends_its_last_word_is_autocorrected_as_in_transcribe(qtbot, tiny_model, tmp_path, capsys):
    from asl_desktop.transcribe import main as transcribe_main
    labels = ["nothing"] * 10 + [s for letter in "HELO" for s in [letter] * 16 + ["nothing"] * 6]
    video = write_video(tmp_path / "helo.avi", sign_frames(labels))
    assert transcribe_main([str(video), "--model", str(tiny_model), "--hold", "0.4"]) == 0
    assert capsys.readouterr().out.strip() == "HELLO"
    window = make_window(qtbot, str(video), tiny_model)
    window.live.hold.setValue(0.4)
    qtbot.waitUntil(lambda: "End of" in window.live.view.message, timeout=30000)
    qtbot.waitUntil(lambda: window.live.text.toPlainText() == "HELLO", timeout=3000)
    assert "corrected HELO to HELLO" in window.statusBar().currentMessage()


def test_the_hold_bar_empties_when_a_video_ends_mid_hold(qtbot, tiny_model, tmp_path):
    video = write_video(tmp_path / "l.avi", sign_frames(["L"] * 12))  # ends while L is held
    window = make_window(qtbot, str(video), tiny_model)
    qtbot.waitUntil(lambda: "End of" in window.live.view.message, timeout=30000)
    qtbot.wait(300)  # a frame still being read when the file ended
    bar = window.live.hold_bar
    assert (bar.value(), bar.format()) == (0, "source ended")
    qtbot.keyClick(window.live.view, Qt.Key.Key_Space)  # nothing plays: the end's message stays
    assert "End of" in window.live.view.message and "Paused" not in window.live.view.message


def test_focus_goes_to_the_video_after_opening_and_ctrl_r_replays(qtbot, tiny_model, tmp_path):
    from PySide6.QtGui import QAction
    video = write_video(tmp_path / "v.avi", sign_frames(["L"] * 30))
    window = make_window(qtbot, str(video), tiny_model)
    window.live.clear_button.setFocus()  # where focus often is after clicking around
    window.live.controller.open_source(str(video))
    # Space then reaches the Pause shortcut instead of pressing a focused button
    assert window.focusWidget() is window.live.view
    qtbot.waitUntil(lambda: "Ctrl+R" in window.live.view.message, timeout=10000)
    qtbot.wait(200)
    assert window.statusBar().currentMessage().endswith("ended"), "no stale fps after the end"
    [play_again] = [a for a in window.findChildren(QAction) if a.shortcut().toString() == "Ctrl+R"]
    with qtbot.waitSignal(window.live.controller.result, timeout=5000):
        play_again.trigger()


def test_before_the_first_frame_the_bar_says_what_to_do(qtbot, tiny_model):
    window = MainWindow(source=None, model=str(tiny_model), with_training=False)  # no camera here
    qtbot.addWidget(window)
    assert window.live.hold_bar.text() == "settle on a sign to commit it"  # the default mode


def test_space_pauses_the_video_and_a_focused_button_takes_space_and_return(qtbot, tiny_model, tmp_path):
    """Keyboard alone: Space on the video pauses it; on a focused button or check box it presses
    that, and so does Return."""
    video = write_video(tmp_path / "v.avi", sign_frames(["L"] * 200))
    window = make_window(qtbot, str(video), tiny_model)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5000)
    live = window.live
    qtbot.waitUntil(lambda: window.focusWidget() is live.view, timeout=10000)  # the source opened
    qtbot.keyClick(live.view, Qt.Key.Key_Space)
    assert live.controller.paused and live.pause_button.text() == "Resume"
    qtbot.keyClick(live.view, Qt.Key.Key_Space)
    assert not live.controller.paused
    live.mirror_box.setFocus()
    qtbot.keyClick(live.mirror_box, Qt.Key.Key_Space)
    assert live.mirror_box.isChecked() and not live.controller.paused
    qtbot.keyClick(live.mirror_box, Qt.Key.Key_Return)
    assert not live.mirror_box.isChecked()
    live.pause_button.setFocus()
    qtbot.keyClick(live.pause_button, Qt.Key.Key_Return)
    assert live.controller.paused
    live.copy_button.setFocus()
    with qtbot.waitSignal(live.controller.status, timeout=2000, check_params_cb=lambda text: "copied" in text):
        qtbot.keyClick(live.copy_button, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)


def test_a_damaged_own_words_file_still_lets_the_window_load_and_play(qtbot, tiny_model, tmp_path):
    from asl_desktop.core.words import user_words_path
    user_words_path().parent.mkdir(parents=True, exist_ok=True)
    user_words_path().write_bytes(b"\xff\xfe\x00B\x00A\x00D")  # UTF-16, not the UTF-8 it should be
    video = write_video(tmp_path / "h.avi", sign_frames(["H"] * 30))
    window = make_window(qtbot, str(video), tiny_model)
    qtbot.waitUntil(lambda: window.model_ready, timeout=15000)
    qtbot.waitUntil(lambda: "Ctrl+R" in window.live.view.message, timeout=15000)  # the video played to its end


def test_a_remembered_model_that_is_gone_is_named_and_the_shipped_one_used(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from asl_runtime.shipped import default_model
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    gone = tmp_path / "runs" / "old" / "model.pt"
    app_settings().setValue("live/model", str(gone))
    window = MainWindow(source=None, with_training=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model_ready, timeout=15000)
    assert window.model_path == str(default_model())
    assert len(warnings) == 1 and str(gone.with_suffix(".onnx")) in warnings[0]
    assert "The shipped model is used instead." in warnings[0]


def test_each_menu_gives_every_entry_its_own_access_key_and_ctrl_equals_enlarges_text(qtbot, tiny_model):
    from PySide6.QtGui import QKeySequence
    window = MainWindow(source=None, model=str(tiny_model), with_training=True)
    qtbot.addWidget(window)
    for menu in (a.menu() for a in window.menuBar().actions()):
        keys = [a.text().split("&", 1)[1][0].lower() for a in menu.actions() if "&" in a.text()]
        assert len(keys) == len(set(keys)), f"{menu.title()}: {sorted(keys)}"
    [larger] = [a for a in window.findChildren(type(window.pause_action)) if a.text() == "&Larger text"]
    assert QKeySequence("Ctrl+=") in larger.shortcuts()


def test_what_assistive_technology_reads_has_a_name(qtbot, tiny_model):
    """The widgets a screen reader announces without a text of their own are named."""
    window = MainWindow(source=None, model=str(tiny_model), with_training=True)
    qtbot.addWidget(window)
    live, signs, training = window.live, window.my_signs, window.training
    widgets = [live.panel.text, live.view, live.chart, live.hold_bar, live.threshold, live.hold, live.letter,
               live.panel.history, signs.signs, signs.thumbs, training.log, training.counts_plot,
               training.batch_plot, training.loss_plot, training.acc_plot, training.results.runs]
    assert [w for w in widgets if not w.accessibleName()] == []


def test_a_shrunk_box_can_be_reset_from_the_view_menu(qtbot, tiny_model):
    from PySide6.QtGui import QAction

    from asl_desktop import settings
    from asl_desktop.core.region import GuideBox
    window = MainWindow(source=None, model=str(tiny_model), with_training=False)
    qtbot.addWidget(window)
    window.controller.set_guide(GuideBox(0.2, 0.3, 0.15))  # as a drag would leave it
    [reset] = [a for a in window.findChildren(QAction) if a.text().startswith("&Reset the box")]
    assert reset.shortcut().toString() == "Ctrl+0" and "Reset the box" in window.live.view.toolTip()
    reset.trigger()
    assert window.live.view.guide == GuideBox() and window.controller.guide == GuideBox()
    assert (settings.read(settings.GUIDE_CX), settings.read(settings.GUIDE_SIZE)) == (0.5, 1.0)


def test_help_lists_every_keyboard_shortcut_of_the_menus(qtbot, tiny_model):
    window = MainWindow(source=None, model=str(tiny_model), with_training=True)
    qtbot.addWidget(window)
    listed = {(text, keys) for _, text, keys in window.shortcuts()}
    for entry in (("Play again", "Ctrl+R"), ("Pause", "Space"), ("Reset the box (the largest centred square)", "Ctrl+0"),
                  ("Keyboard shortcuts", "Ctrl+/"), ("Undo New sentence", "Ctrl+Z")):
        assert entry in listed, entry


def test_a_hand_seen_making_no_letter_says_so_instead_of_nothing(qtbot):
    from types import SimpleNamespace

    import numpy as np

    from asl_desktop.core.recognizer import Prediction
    from asl_desktop.live_controller import LiveController
    from asl_desktop.live_tab import LiveTab
    controller = LiveController()
    tab = LiveTab(controller)
    qtbot.addWidget(tab)
    for source, shown in (("landmarks", "NO LETTER"), ("picture", "NOTHING")):
        probs = np.full(29, 0.001)
        probs[-2] = 0.97  # nothing
        prediction = Prediction.from_probs(probs, source)
        assert prediction.label == "nothing"
        result = SimpleNamespace(frame=np.zeros((120, 160, 3), np.uint8), box=(0, 0, 120), tracked=False,
                                 pixels=np.zeros((28, 28, 3), np.uint8), points=None, mirrored=False, which=None,
                                 prediction=prediction)
        tab.on_result(SimpleNamespace(result=result, spelling=None, suggestions=None, text="", fps=30.0, corrected=None))
        assert tab.letter.text() == shown
    assert tab.confidence.text() == "confidence 97% · from the picture"
    controller.shutdown()


def test_tab_goes_from_the_video_to_pause_and_each_slider_is_one_named_stop(qtbot):
    from PySide6.QtWidgets import QAbstractSlider

    from asl_desktop.live_controller import LiveController
    from asl_desktop.live_tab import LiveTab
    controller = LiveController()
    tab = LiveTab(controller)
    qtbot.addWidget(tab)
    assert tab.view.nextInFocusChain() is tab.pause_button
    chain, widget = [], tab.view
    for _ in range(200):  # the whole focus chain, once round
        widget = widget.nextInFocusChain()
        if widget is tab.view:
            break
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isEnabled():
            chain.append(widget)
    for labelled in (tab.threshold, tab.hold):
        stops = [w for w in chain if w is labelled or labelled.isAncestorOf(w)]
        assert len(stops) == 1
        assert isinstance(stops[0], QAbstractSlider)
        assert stops[0].accessibleName() == labelled.accessibleName() != ""
    controller.shutdown()


def test_a_camera_index_too_large_for_any_number_type_is_refused_in_words(qtbot):
    from asl_desktop import settings
    from asl_desktop.main_window import MainWindow
    window = MainWindow(source="99999999999999999999", with_training=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "out of range" in window.controller.message, timeout=10000)
    assert settings.read(settings.CAMERA) == 0  # not remembered
    window.close()


def test_the_window_never_opens_larger_than_the_screen(qtbot):
    from asl_desktop.main_window import MainWindow
    window = MainWindow(source=None, with_training=False)
    qtbot.addWidget(window)
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()
    assert window.minimumWidth() <= room.width() and window.minimumHeight() <= room.height()
    window.close()


def test_a_video_that_cannot_be_read_leaves_the_text_as_it_was(qtbot, tmp_path):
    from asl_desktop.main_window import MainWindow
    window = MainWindow(source=None, with_training=False)
    qtbot.addWidget(window)
    controller = window.controller
    controller.session.restore_text("HELLO")
    junk = tmp_path / "clip.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    window.open_source(str(junk))
    qtbot.waitUntil(lambda: "Cannot read video file" in controller.message, timeout=10000)
    qtbot.wait(200)
    assert controller.session.text == "HELLO"  # no space: the word goes on when a source really opens
    window.close()


def test_view_theme_switches_light_and_dark_now_and_at_the_next_start(qtbot):
    from PySide6.QtWidgets import QApplication

    from asl_desktop import settings
    from asl_desktop.main_window import MainWindow
    app = QApplication.instance()
    window = MainWindow(source=None, with_training=False)
    qtbot.addWidget(window)
    started = app.palette().window().color()
    window.show()
    window.live.chart.grab()  # painted once in the system's colours
    try:
        window.theme_actions["dark"].trigger()
        assert app.palette().window().color().lightness() < 60 and settings.read(settings.THEME) == "dark"
        qtbot.wait(50)
        chart = window.live.chart.grab().toImage()
        assert chart.pixelColor(chart.width() // 2, 5).lightness() < 60  # the charts follow at once
        window.theme_actions["light"].trigger()
        assert app.palette().window().color().lightness() > 180
        window.theme_actions["dark"].trigger()
        again = MainWindow(source=None, with_training=False)  # the next start keeps it
        qtbot.addWidget(again)
        assert again.theme_actions["dark"].isChecked() and app.palette().window().color().lightness() < 60
        again.close()
    finally:
        window.theme_actions["system"].trigger()
    assert app.palette().window().color() == started and settings.read(settings.THEME) == "system"
    window.close()
