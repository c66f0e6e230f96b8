"""Suggestions, autocorrect and its undo, from hand-made commit evidence."""

import math

import pytest

from asl_desktop.core.session import LiveSession
from asl_desktop.core.speller import Speller
from asl_desktop.core.words import (
    P_DROP,
    P_DROP_DOUBLE,
    P_SWAP,
    Vocabulary,
    add_user_word,
    autocorrect,
    channels,
    keeps_sure_letters,
    read_user_words,
    suggest,
)


@pytest.fixture(scope="module")
def english():
    return Vocabulary.english(user_words=[])


def clear(word: str, p: float = 0.85):
    """Evidence of a word whose every letter was committed clearly."""
    return [{c: p, "nothing": 1 - p} for c in word]


def words(suggestions):
    return [s.word for s in suggestions]


def test_helo_with_a_clear_e_suggests_hello_first(english):
    assert words(suggest(english, clear("HELO")))[0] == "HELLO"


@pytest.mark.parametrize("spelled, meant", [("WORL", "WORLD"), ("QUZ", "QUIZ"), ("APLE", "APPLE"),
                                            ("HELO", "HELLO"), ("TAHNK", "THANK")])
def test_a_dropped_doubled_or_swapped_letter_is_forgiven_at_word_end(english, spelled, meant):
    assert autocorrect(english, clear(spelled)) == meant


def test_words_of_every_length_are_scored_together_as_alone():
    """One pass over words of different lengths: each gets its own best alignment."""
    ev, clear_letter = clear("HELO"), math.log(0.85)
    got = channels(ev, ["HELLO", "HELO", "HE", "OLEH"], complete=False)
    assert got[0] == pytest.approx(4 * clear_letter + math.log(P_DROP_DOUBLE))  # the second L dropped
    assert got[1] == pytest.approx(4 * clear_letter)
    assert got[2] < got[1] and got[3] < got[0]
    assert channels(clear("TAHNK"), ["THANK"], False)[0] == pytest.approx(5 * clear_letter + math.log(P_SWAP))
    # still spelling: the letters after the last commit are free, the rest of HELP is not
    spelling = channels(ev[:3], ["HELLO", "HELP", "HOLE"], complete=True)
    assert spelling[0] == pytest.approx(3 * clear_letter)
    assert spelling[1] == pytest.approx(3 * clear_letter)
    assert spelling[2] < spelling[0] + math.log(P_DROP)


def test_the_model_s_second_guess_counts():
    """An unsure commit whose runner-up fits a word: the word wins over the literal letters."""
    v = Vocabulary({"CAT": 1000, "CUT": 1000, "COT": 500})
    unsure_a = [{"C": 0.9}, {"U": 0.45, "A": 0.42, "O": 0.1}, {"T": 0.9}]
    unsure_o = [{"C": 0.9}, {"U": 0.45, "O": 0.42, "A": 0.1}, {"T": 0.9}]
    assert words(suggest(v, unsure_a, complete=False))[:2] == ["CUT", "CAT"]
    assert words(suggest(v, unsure_o, complete=False))[:2] == ["CUT", "COT"]  # rarer, but the evidence backs it


def test_a_real_word_or_a_single_letter_is_left_alone_unless_another_is_far_more_likely(english):
    assert autocorrect(english, clear("SIGN")) is None
    assert autocorrect(english, clear("YOU")) is None
    assert autocorrect(english, clear("L")) is None  # an initial, not LA cut short


def test_user_words_rank_with_common_words(tmp_path):
    path = tmp_path / "words.txt"
    add_user_word("Ngaio", path)
    add_user_word("ngaio", path)  # once only
    assert read_user_words(path) == ["NGAIO"]
    v = Vocabulary.english(user_words=read_user_words(path))
    assert words(suggest(v, clear("NGAI")))[0] == "NGAIO"
    with pytest.raises(ValueError):
        add_user_word("no way", path)


def feed_word(session: LiveSession, word: str, t0: float = 0.0) -> float:
    """Commit each letter of `word` through the session's speller with clear frames."""
    t = t0
    for label in word:
        for _ in range(12):
            session.speller.update(t, {label: 0.9, "nothing": 0.1})
            t += 1 / 10
        for _ in range(4):
            session.speller.update(t, {"nothing": 0.9})
            t += 1 / 10
    return t


def test_autocorrect_on_space_and_backspace_undoes_it(english):
    session = LiveSession(Speller(hold=0.5), vocabulary=english)
    session.set_words(autocorrect=True)
    feed_word(session, "WORL")
    session.transcript.commit("space", {})
    assert session._correct_finished() == ("WORL", "WORLD")
    assert session.text == "WORLD "
    assert session.backspace() == "WORL "  # right after: the correction is undone
    assert session.backspace() == "WORL"   # then an ordinary backspace


def test_backspace_right_after_the_end_of_a_source_corrected_the_last_word_undoes_it(english):
    session = LiveSession(Speller(hold=0.5), vocabulary=english)
    session.set_words(autocorrect=True)
    feed_word(session, "HELO")
    assert session.finish_word() == ("HELO", "HELLO")  # the video ended mid-word
    assert session.text == "HELLO"
    assert session.backspace() == "HELO"  # the correction undone, not a letter deleted
    assert session.backspace() == "HEL"


