import json
import os
import pickle

import pytest
import torch

from asl_runtime.labels import CLASSES
from asl_runtime.model_files import ModelFileError
from asl_runtime.shipped import shipped_landmark_model
from trainer.augment import augment_batch
from trainer.checkpoint import load_checkpoint, save_checkpoint
from trainer.cli import main as cli_main
from trainer.data import load_dataset
from trainer.models import ASLNet, DeepCNN
from trainer.runs import run_training
from trainer.train import TrainConfig, TrainingCallback, TrainingCancelled, train


def test_aslnet_is_the_reference_network():
    net = ASLNet()
    assert net.out.in_features == 1568  # 32 * 7 * 7 for 28x28 input
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(c.in_channels, c.out_channels, c.kernel_size, c.padding) for c in convs] == [
        (3, 16, (5, 5), (2, 2)), (16, 32, (5, 5), (2, 2))]
    assert net(torch.zeros(2, 3, 28, 28)).shape == (2, 29)
    assert ASLNet(input_size=64).out.in_features == 32 * 16 * 16
    assert DeepCNN()(torch.zeros(2, 3, 28, 28)).shape == (2, 29)


def test_augmentation_is_per_sample_and_keeps_range():
    x = torch.rand(1, 3, 28, 28).repeat(8, 1, 1, 1)
    out = augment_batch(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1
    assert not torch.allclose(out[0], out[1])  # each image gets its own transform


@pytest.mark.parametrize("arch", ["aslnet", "deepcnn"])
def test_pipeline_learns_a_small_task(dataset_dir, arch):
    data = load_dataset(dataset_dir)
    cfg = TrainConfig.for_arch(arch, epochs=12 if arch == "aslnet" else 15, batch_size=16, augment=False)
    epochs = []

    class Recorder(TrainingCallback):
        def on_epoch(self, record):
            epochs.append(record)

    result = train(data, cfg, Recorder())
    assert len(epochs) == cfg.epochs and result.history == epochs
    assert result.test["accuracy"] >= 0.9, result.history
    assert result.split == {"train": 63, "test": 18, "validation": 9}
    assert set(result.test["per_class"]) == {"A", "B", "del"}


def test_cancel_stops_training_and_saves_nothing(dataset_dir, tmp_path):
    class CancelAfterThree(TrainingCallback):
        seen = 0

        def on_batch(self, *args):
            self.seen += 1

        def should_stop(self):
            return self.seen >= 3

    out = tmp_path / "run"
    with pytest.raises(TrainingCancelled):
        run_training(dataset_dir, out, TrainConfig.for_arch("aslnet", epochs=5), CancelAfterThree())
    assert not (out / "model.pt").exists()


def test_checkpoint_round_trip(tmp_path):
    model = DeepCNN().eval()
    path = tmp_path / "m.pt"
    save_checkpoint(path, model, "deepcnn", (0.1, 0.2, 0.3), (0.4, 0.5, 0.6), 28,
                    history=[{"epoch": 1, "val_acc": 0.5}])
    loaded = load_checkpoint(path)
    assert loaded.arch == "deepcnn" and loaded.classes == list(CLASSES)
    assert loaded.mean == (0.1, 0.2, 0.3) and loaded.meta["history"][0]["val_acc"] == 0.5
    assert "torch" in loaded.meta["versions"]
    x = torch.randn(3, 3, 28, 28)
    assert torch.allclose(model(x), loaded.model(x))
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_bad_checkpoints_give_clear_errors(tmp_path):
    good = tmp_path / "good.pt"
    save_checkpoint(good, ASLNet(), "aslnet", (0.5,) * 3, (0.25,) * 3, 28)
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(good.read_bytes()[:300])
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a model at all")
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, foreign)
    mismatched = tmp_path / "mismatch.pt"
    payload = torch.load(good, weights_only=True)
    payload["arch"] = "deepcnn"
    torch.save(payload, mismatched)
    evil = tmp_path / "evil.pt"
    with open(evil, "wb") as fh:
        pickle.dump(_Evil(), fh)
    for path, message in [(truncated, "not a readable model file"), (garbage, "not a readable model file"),
                          (foreign, "not an ASL Desktop model"), (mismatched, "do not match"),
                          (evil, "holds objects a safe model file may not contain"),
                          (tmp_path / "none.pt", "no such model file")]:
        with pytest.raises(ModelFileError, match=message) as info:
            load_checkpoint(path)
        assert path.name in str(info.value)
    assert not (tmp_path / "pwned").exists() and not os.path.exists("pwned")


