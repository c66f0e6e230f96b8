"""My signs: recording from a video, deleting samples, fine-tuning from the GUI and the CLI."""

from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import TINY_CLASSES, sign_frames, synthetic_image, write_dataset, write_video

from asl_desktop.core.my_signs import SAMPLE_SIZE, SampleStore, my_signs_root, valid_set_name
from asl_desktop.main_window import MainWindow
from asl_runtime.labels import CLASSES
from trainer.checkpoint import load_checkpoint
from trainer.cli import main as train_cli


def write_new_person(root: Path, per_class: int = 10, seed: int = 5) -> Path:
    """A 'new person' whose H, E, L, O look unlike the training signs (blobs elsewhere)."""
    rng = np.random.default_rng(seed)
    for k, label in enumerate(TINY_CLASSES):
        folder = root / label
        folder.mkdir(parents=True, exist_ok=True)
        position = 4 if label == "nothing" else 5 + k
        for i in range(per_class):
            cv2.imwrite(str(folder / f"{i}.png"), synthetic_image(position, rng))
    return root


@pytest.fixture
def window(qtbot, tiny_model, tmp_path):
    video = write_video(tmp_path / "l.avi", sign_frames(["L"] * 400))
    w = MainWindow(source=str(video), model=str(tiny_model))
    w.show()
    qtbot.waitUntil(lambda: w.model_ready, timeout=10000)
    yield w
    w.close()


def test_my_signs_view_says_what_the_live_view_says_about_the_source(qtbot, tiny_model, tmp_path):
    video = write_video(tmp_path / "short.avi", sign_frames(["L"] * 45))
    w = MainWindow(source=str(video), model=str(tiny_model))
    qtbot.addWidget(w)
    w.show()
    tab = w.my_signs
    w.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.view.image is not None, timeout=10000)
    assert tab.view.message == ""  # the video plays: no "Starting camera..." over it
    qtbot.waitUntil(lambda: "End of short.avi" in tab.view.message, timeout=30000)


def test_set_names_are_checked():
    assert valid_set_name("  Ana office ") == "Ana office"
    for bad in ("", "../x", ".hidden", "a/b", "x" * 41):
        with pytest.raises(ValueError):
            valid_set_name(bad)


def test_recording_from_a_video_saves_crops_and_delete_removes_them(qtbot, window):
    tab = window.my_signs
    window.tabs.setCurrentWidget(tab)
    tab.signs.setCurrentRow(tab.signs.count() - 1)
    tab.signs.setCurrentRow(["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"].index("L"))
    tab.count.setValue(4)
    tab.record_button.click()
    qtbot.waitUntil(lambda: "Show L in the box" in tab.view.message, timeout=5000)  # the countdown
    qtbot.waitUntil(lambda: tab.recording is None, timeout=15000)
    saved = sorted((my_signs_root() / "me" / "L").glob("*.png"))
    assert len(saved) == 4 and "Saved 4 samples of L" in tab.view.message
    image = cv2.imread(str(saved[0]))
    assert image.shape == (SAMPLE_SIZE, SAMPLE_SIZE, 3) and image.max() > 150  # a real crop, not blank
    assert tab.thumbs.count() == 4 and "4 samples" in tab.signs.currentItem().text()
    for i in (0, 1):
        tab.thumbs.item(i).setSelected(True)
    tab.delete_button.click()
    assert len(list((my_signs_root() / "me" / "L").glob("*.png"))) == 2
    assert tab.thumbs.count() == 2 and "2 samples" in tab.signs.currentItem().text()


def test_go_through_all_records_each_sign_in_turn(qtbot, window):
    tab = window.my_signs
    window.tabs.setCurrentWidget(tab)
    tab.signs.setCurrentRow(tab.signs.count() - 2)  # nothing, then space
    tab.all_box.setChecked(True)
    tab.count.setValue(2)
    tab.record_button.click()
    qtbot.waitUntil(lambda: tab.recording is None, timeout=20000)
    store = SampleStore(my_signs_root() / "me")
    assert store.counts()["nothing"] == 2 and store.counts()["space"] == 2 and store.total() == 4


def test_finetune_from_the_tab_improves_your_held_back_samples(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    tab = window.my_signs
    write_new_person(my_signs_root() / "me")
    (my_signs_root() / "me" / "notes").mkdir()  # a folder that is no sign, put there by hand
    first = sorted((my_signs_root() / "me").glob("*/*.png"))[0]
    (my_signs_root() / "me" / "notes" / "photo.png").write_bytes(first.read_bytes())
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Yes)
    tab._load_sets("me")
    window.tabs.setCurrentWidget(tab)
    assert tab.finetune_button.isEnabled()
    tab.finetune_button.click()
    qtbot.waitUntil(lambda: not tab.run.running, timeout=120000)
    text = tab.result_label.text()
    assert text.startswith("Done"), text
    assert asked and (my_signs_root() / "me" / ".set-aside" / "notes").is_dir()  # asked, moved, not deleted
    import re
    before, after = (int(v) for v in re.search(r"(\d+)% before, (\d+)% after", text).groups())
    assert after >= before + 40, text  # 20% -> 80% here (no base data: early layers frozen)
    tab.use_button.click()
    qtbot.waitUntil(lambda: Path(window.model_path) == Path(tab.new_model) and window.model_ready, timeout=10000)


