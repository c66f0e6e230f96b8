"""Word suggestions and autocorrect from what the model saw (no Qt).

Each committed letter keeps its evidence: the speller's averaged top-5 probabilities at the
moment it committed. A word w is ranked by a noisy-channel score,

    log P(w) + log P(evidence | w),

P(w) from an English frequency list (symspellpy's 82,765-word dictionary, built from
Google Books n-grams and SCOWL, MIT licence: small, English only, counts included), and
P(evidence | w) from the best alignment of the commits with w's letters, where each commit
matches a letter with the probability the model gave that letter, and a letter may have been
dropped (likely for the second of a doubled letter), an extra letter committed, or two
letters swapped. While a word is being spelled, letters after the last commit are free
(completions); a finished word must match whole.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np

from asl_runtime.storage import atomic_write, user_data_dir

Evidence = Mapping[str, float]  # label -> probability at the commit
PAD = chr(ord("A") + 26)  # pads shorter words in `channels`

VOCABULARY_SIZE = 30_000
FLOOR = 0.002          # probability of a letter the model did not rank in its top five
P_DROP = 0.1           # a letter of the word never committed (an unsure moment, too short a hold)
P_DROP_DOUBLE = 0.3    # ... when it repeats the letter before it (the second L of HELLO)
P_INSERT = 0.03        # a commit that is not in the word
P_SWAP = 0.05          # two neighbouring letters committed in the wrong order
MAX_CHANNEL_COST = 6.0  # autocorrect leaves a non-word alone when no word explains it better than this
CLEAR_GAIN = math.log(50)  # ... and a real word alone unless another is 50x more likely
SURE = 0.9  # a letter read at least this likely is never dropped or replaced by autocorrect (ASL stays ASL)
MAX_USER_WORDS = 20_000  # own words read; more would slow every commit (each is scored)
USER_RANK = 500  # a short own list ranks with the English list's 500th word ...
USER_SHARE = 100  # ... a longer one shares the odds of this many such words among its words


def _letters(word: str) -> bool:
    return word.isascii() and word.isalpha()


@dataclass
class Suggestion:
    word: str
    score: float      # log P(word) + log P(evidence | word)
    channel: float    # log P(evidence | word) alone


class Vocabulary:
    """Upper-case words with log frequencies; the user's own words rank with common ones (a long
    own list shares their odds, so a list of thousands cannot crowd English out)."""

    def __init__(self, counts: Mapping[str, int], user_words: Sequence[str] = ()):
        total = sum(counts.values())
        self.logp = {w.upper(): math.log(c / total) for w, c in counts.items()}
        ranked = sorted(self.logp.values(), reverse=True)
        kept = list(dict.fromkeys(user_words))[:MAX_USER_WORDS]
        self.user_words_left_out = len(set(user_words)) - len(kept)
        self.user_logp = ((ranked[min(len(ranked) - 1, USER_RANK)] if ranked else 0.0)
                          - math.log(max(1.0, len(kept) / USER_SHARE)))
        self.by_first: dict[str, list[str]] = defaultdict(list)
        for w in self.logp:
            self.by_first[w[0]].append(w)
        for w in kept:
            self.add(w)

    @classmethod
    def english(cls, user_words: Sequence[str] | None = None, size: int = VOCABULARY_SIZE) -> Vocabulary:
        """The English list plus the user's words (read from the user data folder by default)."""
        path = files("symspellpy") / "frequency_dictionary_en_82_765.txt"
        counts: dict[str, int] = {}
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                word, _, count = line.partition(" ")
                if _letters(word) and (len(word) > 1 or word in ("a", "i")):
                    counts[word] = int(count)
                    if len(counts) >= size:
                        break
        return cls(counts, read_user_words() if user_words is None else user_words)

    def add(self, word: str) -> None:
        word = word.strip().upper()
        if not _letters(word):
            raise ValueError(f"'{word}' is not a word of letters A-Z")
        if word not in self.logp:
            self.by_first[word[0]].append(word)
        self.logp[word] = max(self.logp.get(word, -math.inf), self.user_logp)

    def __contains__(self, word: str) -> bool:
        return word.upper() in self.logp


def channel(evidence: Sequence[Evidence], word: str, complete: bool) -> float:
    """log P(evidence | word): the best alignment of commits with letters (see module doc).

    complete=True: the commits may cover only the start of the word (it is still being
    spelled); the last commit must then match a letter, the letters after it are free.
    """
    return float(channels(evidence, [word], complete)[0])


