"""The live models as the app loads them: ONNX files, checked before use (no torch needed to read)."""

import numpy as np
import pytest
import torch

from asl_runtime.model_files import LetterModel, ModelFileError, PictureModel
from asl_runtime.preprocess import standardized
from trainer.checkpoint import load_checkpoint, save_checkpoint
from trainer.landmarks import LandmarkNet, save_landmark_model
from trainer.models import DeepCNN
from trainer.tensors import normalize


def test_a_saved_checkpoint_has_an_onnx_export_that_reads_as_the_network_does(tmp_path):
    torch.manual_seed(0)
    net = DeepCNN().eval()
    save_checkpoint(tmp_path / "m.pt", net, "deepcnn", (0.4, 0.5, 0.6), (0.2, 0.25, 0.3), 28, temperature=0.5)
    live = PictureModel.load(tmp_path / "m.onnx")
    assert (live.arch, live.input_size, live.temperature) == ("deepcnn", 28, 0.5)
    assert live.mean == (0.4, 0.5, 0.6) and live.std == (0.2, 0.25, 0.3)
    pixels = np.random.default_rng(0).integers(0, 256, (3, 28, 28, 3), dtype=np.uint8)
    assert np.allclose(standardized(pixels, live.mean, live.std), normalize(pixels, live.mean, live.std).numpy(), atol=1e-6)
    with torch.no_grad():
        trained = torch.softmax(net(normalize(pixels, live.mean, live.std)) / 0.5, 1).numpy()
    assert np.allclose(live.probs(pixels), trained, atol=1e-5)


def test_a_model_whose_outputs_are_not_numbers_is_refused_at_load(tmp_path):
    net = DeepCNN().eval()
    net.features[0][1].running_var.fill_(-1.0)  # finite weights, NaN out (square root of a negative)
    save_checkpoint(tmp_path / "bn.pt", net, "deepcnn", (0.5,) * 3, (0.25,) * 3, 28)
    load_checkpoint(tmp_path / "bn.pt")  # the torch file alone does not show it
    with pytest.raises(ModelFileError, match="bn.onnx: its outputs are not 29 finite numbers"):
        PictureModel.load(tmp_path / "bn.onnx")
    letters = LandmarkNet()
    with torch.no_grad():
        letters.layers[0].weight.fill_(float("nan"))
    with pytest.raises(ValueError, match="diverged"):  # never saved by training ...
        save_landmark_model(tmp_path / "landmarks.pt", letters, 1.0)
    from trainer.export import export_letters
    export_letters(letters, 1.0, tmp_path / "landmarks.onnx")  # ... and refused when made some other way
    with pytest.raises(ModelFileError, match="landmarks.onnx: its outputs are not 29 finite numbers"):
        LetterModel.load(tmp_path / "landmarks.onnx")


def test_missing_damaged_and_wrong_kinds_of_files_are_named_with_the_reason(tmp_path):
    save_checkpoint(tmp_path / "m.pt", DeepCNN(), "deepcnn", (0.5,) * 3, (0.25,) * 3, 28)
    (tmp_path / "m.onnx").rename(tmp_path / "kept.onnx")
    with pytest.raises(ModelFileError, match=r"m.onnx: no such picture model \(only its torch checkpoint m.pt"):
        PictureModel.load(tmp_path / "m.onnx")
    with pytest.raises(ModelFileError, match="kept.onnx: not an ASL Desktop hand-landmark letter model"):
        LetterModel.load(tmp_path / "kept.onnx")
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\x08\x01" * 100)
    with pytest.raises(ModelFileError, match="garbage.onnx: not a readable picture model"):
        PictureModel.load(garbage)


def test_an_old_run_without_exports_is_exported_once_when_the_app_loads_it(tmp_path):
    from asl_desktop.live_models import load_hands, load_picture_model
    save_checkpoint(tmp_path / "model.pt", DeepCNN(), "deepcnn", (0.5,) * 3, (0.25,) * 3, 28)
    save_landmark_model(tmp_path / "landmarks.pt", LandmarkNet(), 1.0)
    for made in ("model.onnx", "landmarks.onnx"):
        (tmp_path / made).unlink()  # as runs were written before the exports
    assert load_picture_model(tmp_path / "model.pt").model.path == tmp_path / "model.onnx"
    assert load_hands(tmp_path / "model.pt").model.path == tmp_path / "landmarks.onnx"  # its own, not the shipped
    assert (tmp_path / "model.onnx").is_file() and (tmp_path / "landmarks.onnx").is_file()
