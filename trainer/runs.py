"""A whole training run: data in, checkpoint + report.html + metrics.json out."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from asl_runtime.hands import features
from asl_runtime.preprocess import CANONICAL_SIZE, INPUT_SIZE

from .checkpoint import load_checkpoint, save_checkpoint
from .data import DatasetError, DatasetSummary, Progress, load_dataset, split_indices
from .finetune import FinetuneConfig, finetune, holdout_split
from .finetune import summary as finetune_summary
from .frame_points import frame_points
from .landmark_training import finetune_landmarks
from .landmarks import load_landmark_model, save_landmark_model
from .outputs import check_out_dir, run_folder
from .report import write_report
from .train import TrainConfig, TrainingCallback, calibrate, calibration_on, predict_pixels, score, train


def run_record(arch: str, dataset: DatasetSummary, test: dict[str, Any], test_label: str | None = None,
               **parts: Any) -> dict[str, Any]:
    """The one form of a run's metrics.json (a training, a fine-tune, an evaluation): what every
    run has, then its own parts. The report, the run list (`asl_runtime.runs.read_run`) and the
    window (`trainer.jobs.Succeeded`) read it."""
    record: dict[str, Any] = {"arch": arch, "created": datetime.now().isoformat(timespec="seconds"),
                              "dataset": asdict(dataset), "test": test}
    if test_label is not None:
        record["test_label"] = test_label
    return {**record, **parts}


@dataclass
class RunOutput:
    checkpoint: Path
    report: Path
    metrics: dict


def run_training(data_path: str | Path, out_dir: str | Path, cfg: TrainConfig,
                 callback: TrainingCallback | None = None, init_from: str | Path | None = None,
                 unseen_path: str | Path | None = None, load_progress: Progress | None = None) -> RunOutput:
    """Load data, train, then write model.pt, report.html and metrics.json into out_dir.

    Nothing is written when training fails or is cancelled.
    """
    check_out_dir(Path(out_dir))
    init_state = None
    if init_from:  # checked before the photos are read
        base = load_checkpoint(init_from)
        if base.arch != cfg.arch:
            raise ValueError(f"--init: cannot fine-tune {init_from}: it is a '{base.arch}' model, not '{cfg.arch}'")
        if base.input_size != INPUT_SIZE:
            raise ValueError(f"--init: cannot fine-tune {init_from}: it reads {base.input_size} px pictures, "
                             f"training uses {INPUT_SIZE} px")
        init_state = base.model.state_dict()
    data = load_dataset(data_path, progress=load_progress)
    unseen = load_dataset(unseen_path, min_classes=1) if unseen_path else None
    result = train(data, cfg, callback, init_state=init_state, unseen=unseen)
    history = [asdict(r) for r in result.history]

    metrics = run_record(cfg.arch, data.summary(), result.test, config=cfg.to_dict(), split=result.split,
                         history=history, calibration=result.calibration,
                         fine_tuned_from=str(init_from) if init_from else None)
    if unseen is not None:
        s = score(predict_pixels(result.model, unseen.images, result.mean, result.std), unseen.labels)
        metrics["unseen"] = {"source": str(unseen_path), "accuracy": s["accuracy"], "images": s["images"],
                            "per_class": s["per_class"]}
    out = Path(out_dir)
    with run_folder(out) as tmp:
        save_checkpoint(tmp / "model.pt", result.model, cfg.arch, result.mean, result.std, data.images.shape[1],
                        temperature=result.temperature, history=history, dataset=asdict(data.summary()), config=cfg.to_dict(),
                        test_accuracy=result.test["accuracy"],
                        unseen_accuracy=metrics.get("unseen", {}).get("accuracy"))
        write_report(metrics, tmp, title=f"Training run {out.name}")
    return RunOutput(out / "model.pt", out / "report.html", metrics)


def run_finetune(model_path: str | Path, own_path: str | Path, out_dir: str | Path, cfg: FinetuneConfig,
                 callback: TrainingCallback | None = None, base_path: str | Path | None = None,
                 unseen_path: str | Path | None = None, load_progress: Progress | None = None,
                 landmarks: str | Path | None = None) -> RunOutput:
    """Fine-tune a checkpoint on a folder of own samples; write the same files as `run_training`.
    With a hand-landmark model, adapt it to the same samples too: the run's
    `landmarks.pt` then sits beside its `model.pt`."""
    check_out_dir(Path(out_dir))
    hand_model = load_landmark_model(landmarks) if landmarks else None
    base = load_checkpoint(model_path)
    own = load_dataset(own_path, size=base.input_size, min_classes=1, progress=load_progress)
    replay = load_dataset(base_path, size=base.input_size, progress=load_progress) if base_path else None
    unseen = load_dataset(unseen_path, size=base.input_size, min_classes=1) if unseen_path else None
    result = finetune(base, own, cfg, callback, replay=replay, unseen=unseen)
    history = [asdict(r) for r in result.history]
    metrics = run_record(base.arch, own.summary(), result.after, "Accuracy on your held-back samples",
                         config=asdict(cfg), split=result.split, history=history,
                         finetune={**finetune_summary(result, cfg), "base_data": str(base_path) if base_path else None},
                         fine_tuned_from=str(model_path))
    if hand_model is not None:
        own_hands = load_dataset(own_path, size=CANONICAL_SIZE, min_classes=1, progress=load_progress)
        hand_model, metrics["finetune"]["landmarks"] = finetune_landmarks(
            hand_model, own_hands.images, own_hands.labels, *holdout_split(own_hands.labels, cfg.holdout),
            seed=cfg.seed, progress=load_progress)
    out = Path(out_dir)
    with run_folder(out) as tmp:
        if hand_model is not None:
            save_landmark_model(tmp / "landmarks.pt", hand_model.net, hand_model.temperature, hand_model.replay,
                                fine_tuned_from=str(landmarks), metrics=metrics["finetune"]["landmarks"])
        save_checkpoint(tmp / "model.pt", result.model, base.arch, base.mean, base.std, base.input_size,
                        temperature=base.temperature, history=history, dataset=asdict(own.summary()),
                        config=asdict(cfg), test_accuracy=result.after["accuracy"], fine_tuned_from=str(model_path))
        write_report(metrics, tmp, title=f"Fine-tuned on your signs: {out.name}")
    return RunOutput(out / "model.pt", out / "report.html", metrics)


def calibrate_checkpoint(model_path: str | Path, data_path: str | Path, unseen_path: str | Path | None = None,
                         load_progress: Progress | None = None) -> dict:
    """Fit a checkpoint's temperature on the validation split of the data it was trained on
    (the split is re-made from its stored settings) and store it in the file, atomically."""
    loaded = load_checkpoint(model_path)
    cfg = loaded.meta.get("config") or {}
    data = load_dataset(data_path, size=loaded.input_size, progress=load_progress)
    _, _, val_idx = split_indices(len(data), cfg.get("seed", 0), cfg.get("train_share", 0.7),
                                  cfg.get("test_share", 0.2))
    if len(val_idx) < 2:  # nothing to fit on: keep the temperature the file has
        raise ValueError(f"{data_path}: its validation split holds {len(val_idx)} photos, too few to fit a "
                         f"temperature on; {model_path} is unchanged")
    temperature, calibration = calibrate(loaded.model, data.images[val_idx], data.labels[val_idx],
                                         loaded.mean, loaded.std, cfg.get("seed", 0))
    if unseen_path:
        unseen = load_dataset(unseen_path, size=loaded.input_size, min_classes=1)
        calibration["unseen"] = calibration_on(loaded.model, unseen.images, unseen.labels, loaded.mean,
                                               loaded.std, temperature)
    meta = {k: v for k, v in loaded.meta.items()
            if k not in ("format", "format_version", "arch", "classes", "input_size", "mean", "std",
                         "temperature", "created", "versions")}
    save_checkpoint(model_path, loaded.model, loaded.arch, loaded.mean, loaded.std, loaded.input_size,
                    temperature=temperature, **{**meta, "calibration": calibration})
    return calibration


def evaluate_model(model_path: str | Path, data_path: str | Path, out_dir: str | Path | None = None,
                   load_progress: Progress | None = None, landmarks: str | Path | None = None,
                   hands_progress: Progress | None = None) -> tuple[dict, Path | None]:
    """Score a checkpoint on any labelled folder; optionally write a report there.

    With a hand-landmark model, photos where a hand is found (anywhere in the photo, as the app
    finds it in a frame: `frame_points`) are read from its landmarks and the rest from the
    picture, as the live tab does."""
    if out_dir is not None:
        check_out_dir(Path(out_dir))  # before the work, not after it
    loaded = load_checkpoint(model_path)
    data = load_dataset(data_path, size=loaded.input_size, min_classes=1, progress=load_progress)
    probs = predict_pixels(loaded.model, data.images, loaded.mean, loaded.std, temperature=loaded.temperature)
    extra = {}
    if landmarks:
        hand_model = load_landmark_model(landmarks)
        points = frame_points(data_path, hands_progress)
        if len(points) != len(data.labels):  # the photos changed between the two reads
            raise DatasetError(f"{data_path}: the photos changed while they were read; evaluate again")
        found = ~np.isnan(points[:, 0, 0])
        picture_alone = score(probs, data.labels)["accuracy"]
        if found.any():
            probs[torch.as_tensor(found)] = torch.as_tensor(hand_model.probs(features(points[found])))
        extra = {"landmarks": {"model": str(landmarks), "hand_found": float(found.mean()),
                               "picture_alone": picture_alone}}
    test = score(probs, data.labels)
    metrics = run_record(loaded.arch, data.summary(), test, "Accuracy", model=str(model_path), **extra)
    report = write_report(metrics, out_dir, title=f"Evaluation of {Path(model_path).name}") if out_dir else None
    return metrics, report
