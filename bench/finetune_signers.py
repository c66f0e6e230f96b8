"""Teach it your hand, measured as the app does it: for each Massey signer, K photos a letter
become that person's samples; `asl-train finetune` (`run_finetune`: the picture model and the
letter network the app pairs with it, no base data, as `asl-train finetune MODEL OWN` runs by
default) adapts both; then that signer's other photos and the other four signers are read the
app's way (the hand found in the whole photo, read from its landmarks, else from the picture),
before and after, and the people of the two landmark sets in ../shared/data/landmark-sets (whom
the shipped letter network learnt from: does it forget them?). Prints the seconds each
fine-tune took on this machine. Signers with no photos beyond the K a letter are skipped.
`--epochs` and `--lr` try another recipe for the letter network's part; `--neighbours TAU W` also
blends the tuned letter network with the person's nearest own sample (`bench/personal_neighbours.py`)
where a hand is found (the landmark sets' figure stays the network's alone).

Run: .venv/bin/python bench/finetune_signers.py [--massey DIR] [--k 5] [--signers hand1 ...]
     [--epochs N] [--lr X] [--neighbours TAU W]
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import massey  # noqa: E402
from landmark_sets import SETS, load_set  # noqa: E402
from personal_neighbours import nearest  # noqa: E402

import trainer.runs  # noqa: E402
from asl_runtime.hands import features  # noqa: E402
from asl_runtime.shipped import landmark_model_for  # noqa: E402
from trainer.checkpoint import load_checkpoint  # noqa: E402
from trainer.data import load_dataset, scan_dataset  # noqa: E402
from trainer.finetune import FinetuneConfig  # noqa: E402
from trainer.frame_points import frame_points  # noqa: E402
from trainer.landmark_training import finetune_landmarks  # noqa: E402
from trainer.landmarks import load_landmark_model  # noqa: E402
from trainer.train import predict_pixels  # noqa: E402


def app_reads(model: Path, landmarks: Path, images: np.ndarray, points: np.ndarray, blend=None) -> np.ndarray:
    """The letter the app reads from each photo: landmarks where a hand was found, else the
    picture; `blend(features, probs)` changes the letter network's probabilities."""
    loaded = load_checkpoint(model)
    probs = predict_pixels(loaded.model, images, loaded.mean, loaded.std, temperature=loaded.temperature).numpy()
    found = ~np.isnan(points[:, 0, 0])
    if found.any():
        feats = features(points[found])
        probs[found] = load_landmark_model(landmarks).probs(feats)
        if blend is not None:
            probs[found] = blend(feats, probs[found])
    return probs.argmax(1)


def blended(feats: np.ndarray, probs: np.ndarray, own: np.ndarray, own_labels: np.ndarray,
            tau_w: tuple[float, float]) -> np.ndarray:
    """(1 - w) * the network's probabilities + w * the nearest own sample's (`--neighbours`)."""
    tau, w = tau_w
    return (1 - w) * probs + w * nearest(feats, own, own_labels, probs.shape[1], tau)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    massey.add_arguments(ap)
    ap.add_argument("--k", type=int, default=5, help="samples a letter (default %(default)s)")
    ap.add_argument("--signers", nargs="*", help="Massey signers to teach it (default: all five)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, help="the letter network's passes over the samples (default: the app's)")
    ap.add_argument("--lr", type=float, help="the letter network's learning rate (default: the app's)")
    ap.add_argument("--neighbours", type=float, nargs=2, metavar=("TAU", "W"),
                    help="blend in the nearest own sample: its softmax temperature and weight")
    args = ap.parse_args()
    recipe = {k: v for k, v in (("epochs", args.epochs), ("lr", args.lr)) if v is not None}
    trainer.runs.finetune_landmarks = functools.partial(finetune_landmarks, **recipe)  # type: ignore[assignment]
    sets = [loaded for spec in SETS if (loaded := load_set(*spec)) is not None]

    def on_sets(landmarks: Path) -> float:
        """The letter network alone on the landmark sets' frames (all sets together)."""
        if not sets:
            return float("nan")
        model = load_landmark_model(landmarks)
        return float(np.mean(np.concatenate([model.probs(x).argmax(1) == y for x, y in sets])))

    folder, model = Path(args.massey), Path(args.model)
    members = [m for m, _ in scan_dataset(folder)]
    data = load_dataset(folder, size=load_checkpoint(model).input_size)
    points = frame_points(folder)
    signers = np.array([massey.signer(Path(m)) for m in members])
    base = app_reads(model, landmark_model_for(model), data.images, points) == data.labels
    base_sets = on_sets(landmark_model_for(model))
    rng = np.random.default_rng(args.seed)
    rows = []
    for signer in args.signers or sorted(set(signers)):
        mine = np.flatnonzero(signers == signer)
        own = np.concatenate([rng.permutation(mine[data.labels[mine] == c])[:args.k] for c in np.unique(data.labels[mine])])
        rest, others = np.setdiff1d(mine, own), np.flatnonzero(signers != signer)
        if not len(rest):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            for i in own:  # the samples, as the My signs tab keeps them: a folder a sign
                target = Path(tmp, "own", Path(members[i]).parent.name)
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy(folder / members[i], target)
            started = time.perf_counter()
            out = trainer.runs.run_finetune(model, Path(tmp, "own"), Path(tmp, "run"), FinetuneConfig(seed=args.seed),
                               landmarks=landmark_model_for(model))
            seconds = time.perf_counter() - started
            tuned = out.checkpoint.with_name("landmarks.pt")
            blend = None
            if args.neighbours:
                mine_found = own[~np.isnan(points[own, 0, 0])]
                blend = functools.partial(blended, own=features(points[mine_found]),
                                          own_labels=data.labels[mine_found], tau_w=args.neighbours)
            after = app_reads(out.checkpoint, tuned, data.images, points, blend) == data.labels
            after_sets = on_sets(tuned)
        rows.append((base[rest].mean(), after[rest].mean(), base[others].mean(), after[others].mean(),
                     base_sets, after_sets, seconds))
        r = rows[-1]
        print(f"{signer}: {len(own)} samples; their other {len(rest)} photos {r[0]:.3f} -> {r[1]:.3f}; "
              f"the other Massey signers {r[2]:.3f} -> {r[3]:.3f}; the landmark sets {r[4]:.3f} -> {r[5]:.3f}; "
              f"{seconds:.0f} s", flush=True)
    m = np.mean(rows, axis=0)
    print(f"mean over {len(rows)} signers: own {m[0]:.3f} -> {m[1]:.3f}, other Massey signers {m[2]:.3f} -> {m[3]:.3f}, "
          f"landmark sets {m[4]:.3f} -> {m[5]:.3f}, {m[6]:.0f} s a fine-tune")
    return 0


if __name__ == "__main__":
    sys.exit(main())
