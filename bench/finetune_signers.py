"""Teach it your hand, measured: fine-tune on k photos per letter of one Massey signer, score
that signer's other photos (does it learn the hand?) and the other four signers (does it
forget?), for k = 1, 3, 5, 10; time per fine-tune. Writes a plotly report of accuracy vs k.

Run: .venv/bin/python bench/finetune_signers.py [--massey DIR] [--base DATA] [--out DIR]
(DATA: the base photos to replay, e.g. /tmp/asl/train; without it the early layers are frozen)
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np
import plotly.graph_objects as go
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import massey  # noqa: E402

from asl_runtime.preprocess import to_model_pixels  # noqa: E402
from asl_runtime.storage import atomic_write, load_checkpoint  # noqa: E402
from trainer.data import ImageDataset, load_dataset, split_indices  # noqa: E402
from trainer.finetune import FinetuneConfig, finetune  # noqa: E402
from trainer.train import predict_pixels, score  # noqa: E402

KS = (1, 3, 5, 10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    massey.add_arguments(ap)
    ap.add_argument("--base", help="base dataset to replay")
    ap.add_argument("--base-test", metavar="DATA", help="the base dataset: its seed-0 test split measures forgetting")
    ap.add_argument("--out", default="finetune-signers.html")
    args = ap.parse_args()
    files = massey.photos(args.massey)
    if not files:
        return 0
    torch.set_num_threads(2)
    base = load_checkpoint(args.model)
    replay = load_dataset(args.base) if args.base else None
    forget = None  # the base model's own test split (seed 0, 70/20/10): does it forget the training people?
    if args.base_test:
        base_data = load_dataset(args.base_test)
        _, test_idx, _ = split_indices(len(base_data), 0)
        forget = base_data.images[test_idx], base_data.labels[test_idx]
    pixels = np.stack([to_model_pixels(cv2.imread(str(f))) for f in files])
    labels = np.array([massey.label(f) for f in files])
    signer = np.array([massey.signer(f) for f in files])
    rng = np.random.default_rng(0)
    rows = []
    for s in sorted(set(signer)):
        mine, others = np.flatnonzero(signer == s), np.flatnonzero(signer != s)
        per_letter = defaultdict(list)
        for i in rng.permutation(mine):
            per_letter[labels[i]].append(i)
        fewest = min(len(v) for v in per_letter.values())

        def acc(model, idx):
            return score(predict_pixels(model, pixels[idx], base.mean, base.std), labels[idx])["accuracy"]

        before_others = acc(base.model, others)

        def acc_base(model):
            if forget is None:
                return None
            return score(predict_pixels(model, forget[0], base.mean, base.std), forget[1])["accuracy"]

        before_base = acc_base(base.model)
        for k in KS:
            if k >= fewest:
                continue  # keep at least one photo per letter to score
            train = np.concatenate([v[:k] for v in per_letter.values()])
            rest = np.setdiff1d(mine, train)
            own = ImageDataset(pixels[train], labels[train], f"{s}, {k} per letter")
            result = finetune(base, own, FinetuneConfig(holdout=0.0), replay=replay)
            row = dict(signer=s, k=k, own_before=acc(base.model, rest), own_after=acc(result.model, rest),
                       others_before=before_others, others_after=acc(result.model, others),
                       seconds=result.seconds, frozen=result.frozen, base_before=before_base,
                       base_after=acc_base(result.model))
            rows.append(row)
            print(f"{s} k={k:2d}: this signer's other photos {row['own_before']:.3f} -> {row['own_after']:.3f}; "
                  f"other signers {row['others_before']:.3f} -> {row['others_after']:.3f}; "
                  + (f"training people's test photos {before_base:.3f} -> {row['base_after']:.3f}; " if forget else "")
                  + f"{row['seconds']:.0f} s{' (frozen)' if row['frozen'] else ''}", flush=True)
    fig = go.Figure()
    for key, name in (("own_after", "this signer, after"), ("others_after", "other signers, after")):
        means = [np.mean([r[key] for r in rows if r["k"] == k]) for k in KS if any(r["k"] == k for r in rows)]
        fig.add_scatter(x=[k for k in KS if any(r["k"] == k for r in rows)], y=means, name=name, mode="lines+markers")
    before = np.mean([r["own_before"] for r in rows if r["k"] == 1])
    fig.add_hline(y=before, line_dash="dot", annotation_text="this signer, before")
    fig.update_layout(xaxis_title="samples per letter (k)", yaxis_title="accuracy", yaxis_range=[0, 1.02],
                      title="Fine-tuning on one Massey signer at a time (mean over signers)")
    atomic_write(Path(args.out), lambda t: fig.write_html(t, include_plotlyjs=True))
    for k in KS:
        sel = [r for r in rows if r["k"] == k]
        if sel:
            print(f"k={k:2d} ({len(sel)} signers): this signer {np.mean([r['own_before'] for r in sel]):.3f} -> "
                  f"{np.mean([r['own_after'] for r in sel]):.3f}; others {np.mean([r['others_before'] for r in sel]):.3f}"
                  f" -> {np.mean([r['others_after'] for r in sel]):.3f}; "
                  + (f"training people {np.mean([r['base_before'] for r in sel]):.3f} -> "
                     f"{np.mean([r['base_after'] for r in sel]):.3f}; " if forget else "")
                  + f"{np.mean([r['seconds'] for r in sel]):.0f} s each")
    print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
