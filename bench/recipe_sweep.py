"""Train recipe variants side by side (one process each, sharing a GPU) and score every one on
the Massey signers after each epoch; made for the device machine, runs on the CPU too.

    python bench/recipe_sweep.py DATA --massey DIR --out OUT --variants shipped,zoom_0.75-1.5 --deadline 420

Each variant writes OUT/<name>/ (model.pt, report.html, metrics.json, as `asl-train train`)
and OUT/<name>.log (one line per epoch); OUT/summary.json lists, per variant, the Massey
figure of the last epoch and the mean of the last five. Variants still running at the
deadline are stopped and reported as such.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trainer.data import load_dataset  # noqa: E402
from trainer.runs import run_training  # noqa: E402
from trainer.train import TrainConfig, TrainingCallback  # noqa: E402

FULL = dict(train_share=0.96, test_share=0.02)  # "all the photos": 2% test, 2% validation
ZOOM_IN = dict(zoom=(0.75, 1.5), degrees=15.0)
# Overrides of the deepcnn recipe (40 epochs, zoom 0.8-1.15, rotation +-12, 70/20/10 split).
VARIANTS = {
    "shipped": dict(**FULL),                           # the shipped model's command
    "shipped_seed1": dict(seed=1, **FULL),
    "previous": dict(epochs=30),                       # the model shipped before, as trained
    "zoom_0.75-1.5": dict(**ZOOM_IN, **FULL),
    "zoom_0.75-1.5_seed1": dict(seed=1, **ZOOM_IN, **FULL),
    "zoom_0.75-1.5_seed2": dict(seed=2, **ZOOM_IN, **FULL),
    "zoom_0.75-1.5_split70_30ep": dict(epochs=30, **ZOOM_IN),
    "zoom_0.65-1.8": dict(zoom=(0.65, 1.8), degrees=20.0, **FULL),
    "zoom_0.65-1.8_seed1": dict(seed=1, zoom=(0.65, 1.8), degrees=20.0, **FULL),
    "wd5e-3_ls0.2": dict(weight_decay=5e-3, label_smoothing=0.2, **FULL),
}


class EpochLog(TrainingCallback):
    def __init__(self, path: Path):
        self.path = path

    def on_epoch(self, r):
        with open(self.path, "a") as f:
            f.write(f"{r.epoch} train {r.train_acc:.4f} val {r.val_acc:.4f} massey {r.unseen_acc:.4f} "
                    f"{r.seconds:.1f}s\n")


def run_variant(name: str, data: str, massey: str, out: str, epochs: int | None) -> None:
    cfg = TrainConfig.for_arch("deepcnn", **{**VARIANTS[name], **({"epochs": epochs} if epochs else {})})
    run_training(data, Path(out) / name, cfg, EpochLog(Path(out) / f"{name}.log"), unseen_path=massey)


def summarize(out: Path, names: list[str], unfinished: set[str]) -> dict:
    summary = {}
    for name in names:
        metrics = out / name / "metrics.json"
        if metrics.exists():
            m = json.loads(metrics.read_text())
            massey = [h["unseen_acc"] for h in m["history"]]
            summary[name] = {"config": VARIANTS[name], "massey_last": massey[-1],
                             "massey_last5": sum(massey[-5:]) / len(massey[-5:]), "massey_max": max(massey),
                             "val_acc": m["history"][-1]["val_acc"], "test_acc": m["test"]["accuracy"],
                             "seconds": sum(h["seconds"] for h in m["history"]),
                             "temperature": m["calibration"]["temperature"]}
        else:
            summary[name] = {"config": VARIANTS[name],
                             "status": "stopped at the deadline" if name in unfinished else "failed"}
    return summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--massey", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated names of VARIANTS")
    ap.add_argument("--epochs", type=int, help="every variant runs this many epochs (a quick check)")
    ap.add_argument("--deadline", type=float, default=1e9, help="seconds; later runs are stopped")
    args = ap.parse_args()
    names = args.variants.split(",")
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        ap.error(f"unknown variant(s) {unknown}: choose from {', '.join(VARIANTS)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    load_dataset(args.data)  # decode once into the cache the runs read
    print(f"data cached in {time.monotonic() - started:.0f} s", flush=True)
    ctx = mp.get_context("spawn")
    procs = {n: ctx.Process(target=run_variant, args=(n, args.data, args.massey, str(out), args.epochs)) for n in names}
    for p in procs.values():
        p.start()
    while any(p.is_alive() for p in procs.values()) and time.monotonic() - started < args.deadline:
        time.sleep(2)
    unfinished = {n for n, p in procs.items() if p.is_alive()}
    for n in unfinished:
        procs[n].terminate()
    summary = summarize(out, names, unfinished)
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    for name, s in summary.items():
        print(name, {k: v for k, v in s.items() if k != "config"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
