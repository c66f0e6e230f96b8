"""Practice: a word to spell, the letter being spelled, and each letter's progress kept between
runs (no Qt).

A letter is done once it is read (the letter on top, at least DONE_CONFIDENCE) for DONE_SECONDS;
another letter read as clearly for as long first means it was not right first time. Each letter's
attempts, right-first-time count and seconds are kept per day in the user's data folder
(`practice.json`, written atomically after every word), and the next word leans towards the
letters the learner finds hard. The caller saves (`Progress.save`) when a word is finished.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from asl_runtime.storage import atomic_write, user_data_dir

from .speller import MOTION_STARTS

DONE_CONFIDENCE = 0.5
DONE_SECONDS = 0.3
LETTERS = list(string.ascii_uppercase)  # J and Z count when drawn (`drawn`) or their shape is held
LEVELS = ("Letters", "Short words", "Longer words", "My words")
WORD_LENGTHS = {"Short words": (3, 4), "Longer words": (5, 7)}


def practice_path() -> Path:
    return user_data_dir() / "practice.json"


class Progress:
    """Per day and letter: [attempts, right first time, seconds]; per day, the words watched
    (receptive practice): [read right, watched]. Read and written as JSON."""

    def __init__(self, path: Path | None = None):
        self.path = path or practice_path()
        self.days: dict[str, dict[str, list[float]]] = {}
        self.watched: dict[str, list[int]] = {}
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            self.days = {str(d): {str(c): [float(v) for v in row][:3] for c, row in letters.items()}
                         for d, letters in loaded.get("days", {}).items()}
            self.watched = {str(d): [int(v) for v in row][:2] for d, row in loaded.get("watched", {}).items()}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, AttributeError):  # damaged: set aside, start afresh
            try:
                self.path.replace(self.path.with_name(self.path.name + ".damaged"))
            except OSError:
                pass

    def add(self, letter: str, first_time: bool, seconds: float, day: str | None = None) -> None:
        row = self.days.setdefault(day or date.today().isoformat(), {}).setdefault(letter, [0.0, 0.0, 0.0])
        row[0] += 1
        row[1] += first_time
        row[2] += seconds

    def add_watched(self, right: bool, day: str | None = None) -> None:
        row = self.watched.setdefault(day or date.today().isoformat(), [0, 0])
        row[0] += right
        row[1] += 1

    def watched_total(self) -> tuple[int, int]:
        """All days: words read right, words watched."""
        return sum(r[0] for r in self.watched.values()), sum(r[1] for r in self.watched.values())

    def save(self) -> None:
        text = json.dumps({"days": self.days, "watched": self.watched}, indent=1)
        atomic_write(self.path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))

    def letter(self, letter: str) -> tuple[int, int, float]:
        """All days: attempts, right first time, seconds."""
        rows = [d[letter] for d in self.days.values() if letter in d]
        return int(sum(r[0] for r in rows)), int(sum(r[1] for r in rows)), sum(r[2] for r in rows)

    def right_first_time(self, letter: str) -> float | None:
        attempts, first, _ = self.letter(letter)
        return first / attempts if attempts else None

    def per_day(self) -> list[tuple[str, int, float]]:
        """Day, letters done, share right first time; oldest first."""
        out = []
        for day in sorted(self.days):
            attempts = sum(r[0] for r in self.days[day].values())
            first = sum(r[1] for r in self.days[day].values())
            out.append((day, int(attempts), first / attempts if attempts else 0.0))
        return out


def weakness(progress: Progress, letter: str) -> float:
    """How much a letter needs practice: 1 - its right-first-time share (0.5 when never tried)."""
    share = progress.right_first_time(letter)
    return 0.5 if share is None else 1.0 - share


def pick_word(words: list[str], progress: Progress, rng: random.Random) -> str:
    """A word, drawn with weights that favour the learner's weak letters."""
    weights = [0.1 + sum(weakness(progress, c) for c in w) / len(w) for w in words]
    return rng.choices(words, weights)[0]


