"""`asl-train`: train and evaluate models from the command line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from tqdm import tqdm

from asl_runtime.hands import LandmarksUnavailable
from asl_runtime.model_files import ModelFileError
from asl_runtime.runs import new_run_dir
from asl_runtime.shipped import landmark_model_for

from .data import DatasetError
from .export import export_beside
from .finetune import FinetuneConfig
from .jobs import Succeeded
from .models import ARCHS
from .outputs import check_out_dir
from .runs import calibrate_checkpoint, evaluate_model, run_finetune, run_training
from .train import TrainConfig, TrainingCallback


class TqdmCallback(TrainingCallback):
    """One progress bar over all batches of the run, one line per epoch."""

    def on_start(self, epochs, batches_per_epoch):
        self.bar = tqdm(total=epochs * batches_per_epoch, unit="batch", dynamic_ncols=True)

    def on_batch(self, epoch, batch, loss, accuracy):
        self.bar.update(1)
        if batch % 20 == 0:
            self.bar.set_postfix(epoch=epoch, loss=f"{loss:.3f}")

    def on_epoch(self, r):
        unseen = f" unseen_acc={r.unseen_acc:.4f}" if r.unseen_acc is not None else ""
        self.bar.write(f"epoch {r.epoch:3d}  train_loss={r.train_loss:.4f} train_acc={r.train_acc:.4f}"
                       f"  val_loss={r.val_loss:.4f} val_acc={r.val_acc:.4f}{unseen}  ({r.seconds:.1f}s)")

    def close(self):
        if hasattr(self, "bar"):
            self.bar.close()


def _load_bar(desc: str):
    bar = tqdm(desc=desc, unit="img", dynamic_ncols=True, leave=False)

    def progress(done, total):
        bar.total = total
        bar.n = done
        bar.refresh()
    return bar, progress


def _print_skipped(metrics: dict) -> None:
    """Say how many files of the dataset could not be read (they were left out)."""
    data = metrics.get("dataset") or {}
    if data.get("unreadable"):
        examples = ", ".join(data.get("unreadable_examples", [])[:3])
        print(f"warning: skipped {data['unreadable']} unreadable image(s) in {data.get('source')}"
              + (f" (e.g. {examples})" if examples else ""), file=sys.stderr)


def _print_scores(test: dict) -> None:
    print(f"accuracy: {test['accuracy']:.4f} on {test['images']} images")
    for name, acc in test["per_class"].items():
        print(f"  {name:>8s}  {acc:.4f}")


def split_shares(text: str) -> tuple[float, float]:
    """'70/20/10' (train/test/validation percent) -> (0.7, 0.2); argparse reports a ValueError."""
    try:
        train, test, val = (float(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not TRAIN/TEST/VALIDATION percentages, e.g. 70/20/10") from None
    if min(train, test, val) <= 0 or abs(train + test + val - 100) > 1e-6:
        raise argparse.ArgumentTypeError(f"'{text}': three shares above 0 that add up to 100, e.g. 96/2/2")
    return train / 100, test / 100


def cmd_train(args) -> int:
    train_share, test_share = args.split
    cfg = TrainConfig.for_arch(args.arch, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                               augment=args.augment, seed=args.seed, device=args.device,
                               train_share=train_share, test_share=test_share)
    out = Path(args.out) if args.out else new_run_dir(args.arch)
    print(f"training {cfg.arch}: {cfg.to_dict()}")
    callback = TqdmCallback()
    bar, progress = _load_bar("reading images")
    try:
        result = run_training(args.data, out, cfg, callback, init_from=args.init,
                              unseen_path=args.unseen, load_progress=progress)
    finally:
        bar.close()
        callback.close()
    _print_skipped(result.metrics)
    _print_scores(result.metrics["test"])
    if "unseen" in result.metrics:
        print(f"unseen people ({args.unseen}): {result.metrics['unseen']['accuracy']:.4f}")
    print(f"model:  {result.checkpoint}\nreport: {result.report}")
    return 0


def cmd_finetune(args) -> int:
    cfg = FinetuneConfig(**{k: v for k, v in (("epochs", args.epochs), ("seed", args.seed)) if v is not None})
    out = Path(args.out) if args.out else new_run_dir("finetune")
    callback = TqdmCallback()
    bar, progress = _load_bar("reading images")
    try:
        result = run_finetune(args.model, args.own, out, cfg, callback, base_path=args.base,
                              unseen_path=args.unseen, load_progress=progress,
                              landmarks=None if args.picture_only else args.landmarks or landmark_model_for(args.model))
    finally:
        bar.close()
        callback.close()
    _print_skipped(result.metrics)
    done = Succeeded.of(str(result.checkpoint), str(result.report), result.metrics)
    own, hands, unseen = done.own_samples, done.own_hands, result.metrics["finetune"].get("unseen")
    assert own is not None, "a fine-tune's record"
    measured = (f"your held-back samples ({own.held_back}): {own.before:.4f} before, {own.after:.4f} after"
                if own.held_back else "no samples held back to measure it on (record 2 or more of each sign)")
    print(f"{measured}; {done.seconds:.0f} s" + ("" if args.base else "; no --base data: early layers frozen"))
    if hands is not None:
        print(f"hand landmarks, your held-back samples with a hand found ({hands.held_back}): "
              + (f"{hands.before:.4f} before, {hands.after:.4f} after" if hands.held_back else "none to measure on"))
    if unseen is not None:
        print(f"other people ({args.unseen}): {unseen['before']:.4f} before, {unseen['after']:.4f} after")
    print(f"model:  {result.checkpoint}\nreport: {result.report}")
    return 0


def cmd_calibrate(args) -> int:
    bar, progress = _load_bar("reading images")
    try:
        c = calibrate_checkpoint(args.model, args.data, args.unseen, load_progress=progress)
    finally:
        bar.close()
    print(f"temperature {c['temperature']:.3f} stored in {args.model} (fitted on the {c['fitted_on']})")
    for part in ("validation", "unseen"):
        if part in c:
            print(f"  {part}: expected calibration error {c[part]['ece_before']:.3f} -> {c[part]['ece_after']:.3f}")
    return 0


def cmd_evaluate(args) -> int:
    out = Path(args.out) if args.out else new_run_dir("eval")
    check_out_dir(out)
    bar, progress = _load_bar("reading images")
    try:
        landmarks = None if args.picture_only else args.landmarks or landmark_model_for(args.model)
        metrics, report = evaluate_model(args.model, args.data, out, load_progress=progress,
                                         landmarks=landmarks, hands_progress=progress)
    finally:
        bar.close()
    _print_skipped(metrics)
    _print_scores(metrics["test"])
    if "landmarks" in metrics:
        m = metrics["landmarks"]
        print(f"hand found in {m['hand_found']:.1%} of the photos and read from its landmarks; "
              f"the picture alone: {m['picture_alone']:.4f}")
    print(f"report: {report}")
    return 0


def cmd_landmarks(args) -> int:
    from .landmark_training import LandmarkConfig, train_landmarks
    cfg = LandmarkConfig(**{k: v for k, v in (("epochs", args.epochs), ("seed", args.seed),
                                              ("points_from", args.points_from), ("turn", args.turn),
                                              ("every", args.every), ("mixup", args.mixup),
                                              ("balance", args.balance), ("degraded", args.degraded))
                                 if v is not None},
                         point_sets=tuple(args.points))
    out = Path(args.out) if args.out else new_run_dir("landmarks")
    bar, progress = _load_bar("reading images")
    hands = tqdm(desc="finding hands", unit="img", dynamic_ncols=True, leave=False)

    def found(done, total):
        hands.total, hands.n = total, done
        hands.refresh()
    try:
        metrics = train_landmarks(args.data, out, cfg, args.unseen, progress, found, log=tqdm.write,
                                  unseen_points=args.unseen_points)
    finally:
        bar.close()
        hands.close()
    print(f"test: {metrics['test']['accuracy']:.4f} on {metrics['test']['images']} photos with a hand found; "
          f"temperature {metrics['temperature']:.3f}")
    print(f"model: {out / 'landmarks.pt'}")
    return 0


def cmd_export(args) -> int:
    for model in args.models:
        print(f"{model} -> {export_beside(model)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="asl-train", description="Train and evaluate ASL fingerspelling models.")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a model on a folder or archive of class folders")
    t.add_argument("data", help="folder, .zip or .tar.gz with one sub-folder per class")
    t.add_argument("--arch", choices=list(ARCHS), default="deepcnn",
                   help="deepcnn (default, best on unseen people) or aslnet (the reference)")
    t.add_argument("--epochs", type=int)
    t.add_argument("--batch-size", type=int)
    t.add_argument("--lr", type=float)
    t.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                   help="per-sample augmentation for real webcams (default: the architecture's recipe)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--split", type=split_shares, default=(0.7, 0.2), metavar="TRAIN/TEST/VAL",
                   help="percent of the images to train, test and validate on (default 70/20/10, the "
                   "study's; the shipped model used 96/2/2)")
    t.add_argument("--out", help="output folder (default: a new folder in the user's runs folder)")
    t.add_argument("--init", metavar="MODEL", help="fine-tune from this checkpoint")
    t.add_argument("--unseen", metavar="DIR", help="labelled photos of other people, scored every epoch")
    t.add_argument("--device", help="cpu or cuda (default: cuda when present)")
    t.set_defaults(func=cmd_train)
    f = sub.add_parser("finetune", help="fine-tune a model on your own recorded signs")
    f.add_argument("model", help="the model to start from (e.g. the shipped resources/models/deepcnn.pt)")
    f.add_argument("own", help="folder of your samples, one sub-folder per sign (as the app records them)")
    f.add_argument("--out", help="output folder (default: a new folder in the user's runs folder)")
    f.add_argument("--base", metavar="DATA", help="the base dataset, to replay so the model does not forget "
                   "(without it the early layers are frozen)")
    f.add_argument("--epochs", type=int, help=f"passes over your samples (default {FinetuneConfig.epochs})")
    f.add_argument("--seed", type=int)
    f.add_argument("--unseen", metavar="DIR", help="labelled photos of other people, scored before and after")
    adapting = f.add_mutually_exclusive_group()
    adapting.add_argument("--landmarks", metavar="MODEL", help="the hand-landmark model to adapt to your samples too, "
                          "written beside the new model (default: the one the app pairs with MODEL: landmarks.pt "
                          "beside it, else the shipped one), as the My signs tab does")
    adapting.add_argument("--no-landmarks", dest="picture_only", action="store_true",
                          help="adapt the picture model alone (the app reads it only when no hand is found)")
    f.set_defaults(func=cmd_finetune)
    c = sub.add_parser("calibrate", help="fit a model's confidence temperature on its validation split")
    c.add_argument("model", help="checkpoint to update (in place, atomically)")
    c.add_argument("data", help="the dataset it was trained on (its split is re-made from the checkpoint)")
    c.add_argument("--unseen", metavar="DIR", help="labelled photos of other people: calibration reported there too")
    c.set_defaults(func=cmd_calibrate)
    m = sub.add_parser("landmarks", help="train the hand-landmark model")
    m.add_argument("data", help="folder, .zip or .tar.gz with one sub-folder per class")
    m.add_argument("--epochs", type=int)
    m.add_argument("--seed", type=int)
    m.add_argument("--out", help="output folder (default: a new folder in the user's runs folder)")
    m.add_argument("--unseen", metavar="DIR", help="labelled photos of other people, scored at the end")
    m.add_argument("--points", metavar="NPZ", action="append", default=[],
                   help="other signers' hand points to learn from too (repeat for more sets; "
                   "docs/cli.md says the format)")
    m.add_argument("--every", type=int, help="learn from every N-th frame of each run of those points (default 3)")
    m.add_argument("--unseen-points", metavar="NPZ", action="append", default=[],
                   help="a set of hand points of people never trained on, scored at the end (repeatable)")
    m.add_argument("--turn", type=float, help="turn the hands up to this many radians about the vertical "
                   "and horizontal axes while learning (default 0)")
    m.add_argument("--points-from", metavar="ONNX", help="learn from the points of this hand landmark model "
                   "(default: MediaPipe's as converted, resources/models/hand_landmark_lite_original.onnx)")
    m.add_argument("--balance", action=argparse.BooleanOptionalAction, default=None,
                   help="draw each source of people (the photos, each --points set) equally often")
    m.add_argument("--mixup", type=float, metavar="A", help="blend pairs of hands and their letters, shares drawn "
                   "from Beta(A, A) (0: off)")
    m.add_argument("--degraded", action=argparse.BooleanOptionalAction, default=None,
                   help="also learn from the points found in blurred and poorly compressed copies of the photos")
    m.set_defaults(func=cmd_landmarks)
    e = sub.add_parser("evaluate", help="score a model on a labelled folder, as the app reads it, and write a report")
    e.add_argument("model", help="the picture model (e.g. the shipped resources/models/deepcnn.pt)")
    e.add_argument("data", help="folder, .zip or .tar.gz with one sub-folder per class")
    reading = e.add_mutually_exclusive_group()
    reading.add_argument("--landmarks", metavar="MODEL", help="the hand-landmark model that reads photos with a "
                         "hand found, as the app does (default: the one the app pairs with MODEL: landmarks.pt "
                         "beside it, else the shipped one)")
    reading.add_argument("--no-landmarks", dest="picture_only", action="store_true",
                         help="read every photo from the picture alone")
    e.add_argument("--out", help="report folder (default: a new folder in the user's runs folder)")
    e.set_defaults(func=cmd_evaluate)
    x = sub.add_parser("export", help="write the ONNX file the app reads beside a checkpoint that has none "
                       "(training writes it; runs from before that need this once)")
    x.add_argument("models", nargs="+", metavar="MODEL", help="a picture model (model.pt) or a landmarks.pt")
    x.set_defaults(func=cmd_export)
    return p


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM cleans up like Ctrl-C: no half-written run is left


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        return args.func(args)
    except (DatasetError, ModelFileError, LandmarksUnavailable, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: nothing was saved", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
