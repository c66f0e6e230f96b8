"""Letter-network recipes judged on people they never saw: each source of people left out in turn.

Run: .venv/bin/python bench/landmark_recipes.py [--epochs 60] [--turn 0.5]
(the photos in /tmp/asl/train and /tmp/asl/massey-letters, the point sets in
../shared/data/landmark-sets; skips what is absent). Three recipes: the photos alone; the
photos and the two sets of other signers' points; the same with the hands turned in 3D while
learning. Each set is scored by a network trained without it, and Massey by networks that
never saw Massey. Prints one row per recipe.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trainer.landmark_training import LandmarkConfig, train_landmarks  # noqa: E402

SETS = Path(__file__).resolve().parents[2] / "shared" / "data" / "landmark-sets"
NAMES = ["dvorakman-landmarks.npz", "borisgraudt-landmarks.npz"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--photos", default="/tmp/asl/train")
    ap.add_argument("--massey", default="/tmp/asl/massey-letters")
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--turn", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    sets = [SETS / name for name in NAMES]
    if not Path(args.photos).is_dir() or not all(s.is_file() for s in sets):
        print(f"skipped: needs {args.photos} and {', '.join(map(str, sets))}")
        return 0
    massey = args.massey if Path(args.massey).is_dir() else None
    recipes = {"photos alone": (False, 0.0), "photos + both sets": (True, 0.0),
               f"photos + both sets, turned up to {args.turn} rad": (True, args.turn)}
    quiet = lambda line: None  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        for name, (with_sets, turn) in recipes.items():
            row = {}
            cfg = dict(epochs=args.epochs, seed=args.seed, turn=turn)
            if with_sets:  # each set scored by a network that learnt from the other one only
                for i, held_out in enumerate(sets):
                    m = train_landmarks(args.photos, Path(tmp) / f"{name}-{i}", LandmarkConfig(
                        **cfg, point_sets=(str(sets[1 - i]),)), log=quiet, unseen_points=[held_out])
                    row[held_out.name] = m["unseen_points"][held_out.name]["accuracy"]
                m = train_landmarks(args.photos, Path(tmp) / f"{name}-all", LandmarkConfig(
                    **cfg, point_sets=tuple(map(str, sets))), massey, log=quiet)
            else:
                m = train_landmarks(args.photos, Path(tmp) / name, LandmarkConfig(**cfg), massey, log=quiet,
                                    unseen_points=sets)
                row.update({s: f["accuracy"] for s, f in m["unseen_points"].items()})
            if massey:
                row["Massey (as the app reads photos)"] = m["unseen"]["accuracy"]
            row["photos' test split"] = m["test"]["accuracy"]
            print(f"{name}: " + ", ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