@dataclass
class Attempt:
    """The word being practised and where the learner is in it."""
    word: str
    started: float | None = None      # when the first frame came
    position: int = 0
    letter_since: float | None = None  # when the current letter became the one to sign
    first_time: bool = True
    reading: tuple[str, float] | None = None  # the letter read now, since when
    done_at: list[float] = field(default_factory=list)

    @property
    def target(self) -> str | None:
        return self.word[self.position] if self.position < len(self.word) else None

    @property
    def finished(self) -> bool:
        return self.position >= len(self.word)


class Practice:
    """Feeds the letters read to the word being practised; keeps score and progress."""

    def __init__(self, progress: Progress, my_words: list[str] | None = None, vocabulary: list[str] | None = None,
                 seed: int | None = None):
        self.progress = progress
        self.my_words = [w for w in (my_words or []) if w and all(c in LETTERS for c in w)]
        self.vocabulary = [w for w in (vocabulary or []) if w and all(c in LETTERS for c in w)]
        self.rng = random.Random(seed)
        self.level = LEVELS[0]
        self.streak = 0
        self.attempt = Attempt(self._new_word())

    def words(self) -> list[str]:
        """The words of the current level."""
        if self.level == "Letters":
            return LETTERS
        if self.level == "My words":
            return self.my_words
        low, high = WORD_LENGTHS[self.level]
        return [w for w in self.vocabulary if low <= len(w) <= high]

    def _new_word(self) -> str:
        if self.level == "Letters":  # five letters to sign one after another, weak ones more often
            return "".join(pick_word(LETTERS, self.progress, self.rng) for _ in range(5))
        return pick_word(self.words() or ["HELLO"], self.progress, self.rng)

    def set_level(self, level: str) -> None:
        self.level = level if level in LEVELS else LEVELS[0]
        self.next_word()

    def next_word(self, word: str | None = None) -> str:
        self.attempt = Attempt(word or self._new_word())
        return self.attempt.word

    def skip(self) -> None:
        """Leave the current letter, counted as not right."""
        a = self.attempt
        if a.target is not None:
            self.progress.add(a.target, False, 0.0)
            self.streak = 0
            self._advance(None)

    def feed(self, label: str, confidence: float, timestamp: float) -> bool:
        """One frame's read; True when it finished a letter."""
        a = self.attempt
        if a.finished:
            return False
        if a.started is None:
            a.started = timestamp
        if a.letter_since is None:
            a.letter_since = timestamp
        if confidence < DONE_CONFIDENCE or label in ("nothing", "space", "del"):
            a.reading = None
            return False
        if a.reading is None or a.reading[0] != label:
            a.reading = (label, timestamp)
            return False
        if timestamp - a.reading[1] < DONE_SECONDS:
            return False
        if label != a.target:  # another letter, held: not right first time (J's and Z's start excepted)
            a.first_time = a.first_time and label in MOTION_STARTS.get(a.target or "", ())
            return False
        self._done(label, timestamp)
        return True

    def drawn(self, label: str, timestamp: float) -> bool:
        """J or Z read from the hand's motion; True when it finished the letter (it was the target)."""
        if self.attempt.finished or label != self.attempt.target:
            return False
        self._done(label, timestamp)
        return True

    def _done(self, label: str, timestamp: float) -> None:
        a = self.attempt
        seconds = timestamp - (a.letter_since or timestamp)
        self.progress.add(label, a.first_time, seconds)
        self.streak = self.streak + 1 if a.first_time else 0
        self._advance(timestamp)

    def _advance(self, timestamp: float | None) -> None:
        a = self.attempt
        a.position += 1
        a.done_at.append(timestamp if timestamp is not None else (a.letter_since or 0.0))
        a.first_time, a.reading, a.letter_since = True, None, timestamp

    def letters_a_second(self) -> float:
        a = self.attempt
        if a.started is None or not a.done_at or a.done_at[-1] <= a.started:
            return 0.0
        return len(a.done_at) / (a.done_at[-1] - a.started)
