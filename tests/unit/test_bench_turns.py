"""The api section's turns: every subject loads in every turn, and each goes first in one."""

from bench.sections.api import _rotated

SUBJECTS = ["shallot", "with a token", "sync", "4 threads", "peer"]


def test_each_subject_goes_first_in_a_turn_of_its_own_and_all_load_in_each():
    turns = [_rotated(SUBJECTS, turn) for turn in range(len(SUBJECTS))]
    assert [order[0] for order in turns] == SUBJECTS
    assert all(sorted(order) == sorted(SUBJECTS) for order in turns)
    assert _rotated(SUBJECTS, len(SUBJECTS)) == SUBJECTS
