"""Letter-network recipes judged on people they never saw: each source of people left out in turn.

Run: .venv/bin/python bench/landmark_recipes.py [--epochs 60] [--turn 0.5] [--rows N ...]
(the photos in /tmp/asl/train and /tmp/asl/massey-letters, the point sets in
../shared/data/landmark-sets; skips what is absent). Recipes: the photos alone; the photos and
the two sets of other signers' points; the same with the hands turned in 3D while learning;
turned, without the points of blurred and poorly compressed copies of the photos; and that
with each source of people drawn equally often and pairs of hands blended. Each set is scored
by a network trained without it, the photos' person by a network that learnt from the two sets
alone (the same recipe otherwise), and Massey by networks that never saw Massey. Prints one row
per recipe.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asl_runtime.hands import features  # noqa: E402
from asl_runtime.preprocess import CANONICAL_SIZE  # noqa: E402
from trainer.data import load_dataset  # noqa: E402
from trainer.landmark_training import (  # noqa: E402
    LandmarkConfig,
    _epoch,
    extract_points,
    score_unseen,
    source_weights,
    train_landmarks,
)
from trainer.landmarks import LandmarkModel, LandmarkNet  # noqa: E402
from trainer.point_sets import load_point_set  # noqa: E402

SETS = Path(__file__).resolve().parents[2] / "shared" / "data" / "landmark-sets"
NAMES = ["dvorakman-landmarks.npz", "borisgraudt-landmarks.npz"]


def sets_alone(cfg: LandmarkConfig, sets: list[Path]) -> tuple[LandmarkModel, np.ndarray]:
    """A letter network that learnt from the sets' points alone (every `cfg.every`-th frame),
    by `train_landmarks`' recipe: the photos' person left out; and the classes it saw."""
    loaded = [load_point_set(path, cfg.every) for path in sets]
    x = torch.as_tensor(np.concatenate([features(s.points) for s in loaded]))
    y = torch.as_tensor(np.concatenate([s.labels for s in loaded]))
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    net = LandmarkNet()
    opt = torch.optim.AdamW(net.parameters(), cfg.lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, cfg.lr, total_steps=cfg.epochs * -(-len(x) // cfg.batch_size))
    weights = source_weights([len(s.labels) for s in loaded]) if cfg.balance else None
    mix = np.random.default_rng(cfg.seed) if cfg.mixup else None
    for _ in range(cfg.epochs):
        _epoch(net, x, y, cfg, opt, gen, cfg.batch_size, sched, weights, mix)
    return LandmarkModel(net.eval(), 1.0, {}), np.unique(y.numpy())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--photos", default="/tmp/asl/train")
    ap.add_argument("--massey", default="/tmp/asl/massey-letters")
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--turn", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rows", nargs="*", type=int, help="the recipes to run, by number from 1 (default: all)")
    args = ap.parse_args()
    sets = [SETS / name for name in NAMES]
    if not Path(args.photos).is_dir() or not all(s.is_file() for s in sets):
        print(f"skipped: needs {args.photos} and {', '.join(map(str, sets))}")
        return 0
    massey = args.massey if Path(args.massey).is_dir() else None
    turned = f"turned up to {args.turn} rad"
    recipes = {"photos alone": (False, {}), "photos + both sets": (True, {}),
               f"photos + both sets, {turned}": (True, {"turn": args.turn}),
               f"photos + both sets, {turned}, no worse copies": (True, {"turn": args.turn, "degraded": False}),
               f"photos + both sets, {turned}, no worse copies, sources balanced, mixup 0.2":
                   (True, {"turn": args.turn, "degraded": False, "balance": True, "mixup": 0.2})}
    recipes = {k: v for n, (k, v) in enumerate(recipes.items(), 1) if not args.rows or n in args.rows}
    quiet = lambda line: None  # noqa: E731
    photos = load_dataset(args.photos, size=CANONICAL_SIZE)
    photo_points = extract_points(photos.images)
    photo_found = ~np.isnan(photo_points[:, 0, 0])
    with tempfile.TemporaryDirectory() as tmp:
        for name, (with_sets, recipe) in recipes.items():
            row = {}
            cfg = dict(epochs=args.epochs, seed=args.seed, **recipe)
            if with_sets:  # each set scored by a network that learnt from the other one only
                for i, held_out in enumerate(sets):
                    m = train_landmarks(args.photos, Path(tmp) / f"{name}-{i}", LandmarkConfig(
                        **cfg, point_sets=(str(sets[1 - i]),)), log=quiet, unseen_points=[held_out])
                    row[held_out.name] = m["unseen_points"][held_out.name]["accuracy"]
                alone, known = sets_alone(LandmarkConfig(**cfg), sets)  # the photos' person left out
                letters = photo_found & np.isin(photos.labels, known)  # A-Z: no del, space, nothing
                read = alone.probs(features(photo_points[letters])).argmax(1)
                row["the photos' person (A-Z)"] = float((read == photos.labels[letters]).mean())
                if massey:
                    row["Massey, from the sets alone"] = score_unseen(alone, massey)["accuracy"]
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
