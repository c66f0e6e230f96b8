"""The text you keep: the spelled text, word suggestions, sentence history, speak, copy, save."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from asl_runtime.storage import atomic_write

from . import settings
from .core.kept_text import KeptText, load_kept_text, save_kept_text
from .speech import Speaker

SUGGESTIONS = 5
SPACE_MARK = "\u2423"  # ␣, shown after a committed space until the next letter


class TextPanel(QWidget):
    accepted = Signal(str)        # a suggestion chosen by click or number key
    clear_requested = Signal()
    backspace_requested = Signal()
    add_word_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.speaker = Speaker(self)
        self.speaker.set_voice(settings.read(settings.VOICE))
        self.speaker.set_rate(settings.read(settings.RATE))
        self.text = QTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Spelled text")
        self.text.setPlaceholderText("Spelled text appears here: sign a letter, move on to the next.")
        self.set_font_size(settings.read(settings.TEXT_SIZE))
        self.suggestion_buttons = []
        row = QHBoxLayout()
        row.addWidget(QLabel("Suggestions:"))
        for i in range(SUGGESTIONS):
            b = QPushButton()
            b.setVisible(False)
            b.clicked.connect(lambda _=False, i=i: self.accept(i))
            QShortcut(QKeySequence(str(i + 1)), self, lambda i=i: self.accept(i),
                      context=Qt.ShortcutContext.WindowShortcut)  # active while the Live tab shows
            self.suggestion_buttons.append(b)
            row.addWidget(b)
        row.addStretch(1)
        self.add_word_button = QPushButton("+ My word")
        self.add_word_button.setToolTip("Add the word being spelled to your own words (names, signs you use)")
        self.add_word_button.clicked.connect(self.add_word_requested)
        row.addWidget(self.add_word_button)

        self.history = QListWidget()
        self.history.setAccessibleName("Finished sentences")
        self.history.setToolTip("Finished sentences (kept between runs); double-click to copy one")
        self.history.setMaximumWidth(260)
        self.history.setMinimumWidth(200)
        self.history.itemDoubleClicked.connect(lambda item: self._copy(item.text()))

        self.clear_button = QPushButton("New sentence")
        self.clear_button.setToolTip("Keep the text in the history and start afresh (Ctrl+L)")
        self.clear_button.clicked.connect(self.clear_requested)
        self.back_button = QPushButton("Backspace")
        self.back_button.setToolTip("Delete the last character; right after a correction, undo it")
        self.back_button.clicked.connect(self.backspace_requested)
        self.copy_button = QPushButton("Copy")  # the live tab copies the session's text
        self.speak_button = QPushButton("Speak")
        self.speak_button.clicked.connect(lambda: self.speak())
        self.speak_button.setEnabled(self.speaker.available)
        self.speak_button.setToolTip(self.speaker.problem or "Read the text aloud")
        self.speaker.state_changed.connect(
            lambda state: self.speak_button.setText("Speaking..." if state == "speaking" else "Speak"))
        self.save_button = QPushButton("Save...")
        self.save_button.setToolTip("Save the history and the current text as a text file (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.buttons = QVBoxLayout()
        for b in (self.clear_button, self.back_button, self.copy_button, self.speak_button, self.save_button):
            self.buttons.addWidget(b)
        texts = QVBoxLayout()
        texts.addWidget(self.text, 1)
        texts.addLayout(row)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(texts, 1)
        history = QVBoxLayout()
        history.addWidget(QLabel("Sentences (New sentence adds one)"))
        history.addWidget(self.history, 1)
        outer.addLayout(history)
        outer.addLayout(self.buttons)
        self.plain = ""
        self.words: list[str] = []
        self.kept = load_kept_text()  # what was there when the app last closed
        self.history.addItems(self.kept.history)
        self.history.scrollToBottom()

    def show_text(self, text: str) -> None:
        self.plain = text
        shown = html.escape(text.rstrip(" "))
        if text.endswith(" "):
            shown += f" <span style='color:#9ca3af'>{SPACE_MARK}</span>"
        self.text.setHtml(f"<span>{shown}</span>")
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)
        self._keep()

    def set_suggestions(self, words: list[str]) -> None:
        self.words = words[:SUGGESTIONS]
        for i, b in enumerate(self.suggestion_buttons):
            b.setVisible(i < len(self.words))
            if i < len(self.words):
                b.setText(f"{i + 1}  {self.words[i]}")

    def accept(self, i: int) -> None:
        if i < len(self.words):
            self.accepted.emit(self.words[i])

    def finish_sentence(self, text: str) -> None:
        if text.strip():
            self.history.addItem(text.strip())
            self.history.scrollToBottom()
            self._keep()

    def take_last_sentence(self) -> str | None:
        """The newest finished sentence, out of the history (to undo a New sentence)."""
        if not self.history.count():
            return None
        item = self.history.takeItem(self.history.count() - 1)
        self._keep()
        return item.text()

    def _keep(self) -> None:
        """Write the text and the history to the user's data folder, so quitting loses nothing."""
        kept = KeptText(self.plain, [self.history.item(i).text() for i in range(self.history.count())])
        if kept == self.kept:
            return
        try:
            save_kept_text(kept)
        except OSError as exc:  # a full or read-only disk: the text stays on screen, Save still works
            self.text.setToolTip(f"The text could not be kept for the next run: {exc}")
            return
        self.kept = kept

    def set_font_size(self, points: int) -> None:
        font = QFont(self.font())
        font.setPointSize(points)
        self.text.setFont(font)
        self.text.setMaximumHeight(int(points * 3.2) + 24)

    def speak(self, text: str | None = None) -> None:
        self.speaker.say(self.plain if text is None else text)

    def _copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)

    def all_text(self) -> str:
        lines = [self.history.item(i).text() for i in range(self.history.count())]
        return "\n".join([*lines, self.plain.strip()] if self.plain.strip() else lines) + "\n"

    def save(self, path: str | None = None) -> Path | None:
        if path is None:
            start = str(Path(settings.read(settings.DIR_TEXT) or Path.home()) / "signed-text.txt")
            path, _ = QFileDialog.getSaveFileName(self, "Save text", start, "Text files (*.txt)")
            if not path:
                return None
        target = Path(path)
        if not target.suffix:  # a name typed without one: a text file, as the dialog offers
            target = target.with_suffix(".txt")
        try:
            atomic_write(target, lambda tmp: Path(tmp).write_text(self.all_text(), encoding="utf-8"))
        except OSError as exc:
            QMessageBox.warning(self, "Save text", f"Could not save {target}: {exc}")
            return None
        settings.write(settings.DIR_TEXT, str(target.parent))
        return target