def test_accepting_a_suggestion_replaces_the_word_being_spelled(english):
    session = LiveSession(Speller(hold=0.5), vocabulary=english)
    session.transcript.text = "SAY "
    feed_word(session, "HEL")
    assert session.speller.text == "SAY HEL" and session._suggest()[0] in ("HELP", "HELLO")
    assert session.accept("HELLO") == "SAY HELLO "
    assert session.backspace() == "SAY HEL"


def test_transcribe_autocorrect_turns_a_near_miss_into_the_word(tiny_model, tmp_path, capsys):
    from conftest import sign_frames, write_video

    from asl_desktop.transcribe import main as transcribe_main
    labels = ["nothing"] * 10 + [s for letter in "HELO" for s in [letter] * 16 + ["nothing"] * 6]
    video = write_video(tmp_path / "helo.avi", sign_frames(labels))
    assert transcribe_main([str(video), "--model", str(tiny_model), "--hold", "0.4", "--no-autocorrect"]) == 0
    assert capsys.readouterr().out.strip() == "HELO"
    assert transcribe_main([str(video), "--model", str(tiny_model), "--hold", "0.4"]) == 0  # on by default
    assert capsys.readouterr().out.strip() == "HELLO"


def test_a_new_source_starts_a_new_word(english):
    """Switching sources mid-word finishes the word (autocorrect applies) and adds a space; the
    last letter may start the next source's word at once."""
    session = LiveSession(Speller(hold=0.5), vocabulary=english)
    session.set_words(autocorrect=True)
    feed_word(session, "WORL")
    assert session.restart() == ("WORL", "WORLD")
    assert session.text == "WORLD "
    t = 0.0
    for _ in range(10):  # L held to its commit: without a pause, L is not committed again ...
        session.speller.update(t, {"L": 0.9})
        t += 0.1
    assert session.text == "WORLD L"
    assert session.restart() is None  # ... until a new source starts
    for _ in range(10):
        session.speller.update(t, {"L": 0.9})
        t += 0.1
    assert session.text == "WORLD L L"
    session.restart()
    assert session.text == "WORLD L L "  # one space, however often it is replayed


def test_a_new_source_s_word_starts_with_its_first_frame_in_order_with_the_frames(english):
    from types import SimpleNamespace

    import numpy as np
    session = LiveSession(Speller(hold=0.5), vocabulary=english)
    session.set_words(autocorrect=True)
    feed_word(session, "WORL")
    session.restart_with_next_frame()
    assert session.text == "WORL"  # a source that never sends a frame leaves the text alone
    prediction = SimpleNamespace(probs={"nothing": 1.0}, source="picture")
    session.recognizer = SimpleNamespace(
        process=lambda image, t: SimpleNamespace(prediction=prediction, points=None),
        forget_hand=lambda: None)
    step = session.process(np.zeros((8, 8, 3), np.uint8), 0.0)
    assert step.restarted and step.corrected == ("WORL", "WORLD") and step.text == "WORLD "
    assert not session.process(np.zeros((8, 8, 3), np.uint8), 0.1).restarted and session.text == "WORLD "


def test_an_own_words_file_that_is_not_utf8_keeps_its_good_lines(tmp_path):
    path = tmp_path / "words.txt"
    path.write_bytes(b"NGAIO\n\xff\xfe\xe9t\xe9\nTAMATI\n")  # Latin-1 bytes in the middle
    assert read_user_words(path) == ["NGAIO", "TAMATI"]


def test_autocorrect_never_drops_or_replaces_a_letter_read_clearly(english):
    sure = [{c: 0.97, "nothing": 0.03} for c in "ASL"]
    assert autocorrect(english, sure) is None  # ASL stays ASL, however likely AS is
    assert autocorrect(english, [{c: 0.97} for c in "WORL"]) == "WORLD"  # a missed commit is still added
    unsure = [*sure[:2], {"L": 0.55, "K": 0.3, "nothing": 0.15}]
    assert autocorrect(english, [{c: 0.97} for c in "HELO"]) == "HELLO"
    assert keeps_sure_letters(unsure, "AS") and not keeps_sure_letters(sure, "AS")


def test_suggestions_follow_the_word_after_a_backspace(english):
    session = LiveSession(Speller(hold=0.5), vocabulary=english)
    feed_word(session, "HELP")
    assert session._suggest()
    session.backspace()
    assert session.text == "HEL" and session.suggestions and all(w.startswith("HE") for w in session.suggestions)


@pytest.mark.parametrize("runner_up, meant", [("A", "THANK"), ("I", "THINK")])
def test_the_word_picks_among_near_letters_by_their_probabilities_and_its_frequency(english, runner_up, meant):
    """THQNK with the third letter unsure: its second guess and the words' frequencies decide."""
    evidence = clear("TH") + [{"Q": 0.5, runner_up: 0.45, "nothing": 0.05}] + clear("NK")
    assert autocorrect(english, evidence) == meant
    assert words(suggest(english, evidence, complete=False))[0] == meant


def test_a_huge_own_word_list_is_capped_and_cannot_crowd_english_out():
    import random
    import string

    from asl_desktop.core.words import MAX_USER_WORDS
    rng = random.Random(0)
    own = list(dict.fromkeys("".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(4, 8)))
                             for _ in range(MAX_USER_WORDS + 5000)))
    v = Vocabulary.english(user_words=own)
    assert v.user_words_left_out == len(own) - MAX_USER_WORDS and own[0] in v and own[-1] not in v
    assert words(suggest(v, clear("HEL")))[:3] == words(suggest(Vocabulary.english(user_words=[]), clear("HEL")))[:3]
    assert autocorrect(v, clear("HELO")) == "HELLO"
