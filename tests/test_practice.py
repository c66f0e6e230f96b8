"""Practice: spelling a word letter by letter, hints that name the finger, progress kept."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest
from conftest import sign_frames, write_video

from asl_desktop.core.practice import LETTERS, Practice, Progress, pick_word
from asl_runtime.sign_shapes import hint, sign_shapes


def read(practice: Practice, letters: str, t: float = 0.0, seconds: float = 0.5, fps: float = 20) -> float:
    for label in letters:
        for _ in range(round(seconds * fps)):
            practice.feed(label, 0.9, t)
            t += 1 / fps
    return t


def test_a_word_is_done_letter_by_letter_and_a_wrong_letter_first_costs_the_streak(tmp_path):
    practice = Practice(Progress(tmp_path / "practice.json"), seed=0)
    practice.next_word("CAB")
    t = read(practice, "CA")
    assert practice.attempt.position == 2 and practice.streak == 2
    t = read(practice, "D", t)  # another letter held: B is not right first time
    read(practice, "B", t)
    assert practice.attempt.finished and practice.streak == 0
    assert practice.progress.letter("B")[:2] == (1, 0) and practice.progress.letter("C")[:2] == (1, 1)
    assert practice.letters_a_second() > 0


def test_progress_survives_a_restart_and_a_damaged_file_is_set_aside(tmp_path):
    path = tmp_path / "practice.json"
    progress = Progress(path)
    progress.add("A", True, 1.5, day="2026-12-01")
    progress.add("A", False, 3.0, day="2026-12-03")
    progress.save()
    again = Progress(path)
    assert again.letter("A") == (2, 1, 4.5) and [d for d, _, _ in again.per_day()] == ["2026-12-01", "2026-12-03"]
    path.write_text("{not json", encoding="utf-8")
    assert Progress(path).days == {} and (tmp_path / "practice.json.damaged").exists()


def test_the_next_words_lean_towards_the_learner_s_weak_letters(tmp_path):
    progress = Progress(tmp_path / "p.json")
    for _ in range(10):
        progress.add("Q", False, 5.0)
        progress.add("A", True, 0.5)
    rng = random.Random(0)
    drawn = [pick_word(["QQQ", "AAA"], progress, rng) for _ in range(300)]
    assert drawn.count("QQQ") > 2 * drawn.count("AAA")


@pytest.mark.parametrize("learner, target, words", [
    ("B", "A", "bend your"), ("A", "B", "straighten your"),
    ("U", "V", "spread your index and middle fingers apart"),
    ("V", "U", "bring your index and middle fingers together"),
])
def test_the_hint_names_what_to_change_from_one_letter_s_shape_to_another(learner, target, words):
    shape, heading = sign_shapes()[learner]
    c, s = math.cos(heading), math.sin(heading)
    hand = shape.copy()  # the learner's letter as signed, in pixels
    hand[:, 0], hand[:, 1] = c * shape[:, 0] - s * shape[:, 1], s * shape[:, 0] + c * shape[:, 1]
    assert words in hint(hand * 120 + 300, target)
    assert hint(hand * 120 + 300, learner) is None  # the right letter: nothing to change


def test_every_letter_practised_has_a_shape_to_show():
    assert all(c in sign_shapes() for c in LETTERS)


def test_a_learner_spells_a_word_in_the_practice_tab_from_a_video(qtbot, tiny_model, tmp_path, monkeypatch):
    from asl_desktop.core import practice
    from asl_desktop.main_window import MainWindow
    from asl_desktop.settings import app_settings
    monkeypatch.setattr(practice, "practice_path", lambda: tmp_path / "practice.json")
    app_settings().setValue("live/mirror", False)
    n = 16
    video = write_video(tmp_path / "hello.avi", sign_frames(["nothing"] * n + ["H"] * n + ["E"] * n + ["L"] * n
                                                            + ["L"] * n + ["O"] * n + ["nothing"] * n))
    window = MainWindow(source=None, model=str(tiny_model), with_training=False)
    qtbot.addWidget(window)
    window.show()
    tab = window.practice
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: window.model_ready, timeout=20000)
    tab.practice.next_word("HELLO")
    tab._show_word()
    assert "<u><b>H</b></u>" in tab.word.text() and tab.reference.points is not None
    window.open_source(str(video))
    qtbot.waitUntil(lambda: tab.practice.attempt.word != "HELLO", timeout=30000)  # done: the next word
    assert "HELLO in" in tab.hint.text()
    assert json.loads((tmp_path / "practice.json").read_text())["days"]  # saved as it finished
    assert window.controller.session.text == ""  # practice is not spelled into the Live text
    shot = tmp_path / "practice.png"
    window.grab().save(str(shot))
    assert shot.stat().st_size > 0
    assert np.isfinite(tab.practice.letters_a_second())


@pytest.fixture
def tab(qtbot, tmp_path, monkeypatch):
    """A Practice tab of its own (no window), its progress in a temporary folder."""
    from asl_desktop.core import practice
    from asl_desktop.live_controller import LiveController
    from asl_desktop.practice_tab import PracticeTab
    monkeypatch.setattr(practice, "practice_path", lambda: tmp_path / "practice.json")
    controller = LiveController()
    tab = PracticeTab(controller)
    qtbot.addWidget(tab)
    tab.show()
    yield tab
    tab.hide()
    controller.shutdown()


def test_a_wrong_letter_held_in_the_tab_gets_a_hint_that_names_the_finger(tab):
    tab.practice.next_word("A")
    tab._show_word()
    shape, heading = sign_shapes()["B"]
    c, s = math.cos(heading), math.sin(heading)
    hand = shape.copy()
    hand[:, 0], hand[:, 1] = c * shape[:, 0] - s * shape[:, 1], s * shape[:, 0] + c * shape[:, 1]
    feed_points(tab, [hand[:, :2] * 100 + 150] * 30, "B", fps=20)  # B held for 1.5 s where A is asked for
    assert tab.hint.text().startswith("That reads as B. Try: bend your")
    assert tab.practice.attempt.position == 0 and not tab.practice.attempt.first_time


def feed_points(tab, frames, label: str, t: float = 0.0, fps: float = 30) -> float:
    """Frames of points (pixels) read as `label`, through the window's session with spelling off
    (as while Practice shows: the J/Z motion is read there, on the inference thread), then to the
    tab; returns the time after."""
    from types import SimpleNamespace

    session = tab.controller.session
    image = np.zeros((240, 320, 3), np.uint8)
    for points in frames:
        prediction = SimpleNamespace(label=label, confidence=0.9, probs={label: 0.9}, source="landmarks")
        result = SimpleNamespace(frame=image, box=(0, 0, 240), tracked=True, pixels=np.zeros((28, 28, 3), np.uint8),
                                 points=points, mirrored=False, which="right", prediction=prediction, timestamp=t)
        session.recognizer = SimpleNamespace(process=lambda image, timestamp, result=result: result)
        tab.on_result(session.process(image, t))
        t += 1 / fps
    return t


def test_while_practising_the_session_reads_the_hand_s_path_and_while_spelling_it_does_not(tab):
    from asl_runtime.sign_shapes import reference_motion

    assert not tab.controller.session.spelling  # Practice is shown
    motion = reference_motion("J", False)[..., :2] * 100 + 150
    feed_points(tab, motion, "I")
    assert tab.controller.session._trail  # read on the session's side
    tab.hide()
    assert tab.controller.session.spelling


@pytest.mark.parametrize("sign, start", [("J", "I"), ("Z", "D")])
def test_j_and_z_count_when_the_hand_draws_them_and_their_start_is_no_mistake(tab, sign, start):
    from asl_runtime.sign_shapes import reference_motion

    tab.practice.next_word(sign + "A")
    tab._show_word()
    assert tab.reference.motion is not None  # the reference plays the motion
    motion = reference_motion(sign, False)[..., :2] * 100 + 150  # x and y, as the app's results give them
    t = feed_points(tab, np.repeat(motion[:1], 20, 0), start)  # the starting shape held: not wrong
    assert tab.practice.attempt.position == 0 and tab.practice.attempt.first_time
    feed_points(tab, np.concatenate([motion, np.repeat(motion[-1:], 10, 0)]), start, t)
    assert tab.practice.attempt.position == 1 and tab.practice.progress.letter(sign)[:2] == (1, 1)


def test_a_still_hand_never_draws_a_j_or_z(tab):
    from asl_runtime.sign_shapes import reference_points

    tab.practice.next_word("J")
    held = reference_points("I", False)[:, :2] * 100 + 150
    jitter = np.random.default_rng(0).normal(0, 1.0, (90, 21, 2)).astype(np.float32)
    feed_points(tab, held + jitter, "I")  # 3 s of an I with a tremor
    assert tab.practice.attempt.position == 0


def test_receptive_practice_spells_a_word_with_the_hand_and_scores_what_is_typed(qtbot, tab):
    from PySide6.QtCore import Qt

    tab.level.setCurrentText("Short words")
    tab.pace.setValue(4.0)
    seen = []
    tab.reference.show_points = lambda points: seen.append(points)  # each animation step
    qtbot.mouseClick(tab.watch_button, Qt.MouseButton.LeftButton)
    word = tab._shown
    assert 3 <= len(word) <= 4
    qtbot.waitUntil(lambda: tab.score.text() == "What was it?", timeout=5000)
    assert len([p for p in seen if p is not None]) >= len(word) * 5  # every letter shown for a while
    qtbot.keyClicks(tab.answer, word.lower())
    qtbot.keyClick(tab.answer, Qt.Key.Key_Return)
    assert tab.score.text() == "Right! 1 of 1 read right"
    qtbot.mouseClick(tab.watch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.score.text() == "What was it?", timeout=5000)
    qtbot.keyClicks(tab.answer, "QQQQ")
    qtbot.keyClick(tab.answer, Qt.Key.Key_Return)
    assert tab.score.text().startswith("It was ") and tab.score.text().endswith("1 of 2 read right")
    assert Progress(tab.practice.progress.path).watched_total() == (1, 2)  # kept for the next start


def test_watching_a_j_shows_its_motion_within_the_letter_s_time(tab):
    from asl_desktop.hand_view import mirrored_view
    from asl_runtime.sign_shapes import reference_motion

    poses = [tab._pose("J", w) for w in np.linspace(0, 0.69, 10)]
    assert not np.allclose(poses[0], poses[-1])  # it moves
    assert np.allclose(tab._pose("J", 0.95), reference_motion("J", mirrored_view())[-1])  # then holds its end


def test_help_the_signs_draws_each_sign_s_hand_and_says_how_it_is_made(qtbot):
    from PySide6.QtCore import Qt

    from asl_desktop.signs_dialog import SignsDialog
    dialog = SignsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.hand.points is not None and dialog.text.text().startswith("A: ")
    qtbot.keyClick(dialog.signs, Qt.Key.Key_Down)  # the arrow keys go through the signs
    assert dialog.text.text().startswith("B: ") and dialog.hand.points is not None
    hand = dialog.hand
    before = hand.points.copy()
    qtbot.keyClick(hand, Qt.Key.Key_Right)  # the drawn hand turns with the arrow keys
    assert hand.yaw == 15
    qtbot.keyClick(hand, Qt.Key.Key_Up)
    assert hand.pitch == 15
    qtbot.keyClick(hand, Qt.Key.Key_Home)
    assert hand.yaw == hand.pitch == 0 and np.allclose(hand.points, before)
    dialog.signs.setCurrentRow(list(dialog.descriptions).index("J"))  # J moves
    assert hand.motion is not None
    first = hand.points.copy()
    qtbot.waitUntil(lambda: not np.allclose(hand.points, first), timeout=3000)
    dialog.signs.setCurrentRow(dialog.signs.count() - 2)  # nothing: no hand to draw
    assert dialog.hand.points is None and "no hand to draw" in dialog.text.text()


def test_the_reference_is_drawn_for_the_signing_hand_the_user_chose(qtbot):
    from PySide6.QtGui import QColor

    from asl_desktop import settings
    from asl_desktop.hand_view import HandView, show_sign
    view = HandView("G", QColor("blue"))
    qtbot.addWidget(view)
    settings.write(settings.HAND, "right")
    show_sign(view, "G")
    right = view.points.copy()
    settings.write(settings.HAND, "left")
    show_sign(view, "G")
    assert np.allclose(view.points[:, 0], -right[:, 0]) and np.allclose(view.points[:, 1:], right[:, 1:])
