"""The text you keep, in the window: suggestions, accepting, undo, history, save, speech."""

import pytest
from conftest import sign_frames, write_video
from PySide6.QtCore import Qt

from asl_desktop.core.words import read_user_words
from asl_desktop.main_window import MainWindow
from asl_desktop.speech import Speaker


@pytest.fixture
def helo_window(qtbot, tiny_model, tmp_path, monkeypatch):
    """HELO spelled, the word still open: autocorrect is off so the video's end leaves it so."""
    from asl_desktop import settings
    monkeypatch.setenv("ASL_DESKTOP_TTS_ENGINE", "mock")
    settings.write(settings.AUTOCORRECT, False)
    labels = [s for letter in "HELO" for s in [letter] * 16 + ["nothing"] * 6]
    video = write_video(tmp_path / "helo.avi", sign_frames(["nothing"] * 10 + labels))
    window = MainWindow(source=None, model=str(tiny_model), with_training=False)
    qtbot.addWidget(window)
    window.show()
    window.live.hold.setValue(0.4)
    qtbot.waitUntil(lambda: window.model_ready and window.live.controller.session.vocabulary is not None, timeout=10000)
    window.live.controller.open_source(str(video))
    qtbot.waitUntil(lambda: window.live.controller.session.text == "HELO", timeout=20000)
    qtbot.waitUntil(lambda: window.live.panel.words[:1] == ["HELLO"], timeout=5000)
    return window


def test_spelling_helo_suggests_hello_and_a_number_key_accepts_it(qtbot, helo_window):
    live = helo_window.live
    first = live.panel.suggestion_buttons[0]
    assert first.isVisible() and first.text() == "1  HELLO"
    helo_window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(helo_window.isActiveWindow, timeout=5000)
    live.view.setFocus()
    qtbot.keyClick(live.view, Qt.Key.Key_1)
    assert live.controller.session.text == "HELLO " and live.text.toPlainText().startswith("HELLO ")
    assert "\u2423" in live.text.toPlainText()  # the committed space is visible
    live.back_button.click()  # right after: undo
    assert live.controller.session.text == "HELO"


def test_the_space_sign_takes_the_top_suggestion_and_the_word_is_spoken(qtbot, tiny_model, tmp_path, monkeypatch):
    from asl_desktop import settings
    monkeypatch.setenv("ASL_DESKTOP_TTS_ENGINE", "mock")
    settings.write(settings.SPACE_ACCEPTS, True)
    settings.write(settings.SPEAK_WORDS, True)
    labels = [s for sign in ("H", "E", "L", "O", "space") for s in [sign] * 16 + ["nothing"] * 6]
    video = write_video(tmp_path / "helo_space.avi", sign_frames(["nothing"] * 10 + labels))
    window = MainWindow(source=None, model=str(tiny_model), with_training=False)
    qtbot.addWidget(window)
    window.live.hold.setValue(0.4)
    qtbot.waitUntil(lambda: window.model_ready and window.live.controller.session.vocabulary is not None, timeout=10000)
    spoken, shown = [], []
    monkeypatch.setattr(window.live.panel, "speak", spoken.append)
    window.live.controller.status.connect(shown.append)
    window.live.controller.open_source(str(video))
    qtbot.waitUntil(lambda: spoken == ["HELLO"], timeout=20000)
    assert window.live.controller.session.text == "HELLO " and window.live.text.toPlainText().startswith("HELLO")
    assert any(line.startswith("Corrected HELO to HELLO") for line in shown)


def test_new_sentence_keeps_the_history_and_save_writes_it(qtbot, helo_window, tmp_path):
    live = helo_window.live
    live.panel.suggestion_buttons[0].click()
    live.clear_button.click()
    assert live.panel.history.count() == 1 and live.panel.history.item(0).text() == "HELLO"
    assert live.controller.session.text == ""
    saved = live.panel.save(str(tmp_path / "out.txt"))
    assert saved.read_text() == "HELLO\n"
    assert live.panel.save(str(tmp_path / "notes")) == tmp_path / "notes.txt"  # typed with no suffix
    assert (tmp_path / "notes.txt").read_text() == "HELLO\n"


def test_my_word_is_added_to_the_user_list(qtbot, helo_window):
    helo_window.live.controller.add_word()
    assert "HELO" in read_user_words() and "HELO" in helo_window.live.controller.session.vocabulary


def test_speak_goes_through_the_engine(qtbot, helo_window):
    pytest.importorskip("PySide6.QtTextToSpeech", reason="Qt's speech module needs libpulse0")
    panel = helo_window.live.panel
    assert panel.speak_button.isEnabled()
    with qtbot.waitSignal(panel.speaker.state_changed, timeout=5000,
                          check_params_cb=lambda state: state == "speaking"):
        panel.speak_button.click()


