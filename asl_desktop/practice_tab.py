"""The Practice tab: spell the word shown, one letter at a time, with each sign's shape beside
your own hand, a hint that names the finger, and progress kept between runs; or watch the hand
spell a word at 1 to 4 letters a second and type what you saw."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asl_runtime.shipped import sign_descriptions
from asl_runtime.sign_shapes import MOTION_SIGNS, hint, reference_motion, reference_points

from .core.practice import LETTERS, LEVELS, Practice, Progress
from .core.session import Step
from .core.speller import MOTION_WINDOW
from .core.words import Vocabulary, read_user_words
from .hand_view import HandView, mirrored_view, show_sign
from .live_controller import LiveController
from .video_view import VideoView

HINT_AFTER = 1.0  # s of another letter read before the hint shows
COMMON_WORDS = 2000  # practice words come from the English list's most common
WRONG = "That reads as"
ANIMATION_FPS = 30
MOTION_PROB = 0.9  # a J or Z drawn when it is the letter asked for (the live speller, guessing, asks 0.99)


class PracticeTab(QWidget):
    def __init__(self, controller: LiveController, parent=None):
        super().__init__(parent)
        self.controller = controller
        common = list(Vocabulary.english(user_words=[], size=COMMON_WORDS).logp)  # the list's head: quick to read
        self.practice = Practice(Progress(), read_user_words(), common)
        self._wrong_since: float | None = None
        self._drawn_at = -1e9  # when the last J or Z was counted
        self._build_ui()
        controller.result.connect(self.on_result)
        self.view.set_guide(controller.guide)
        controller.guide_changed.connect(self.view.set_guide)
        self._show_word()
        self._show_progress()

    def _build_ui(self) -> None:
        self.level = QComboBox()
        self.level.addItems(LEVELS)
        self.level.setAccessibleName("Level")
        self.level.currentTextChanged.connect(self._set_level)
        level_label = QLabel("&Level")
        level_label.setBuddy(self.level)
        self.next_button = QPushButton("&Next word")
        self.next_button.clicked.connect(self._next_word)
        self.skip_button = QPushButton("S&kip letter")
        self.skip_button.clicked.connect(self._skip)
        self.stats = QLabel()
        top = QHBoxLayout()
        for w in (level_label, self.level, self.next_button, self.skip_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.stats)

        self.word = QLabel()
        self.word.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.word.setTextFormat(Qt.TextFormat.RichText)
        self.word.setAccessibleName("The word to spell")
        font = self.word.font()
        font.setPointSize(36)
        self.word.setFont(font)
        self.how = QLabel()
        self.how.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Hint")
        hint_font = self.hint.font()
        hint_font.setPointSize(hint_font.pointSize() + 3)
        hint_font.setBold(True)
        self.hint.setFont(hint_font)

        self.view = VideoView()
        self.view.setMinimumSize(320, 240)
        self.reference = HandView("The sign", QColor(60, 140, 230))
        self.yours = HandView("Your hand", QColor(60, 190, 90), turnable=False)

        self.by_letter = pg.PlotWidget(title="Right first time, per letter")
        self.by_letter.setMinimumHeight(140)
        self.by_letter.setYRange(0, 1)
        self.by_letter.getAxis("bottom").setTicks([list(enumerate(LETTERS))])
        self.by_day = pg.PlotWidget(title="Letters practised, per day")
        self.by_day.setMinimumHeight(140)
        for chart in (self.by_letter, self.by_day):
            chart.setBackground(None)  # the window's own colour, light or dark
            chart.setMaximumHeight(200)
            chart.setMouseEnabled(False, False)

        # receptive practice: the app spells, the learner reads and types
        self.watch_button = QPushButton("&Watch a word")
        self.watch_button.setToolTip("The hand above spells a word; type what you saw")
        self.watch_button.clicked.connect(self._watch)
        self.pace = QDoubleSpinBox()
        self.pace.setRange(1.0, 4.0)
        self.pace.setSingleStep(0.5)
        self.pace.setValue(1.5)
        self.pace.setSuffix(" letters a second")
        self.pace.setAccessibleName("Spelling pace")
        self.answer = QLineEdit()
        self.answer.setPlaceholderText("Type the word you saw, then Return")
        self.answer.setAccessibleName("The word you saw")
        self.answer.returnPressed.connect(self._check_answer)
        self.score = QLabel()
        watch = QHBoxLayout()
        for w in (self.watch_button, self.pace, self.answer, self.score):
            watch.addWidget(w)
        self._shown = ""             # the word being (or last) spelled by the app
        self._frame = 0              # the animation's step
        self._animation = QTimer(self)
        self._animation.setInterval(1000 // ANIMATION_FPS)
        self._animation.timeout.connect(self._animate)

        grid = QGridLayout()
        grid.addWidget(self.view, 0, 0, 2, 1)
        grid.addWidget(self.reference, 0, 1)
        grid.addWidget(self.yours, 0, 2)
        grid.addWidget(self.how, 1, 1, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        charts = QHBoxLayout()
        charts.addWidget(self.by_letter, 2)
        charts.addWidget(self.by_day, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.word)
        layout.addWidget(self.hint)
        layout.addLayout(grid, 1)
        layout.addLayout(watch)
        layout.addLayout(charts)

    # the session reads frames for practice, not for the Live text, while this tab shows
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.controller.set_spelling(False)
        self.view.show_message(self.controller.message)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.controller.set_spelling(True)

    def _set_level(self, level: str) -> None:
        self.practice.set_level(level)
        if level == "My words" and not self.practice.my_words:
            self.hint.setText("Add your own words with Text > Add the word to my words (Ctrl+D) on the Live tab; "
                              "meanwhile, practise these.")
        self._show_word()

    def _next_word(self) -> None:
        self.practice.next_word()
        self._show_word()

    def _skip(self) -> None:
        self.practice.skip()
        self._after_letter()

    def on_result(self, step: Step) -> None:
        if not self.isVisible():
            return
        r = step.result
        self.view.show_frame(r.frame, r.box, r.tracked, r.pixels, r.points, r.mirrored, r.which)
        self.yours.show_points(r.points)
        p = r.prediction
        if self._drawn(step) or self.practice.feed(p.label, p.confidence, r.timestamp):
            self._after_letter()
            return
        self._update_hint(p.label, p.confidence, r.points, r.timestamp)
        self._show_stats()

    def _drawn(self, step: Step) -> bool:
        """Whether the hand's path (read on the inference thread) drew the J or Z to spell; a
        motion counts once (the path read for the next MOTION_WINDOW s still shows it)."""
        label, p = step.drawn or ("none", 0.0)
        t = step.result.timestamp
        if label not in MOTION_SIGNS or p < MOTION_PROB or t - self._drawn_at < MOTION_WINDOW:
            return False
        if not self.practice.drawn(label, t):
            return False
        self._drawn_at = t
        return True

    def _update_hint(self, label: str, confidence: float, points, timestamp: float) -> None:
        target = self.practice.attempt.target
        if target is None or label == target or confidence < 0.5 or label in ("nothing", "space", "del"):
            self._wrong_since = None
            if self.hint.text().startswith(WRONG):  # the praise for a finished word stays
                self.hint.setText("")
            return
        self._wrong_since = self._wrong_since if self._wrong_since is not None else timestamp
        if timestamp - self._wrong_since < HINT_AFTER:
            return
        words = hint(points, target) if points is not None else None
        self.hint.setText(f"{WRONG} {label}. " + (f"Try: {words}." if words else f"Look at the {target} beside you."))

    def _after_letter(self) -> None:
        self._wrong_since = None
        self.hint.setText("")
        if self.practice.attempt.finished:
            try:
                self.practice.progress.save()
                done = "Well done! "
            except OSError as exc:
                done = f"Your progress could not be saved ({exc}); it is kept until you quit. "
            self.hint.setText(f"{done}{self.practice.attempt.word} in {self._seconds():.1f} s. Here is the next one.")
            self._show_progress()
            self.practice.next_word()
        self._show_word()

    def _watch(self) -> None:
        """Spell a word of the level with the reference hand, at the chosen pace."""
        rng = self.practice.rng
        words = [w for w in self.practice.words() if len(w) > 1]  # letters: three of them
        self._shown = rng.choice(words) if words else "".join(rng.choice(LETTERS) for _ in range(3))
        self._frame = 0
        self.answer.clear()
        self.answer.setFocus()
        self.score.setText("Watch...")
        self._animation.start()

    def _animate(self) -> None:
        """One step: each letter's shape held, then a quick blend into the next one's."""
        per_letter = ANIMATION_FPS / self.pace.value()
        i, within = divmod(self._frame / per_letter, 1.0)
        self._frame += 1
        if i >= len(self._shown):
            self._animation.stop()
            self.reference.title = "The sign"
            self.reference.show_points(None)
            self.score.setText("What was it?")
            return
        here, after = self._pose(self._shown[int(i)], within), None
        if i + 1 < len(self._shown):
            after = self._pose(self._shown[int(i) + 1], 0.0)
        blend = max(0.0, (within - 0.7) / 0.3)  # the last 30% of a letter's time moves to the next
        if here is not None and after is not None and blend > 0:
            here = (1 - blend) * here + blend * after
        self.reference.title = "Watch"
        self.reference.show_points(here)

    @staticmethod
    def _pose(sign: str, within: float) -> np.ndarray | None:
        """The reference hand `within` (0-1) the time of a sign: J and Z move through their motion
        in its first 70%, the still signs hold."""
        motion = reference_motion(sign, mirrored_view())
        if motion is None:
            return reference_points(sign, mirrored_view())
        return motion[min(int(within / 0.7 * len(motion)), len(motion) - 1)]

    def _check_answer(self) -> None:
        if not self._shown or self._animation.isActive():
            return
        right = self.answer.text().strip().upper() == self._shown
        progress = self.practice.progress
        progress.add_watched(right)
        verdict = "Right!" if right else f"It was {self._shown}."
        try:
            progress.save()
            kept = ""
        except OSError as exc:
            kept = f" (not saved: {exc})"
        read, seen = progress.watched_total()
        self.score.setText(f"{verdict} {read} of {seen} read right{kept}")
        self._shown = ""
        self._show_word()

    def _seconds(self) -> float:
        a = self.practice.attempt
        return (a.done_at[-1] - a.started) if a.done_at and a.started is not None else 0.0

    def _show_word(self) -> None:
        a = self.practice.attempt
        parts = []
        for i, c in enumerate(a.word):
            if i < a.position:
                parts.append(f'<span style="color:#2e9d4f">{c}</span>')
            elif i == a.position:
                parts.append(f'<u><b>{c}</b></u>')
            else:
                parts.append(f'<span style="color:gray">{c}</span>')
        self.word.setText("".join(parts))
        target = a.target
        if not self._animation.isActive():  # the hand is spelling a word to watch
            self.reference.title = f"The sign {target}" if target else "The sign"
            show_sign(self.reference, target)
        self.how.setText(f"{target}: {sign_descriptions().get(target, '')}" if target else "")
        self._show_stats()

    def _show_stats(self) -> None:
        p = self.practice
        self.stats.setText(f"{self._seconds():.1f} s · {p.letters_a_second():.2f} letters a second · streak {p.streak}")

    def _show_progress(self) -> None:
        progress = self.practice.progress
        shares = [progress.right_first_time(c) for c in LETTERS]
        self.by_letter.clear()
        self.by_letter.addItem(pg.BarGraphItem(x=np.arange(len(LETTERS)), height=[s or 0.0 for s in shares],
                                               width=0.7, brush=(60, 140, 230)))
        days = progress.per_day()
        self.by_day.clear()
        if days:
            self.by_day.addItem(pg.BarGraphItem(x=np.arange(len(days)), height=[n for _, n, _ in days], width=0.7,
                                                brush=(60, 190, 90)))
            self.by_day.getAxis("bottom").setTicks([[(i, d[5:]) for i, (d, _, _) in enumerate(days)]])
