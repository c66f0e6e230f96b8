from asl_desktop.core.speller import Speller


def feed(speller: Speller, signs, fps: float = 10.0, t0: float = 0.0):
    """signs: (label, confidence, seconds) segments at `fps` frames per second."""
    t = t0
    for label, conf, seconds in signs:
        for _ in range(int(round(seconds * fps))):
            speller.update(t, label, conf)
            t += 1 / fps
    return t


def test_hello_with_double_l_needs_a_change_between():
    s = Speller(threshold=0.6, hold=0.5)
    feed(s, [("H", 0.9, 1), ("E", 0.9, 1), ("L", 0.9, 1), ("nothing", 0.9, 0.5), ("L", 0.9, 1), ("O", 0.9, 1)])
    assert s.text == "HELLO"


def test_holding_a_letter_commits_it_once():
    s = Speller(threshold=0.6, hold=0.5)
    feed(s, [("L", 0.9, 5)])
    assert s.text == "L"


def test_space_del_and_nothing():
    s = Speller(threshold=0.6, hold=0.4)
    feed(s, [("H", 0.9, 1), ("I", 0.9, 1), ("space", 0.9, 1), ("X", 0.9, 1), ("del", 0.9, 1),
             ("nothing", 0.95, 2), ("Y", 0.9, 1)])
    assert s.text == "HI Y"


def test_low_confidence_and_flicker_commit_nothing():
    s = Speller(threshold=0.6, hold=0.5)
    feed(s, [("A", 0.4, 3)])  # below threshold
    assert s.text == ""
    t = 0.0
    for i in range(40):  # a different letter every frame: no stable majority
        s.update(t, "ABCD"[i % 4], 0.95)
        t += 0.1
    assert s.text == ""


def test_single_stray_frame_does_not_reset_the_hold():
    s = Speller(threshold=0.6, hold=0.6, window=5)
    t = 0.0
    for i in range(12):
        s.update(t, "B" if i == 4 else "A", 0.9)  # one misread frame in the middle
        t += 0.1
    assert s.text == "A"


def test_progress_fills_before_commit_and_hold_is_adjustable():
    s = Speller(threshold=0.6, hold=1.0)
    states = [s.update(i / 10, "C", 0.9) for i in range(8)]
    assert s.text == "" and 0.5 < states[-1].progress < 1.0 and states[-1].candidate == "C"
    s.hold = 0.2
    s.update(0.8, "C", 0.9)
    assert s.text == "C"


def test_clear_and_backspace():
    s = Speller(hold=0.2)
    feed(s, [("A", 0.9, 1), ("B", 0.9, 1)])
    s.backspace()
    assert s.text == "A"
    s.clear()
    assert s.text == ""
