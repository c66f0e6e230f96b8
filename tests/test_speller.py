import pytest

from asl_desktop.core.speller import Speller


def probs(label: str, confidence: float) -> dict[str, float]:
    """A frame's distribution: `label` at `confidence`, the rest spread over four others."""
    rest = {f"other{i}": (1 - confidence) / 4 for i in range(4)}
    return {**rest, label: confidence}


def feed(speller: Speller, signs, fps: float = 30.0, t0: float = 0.0):
    """signs: (label, confidence, seconds) segments at `fps` frames per second."""
    t = t0
    for label, conf, seconds in signs:
        for _ in range(int(round(seconds * fps))):
            speller.update(t, probs(label, conf))
            t += 1 / fps
    return t


def test_hello_with_a_hand_drop_between_the_l_s():
    s = Speller(hold=0.5)
    feed(s, [("H", 0.9, 1), ("E", 0.9, 1), ("L", 0.9, 1), ("nothing", 0.9, 0.5), ("L", 0.9, 1), ("O", 0.9, 1)])
    assert s.text == "HELLO"


def test_a_short_unsure_movement_re_arms_a_doubled_letter():
    """HELLO with only a natural movement between the L's: a few blurred, unsure frames."""
    s = Speller(hold=0.5)
    feed(s, [("H", 0.9, 1), ("E", 0.9, 1), ("L", 0.9, 1), ("blur", 0.3, 0.4), ("L", 0.9, 1), ("O", 0.9, 1)])
    assert s.text == "HELLO"


def test_a_one_frame_dip_neither_resets_the_hold_nor_doubles_the_letter():
    s = Speller(hold=0.6)
    t = feed(s, [("A", 0.9, 0.4), ("A", 0.1, 1 / 30), ("A", 0.9, 0.3)])
    assert s.text == "A"  # 0.7 s of A with a dip: committed, the hold was not restarted
    feed(s, [("A", 0.9, 0.03), ("A", 0.1, 1 / 30), ("A", 0.9, 2)], t0=t)
    assert s.text == "A"  # dips while still holding it do not commit it again


def test_holding_a_letter_commits_it_once():
    s = Speller(hold=0.5)
    feed(s, [("L", 0.9, 5)])
    assert s.text == "L"


def test_a_modest_but_steady_letter_commits():
    """Averaged probability decides: 0.55 every frame, clearly ahead of the rest, is a letter."""
    s = Speller(hold=0.5)
    feed(s, [("B", 0.55, 1)])
    assert s.text == "B"


def test_space_del_and_nothing():
    s = Speller(hold=0.4)
    feed(s, [("H", 0.9, 1), ("I", 0.9, 1), ("space", 0.9, 1), ("X", 0.9, 1), ("del", 0.9, 1),
             ("nothing", 0.95, 2), ("Y", 0.9, 1)])
    assert s.text == "HI Y"


def test_low_confidence_and_flicker_commit_nothing():
    s = Speller(hold=0.5, patience=0)  # no best guesses
    feed(s, [("A", 0.35, 3)])  # never clearly on top
    assert s.text == ""
    s = Speller(hold=0.5)
    feed(s, [("A", 0.25, 3)])  # on top, but under the floor for a best guess
    assert s.text == ""
    t = 0.0
    for i in range(120):  # a different letter every frame: the average has no clear winner
        s.update(t, probs("ABCD"[i % 4], 0.95))
        t += 1 / 30
    assert s.text == ""


def test_two_letters_close_together_are_not_clear_but_held_still_give_one_best_guess():
    s = Speller(hold=0.3)  # a guess after 1.3 x 0.3 s
    states = [s.update(i / 30, {"M": 0.48, "N": 0.42, "E": 0.1}) for i in range(11)]
    assert states[5].candidate is None  # a passing transition (0.2 s) shows no guess
    assert s.text == ""  # held for the clear hold time: not clear, nothing committed yet
    assert states[-1].candidate == "M" and not states[-1].sure and 0.5 < states[-1].progress < 1
    states = [s.update(i / 30, {"M": 0.48, "N": 0.42, "E": 0.1}) for i in range(11, 120)]
    assert s.text == "M" and [st.committed for st in states].count("M") == 1  # guessed once in 4 s
    assert s.transcript.evidence == [pytest.approx({"M": 0.48, "N": 0.42, "E": 0.1})]  # the alternatives, for autocorrect