def channels(evidence: Sequence[Evidence], words: Sequence[str], complete: bool) -> np.ndarray:
    """`channel` for many words at once: one dynamic programme over all of them in numpy.

    d[i][:, j] is the best log probability of the first i commits explaining the first j
    letters of each word. A row comes from the row above (a commit matches a letter, or is an
    extra commit), from two rows above (a swapped pair), and from its own left neighbours (a
    dropped letter); the last is a max-plus running scan along the row.
    """
    n = len(evidence)
    if not words:
        return np.empty(0)
    lengths = np.array([len(w) for w in words])
    m = int(lengths.max())
    codes = (np.frombuffer("".join(w.ljust(m, PAD) for w in words).encode("ascii"), np.uint8)
             .reshape(len(words), m).astype(np.intp) - ord("A"))            # PAD -> 26
    logs = np.full((n, 27), math.log(FLOOR))
    logs[:, 26] = -np.inf                                                   # nothing matches padding
    for i, e in enumerate(evidence):
        for label, p in e.items():
            if len(label) == 1:
                logs[i, ord(label) - ord("A")] = math.log(max(p, FLOOR))
    match = logs[:, codes]                                                  # (n, words, m)
    repeat = codes[:, 1:] == codes[:, :-1]                                  # letter j+1 repeats letter j
    drop = np.where(np.hstack([np.zeros((len(words), 1), bool), repeat]), math.log(P_DROP_DOUBLE), math.log(P_DROP))
    run = np.hstack([np.zeros((len(words), 1)), np.cumsum(drop, axis=1)])    # cost of dropping letters 0..j-1

    def finish(base: np.ndarray) -> np.ndarray:                             # then letters may be dropped
        return run + np.maximum.accumulate(base - run, axis=1)

    first = np.full((len(words), m + 1), -np.inf)
    first[:, 0] = 0.0
    d = [finish(first)]
    for i in range(1, n + 1):
        up = d[i - 1]
        last = np.full_like(up, -np.inf)
        last[:, 1:] = up[:, :-1] + match[i - 1]
        if i > 1 and m > 1:
            swap = d[i - 2][:, :-2] + match[i - 2][:, 1:] + match[i - 1][:, :-1] + math.log(P_SWAP)
            last[:, 2:] = np.where(repeat, last[:, 2:], np.maximum(last[:, 2:], swap))
        d.append(finish(np.maximum(last, up + math.log(P_INSERT))))
    if complete and n:
        return last.max(axis=1)                                             # the last commit matched a letter
    return d[n][np.arange(len(words)), lengths]


def _top_letters(e: Evidence, k: int = 3) -> list[str]:
    return [label for label, _ in sorted(e.items(), key=lambda lp: -lp[1])[:k] if len(label) == 1]


def suggest(vocab: Vocabulary, evidence: Sequence[Evidence], k: int = 5, complete: bool = True) -> list[Suggestion]:
    """The k most likely words for these commits, best first."""
    if not evidence:
        return []
    n = len(evidence)
    firsts = set(_top_letters(evidence[0])) | (set(_top_letters(evidence[1])) if n > 1 else set())
    shortest, longest = max(1, n - 2), n + (3 if complete else 2)
    candidates = [w for first in firsts for w in vocab.by_first.get(first, ()) if shortest <= len(w) <= longest]
    # while spelling, letters past n + 2 cannot change the alignment much: score each prefix once
    keys = {w[:n + 2] if complete else w: None for w in candidates}
    score = dict(zip(keys, channels(evidence, list(keys), complete).tolist()))
    scored = []
    for word in candidates:
        c = score[word[:n + 2] if complete else word]
        if c > -math.inf:
            scored.append(Suggestion(word, vocab.logp[word] + c, c))
    scored.sort(key=lambda s: -s.score)
    return scored[:k]


def literal(evidence: Sequence[Evidence]) -> str:
    """The letters as committed (the top label of each commit)."""
    return "".join(max(e.items(), key=lambda lp: lp[1])[0] for e in evidence)


def autocorrect(vocab: Vocabulary, evidence: Sequence[Evidence]) -> str | None:
    """The word to put in place of a finished one, or None to leave it as spelled (always a
    single letter: an initial, not a word cut short)."""
    spelled = literal(evidence)
    if len(spelled) < 2:
        return None
    best = suggest(vocab, evidence, k=1, complete=False)
    if not best or best[0].word == spelled:
        return None
    top = best[0]
    if not keeps_sure_letters(evidence, top.word):
        return None
    if spelled in vocab:
        kept = vocab.logp[spelled] + channel(evidence, spelled, False)
        return top.word if top.score - kept >= CLEAR_GAIN else None
    return top.word if top.channel >= -MAX_CHANNEL_COST else None


def keeps_sure_letters(evidence: Sequence[Evidence], word: str) -> bool:
    """Whether `word` comes from the letters spelled by inserting letters (commits missed) and
    changing or dropping only letters read below SURE: a clear read is what was signed."""
    spelled = [max(e.items(), key=lambda lp: lp[1]) for e in evidence]
    reach = [[False] * (len(word) + 1) for _ in range(len(spelled) + 1)]
    reach[0][0] = True
    for i in range(len(spelled) + 1):
        for j in range(len(word) + 1):
            if not reach[i][j]:
                continue
            if j < len(word):
                reach[i][j + 1] = True  # a letter inserted
            if i < len(spelled):
                letter, p = spelled[i]
                if j < len(word) and (letter == word[j] or p < SURE):
                    reach[i + 1][j + 1] = True  # kept, or an unsure letter changed
                if p < SURE:
                    reach[i + 1][j] = True  # an unsure letter dropped
    return reach[-1][-1]


def add_user_word(word: str, path: Path | None = None) -> None:
    """Append a word to the user's list (atomically rewritten)."""
    path = path or user_words_path()
    word = word.strip().upper()
    if not _letters(word):
        raise ValueError(f"'{word}' is not a word of letters A-Z")
    words = read_user_words(path)
    if word not in words:
        atomic_write(path, lambda tmp: Path(tmp).write_text("\n".join([*words, word]) + "\n", encoding="utf-8"))


def user_words_path() -> Path:
    return user_data_dir() / "words.txt"


def read_user_words(path: Path | None = None) -> list[str]:
    """The user's own words (names, signs they use), one per line; a line that is not UTF-8
    text, or not letters, is left out (the file itself is left as it is)."""
    path = path or user_words_path()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [w.strip().upper() for w in text.splitlines() if _letters(w.strip())]
