"""Train the J/Z motion model (`resources/models/motion_letters.npz`, `asl_runtime/motion.py`).

J and Z: the 82 J and 46 Z sequences of dvorakman-landmarks.npz (../shared/data/landmark-sets),
their first and last frames held for half a second around them, read through a trailing window
of 24-36 frames that ends once 80% of the motion is drawn, or up to a quarter second after.
None: windows of 10-40 consecutive frames of the static letters of both sets (a hand held, with
its tremor), and moves between two letters (one letter's window sliding and turning into
another's over the window). Every window also mirrored (a left hand), turned up to 15 degrees
and scaled. Every fourth J/Z sequence and the last quarter of each static letter's frames are
held back and scored: recall of J and Z, and how often a window of none reads as J or Z at 0.9
(the app asks 0.99: MOTION_PROB in asl_desktop/core/speller.py; bench/jz_motion.py scores that).

Run: .venv/bin/python tools/motion_letters.py [--sets ../shared/data/landmark-sets]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asl_runtime.motion import LABELS, MIN_FRAMES, motion_model_path, path_features  # noqa: E402
from asl_runtime.storage import atomic_write  # noqa: E402

THRESHOLD = 0.9  # a window reads as J or Z from here (the speller asks more)
WINDOW = 36      # frames the speller reads J and Z through (MOTION_WINDOW s at 30 a second)
HELD = 15        # frames the starting and ending shapes are held around a J or Z
HIDDEN = 64


def runs_of(labels: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of one label."""
    edges = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts, ends = np.r_[0, edges], np.r_[edges, len(labels)]
    return list(zip(starts.tolist(), ends.tolist()))


def jitter(window: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Mirrored half the time, turned up to 15 degrees, scaled by 0.8-1.2."""
    p = window[..., :2].copy()
    if rng.random() < 0.5:
        p[..., 0] = -p[..., 0]
    a = np.radians(rng.uniform(-15, 15))
    turn = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    return (p @ turn.T) * rng.uniform(0.8, 1.2)


def windows(sets: Path, rng: np.random.Generator, held: bool, copies: int) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels (index into LABELS) of the training (held=False) or held-back windows."""
    feats, labels = [], []
    with np.load(sets / "dvorakman-landmarks.npz") as d:
        frames, lengths, names = d["motion_frames"], d["motion_lengths"], d["motion_labels"]
        static = [(d["static_points"], d["static_labels"])]
    with np.load(sets / "borisgraudt-landmarks.npz") as b:
        points = b["points"].copy()
        points[..., 0] *= 4 / 3  # the camera's aspect: x in y's units
        static.append((points, b["labels"]))
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    for i, (start, length, name) in enumerate(zip(starts, lengths, names)):
        if length < MIN_FRAMES or (i % 4 == 0) != held:
            continue
        sequence = frames[start:start + length]
        # as the app sees it: the starting shape held, the motion, the end held; read through
        # the trailing window (MOTION_WINDOW s at 30 frames a second) once most of it is drawn
        stream = np.concatenate([np.repeat(sequence[:1], HELD, 0), sequence, np.repeat(sequence[-1:], HELD, 0)])
        for _ in range(copies):
            end = int(rng.integers(HELD + int(0.8 * length), HELD + length + HELD // 2 + 1))
            window = stream[max(0, end - int(rng.integers(WINDOW * 2 // 3, WINDOW + 1))):end]
            feats.append(path_features(jitter(window, rng)))
            labels.append(LABELS.index(str(name)))
    still = []  # windows of the static letters: held back from the last quarter of each run
    for points, names in static:
        for a, b in runs_of(np.asarray(names)):
            cut = a + (b - a) * 3 // 4
            lo, hi = (cut, b) if held else (a, cut)
            if hi - lo >= 40:
                still.append(points[lo:hi])
    for _ in range(len(labels) * 3):
        run = still[rng.integers(len(still))]
        n = int(rng.integers(10, 41))
        first = rng.integers(0, len(run) - n + 1)
        window = run[first:first + n].copy()
        if rng.random() < 0.5:  # a move to another letter: slide and morph into its shape
            other = still[rng.integers(len(still))]
            second = other[rng.integers(0, len(other) - n + 1):][:n]
            w = np.clip((np.arange(n) - n * rng.uniform(0.2, 0.6)) / max(1, n * rng.uniform(0.1, 0.4)), 0, 1)
            shift = rng.normal(0, 0.15, 2)
            window[..., :2] = (1 - w[:, None, None]) * window[..., :2] + w[:, None, None] * (second[..., :2] + shift)
        feats.append(path_features(jitter(window, rng)))
        labels.append(0)
    return np.stack(feats).astype(np.float32), np.asarray(labels)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "landmark-sets"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    x, y = windows(Path(args.sets), rng, held=False, copies=20)
    tx, ty = windows(Path(args.sets), rng, held=True, copies=5)
    mean, std = x.mean(0), x.std(0) + 1e-6
    torch.manual_seed(args.seed)
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, len(LABELS)))
    opt = torch.optim.Adam(net.parameters(), 0.003, weight_decay=1e-4)
    xs, ys = torch.as_tensor((x - mean) / std), torch.as_tensor(y)
    for _ in range(1500):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(xs), ys)
        loss.backward()
        opt.step()
    arrays = {"w1": net[0].weight.detach().numpy().T.copy(), "b1": net[0].bias.detach().numpy().copy(),
              "w2": net[2].weight.detach().numpy().T.copy(), "b2": net[2].bias.detach().numpy().copy()}
    logits = np.maximum(((tx - mean) / std) @ arrays["w1"] + arrays["b1"], 0) @ arrays["w2"] + arrays["b2"]
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    read = np.where(p.max(1) >= THRESHOLD, p.argmax(1), 0)
    for k, name in enumerate(LABELS[1:], 1):
        print(f"held back {name}: {np.mean(read[ty == k] == k):.3f} recall of {np.sum(ty == k)} windows")
    print(f"held back none: {np.mean(read[ty == 0] != 0):.4f} read as J or Z, of {np.sum(ty == 0)} windows")
    out = motion_model_path()

    def save(tmp: str) -> None:
        with open(tmp, "wb") as fh:  # a file object: np.savez would add ".npz" to the temporary name
            np.savez(fh, mean=mean, std=std, **arrays)

    atomic_write(out, save)
    print(f"{out}: trained on {len(y)} windows (training loss {loss.item():.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