def test_finetune_cli_writes_a_run_and_improves_held_back_samples(tmp_path, tiny_model, capsys):
    own = write_new_person(tmp_path / "own")
    base = write_dataset(tmp_path / "base", TINY_CLASSES, per_class=20)
    out = tmp_path / "run"
    assert train_cli(["finetune", str(tiny_model), str(own), "--out", str(out), "--base", str(base),
                      "--epochs", "15"]) == 0
    printed = capsys.readouterr().out
    assert {p.name for p in out.iterdir()} == {"model.pt", "model.onnx", "landmarks.pt", "landmarks.onnx",
                                               "report.html", "metrics.json"}  # the letter network adapted too
    import json
    f = json.loads((out / "metrics.json").read_text())["finetune"]
    assert f["held_back_after"] >= f["held_back_before"] + 0.4 and not f["frozen_early_layers"]
    assert "before" in printed and load_checkpoint(out / "model.pt").meta["fine_tuned_from"] == str(tiny_model)
    assert "hand landmarks" in printed
    picture = tmp_path / "picture"
    assert train_cli(["finetune", str(tiny_model), str(own), "--out", str(picture), "--no-landmarks",
                      "--epochs", "1"]) == 0
    assert not (picture / "landmarks.pt").exists()


def test_the_box_moved_in_my_signs_is_the_live_box(qtbot, window):
    from asl_desktop.core.region import GuideBox
    tab = window.my_signs
    tab.view.guide_changed.emit(GuideBox(0.4, 0.5, 0.5))  # as a drag there would
    assert window.live.view.guide == GuideBox(0.4, 0.5, 0.5)
    assert window.live.controller.session.recognizer.guide == GuideBox(0.4, 0.5, 0.5)


def test_recording_spells_nothing_and_a_video_that_ends_early_ends_the_recording(qtbot, tiny_model, tmp_path):
    """The signs recorded are samples, not text; a video shorter than the recording stops it with
    the samples it gave saved and shown."""
    from conftest import hello_labels
    video = write_video(tmp_path / "hello.avi", sign_frames(hello_labels()))
    w = MainWindow(source=None, model=str(tiny_model))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model_ready, timeout=10000)
    tab, live = w.my_signs, w.controller
    w.tabs.setCurrentWidget(tab)
    tab.signs.setCurrentRow(CLASSES.index("H"))
    tab.count.setValue(50)  # more than the video can give
    live.set_hold(0.4)
    live.open_source(str(video))
    tab.record_button.click()
    before = live.session.text
    qtbot.waitUntil(lambda: tab.recording is None, timeout=30000)
    saved = len(list((my_signs_root() / "me" / "H").glob("*.png")))
    assert 0 < saved < 50 and f"after {saved} of 50 samples of H; they are saved" in tab.view.message
    assert tab.thumbs.count() == saved and tab.record_button.isEnabled() and not tab.stop_button.isEnabled()
    assert live.session.text == before  # HELLO was shown, and recorded, not spelled
    live.open_source(str(video))  # spelling is back once the recording is over
    qtbot.waitUntil(lambda: "HEL" in live.session.text, timeout=30000)


def test_a_set_name_from_the_settings_file_never_records_outside_the_users_folder(qtbot, tiny_model, tmp_path):
    from asl_desktop import settings
    for bad in (str(tmp_path / "elsewhere"), "../../outside"):
        settings.write(settings.MY_SIGNS_SET, bad)
        w = MainWindow(source=None, model=str(tiny_model))
        qtbot.addWidget(w)
        assert w.my_signs.store.folder == my_signs_root() / "me"
        assert my_signs_root() in w.my_signs.store.folder.parents
        w.close()


def test_a_huge_or_broken_sample_file_shows_no_thumbnail_instead_of_freezing_the_window(tmp_path):
    from asl_desktop.my_signs_tab import _pixmap
    huge = tmp_path / "huge.png"
    cv2.imwrite(str(huge), np.zeros((2100, 2100, 3), np.uint8))  # over the thumbnail's 4 megapixels
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG not really")
    good = tmp_path / "good.png"
    cv2.imwrite(str(good), np.full((96, 96, 3), 200, np.uint8))
    assert _pixmap(huge, 72).isNull() and _pixmap(broken, 72).isNull() and _pixmap(tmp_path / "gone.png", 72).isNull()
    assert _pixmap(good, 72).width() == 72


def test_a_folder_that_is_no_sign_is_set_aside_not_deleted(tmp_path):
    store = SampleStore(tmp_path / "me")
    (tmp_path / "me" / "A").mkdir(parents=True)
    for name in ("notes", "old"):
        (tmp_path / "me" / name).mkdir()
        (tmp_path / "me" / name / "keep.txt").write_text(name)
    assert store.unknown_folders() == ["notes", "old"]
    store.set_aside("notes")
    (tmp_path / "me" / "notes").mkdir()
    moved = store.set_aside("notes")  # a second one of the same name keeps the first
    assert moved.name == "notes-1" and (tmp_path / "me" / ".set-aside" / "notes" / "keep.txt").read_text() == "notes"
    assert store.unknown_folders() == ["old"]
    with pytest.raises(ValueError):
        store.set_aside("A")