def test_cli_train_then_evaluate(dataset_dir, tmp_path, capsys):
    out = tmp_path / "run"
    assert cli_main(["train", str(dataset_dir), "--arch", "aslnet", "--epochs", "2", "--split", "80/10/10",
                     "--out", str(out), "--unseen", str(dataset_dir)]) == 0
    printed = capsys.readouterr().out
    assert "accuracy:" in printed and "unseen people" in printed
    metrics = json.loads((out / "metrics.json").read_text())
    assert len(metrics["history"]) == 2 and metrics["config"]["arch"] == "aslnet"
    assert metrics["split"]["train"] == 8 * metrics["split"]["test"]  # --split 80/10/10
    assert 0 <= metrics["unseen"]["accuracy"] <= 1
    html = (out / "report.html").read_text()
    assert "Confusion matrix" in html and "Accuracy per epoch" in html
    assert "Accuracy per class on unseen people" in html
    assert "<script src=" not in html and len(html) > 1_000_000  # plotly.js inline: works offline

    # by default the photos are read as the app reads them: from the hand's shape where one is found
    assert cli_main(["evaluate", str(out / "model.pt"), str(dataset_dir), "--out", str(tmp_path / "ev")]) == 0
    printed = capsys.readouterr().out
    assert "accuracy:" in printed and "hand found in" in printed and (tmp_path / "ev" / "report.html").exists()
    read_with = json.loads((tmp_path / "ev" / "metrics.json").read_text())["landmarks"]["model"]
    assert read_with == str(shipped_landmark_model())  # no landmark model beside this one
    assert cli_main(["evaluate", str(out / "model.pt"), str(dataset_dir), "--no-landmarks",
                     "--out", str(tmp_path / "ev2")]) == 0
    assert "hand found in" not in capsys.readouterr().out
    assert "landmarks" not in json.loads((tmp_path / "ev2" / "metrics.json").read_text())


def test_cli_reports_bad_input_without_traceback(tmp_path, capsys):
    assert cli_main(["train", str(tmp_path / "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"junk")
    assert cli_main(["evaluate", str(bad), str(tmp_path)]) == 2
    assert "bad.pt" in capsys.readouterr().err


def test_the_shipped_model_loads_safely_and_knows_its_history():
    from asl_runtime import shipped
    loaded = load_checkpoint(shipped.default_model())
    assert loaded.arch == "deepcnn" and loaded.input_size == 28
    assert len(loaded.meta["history"]) >= 10 and loaded.meta["test_accuracy"] > 0.95
    assert shipped.default_model_report().stat().st_size > 1_000_000


def test_grayscale_augmentation_removes_colour():
    x = torch.rand(16, 3, 28, 28)
    out = augment_batch(x, torch.Generator().manual_seed(1), gray=1.0)
    assert torch.allclose(out[:, 0], out[:, 1]) and torch.allclose(out[:, 1], out[:, 2])


@pytest.mark.parametrize("field, value, message", [
    ("classes", ["A", "B"], "not the 29 signs"),
    ("classes", "ABC", "not the 29 signs"),
    ("mean", [0.5, 0.5], "three finite numbers"),
    ("mean", [0.5, float("nan"), 0.5], "three finite numbers"),
    ("std", [0.25, 0.0, 0.25], "above zero"),
    ("input_size", 0, "input size"),
    ("input_size", -28, "input size"),
    ("input_size", 60000, "input size"),
    ("input_size", "28", "input size"),
    ("state_dict", None, "no weights"),
])
def test_checkpoint_fields_are_checked_before_use(tmp_path, field, value, message):
    good = tmp_path / "good.pt"
    save_checkpoint(good, ASLNet(), "aslnet", (0.5,) * 3, (0.25,) * 3, 28)
    payload = torch.load(good, weights_only=True)
    payload[field] = value
    crafted = tmp_path / "crafted.pt"
    torch.save(payload, crafted)
    with pytest.raises(ModelFileError, match=message):
        load_checkpoint(crafted)


def test_a_checkpoint_with_nan_weights_is_refused(tmp_path):
    path = tmp_path / "diverged.pt"
    save_checkpoint(path, ASLNet(), "aslnet", (0.5,) * 3, (0.25,) * 3, 28)
    payload = torch.load(path, weights_only=True)  # damaged after it was written
    payload["state_dict"]["out.weight"][0, 0] = float("nan")
    torch.save(payload, path)
    with pytest.raises(ModelFileError, match="NaN"):
        load_checkpoint(path)


def test_a_diverged_model_is_never_saved(tmp_path):
    from trainer.landmarks import LandmarkNet, save_landmark_model
    model = ASLNet()
    with torch.no_grad():
        model.out.weight[0, 0] = float("nan")
    with pytest.raises(ValueError, match="diverged"):
        save_checkpoint(tmp_path / "model.pt", model, "aslnet", (0.5,) * 3, (0.25,) * 3, 28)
    net = LandmarkNet()
    with torch.no_grad():
        next(net.parameters()).fill_(float("inf"))
    with pytest.raises(ValueError, match="diverged"):
        save_landmark_model(tmp_path / "landmarks.pt", net, 1.0)
    assert list(tmp_path.iterdir()) == []
