"""Bad arguments and interrupted runs on the command line: `error: ...`, exit 2, nothing half-written."""

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import write_dataset

from asl_desktop.transcribe import main as transcribe_main
from trainer.cli import main as train_main
from trainer.runs import run_training
from trainer.train import TrainConfig


@pytest.mark.parametrize("args, message", [
    (["--batch-size", "0"], "batch size must be 1 or more"),
    (["--epochs", "0"], "epochs must be 1 or more"),
    (["--epochs", "-3"], "epochs must be 1 or more"),
    (["--lr", "0"], "learning rate) must be above 0"),
    (["--lr", "1e30"], "at most 1.0, not 1e+30"),
    (["--device", "bogus"], "unknown device 'bogus'"),
])
def test_train_refuses_bad_settings_before_any_work(dataset_dir, tmp_path, capsys, args, message):
    out = tmp_path / "run"
    assert train_main(["train", str(dataset_dir), "--arch", "aslnet", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert not out.exists()


def test_evaluate_refuses_an_out_that_is_a_file_before_reading_anything(dataset_dir, tmp_path, capsys, tiny_model):
    taken = tmp_path / "a-file"
    taken.write_text("mine")
    assert train_main(["evaluate", str(tiny_model), str(dataset_dir), "--out", str(taken), "--no-landmarks"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out") and "is a file" in err and "reading" not in err
    assert taken.read_text() == "mine"


@pytest.mark.parametrize("split", ["70/20", "70/30/0", "60/20/10", "a/b/c"])
def test_train_refuses_a_split_that_is_not_three_shares_of_100(dataset_dir, tmp_path, capsys, split):
    with pytest.raises(SystemExit) as exit_:
        train_main(["train", str(dataset_dir), "--out", str(tmp_path / "run"), "--split", split])
    assert exit_.value.code == 2 and "--split" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_train_refuses_an_out_that_is_a_file(dataset_dir, tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    assert train_main(["train", str(dataset_dir), "--arch", "aslnet", "--out", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err and target.read_text() == "keep me"


def test_two_images_are_too_few(tmp_path, capsys):
    data = write_dataset(tmp_path / "d", classes=("A", "B"), per_class=1)
    assert train_main(["train", str(data), "--arch", "aslnet", "--out", str(tmp_path / "run")]) == 2
    assert "too few" in capsys.readouterr().err and not (tmp_path / "run").exists()


def test_landmark_training_names_a_hand_landmark_model_it_cannot_read(dataset_dir, tmp_path, capsys):
    bad = tmp_path / "hand.onnx"
    bad.write_bytes(b"not a model")
    args = ["landmarks", str(dataset_dir), "--out", str(tmp_path / "run"), "--points-from", str(bad)]
    assert train_main(args) == 2
    err = capsys.readouterr().err
    assert "hand.onnx: not a hand landmark model" in err and "Traceback" not in err
    assert not (tmp_path / "run" / "landmarks.pt").exists()


def test_unknown_training_settings_are_errors():
    with pytest.raises(ValueError, match="unknown training setting"):
        TrainConfig.for_arch("aslnet", epoch=5)
    with pytest.raises(ValueError, match="unknown optimizer"):
        TrainConfig(optimizer="sgd")
    with pytest.raises(ValueError, match="zoom must be a range"):
        TrainConfig(zoom=(1.5, 0.75))


def test_a_rerun_into_the_same_folder_replaces_the_whole_run(tmp_path):
    data = write_dataset(tmp_path / "d", per_class=10)
    out = tmp_path / "run"
    run_training(data, out, TrainConfig.for_arch("aslnet", epochs=1, seed=1))
    (out / "stale-extra-file").write_text("from the first run")
    first_model = (out / "model.pt").read_bytes()
    run_training(data, out, TrainConfig.for_arch("aslnet", epochs=2, seed=2))
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "model.onnx", "model.pt", "report.html"]
    assert (out / "model.pt").read_bytes() != first_model
    assert '"epochs": 2' in (out / "metrics.json").read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_sigterm_during_training_leaves_nothing_behind(tmp_path):
    data = write_dataset(tmp_path / "d", per_class=30)
    out = tmp_path / "runs" / "r"
    cache = tmp_path / "cache"  # its own: another test's cached images must not look like this run's
    proc = subprocess.Popen([sys.executable, "-m", "trainer", "train", str(data), "--arch", "aslnet",
                             "--epochs", "500", "--batch-size", "1", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "ASL_DESKTOP_CACHE": str(cache)})
    deadline = time.monotonic() + 60
    while not any(cache.rglob("*.npz")) and time.monotonic() < deadline:  # images decoded: training starts
        time.sleep(0.2)
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "nothing was saved" in err
    assert not out.exists()
    leftovers = [p for p in (tmp_path / "runs").rglob("*")] if (tmp_path / "runs").exists() else []
    assert leftovers == []


def test_transcribe_bad_arguments_and_unreadable_folders(tmp_path, capsys):
    for args in (["--fps", "0"], ["--fps", "-2"], ["--hold", "nan"], ["--threshold", "5"]):
        with pytest.raises(SystemExit) as exit_info:
            transcribe_main([str(tmp_path), *args])
        assert exit_info.value.code == 2
    junk = tmp_path / "frames"
    junk.mkdir()
    (junk / "a.png").write_bytes(b"")
    (junk / "b.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut short")
    assert transcribe_main([str(junk)]) == 2
    assert "no readable image" in capsys.readouterr().err
    for camera in ("99999999999999999999", "٣"):
        assert transcribe_main([camera]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and "Traceback" not in err


def test_an_architecture_that_is_not_a_name_and_a_negative_seed_are_refused_before_any_work(tmp_path, capsys):
    import torch

    from asl_runtime.model_files import ModelFileError
    from trainer.checkpoint import load_checkpoint, save_checkpoint
    from trainer.models import ASLNet
    save_checkpoint(tmp_path / "m.pt", ASLNet(), "aslnet", (0.5,) * 3, (0.25,) * 3, 28)
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    payload["arch"] = ["deepcnn"]
    torch.save(payload, tmp_path / "m.pt")
    with pytest.raises(ModelFileError, match="unknown architecture"):
        load_checkpoint(tmp_path / "m.pt")
    assert train_main(["train", str(tmp_path / "no-such-data"), "--seed", "-5"]) == 2
    assert "--seed must be 0 or more, not -5" in capsys.readouterr().err


def test_an_out_folder_under_a_file_is_refused_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert train_main(["train", str(tmp_path / "no-such-data"), "--out", str(blocker / "sub" / "run")]) == 2
    err = capsys.readouterr().err
    assert f"--out {blocker / 'sub' / 'run'}: {blocker} is a file, not a folder" in err  # not the missing data


def test_train_init_from_a_model_of_another_picture_size_is_refused_before_any_work(dataset_dir, tmp_path, capsys):
    from trainer.checkpoint import save_checkpoint
    from trainer.models import build_model
    other = tmp_path / "other.pt"
    save_checkpoint(other, build_model("aslnet", input_size=32), "aslnet", (0.5,) * 3, (0.25,) * 3, 32)
    out = tmp_path / "run"
    assert train_main(["train", str(dataset_dir), "--arch", "aslnet", "--init", str(other), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "\nerror: --init" in "\n" + err.split("\r")[-1] and "32 px" in err and "Traceback" not in err and not out.exists()


def test_finetune_with_one_sample_a_sign_writes_plain_json_and_says_nothing_was_held_back(tmp_path, capsys, tiny_model):
    import json

    own = write_dataset(tmp_path / "own", classes=("A", "B"), per_class=1)
    out = tmp_path / "tuned"
    assert train_main(["finetune", str(tiny_model), str(own), "--out", str(out), "--no-landmarks", "--epochs", "1"]) == 0
    assert "no samples held back" in capsys.readouterr().out
    text = (out / "metrics.json").read_text()
    assert "NaN" not in text and json.loads(text)["finetune"]["held_back_after"] is None


def test_evaluate_says_how_many_files_it_could_not_read(tmp_path, capsys, tiny_model):
    data = write_dataset(tmp_path / "data", classes=("A", "B"), per_class=3)
    (data / "A" / "broken.png").write_bytes(b"not a picture")
    assert train_main(["evaluate", str(tiny_model), str(data), "--out", str(tmp_path / "eval"), "--no-landmarks"]) == 0
    err = capsys.readouterr().err
    assert "warning: skipped 1 unreadable image(s)" in err and "broken.png" in err
