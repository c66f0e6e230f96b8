import cv2
import pytest
from conftest import hello_labels, sign_frames, write_video

from asl_desktop.core.frames import (
    CameraSource,
    ImageFolderSource,
    SourceError,
    VideoFileSource,
    open_source,
)
from asl_desktop.transcribe import main as transcribe_main


def test_video_file_frames_carry_stream_timestamps(tmp_path):
    path = write_video(tmp_path / "v.avi", sign_frames(["H"] * 10), fps=20)
    with open_source(str(path)) as src:
        assert isinstance(src, VideoFileSource) and src.fps == pytest.approx(20)
        frames = []
        while (f := src.read()) is not None:
            frames.append(f)
    assert len(frames) == 10
    assert [f.timestamp for f in frames[:3]] == pytest.approx([0.0, 0.05, 0.1])
    assert frames[0].image.shape == (96, 96, 3)


def test_sources_that_cannot_open_say_why(tmp_path):
    with pytest.raises(SourceError, match="No camera found at index 9"):
        CameraSource(9)
    junk = tmp_path / "clip.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    with pytest.raises(SourceError, match="Cannot read video file clip.mp4"):
        open_source(str(junk))
    with pytest.raises(SourceError, match="not found"):
        open_source(str(tmp_path / "missing.mp4"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SourceError, match="No images"):
        open_source(str(empty))


def test_image_folder_plays_in_name_order_and_skips_broken_files(tmp_path):
    for i, label in enumerate(["H", "E", "L"]):
        cv2.imwrite(str(tmp_path / f"{i:03d}.png"), sign_frames([label])[0])
    (tmp_path / "001b.jpg").write_bytes(b"broken")
    src = ImageFolderSource(tmp_path, fps=4)
    frames = [src.read() for _ in range(4)]
    assert frames[3] is None and src.skipped == 1
    assert [f.timestamp for f in frames[:3]] == [0.0, 0.25, 0.75]


def test_transcribe_spells_hello_from_a_video(tiny_model, tmp_path, capsys):
    video = write_video(tmp_path / "hello.avi", sign_frames(hello_labels()))
    code = transcribe_main([str(video), "--model", str(tiny_model), "--hold", "0.4"])
    assert code == 0
    assert capsys.readouterr().out.strip() == "HELLO"


def test_transcribe_uses_the_given_region(tiny_model, tmp_path, capsys):
    frames = sign_frames(hello_labels(), frame_size=(240, 160), offset=(120, 40))
    video = write_video(tmp_path / "offset.avi", frames)
    assert transcribe_main([str(video), "--model", str(tiny_model), "--hold", "0.4", "--roi", "120,40,96"]) == 0
    assert capsys.readouterr().out.strip() == "HELLO"


def test_transcribe_reports_bad_input(tiny_model, tmp_path, capsys):
    assert transcribe_main([str(tmp_path / "none.avi"), "--model", str(tiny_model)]) == 2
    assert "not found" in capsys.readouterr().err
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"x")
    assert transcribe_main([str(tmp_path), "--model", str(bad)]) == 2
    assert "bad.pt" in capsys.readouterr().err
