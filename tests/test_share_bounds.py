"""Work shared out between processes is cut into consecutive ranges of about equal weight, and
runs where it is asked to."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from validator.parallel_load import in_forked_shares, share_bounds


def test_shares_are_cut_by_weight_not_by_count() -> None:
    # Many light files, then a few heavy ones: equal counts would give one process nearly all.
    assert share_bounds([1] * 12 + [6, 6], 2) == [(0, 12), (12, 14)]
    assert share_bounds([1, 2, 3, 4, 5, 6], 2) == [(0, 4), (4, 6)]
    assert share_bounds([1, 1, 1, 1, 10], 2) == [(0, 4), (4, 5)]
    assert share_bounds([3] * 4, 4) == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_fewer_items_than_shares_gives_one_share_each() -> None:
    assert share_bounds([5], 2) == [(0, 1)]
    assert share_bounds([0, 0, 0], 8) == [(0, 1), (1, 2), (2, 3)]
    assert share_bounds([], 2) == []


@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=60), st.integers(1, 9))
def test_shares_cover_every_item_once_and_none_is_far_above_its_part(
    weights: list[int], shares: int
) -> None:
    bounds = share_bounds(weights, shares)
    assert [i for start, stop in bounds for i in range(start, stop)] == list(range(len(weights)))
    assert all(start < stop for start, stop in bounds)
    assert len(bounds) <= shares
    heaviest = max((max(1, w) for w in weights), default=0)
    part = sum(max(1, w) for w in weights) / shares
    for start, stop in bounds:
        assert sum(max(1, w) for w in weights[start:stop]) <= part + heaviest


def test_work_shared_out_without_this_process_runs_only_in_workers() -> None:
    def who(start: int, stop: int) -> list[tuple[int, int]]:
        return [(os.getpid(), item) for item in range(start, stop)]

    here = in_forked_shares(10, 1, who)
    assert here is not None
    assert [item for _, done in here for _, item in done or ()] == list(range(10))
    assert {pid for pid, _ in here[0][1] or ()} == {os.getpid()}
    assert os.getpid() not in {pid for pid, _ in here[1][1] or ()}
    away = in_forked_shares(10, 1, who, here=False)
    # In smaller shares, which the two workers take in turn.
    assert away is not None and len(away) == 10
    assert [item for _, done in away for _, item in done or ()] == list(range(10))
    assert os.getpid() not in {pid for _, done in away for pid, _ in done or ()}


def test_shares_a_lost_worker_took_are_done_again_by_workers(tmp_path: Path) -> None:
    lost_once = tmp_path / "lost-once"

    def dies_once(start: int, stop: int) -> list[tuple[int, int]]:
        if start == 0 and not lost_once.exists():
            lost_once.touch()
            os._exit(1)  # as the memory killer would stop it
        return [(os.getpid(), item) for item in range(start, stop)]

    away = in_forked_shares(40, 1, dies_once, here=False)
    assert lost_once.exists() and away is not None
    assert [item for _, done in away for _, item in done or ()] == list(range(40))
    assert os.getpid() not in {pid for _, done in away for pid, _ in done or ()}
