"""Train and score the hand-landmark model (`asl-train landmarks`; no Qt).

The photos are read at the canonical 64 px (`load_dataset(..., size=CANONICAL_SIZE)`),
MediaPipe's landmark model (float, as converted, the same on every machine) finds the hand in
each (in worker processes; the points are cached like the pixels), and a small network learns
the letter from the points, with random mirroring, in-plane rotation, stretch and jitter so
that other people's proportions and poses are not new to it, and from the points found in
blurred and poorly compressed copies of the training photos, which come out less exact.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from torch import nn

from asl_runtime.hands import POINTS, HandLandmarker, features, landmark_onnx, original_landmark_onnx
from asl_runtime.labels import CLASSES
from asl_runtime.preprocess import CANONICAL_SIZE
from asl_runtime.storage import atomic_write

from .calibrate import fit_temperature
from .data import Progress, default_cache_dir, load_dataset, split_indices
from .landmarks import PIPELINE, LandmarkModel, LandmarkNet, Replay, save_landmark_model
from .outputs import check_out_dir, plain_json, run_folder
from .point_sets import load_point_set, split_runs

CACHE_VERSION = 2
REPLAY_PER_CLASS = 16  # features drawn per sign and pass when fine-tuning (docs/model-card.md, My signs)
POOL_FROM = 2000  # images; fewer are read in this process (starting workers costs seconds)


@dataclass
class LandmarkConfig:
    epochs: int = 60
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 1e-4
    seed: int = 0
    train_share: float = 0.96
    test_share: float = 0.02
    rotate: float = 0.25   # radians either way, in the image plane
    stretch: float = 0.1   # each axis scaled by 1 +- stretch / 2
    jitter: float = 0.02   # noise on every coordinate (features are about 1 across)
    flip: float = 0.5      # share of hands mirrored: a left hand is a mirrored right hand
    turn: float = 0.0      # radians either way the hand is turned about the vertical and the
    #                        horizontal axis (using z), as a webcam sees a hand from the side
    degraded: bool = True  # also learn from the points found in worse copies of the training photos
    # the hand landmark model (.onnx) whose points it learns from; None: MediaPipe's model as
    # converted (`original_landmark_onnx`), not the sturdy one the app reads with (docs/model-card.md, Sturdy points)
    points_from: str | None = None
    point_sets: tuple[str, ...] = ()  # other signers' points to learn from too (`point_sets`)
    every: int = 3         # ... every this-th frame of each of their runs
    # each source of people (the photos, each set) drawn equally often, not by its size: the
    # photos are one person's 25,000 hands, the sets a few thousand frames each
    balance: bool = False
    mixup: float = 0.0     # blend pairs of hands and their letters (Beta(mixup, mixup) shares); 0: off

    def __post_init__(self):
        if self.epochs < 1 or self.batch_size < 1 or self.lr <= 0 or self.every < 1:
            raise ValueError("epochs, batch size and every must be at least 1 and the learning rate above 0")
        if self.mixup < 0:
            raise ValueError(f"mixup must be 0 (off) or above, not {self.mixup}")
        if not 0 <= self.turn < 1.5:
            raise ValueError(f"turn must be from 0 to below 1.5 radians, not {self.turn}")


_worker: HandLandmarker | None = None


def _start_worker(model: Path) -> None:
    global _worker
    torch.set_num_threads(1)
    _worker = HandLandmarker(video=False, threads=1, model=model)


def _find(rgb: np.ndarray) -> np.ndarray | None:
    assert _worker is not None, "started by _start_worker"
    return _worker.find_canonical(rgb)


def extract_points(images: np.ndarray, progress: Progress | None = None, workers: int | None = None,
                   cache_dir: Path | None = None, live: bool = False, model: str | Path | None = None) -> np.ndarray:
    """N x 21 x 3 hand points of canonical RGB images, NaN where no hand was found (cached).
    Found by `model`, by default MediaPipe's model as converted, whose points networks learn
    from, or with `live` by the one the app uses on this machine (`landmark_onnx()`), to score
    photos as the app reads them."""
    model = Path(model) if model else landmark_onnx() if live else original_landmark_onnx()
    try:  # keyed by the model's bytes: a changed file under the same name finds the points anew
        model_bytes = model.read_bytes()
    except OSError:
        model_bytes = b""  # the landmarker says what is wrong with it
    key = hashlib.sha1(f"v{CACHE_VERSION}|{PIPELINE}|{images.shape}".encode() + model_bytes
                       + images.tobytes()).hexdigest()
    cache = (cache_dir or default_cache_dir()) / f"landmarks-{key}.npy"
    if cache.exists():
        try:
            points = np.load(cache)
            if points.shape == (len(images), POINTS, 3):
                if progress:
                    progress(len(images), len(images))
                return points
        except (OSError, ValueError):
            pass
    points = np.full((len(images), POINTS, 3), np.nan, np.float32)
    workers = workers or ((os.cpu_count() or 1) if len(images) >= POOL_FROM else 1)
    landmarker = HandLandmarker(video=False, model=model)  # a bad model file is named here, not in a worker
    found_points: Iterable[np.ndarray | None]
    if workers == 1:  # also where no child process may be started (the app's training process)
        found_points, stop = map(landmarker.find_canonical, images), landmarker.close
    else:
        pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_start_worker, initargs=(model,))
        found_points, stop = pool.imap(_find, images, chunksize=32), pool.terminate
    try:
        for i, found in enumerate(found_points):
            if found is not None:
                points[i] = found
            if progress and (i % 256 == 255 or i == len(images) - 1):
                progress(i + 1, len(images))
    finally:
        stop()
    save_cache(cache, points)
    return points


def degraded(images: np.ndarray, seed: int = 0) -> np.ndarray:
    """Worse copies of canonical photos, as a poor camera or a blurred frame gives them: every
    other one re-encoded as a JPEG of quality 30-59, the rest blurred (sigma 0.5-1 px)."""
    rng = np.random.default_rng(seed)
    out = np.empty_like(images)
    for i, image in enumerate(images):
        if i % 2:
            quality = int(rng.integers(30, 60))
            out[i] = cv2.imdecode(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1],
                                  cv2.IMREAD_UNCHANGED)
        else:
            out[i] = cv2.GaussianBlur(image, (0, 0), float(rng.uniform(0.5, 1.0)))
    return out


def save_cache(cache: Path, array: np.ndarray) -> None:
    """Keep an array for next time (atomically); a cache that cannot be written is no error."""

    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:  # a file object: np.save would add ".npy" to the temporary name
            np.save(fh, array)

    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(cache, write)
    except OSError:
        pass  # caching is an optimisation


def turned(p: torch.Tensor, yaw: torch.Tensor, pitch: torch.Tensor) -> torch.Tensor:
    """Wrist-relative points (N x 21 x 3) turned about the vertical axis by `yaw` and the
    horizontal one by `pitch` (radians, one each a hand), then scaled as `features` scales a
    hand: its farthest point in the image plane at 1."""
    x, y, z = p.unbind(-1)
    cy, sy = torch.cos(yaw)[:, None], torch.sin(yaw)[:, None]
    x, z = cy * x + sy * z, -sy * x + cy * z
    cp, sp = torch.cos(pitch)[:, None], torch.sin(pitch)[:, None]
    y, z = cp * y - sp * z, sp * y + cp * z
    out = torch.stack([x, y, z], dim=-1)
    return out / out[..., :2].norm(dim=-1).amax(dim=-1).clamp(min=1e-6)[:, None, None]


def augment(x: torch.Tensor, cfg: LandmarkConfig, gen: torch.Generator) -> torch.Tensor:
    """Random mirroring, turns (with `cfg.turn`), in-plane rotation, per-axis stretch and jitter
    of a batch of features."""
    p = x.view(-1, POINTS, 3)
    mirrored = torch.rand(len(p), generator=gen) < cfg.flip
    p = torch.cat([torch.where(mirrored[:, None], -p[..., 0], p[..., 0])[..., None], p[..., 1:]], dim=-1)
    if cfg.turn:
        yaw, pitch = ((torch.rand(2, len(p), generator=gen) * 2 - 1) * cfg.turn).unbind(0)
        p = turned(p, yaw, pitch)
    angle = (torch.rand(len(p), generator=gen) * 2 - 1) * cfg.rotate
    c, s = torch.cos(angle)[:, None], torch.sin(angle)[:, None]
    rotated = torch.stack([c * p[..., 0] - s * p[..., 1], s * p[..., 0] + c * p[..., 1], p[..., 2]], dim=-1)
    stretch = 1 + cfg.stretch * (torch.rand(len(p), 1, 3, generator=gen) - 0.5)
    noise = cfg.jitter * torch.randn(rotated.shape, generator=gen)
    return (rotated * stretch + noise).reshape(len(p), -1)


def source_weights(sizes: Sequence[int]) -> torch.Tensor:
    """A drawing weight per row of sources of these sizes (rows in order) that draws each
    source equally often."""
    return torch.cat([torch.full((n,), 1 / n) for n in sizes if n])


def _epoch(net: LandmarkNet, x: torch.Tensor, y: torch.Tensor, cfg: LandmarkConfig, opt, gen: torch.Generator,
           batch_size: int, sched=None, weights: torch.Tensor | None = None,
           mix: np.random.Generator | None = None) -> float:
    """One pass over (x, y), augmented: in random order, or len(x) rows drawn by `weights`; with
    `mix`, each batch blended with itself shuffled (`cfg.mixup`). The mean training loss."""
    net.train()
    total = 0.0
    order = (torch.randperm(len(x), generator=gen) if weights is None
             else torch.multinomial(weights, len(x), replacement=True, generator=gen))
    for i in order.split(batch_size):
        xb = augment(x[i], cfg, gen)
        if mix is None:
            loss = nn.functional.cross_entropy(net(xb), y[i], label_smoothing=0.1)
        else:
            share, other = float(mix.beta(cfg.mixup, cfg.mixup)), torch.randperm(len(i), generator=gen)
            out = net(share * xb + (1 - share) * xb[other])
            loss = (share * nn.functional.cross_entropy(out, y[i], label_smoothing=0.1)
                    + (1 - share) * nn.functional.cross_entropy(out, y[i][other], label_smoothing=0.1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        total += loss.item() * len(i)
    net.eval()
    return total / len(x)


def accuracy(model: LandmarkModel, feats: np.ndarray, labels: np.ndarray) -> float:
    return float((model.probs(feats).argmax(1) == labels).mean()) if len(labels) else float("nan")


def score_unseen(model: LandmarkModel, path: str | Path, load_progress: Progress | None = None,
                 progress: Progress | None = None) -> dict:
    """Accuracy on other people's photos: where a hand is found, and over all (none found = wrong)."""
    ds = load_dataset(path, size=CANONICAL_SIZE, progress=load_progress, min_classes=1)
    points = extract_points(ds.images, progress, live=True)
    found = ~np.isnan(points[:, 0, 0])
    where_found = accuracy(model, features(points[found]), ds.labels[found])
    return {"images": len(ds), "hand_found": float(found.mean()), "accuracy_where_found": where_found,
            "accuracy": where_found * float(found.mean())}


