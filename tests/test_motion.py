"""J and Z by their motion: the path features and the shipped model."""

from __future__ import annotations

import numpy as np
import pytest

from asl_desktop.live_models import load_motion
from asl_runtime import motion
from asl_runtime.model_files import ModelFileError
from asl_runtime.motion import MotionLetters, path_features


def drawn(rng, frames=30):
    """A hand whose little fingertip draws a hook while the rest barely moves."""
    shape = np.random.default_rng(1).uniform(0, 100, (21, 2))
    points = np.repeat(shape[None], frames, 0) + rng.normal(0, 0.5, (frames, 21, 2))
    k = np.linspace(0, 1, frames)
    points[:, 20] += np.stack([30 * np.sin(np.pi * k), 80 * k], -1)
    return points


def test_the_paths_ignore_where_the_hand_is_and_its_size():
    rng = np.random.default_rng(0)
    p = drawn(rng)
    f = path_features(p)
    assert f.shape == (len(motion.TIPS) * motion.STEPS * 2,)
    assert np.allclose(path_features(p * 2.5 + (300, -40)), f, atol=1e-5)
    assert not np.allclose(path_features(p[::-1]), f, atol=1e-2)  # the direction counts


def test_the_shipped_model_reads_a_still_hand_as_neither_j_nor_z():
    model = load_motion()
    rng = np.random.default_rng(0)
    still = np.repeat(np.random.default_rng(1).uniform(0, 100, (1, 21, 2)), 36, 0) + rng.normal(0, 0.7, (36, 21, 2))
    assert model.read(still)[0] == "none"
    assert model.read(still[:3]) == ("none", 1.0)  # too short to read


def test_a_damaged_motion_model_is_refused_by_name(tmp_path, monkeypatch):
    bad = tmp_path / "motion_letters.npz"
    bad.write_bytes(b"not a model")
    monkeypatch.setattr(motion, "motion_model_path", lambda: bad)
    with pytest.raises(ModelFileError, match="motion_letters.npz: J and Z by their motion are off"):
        load_motion()
    np.savez(bad, w1=np.zeros((3, 3)), b1=np.zeros(3), w2=np.zeros((3, 3)), b2=np.zeros(3), mean=0, std=1)
    with pytest.raises(ValueError, match="not a J/Z motion model"):
        MotionLetters(bad)
