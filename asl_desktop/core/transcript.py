"""The text spelled so far, what the model saw for each letter of the word being spelled, and
one step of undo (no Qt).

The speller decides when a sign is committed; the transcript turns commits into text. For each
letter of the word being spelled it keeps the averaged top-5 probabilities at its commit (the
evidence that suggestions and autocorrect weigh), and for the word a space just finished, that
word's evidence. A replacement (an accepted suggestion, an autocorrection) can be undone by a
Backspace right after it.
"""

from __future__ import annotations

Evidence = list[dict[str, float]]


class Transcript:
    def __init__(self) -> None:
        self.text = ""
        self.evidence: Evidence = []   # per letter of the word being spelled: top-5 at its commit
        self.finished: Evidence = []   # the evidence of the word the last space (or the source's end) finished
        self._undo: tuple[str, str] | None = None  # (text before, text after) the last replacement

    @property
    def word(self) -> str:
        """The word being spelled: the letters after the last space."""
        return self.text.rsplit(" ", 1)[-1]

    @property
    def last_word(self) -> str:
        """The word being spelled, else the last one finished."""
        return self.text.rstrip(" ").rsplit(" ", 1)[-1]

    def commit(self, label: str, top: dict[str, float]) -> None:
        """A sign the speller committed: a letter (with what the model saw), space or del."""
        self._undo = None
        if label == "space":
            self.finished, self.evidence = self.evidence, []
            self.text += " "
        elif label == "del":
            self._delete()
        else:
            if len(self.word) != len(self.evidence):  # typed over (e.g. a replaced word): start afresh
                self.evidence = [{c: 1.0} for c in self.word]
            self.evidence.append(top)
            self.text += label

    def _delete(self) -> None:
        if self.text and self.text[-1] != " " and self.evidence:
            self.evidence.pop()
        self.text = self.text[:-1]

    def backspace(self) -> str:
        """Right after a replacement: undo it. Otherwise delete a character."""
        if self._undo is not None and self.text == self._undo[1]:
            self.text, self.evidence = self._undo[0], []
        else:
            self._delete()
        self._undo = None
        return self.text

    def _replace_last(self, new: str, end: bool) -> None:
        """`new` in place of the last word (the one being spelled, or, with end=True, the one a
        space just finished, keeping the text's end as it was)."""
        stem = self.text.rstrip(" ") if end else self.text
        tail = self.text[len(stem):] if end else ""
        head = stem[:len(stem) - len(stem.rsplit(" ", 1)[-1])]
        before = self.text
        self.text = head + new + tail
        self._undo = (before, self.text)

    def accept(self, word: str) -> str:
        """A suggestion in place of the word being spelled, then a space."""
        before = self.text
        self._replace_last(word + " ", end=False)
        self._undo = (before, self.text)
        self.evidence = []
        return self.text

    def correct_finished(self, new: str) -> None:
        """The word just finished replaced by `new` (autocorrect, or the top suggestion)."""
        self._replace_last(new, end=True)
        self.finished = []

    def finish_word(self) -> bool:
        """The source ended mid-word: the word being spelled counts as finished (its evidence
        moves to `finished`); False when no word was being spelled."""
        if not self.evidence:
            return False
        self.finished, self.evidence = self.evidence, []
        return True

    def break_word(self) -> None:
        """A new word starts here (a new source): a space ends any text."""
        if self.text and not self.text.endswith(" "):
            self.text += " "
        self.evidence, self._undo = [], None

    def clear(self) -> None:
        self.text, self.evidence, self.finished, self._undo = "", [], [], None