def test_without_an_engine_speak_is_disabled_and_says_what_to_install(qtbot, monkeypatch):
    QTextToSpeech = pytest.importorskip("PySide6.QtTextToSpeech").QTextToSpeech
    monkeypatch.delenv("ASL_DESKTOP_TTS_ENGINE", raising=False)
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: ["mock"]))
    speaker = Speaker()
    assert not speaker.available and "speech-dispatcher" in speaker.problem


def test_guessing_unclear_letters_can_be_turned_off_and_stays_off(qtbot, tiny_model):
    from PySide6.QtGui import QAction
    window = MainWindow(source=None, model=str(tiny_model), with_training=False)
    qtbot.addWidget(window)
    [guess] = [a for a in window.findChildren(QAction) if a.text() == "&Guess an unclear letter held still"]
    assert guess.isChecked() and window.live.controller.session.speller.patience > 0  # on by default
    guess.trigger()
    assert window.live.controller.session.speller.patience == 0
    qtbot.waitUntil(lambda: window.model_ready, timeout=10000)
    window.close()
    again = MainWindow(source=None, model=str(tiny_model), with_training=False)
    qtbot.addWidget(again)
    [guess] = [a for a in again.findChildren(QAction) if a.text() == "&Guess an unclear letter held still"]
    assert not guess.isChecked() and again.live.controller.session.speller.patience == 0


def test_kept_text_survives_a_restart_and_a_damaged_file_is_set_aside(tmp_path):
    from asl_desktop.core.kept_text import KeptText, load_kept_text, save_kept_text
    path = tmp_path / "text.json"
    assert load_kept_text(path) == KeptText()
    save_kept_text(KeptText("HELLO WOR", ["MY NAME IS ANA", "HI"]), path)
    assert load_kept_text(path) == KeptText("HELLO WOR", ["MY NAME IS ANA", "HI"])
    path.write_text('{"text": 5, "history": "no"}')
    assert load_kept_text(path) == KeptText()
    assert not path.exists() and (tmp_path / "text.json.damaged").read_text() == '{"text": 5, "history": "no"}'


def test_the_text_and_sentences_are_there_after_quitting_and_new_sentence_can_be_undone(qtbot, tiny_model, tmp_path):
    from conftest import hello_labels
    from PySide6.QtGui import QAction

    def make_window(source):
        window = MainWindow(source=source, model=str(tiny_model), with_training=False)
        qtbot.addWidget(window)
        window.show()
        return window
    window = make_window(str(write_video(tmp_path / "hello.avi", sign_frames(hello_labels()))))
    live = window.live
    live.controller.set_hold(0.4)
    qtbot.waitUntil(lambda: live.controller.session.text.startswith("HEL"), timeout=20000)
    live.clear_text()  # New sentence: into the history
    first = live.panel.history.item(0).text()
    live.controller.restore_text("SAY ")
    window.close()

    again = make_window(None)  # the next run
    assert again.live.panel.history.count() == 1 and again.live.panel.history.item(0).text() == first
    assert again.live.controller.session.text == "SAY " and again.live.panel.plain == "SAY "
    again.live.clear_text()
    assert again.live.controller.session.text == "" and again.live.panel.history.count() == 2
    [undo] = [a for a in again.findChildren(QAction) if a.text() == "&Undo New sentence"]
    undo.trigger()
    assert again.live.controller.session.text == "SAY " and again.live.panel.history.count() == 1


def test_an_engine_that_fails_to_start_says_what_to_install_and_speaking_shows_on_the_button(qtbot, monkeypatch):
    from asl_desktop.text_panel import TextPanel
    QTextToSpeech = pytest.importorskip("PySide6.QtTextToSpeech").QTextToSpeech
    monkeypatch.setenv("ASL_DESKTOP_TTS_ENGINE", "no-such-engine")
    speaker = Speaker()
    assert not speaker.available and "failed to start" in speaker.problem and "speech-dispatcher" in speaker.problem
    monkeypatch.setenv("ASL_DESKTOP_TTS_ENGINE", "mock")
    panel = TextPanel()
    qtbot.addWidget(panel)
    panel.show_text("HELLO")
    with qtbot.waitSignal(panel.speaker.state_changed, timeout=5000, check_params_cb=lambda s: s == "speaking"):
        panel.speak()
    assert panel.speak_button.text() == "Speaking..."
    assert isinstance(panel.speaker.tts, QTextToSpeech)
