import numpy as np
import pytest
import torch

from asl_desktop.core.recognizer import Classifier
from asl_runtime.labels import CLASSES
from asl_runtime.model_files import ModelFileError
from trainer.calibrate import expected_calibration_error, fit_temperature, reliability
from trainer.checkpoint import load_checkpoint, save_checkpoint
from trainer.models import ARCHS, DeepCNN, build_model
from trainer.tensors import normalize


def _overconfident(n=3000, classes=5, accuracy=0.7, seed=0):
    """Logits that are right 70% of the time yet claim ~99% confidence."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, classes, (n,), generator=g)
    wrong = (labels + torch.randint(1, classes, (n,), generator=g)) % classes
    predicted = torch.where(torch.rand(n, generator=g) < accuracy, labels, wrong)
    logits = torch.randn(n, classes, generator=g)
    logits[torch.arange(n), predicted] += 8.0
    return logits, labels


def test_temperature_makes_confidence_match_accuracy():
    logits, labels = _overconfident()
    before = torch.softmax(logits, 1)
    t = fit_temperature(logits, labels)
    after = torch.softmax(logits / t, 1)
    assert t > 1.5  # over-confident scores are softened
    assert expected_calibration_error(after, labels) < 0.08
    assert expected_calibration_error(before, labels) > 0.25
    assert abs(after.max(1).values.mean().item() - 0.7) < 0.05


def test_a_validation_split_without_mistakes_says_its_temperature_overstates():
    from torch import nn

    from trainer.train import calibrate

    labels = np.arange(40) % 5

    class Oracle(nn.Module):  # right about every image, whatever augmentation does to it
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.ones(1))

        def forward(self, x):
            return 5 * self.w * nn.functional.one_hot(torch.as_tensor(labels), 29).float()

    images = np.zeros((40, 28, 28, 3), np.uint8)
    t, info = calibrate(Oracle(), images, labels, (0.5,) * 3, (0.25,) * 3)
    assert t < 1 and "no mistakes there to fit on" in info["fitted_on"]


def test_reliability_bins_count_every_prediction():
    logits, labels = _overconfident(n=500)
    rows = reliability(torch.softmax(logits, 1), labels)
    assert sum(r["count"] for r in rows) == 500 and len(rows) == 10


def test_checkpoint_temperature_is_applied_to_shown_confidence(tmp_path):
    torch.manual_seed(0)
    model = DeepCNN().eval()
    pixels = np.random.default_rng(0).integers(0, 255, (28, 28, 3), dtype=np.uint8)
    save_checkpoint(tmp_path / "t1.pt", model, "deepcnn", (0.5,) * 3, (0.25,) * 3, 28)
    save_checkpoint(tmp_path / "t5.pt", model, "deepcnn", (0.5,) * 3, (0.25,) * 3, 28, temperature=5.0)
    sharp = Classifier.from_path(tmp_path / "t1.pt").predict_pixels(pixels)
    soft = Classifier.from_path(tmp_path / "t5.pt").predict_pixels(pixels)
    assert load_checkpoint(tmp_path / "t5.pt").temperature == 5.0
    assert soft.label == sharp.label and soft.confidence < sharp.confidence


@pytest.mark.parametrize("arch", sorted(ARCHS))
def test_the_live_read_shows_what_the_trained_network_says(tmp_path, arch):
    """The live tab reads crops with ONNX Runtime: the same calibrated probabilities as torch."""
    torch.manual_seed(1)
    model = build_model(arch)
    model.train()  # batch-norm statistics away from their initial values
    with torch.no_grad():
        model(torch.randn(64, 3, 28, 28) * 2)
    model.eval()
    save_checkpoint(tmp_path / "m.pt", model, arch, (0.5,) * 3, (0.25,) * 3, 28, temperature=0.4)
    classifier = Classifier.from_path(tmp_path / "m.pt")
    for seed in range(3):
        pixels = np.random.default_rng(seed).integers(0, 255, (28, 28, 3), dtype=np.uint8)
        with torch.no_grad():
            trained = torch.softmax(model(normalize(pixels, (0.5,) * 3, (0.25,) * 3)[None]) / 0.4, 1)[0]
        shown = classifier.predict_pixels(pixels)
        assert np.allclose([shown.probs[c] for c in shown.probs], trained.numpy(), atol=1e-5)
        assert shown.label == CLASSES[int(trained.argmax())]


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), "hot"])
def test_a_bad_temperature_is_refused_with_a_message(tmp_path, bad):
    path = tmp_path / "bad.pt"
    save_checkpoint(path, DeepCNN(), "deepcnn", (0.5,) * 3, (0.25,) * 3, 28)
    payload = torch.load(path, weights_only=True)
    payload["temperature"] = bad
    torch.save(payload, path)
    with pytest.raises(ModelFileError, match="temperature"):
        load_checkpoint(path)


def test_training_stores_the_fitted_temperature_and_calibrate_refits_it(dataset_dir, tmp_path, capsys):
    from trainer.cli import main as cli_main
    from trainer.runs import run_training
    from trainer.train import TrainConfig
    out = run_training(dataset_dir, tmp_path / "run", TrainConfig.for_arch("aslnet", epochs=3, batch_size=16))
    c = out.metrics["calibration"]
    assert load_checkpoint(out.checkpoint).temperature == pytest.approx(c["temperature"])
    assert "Reliability on the validation split" in out.report.read_text()
    payload = torch.load(out.checkpoint, weights_only=True)
    payload["temperature"] = 7.0  # as if it had never been calibrated well
    torch.save(payload, out.checkpoint)
    assert cli_main(["calibrate", str(out.checkpoint), str(dataset_dir)]) == 0
    assert load_checkpoint(out.checkpoint).temperature == pytest.approx(c["temperature"], rel=1e-3)
    assert "expected calibration error" in capsys.readouterr().out


def test_calibrate_keeps_the_onnx_export_in_step_and_refuses_data_with_no_validation_split(
        dataset_dir, tmp_path, capsys):
    from conftest import write_dataset

    from asl_runtime.model_files import PictureModel
    from trainer.cli import main as cli_main
    from trainer.runs import run_training
    from trainer.train import TrainConfig
    out = run_training(dataset_dir, tmp_path / "run", TrainConfig.for_arch("aslnet", epochs=2, batch_size=16))
    payload = torch.load(out.checkpoint, weights_only=True)
    payload["temperature"] = 7.0
    torch.save(payload, out.checkpoint)
    assert cli_main(["calibrate", str(out.checkpoint), str(dataset_dir)]) == 0
    refit = load_checkpoint(out.checkpoint).temperature
    assert refit != 7.0 and PictureModel.load(out.checkpoint.with_suffix(".onnx")).temperature == pytest.approx(refit)
    tiny = write_dataset(tmp_path / "tiny", per_class=1)
    before = out.checkpoint.read_bytes()
    assert cli_main(["calibrate", str(out.checkpoint), str(tiny)]) == 2
    assert "too few to fit a temperature on" in capsys.readouterr().err
    assert out.checkpoint.read_bytes() == before
