"""How long ranking word suggestions takes after each commit (the live session does it on
the inference thread, so the newest frame waits that long): every prefix of some words, each
commit's evidence a 60% top letter and four random others, as the speller averages them.

Run: .venv/bin/python bench/words_ranking.py
"""

from __future__ import annotations

import gc
import random
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asl_desktop.core.words import Vocabulary, autocorrect, suggest  # noqa: E402

WORDS = ("HELLO", "WORLD", "SIGN", "QUIZ", "THANK", "YOU", "BOOK", "APPLE", "NAME", "HELP", "THANKSGIVING")


def evidence(word: str, rng: random.Random) -> list[dict[str, float]]:
    out = []
    for letter in word:
        e = {letter: 0.6}
        for other in rng.sample(string.ascii_uppercase, 4):
            e.setdefault(other, 0.1)
        out.append(e)
    return out


def timed(fn, *args) -> float:
    gc.collect()  # time the ranking, not a full garbage collection that happens to fall in it
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def main() -> int:
    vocab = Vocabulary.english()
    rng = random.Random(0)
    worst = {}
    for word in WORDS:
        ev = evidence(word, rng)
        per_prefix = [timed(suggest, vocab, ev[:n]) for n in range(1, len(ev) + 1)]
        at_space = timed(autocorrect, vocab, ev)
        worst[word] = max(per_prefix + [at_space])
        print(f"{word:>13s}: suggest per letter {min(per_prefix):5.0f}-{max(per_prefix):4.0f} ms, "
              f"autocorrect at the space {at_space:4.0f} ms")
    print(f"longest: {max(worst.values()):.0f} ms ({max(worst, key=worst.get)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
