"""Autocorrect on real reads: how often it changes a non-word that was read right (names,
acronyms), and how often it fixes or breaks an English word.

Every Massey photo (five signers, never trained on) is read the app's way (the hand found in
the whole photo, `trainer/frame_points.py`) by the letter network the app pairs with the model;
its top five probabilities are one letter's evidence, as the speller keeps for a commit. A
word is spelled by drawing, for each letter, one such read of a photo of that letter (seeded).
- Non-words: names and acronyms that are not in the word list, and random strings of 3-6
  letters; each letter drawn from the reads that got it right (what was signed was read). A
  false correction is autocorrect replacing it. Split by whether every letter was read at 0.9
  or more (clear: `words.SURE`) or not.
- English words (3-7 letters, from the list's 5,000 most common): each letter drawn from all of
  that letter's reads, right or wrong. Counted: words spelled right and left alone, misread and
  fixed, misread and left (or changed to another wrong word), spelled right and broken.
The Massey reads are the project's dev set (the autocorrect constants predate this bench).

Run: .venv/bin/python bench/false_corrections.py [--massey DIR] [--model PATH] [--words N]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import massey  # noqa: E402

from asl_desktop.core.words import SURE, Vocabulary, autocorrect, literal  # noqa: E402
from asl_desktop.live_models import exported  # noqa: E402
from asl_runtime.hands import features  # noqa: E402
from asl_runtime.labels import CLASSES  # noqa: E402
from asl_runtime.model_files import LetterModel  # noqa: E402
from asl_runtime.shipped import landmark_model_for  # noqa: E402
from trainer.data import scan_dataset  # noqa: E402
from trainer.frame_points import frame_points  # noqa: E402

NAMES = ["ASL", "CODA", "DPAN", "KOFI", "NGOZI", "XIMENA", "BJORK", "ZOLTAN", "OKSANA", "TAVI", "YUKI", "JOAQUIN",
         "DEAFBLIND", "NTID", "RIT", "IVY", "LUPE", "AMARA", "SIOBHAN", "KWAME", "FENNA", "GUUS", "PIETJE", "MAEVE"]


def reads(path: Path, model: str) -> dict[str, list[dict[str, float]]]:
    """Letter -> the evidence (top five) of each photo of it with a hand found."""
    letters = LetterModel.load(exported(landmark_model_for(model)))
    points = frame_points(path)
    members = scan_dataset(path)
    found = ~np.isnan(points[:, 0, 0])
    probs = letters.probs(features(points[found]))
    out: dict[str, list[dict[str, float]]] = defaultdict(list)
    for (_, label), p in zip((m for m, f in zip(members, found) if f), probs):
        top = np.argsort(-p)[:5]
        out[CLASSES[label]].append({CLASSES[k]: float(p[k]) for k in top})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    massey.add_arguments(ap)
    ap.add_argument("--words", type=int, default=1000, help="English words and random strings to spell")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if not massey.photos(args.massey):
        return 0
    evidence = reads(Path(args.massey), args.model)
    right = {c: [e for e in es if max(e, key=e.get) == c] for c, es in evidence.items()}
    vocab = Vocabulary.english(user_words=[])
    rng = random.Random(args.seed)
    letters = [c for c in CLASSES if len(c) == 1]

    strings = [w for w in NAMES if w not in vocab]
    while len(strings) < len(NAMES) + args.words:
        s = "".join(rng.choice(letters) for _ in range(rng.randint(3, 6)))
        if s not in vocab:
            strings.append(s)
    changed: Counter = Counter()
    seen: Counter = Counter()
    examples = []
    for word in strings:
        spelled = [rng.choice(right[c]) for c in word]
        kind = ("names" if word in NAMES else "random") + (", clear" if all(max(e.values()) >= SURE for e in spelled)
                                                          else ", some unsure")
        seen[kind] += 1
        new = autocorrect(vocab, spelled)
        if new is not None:
            changed[kind] += 1
            if len(examples) < 8:
                examples.append(f"{word}->{new}")
    for kind in sorted(seen):
        print(f"non-words ({kind}), read right: {changed[kind]} of {seen[kind]} changed ({changed[kind] / seen[kind]:.3f})")
    print("  e.g. " + ", ".join(examples))

    common = [w for w in list(vocab.logp)[:5000] if 3 <= len(w) <= 7]
    outcome: Counter = Counter()
    for word in rng.sample(common, min(args.words, len(common))):
        spelled = [rng.choice(evidence[c]) for c in word]
        read = literal(spelled)
        final = autocorrect(vocab, spelled) or read
        outcome[("read right" if read == word else "misread") + (", ends right" if final == word else ", ends wrong")] += 1
    total = sum(outcome.values())
    for key in ("read right, ends right", "read right, ends wrong", "misread, ends right", "misread, ends wrong"):
        print(f"English words {key}: {outcome[key]} of {total} ({outcome[key] / total:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