def train_landmarks(data_path: str | Path, out_dir: str | Path, cfg: LandmarkConfig | None = None,
                    unseen_path: str | Path | None = None, load_progress: Progress | None = None,
                    progress: Progress | None = None, log: Callable[[str], None] = print,
                    unseen_points: Sequence[str | Path] = ()) -> dict:
    """Train, calibrate and save `out_dir/landmarks.pt` (with its ONNX export) and `metrics.json`;
    returns the metrics. It learns from the points found in the photos of `data_path` and from
    `cfg.point_sets` (split by runs of frames), and is scored on their held-back parts, on the
    photos of `unseen_path` as the app reads them, and on the sets `unseen_points` it never saw.
    Nothing is written when it fails or is interrupted."""
    cfg = cfg or LandmarkConfig()
    started = time.monotonic()
    out_dir = Path(out_dir)
    check_out_dir(out_dir)
    sets = [load_point_set(path, cfg.every) for path in cfg.point_sets]  # a bad file fails before the work
    held_out_sets = [load_point_set(path) for path in unseen_points]
    ds = load_dataset(data_path, size=CANONICAL_SIZE, progress=load_progress)
    points = extract_points(ds.images, progress, model=cfg.points_from)
    found = ~np.isnan(points[:, 0, 0])
    feats, labels = features(points[found]), ds.labels[found]
    worse = extract_points(degraded(ds.images), progress, model=cfg.points_from) if cfg.degraded else None
    found_per_class = {name: float(found[ds.labels == i].mean()) if (ds.labels == i).any() else None
                       for i, name in enumerate(CLASSES)}
    log(f"hand found in {found.mean():.1%} of {len(ds)} photos")
    tr, te, va = split_indices(len(labels), cfg.seed, cfg.train_share, cfg.test_share)

    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    net = LandmarkNet()
    x, y = torch.as_tensor(feats[tr]), torch.as_tensor(labels[tr])
    sizes = [len(tr)]  # rows from each source of people, in order: the photos, then each set
    if worse is not None:  # the worse copies of the training photos only, where a hand is found in them
        photos = np.flatnonzero(found)[tr]
        photos = photos[~np.isnan(worse[photos, 0, 0])]
        x = torch.cat([x, torch.as_tensor(features(worse[photos]))])
        y = torch.cat([y, torch.as_tensor(ds.labels[photos])])
        sizes[0] += len(photos)
    degraded_copies = len(x) - len(tr)
    val_x, val_y, set_tests, replay_x, replay_y = [feats[va]], [labels[va]], {}, [feats[tr]], [labels[tr]]
    for point_set in sets:
        s_tr, s_te, s_va = split_runs(point_set.runs, cfg.seed, cfg.train_share, cfg.test_share)
        s_feats = features(point_set.points)
        x = torch.cat([x, torch.as_tensor(s_feats[s_tr])])
        y = torch.cat([y, torch.as_tensor(point_set.labels[s_tr])])
        sizes.append(len(s_tr))
        val_x.append(s_feats[s_va])
        val_y.append(point_set.labels[s_va])
        replay_x.append(s_feats[s_tr])
        replay_y.append(point_set.labels[s_tr])
        set_tests[point_set.name] = (s_feats[s_te], point_set.labels[s_te], len(s_tr))
        log(f"{point_set.name}: {len(s_tr)} frames to learn from, {len(s_te)} held back")
    feats_va, labels_va = np.concatenate(val_x), np.concatenate(val_y)
    opt = torch.optim.AdamW(net.parameters(), cfg.lr, weight_decay=cfg.weight_decay)
    steps = cfg.epochs * -(-len(x) // cfg.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, cfg.lr, total_steps=steps)
    model = LandmarkModel(net, 1.0, {})
    weights = source_weights(sizes) if cfg.balance else None
    mix = np.random.default_rng(cfg.seed) if cfg.mixup else None
    history = []
    for epoch in range(1, cfg.epochs + 1):
        train_loss = _epoch(net, x, y, cfg, opt, gen, cfg.batch_size, sched, weights, mix)
        history.append({"epoch": epoch, "train_loss": train_loss, "val_acc": accuracy(model, feats_va, labels_va)})
        if epoch % 10 == 0 or epoch == cfg.epochs:
            log(f"epoch {epoch:3d}  train_loss={history[-1]['train_loss']:.4f}  val_acc={history[-1]['val_acc']:.4f}")

    with torch.no_grad():
        temperature = fit_temperature(net(torch.as_tensor(feats_va)), torch.as_tensor(labels_va))
    model.temperature = temperature
    metrics: dict[str, Any] = {"config": asdict(cfg), "dataset": str(data_path), "photos": len(ds),
               "hand_found": float(found.mean()), "hand_found_per_class": found_per_class,
               "degraded_copies_trained_on": degraded_copies,
               "split": {"train": len(tr), "test": len(te), "validation": len(va)},
               "temperature": temperature, "history": history,
               "test": {"images": len(te), "accuracy": accuracy(model, feats[te], labels[te])},
               "point_sets": {name: {"trained_on": n, "held_back": len(t_y), "accuracy": accuracy(model, t_x, t_y)}
                              for name, (t_x, t_y, n) in set_tests.items()},
               "unseen_points": {p.name: {"frames": len(p.labels), "accuracy": accuracy(model, features(p.points), p.labels)}
                                 for p in held_out_sets}}
    for name, figures in metrics["point_sets"].items():
        log(f"{name}, held-back runs: {figures['accuracy']:.4f} of {figures['held_back']}")
    for name, figures in metrics["unseen_points"].items():
        log(f"{name}, never trained on: {figures['accuracy']:.4f} of {figures['frames']}")
    if unseen_path:
        metrics["unseen"] = {"path": str(unseen_path), **score_unseen(model, unseen_path)}
        log(f"unseen people: {metrics['unseen']['accuracy']:.4f} "
            f"(hand found in {metrics['unseen']['hand_found']:.1%}, {metrics['unseen']['accuracy_where_found']:.4f} of those)")
    metrics["seconds"] = time.monotonic() - started
    with run_folder(out_dir) as tmp:
        save_landmark_model(tmp / "landmarks.pt", net, temperature,
                            Replay.of(np.concatenate(replay_x), np.concatenate(replay_y)),
                            metrics=plain_json(metrics))
        (tmp / "metrics.json").write_text(json.dumps(plain_json(metrics), indent=2, allow_nan=False))
    return metrics


def finetune_landmarks(model: LandmarkModel, images: np.ndarray, labels: np.ndarray, train_idx: np.ndarray,
                       held_idx: np.ndarray, epochs: int = 40, lr: float = 3e-4, seed: int = 0,
                       progress: Progress | None = None) -> tuple[LandmarkModel, dict]:
    """Adapt a landmark model (left untouched) to one person's samples (canonical RGB, as the
    My signs fine-tune splits them); samples with no hand found are left out. It learns from the
    points that both MediaPipe's model as converted (what the shipped network learned from) and
    the sturdy one (what the app reads with) find in each sample: per Massey signer, that read
    their other photos and the other signers as well as or better than either alone (docs/model-card.md,
    My signs). The held-back samples are scored as the app reads them. Each pass also draws every
    sign from the model's replay statistics, when it has them, so the signs not recorded are not
    forgotten. `progress` sees the hands being found (and may raise to cancel)."""
    parts = []
    for part, points_from in enumerate((original_landmark_onnx(), landmark_onnx(int8=False))):
        step = (lambda done, total, part=part: progress(part * total + done, 2 * total)) if progress else None
        parts.append(extract_points(images[train_idx], step, workers=1, model=points_from))
    learnt = np.concatenate(parts)
    read = extract_points(images[held_idx], workers=1, live=True)
    learnt_found, read_found = ~np.isnan(learnt[:, 0, 0]), ~np.isnan(read[:, 0, 0])
    own_x = torch.as_tensor(features(learnt[learnt_found]))
    own_y = torch.as_tensor(np.tile(labels[train_idx], 2)[learnt_found])
    held_x, held_y = features(read[read_found]), labels[held_idx][read_found]
    net = LandmarkNet(shape=model.net.shape)
    net.load_state_dict(model.net.state_dict())
    tuned = LandmarkModel(net.eval(), model.temperature, {}, replay=model.replay)
    before = accuracy(tuned, held_x, held_y)
    if len(own_x):
        cfg = LandmarkConfig(seed=seed)
        gen = torch.Generator().manual_seed(seed)
        opt = torch.optim.AdamW(net.parameters(), lr, weight_decay=cfg.weight_decay)
        for _ in range(epochs):
            x, y = own_x, own_y
            if model.replay is not None:
                drawn_x, drawn_y = model.replay.sample(REPLAY_PER_CLASS, gen)
                x, y = torch.cat([own_x, drawn_x]), torch.cat([own_y, drawn_y])
            _epoch(net, x, y, cfg, opt, gen, 32)
    trained_on = learnt_found.reshape(2, -1).any(0).sum()  # samples with a hand found by either model
    found = (trained_on + read_found.sum()) / max(len(train_idx) + len(held_idx), 1)
    return tuned, {"hand_found": float(found), "trained_on": int(trained_on), "held_back": len(held_x),
                   "held_back_before": before, "held_back_after": accuracy(tuned, held_x, held_y)}