def test_a_best_guess_needs_a_hand_and_a_letter_and_comes_again_only_after_another_sign():
    s = Speller(hold=0.3)
    unclear = {"P": 0.45, "Q": 0.4, "G": 0.15}
    t = 0.0
    for _ in range(60):  # no hand found (read from the picture): never a guess
        s.update(t, unclear, hand=False)
        t += 1 / 30
    assert s.text == ""
    for label in ("del", "space", "P"):
        for _ in range(60):
            s.update(t, {label: 0.45, "Q": 0.4, "G": 0.15})
            t += 1 / 30
    assert s.text == "P"  # del and space must be clear: only the letter is guessed
    for _ in range(60):  # still holding P: no second guess, however long ...
        s.update(t, unclear)
        t += 1 / 30
    for _ in range(30):  # ... nor a commit when it then reads clearly
        s.update(t, {"P": 0.9})
        t += 1 / 30
    assert s.text == "P"
    for label, n in (("Q", 30), ("P", 60)):  # Q on top for a moment, then P held again: PP (APPLE)
        for _ in range(n):
            s.update(t, {label: 0.45, "P" if label == "Q" else "Q": 0.4})
            t += 1 / 30
    assert s.text == "PQP"


def test_progress_fills_before_commit_and_hold_is_adjustable():
    s = Speller(hold=1.0)
    states = [s.update(i / 10, probs("C", 0.9)) for i in range(8)]
    assert s.text == "" and 0.5 < states[-1].progress < 1.0 and states[-1].candidate == "C"
    s.hold = 0.2
    s.update(0.8, probs("C", 0.9))
    assert s.text == "C"


def test_clear_and_backspace():
    s = Speller(hold=0.2)
    feed(s, [("A", 0.9, 1), ("B", 0.9, 1)])
    s.transcript.backspace()
    assert s.text == "A" and len(s.transcript.evidence) == 1
    s.transcript.clear()
    assert s.text == ""


def test_a_clear_letter_that_turns_unclear_while_held_is_not_guessed_again():
    s = Speller(hold=0.3)
    feed(s, [("L", 0.9, 0.6), ("L", 0.4, 3)])  # committed, then the light changes
    assert s.text == "L"


# --- settle: no hold; the hand's points say when it rests on a letter ------------------------------

def hand_at(x: float, rng, shape_seed: int = 0):
    """21 points of a 100 px hand at x, with a tremor of about a pixel."""
    import numpy as np
    shape = np.random.default_rng(shape_seed).uniform(0, 100, (21, 2))
    return shape + (x, 100) + rng.normal(0, 0.7, (21, 2))


def spell(speller: Speller, letters, rate: float, move: float = 0.1, fps: float = 30.0, bounce: bool = True):
    """Letters at `rate` a second: each settled 1/rate - move s, then `move` s of motion (the hand
    jumps 30 px a frame), a bounce between doubled letters; returns the commits' times."""
    import numpy as np
    rng, t, x, times = np.random.default_rng(0), 0.0, 0.0, []
    for label in letters:
        for _ in range(round((1 / rate - move) * fps)):
            state = speller.update(t, probs(label, 0.9), True, hand_at(x, rng, ord(label)))
            if state.committed:
                times.append(t)
            t += 1 / fps
        for _ in range(round(move * fps)):
            x += 30
            speller.update(t, probs(label, 0.9) if bounce else probs("other0", 0.5), True, hand_at(x, rng, ord(label)))
            t += 1 / fps
    return times


@pytest.mark.parametrize("rate", [1.0, 2.5, 4.0])
def test_a_fluent_pace_spells_every_letter_with_no_hold_soon_after_each_settles(rate):
    s = Speller(settle=True)
    times = spell(s, "HELLO", rate)
    assert s.text == "HELLO"  # the two L's: the move between them
    starts = [i / rate for i in range(5)]
    assert all(0 < t - start <= 0.2 for t, start in zip(times, starts))  # settle_time and a frame or two


def test_a_letter_held_still_commits_once_however_long():
    s = Speller(settle=True)
    spell(s, "A", rate=1 / 5)  # held 5 s
    assert s.text == "A"


