"""Teach it your hand, measured as the app does it: for each Massey signer, K photos a letter
become that person's samples; `asl-train finetune` (`run_finetune`: the picture model and the
letter network the app pairs with it, no base data, as `asl-train finetune MODEL OWN` runs by
default) adapts both; then that signer's other photos and the other four signers are read the
app's way (the hand found in the whole photo, read from its landmarks, else from the picture),
before and after. Prints the seconds each fine-tune took on this machine.

Run: .venv/bin/python bench/finetune_signers.py [--massey DIR] [--k 5] [--signers hand1 ...]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import massey  # noqa: E402

from asl_runtime.hands import features  # noqa: E402
from asl_runtime.shipped import landmark_model_for  # noqa: E402
from trainer.checkpoint import load_checkpoint  # noqa: E402
from trainer.data import load_dataset, scan_dataset  # noqa: E402
from trainer.finetune import FinetuneConfig  # noqa: E402
from trainer.frame_points import frame_points  # noqa: E402
from trainer.landmarks import load_landmark_model  # noqa: E402
from trainer.runs import run_finetune  # noqa: E402
from trainer.train import predict_pixels  # noqa: E402


def app_reads(model: Path, landmarks: Path, images: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The letter the app reads from each photo: landmarks where a hand was found, else the picture."""
    loaded = load_checkpoint(model)
    probs = predict_pixels(loaded.model, images, loaded.mean, loaded.std, temperature=loaded.temperature).numpy()
    found = ~np.isnan(points[:, 0, 0])
    if found.any():
        probs[found] = load_landmark_model(landmarks).probs(features(points[found]))
    return probs.argmax(1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    massey.add_arguments(ap)
    ap.add_argument("--k", type=int, default=5, help="samples a letter (default %(default)s)")
    ap.add_argument("--signers", nargs="*", help="Massey signers to teach it (default: all five)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    folder, model = Path(args.massey), Path(args.model)
    members = [m for m, _ in scan_dataset(folder)]
    data = load_dataset(folder, size=load_checkpoint(model).input_size)
    points = frame_points(folder)
    signers = np.array([massey.signer(Path(m)) for m in members])
    base = app_reads(model, landmark_model_for(model), data.images, points) == data.labels
    rng = np.random.default_rng(args.seed)
    rows = []
    for signer in args.signers or sorted(set(signers)):
        mine = np.flatnonzero(signers == signer)
        own = np.concatenate([rng.permutation(mine[data.labels[mine] == c])[:args.k] for c in np.unique(data.labels[mine])])
        rest, others = np.setdiff1d(mine, own), np.flatnonzero(signers != signer)
        with tempfile.TemporaryDirectory() as tmp:
            for i in own:  # the samples, as the My signs tab keeps them: a folder a sign
                target = Path(tmp, "own", Path(members[i]).parent.name)
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy(folder / members[i], target)
            started = time.perf_counter()
            out = run_finetune(model, Path(tmp, "own"), Path(tmp, "run"), FinetuneConfig(seed=args.seed),
                               landmarks=landmark_model_for(model))
            seconds = time.perf_counter() - started
            after = app_reads(out.checkpoint, out.checkpoint.with_name("landmarks.pt"), data.images, points) == data.labels
        rows.append((signer, len(own), base[rest].mean(), after[rest].mean(), base[others].mean(),
                     after[others].mean(), seconds))
        print(f"{signer}: {len(own)} samples; their other {len(rest)} photos {rows[-1][2]:.3f} -> {rows[-1][3]:.3f}; "
              f"the other signers {rows[-1][4]:.3f} -> {rows[-1][5]:.3f}; {seconds:.0f} s", flush=True)
    mean = np.mean([r[2:] for r in rows], axis=0)
    print(f"mean over {len(rows)} signers: own {mean[0]:.3f} -> {mean[1]:.3f}, others {mean[2]:.3f} -> {mean[3]:.3f}, "
          f"{mean[4]:.0f} s a fine-tune")
    return 0


if __name__ == "__main__":
    sys.exit(main())
