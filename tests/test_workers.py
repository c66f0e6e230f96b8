"""The frame slot, the worker thread and the capture worker on their own (no window)."""

import threading

import numpy as np
import pytest
from conftest import sign_frames, write_video
from PySide6.QtCore import QObject, Signal, Slot

from asl_desktop.core.frames import Frame
from asl_desktop.threads import WorkerThread
from asl_desktop.workers import CaptureWorker, FrameSlot


def frame(i: int) -> Frame:
    return Frame(np.full((4, 4, 3), i, np.uint8), i / 10, i)


def test_the_slot_holds_only_the_newest_frame_and_numbers_each():
    slot = FrameSlot()
    assert slot.take_newer(0) == (None, 0)
    assert slot.put(frame(0)) == 1 and slot.put(frame(1)) == 2
    taken, seq = slot.take_newer(0)
    assert seq == 2 and taken.index == 1  # the older frame was never handed out
    assert slot.take_newer(seq) == (None, seq)  # nothing newer yet


def test_a_writer_waits_until_the_reader_is_done_or_told_to_stop():
    slot, stop = FrameSlot(), threading.Event()
    seq = slot.put(frame(0))
    waited = threading.Event()
    writer = threading.Thread(target=lambda: (slot.wait_done(seq, stop), waited.set()))
    writer.start()
    assert not waited.wait(0.2)  # the reader has not finished with it
    slot.done(seq)
    assert waited.wait(5)
    writer.join()
    seq = slot.put(frame(1))
    stop.set()
    slot.wait_done(seq, stop)  # returns at once: stopping ends the wait


class Echo(QObject):
    said = Signal(str, object)

    @Slot()
    def hello(self):
        self.said.emit("started", QObject.thread(self))


def test_a_worker_thread_runs_its_worker_off_the_gui_thread_and_stops(qtbot):
    echo = Echo()
    with qtbot.waitSignal(echo.said, timeout=5000) as said:
        worker = WorkerThread(echo, "echo", on_start=echo.hello)
    assert said.args[0] == "started" and said.args[1] is worker.thread
    assert worker.thread.objectName() == "echo" and worker.thread.isRunning()
    worker.stop()
    assert worker.thread.isFinished()


@pytest.fixture
def capture(qtbot):
    running = []

    def start(spec, slot):
        worker = CaptureWorker(spec, slot)
        running.append(WorkerThread(worker, "capture", on_start=worker.run))
        return worker
    yield start
    for thread in running:
        thread.worker.stop()
        thread.stop()


def test_the_capture_worker_hands_a_file_over_frame_by_frame_then_says_it_ended(qtbot, tmp_path):
    video = write_video(tmp_path / "v.avi", sign_frames(["H"] * 12), fps=200.0)
    slot, seen = FrameSlot(), []
    reader_seq = [0]

    def read():  # the inference worker's part: take the newest, say it is done
        taken, reader_seq[0] = slot.take_newer(reader_seq[0])
        if taken is not None:
            seen.append(taken.index)
            slot.done(reader_seq[0])
    worker = CaptureWorker(str(video), slot)
    worker.frame_ready.connect(read)
    opened = qtbot.waitSignal(worker.opened, timeout=5000)
    with qtbot.waitSignal(worker.ended, timeout=10000) as ended:
        capture_thread = WorkerThread(worker, "capture", on_start=worker.run)
    try:
        opened.wait()
        assert opened.args == ["v.avi", 96, 96]
        assert ended.args == ["End of v.avi"]
        assert seen == list(range(12))  # none skipped, in order
    finally:
        worker.stop()
        capture_thread.stop()


def test_the_capture_worker_says_what_is_wrong_with_a_file_it_cannot_play(qtbot, tmp_path):
    bad = tmp_path / "not-a-video.avi"
    bad.write_bytes(b"nothing playable")
    slot = FrameSlot()
    worker = CaptureWorker(str(bad), slot)
    with qtbot.waitSignal(worker.problem, timeout=5000) as problem:
        thread = WorkerThread(worker, "capture", on_start=worker.run)
    thread.stop()  # a bad file is not retried: the loop has returned
    assert "Cannot read video file not-a-video.avi" in problem.args[0]
    assert slot.take_newer(0) == (None, 0)


def test_a_missing_camera_is_retried_until_the_worker_is_stopped(qtbot, capture):
    worker = capture("63", FrameSlot())
    problems = []
    worker.problem.connect(problems.append)
    qtbot.waitUntil(lambda: len(problems) >= 2, timeout=10000)  # tried again after a pause
    assert all("No camera found at index 63" in p and "retrying" in p for p in problems)