def test_a_shape_that_never_reads_clearly_is_committed_as_a_best_guess_when_the_hand_moves_on():
    import numpy as np
    s = Speller(settle=True)
    rng = np.random.default_rng(0)
    t = 0.0
    for _ in range(9):  # 0.3 s on P against Q
        s.update(t, {"P": 0.45, "Q": 0.4, "other0": 0.15}, True, hand_at(0, rng))
        t += 1 / 30
    assert s.text == ""
    state = s.update(t, probs("other0", 0.5), True, hand_at(50, rng))  # it moves on
    assert state.committed == "P" and not state.sure and s.transcript.evidence[-1]["Q"] == pytest.approx(0.4)


def test_a_new_shape_reached_slowly_without_a_motion_is_a_new_letter():
    import numpy as np
    s = Speller(settle=True)
    rng = np.random.default_rng(0)
    t = 0.0
    for label in "UV":  # the hand does not move: only the fingers' reading changes
        for _ in range(15):
            s.update(t, probs(label, 0.9), True, hand_at(0, rng))
            t += 1 / 30
    assert s.text == "UV"


def test_frames_read_from_the_picture_keep_the_hold():
    s = Speller(hold=0.5, settle=True)
    feed(s, [("A", 0.9, 0.3)])
    assert s.text == ""
    feed(s, [("A", 0.9, 0.3)], t0=0.3)
    assert s.text == "A"


def test_a_pause_with_no_hand_in_view_ends_the_word():
    s = Speller(settle=True)
    t = spell(s, "HI", rate=2.5) and 1.0
    for i in range(30):  # 1 s with no hand
        state = s.update(t + i / 30, {"nothing": 0.9}, hand=False)
        assert not state.committed or (state.committed == "space" and i / 30 >= 0.5)
    assert s.text == "HI "
    for i in range(30):  # a longer pause adds nothing more
        s.update(t + 1 + i / 30, {"nothing": 0.9}, hand=False)
    assert s.text == "HI "


def test_letters_read_from_the_picture_alone_are_never_split_by_pauses():
    s = Speller(hold=0.4, settle=True)
    t = 0.0
    for label, seconds in (("H", 0.8), ("nothing", 1.0), ("I", 0.8)):  # no hand found, ever
        for _ in range(round(seconds * 30)):
            s.update(t, probs(label, 0.9), hand=False)
            t += 1 / 30
    assert s.text == "HI"


def test_a_held_letter_whose_points_twitch_commits_once_and_a_bounce_commits_it_again():
    import numpy as np
    s = Speller(settle=True)
    rng = np.random.default_rng(0)
    t = 0.0
    for i in range(60):  # 2 s of Q, the points jumping now and then (sideways hands), in place
        jump = 25 if i % 7 == 0 else 0
        s.update(t, probs("Q", 0.9), True, hand_at(jump, rng) if i % 7 else hand_at(0, rng) + rng.normal(0, 12, (21, 2)))
        t += 1 / 30
    assert s.text == "Q"
    for dy in (20, 40, 20, 0):  # a bounce: down by 0.4 of the hand and back
        s.update(t, probs("Q", 0.9), True, hand_at(0, rng) + (0, dy))
        t += 1 / 30
    for _ in range(10):
        s.update(t, probs("Q", 0.9), True, hand_at(0, rng))
        t += 1 / 30
    assert s.text == "QQ"


class FakeMotion:
    """Reads J once the hand has moved down by more than a hand's size over the window."""

    def read(self, points):
        drop = points[-1][:, 1].mean() - points[0][:, 1].mean()
        return ("J", 0.995) if drop > 120 else ("none", 0.99)


def test_j_by_its_motion_replaces_its_starting_shape_and_the_corners_it_passed():
    import numpy as np
    s = Speller(settle=True, motion=FakeMotion())
    rng = np.random.default_rng(0)
    t = 0.0
    for _ in range(12):  # I held: committed as I
        s.update(t, probs("I", 0.9), True, hand_at(0, rng, 1))
        t += 1 / 30
    assert s.text == "I"
    for k in range(1, 25):  # the little finger draws the J: the hand drops, pausing at a corner
        y = min(k, 8) * 8 + max(0, k - 14) * 8
        s.update(t, probs("I", 0.9), True, hand_at(0, rng, 1) + (0, y))
        t += 1 / 30
    assert s.text == "J"
    for _ in range(20):  # the end pose held: not a new I
        s.update(t, probs("I", 0.9), True, hand_at(0, rng, 1) + (0, y))
        t += 1 / 30
    assert s.text == "J"
