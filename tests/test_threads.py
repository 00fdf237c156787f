"""Large populations step on several threads, and get exactly what one thread gets."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import fields

import numba
import numpy as np
import pandas as pd
import pytest

from scs_sim import SocialCreditModel
from scs_sim.kernels import parallel, ties

needs_two_threads = pytest.mark.skipif(
    numba.config.NUMBA_NUM_THREADS < 2, reason="numba has one thread on this machine"
)

# Three blocks of citizens, and more than one chunk of tie reviewers.
CITIZENS = 2 * parallel.BLOCK + 5_000


def run_with_threads(threads: int, scenario: str, steps: int) -> SocialCreditModel:
    before = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        model = SocialCreditModel(
            scenario, rng=3, n_citizens=CITIZENS, tie_review_rate=0.3, agent_views=False
        )
        model.run(steps)
    finally:
        numba.set_num_threads(before)
    return model


@pytest.fixture
def small_parallel_threshold(monkeypatch):
    """Let a test-sized population take the threaded kernels."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1_000)


@pytest.mark.slow  # 2 x 2 runs of 136,000 citizens: 45 s on 2 busy cores
@needs_two_threads
@pytest.mark.parametrize("scenario", ["full-scs", "minority"])
def test_threaded_run_equals_single_threaded_run(small_parallel_threshold, scenario):
    one = run_with_threads(1, scenario, steps=12)
    two = run_with_threads(2, scenario, steps=12)
    assert len(ties._decide.threaded.signatures) > 0, "the threaded kernels never ran"
    pd.testing.assert_frame_equal(one.series(), two.series(), check_exact=True)
    for field in fields(one.population.state):
        np.testing.assert_array_equal(
            getattr(one.population.state, field.name),
            getattr(two.population.state, field.name),
            err_msg=field.name,
        )
    np.testing.assert_array_equal(one.network.adjacency.indices, two.network.adjacency.indices)
    np.testing.assert_array_equal(one.network.adjacency.data, two.network.adjacency.data)
    assert one.counters == two.counters
    assert one.counters["ties_cut"] > 0, "no tie was cut: the review was not exercised"


@needs_two_threads
def test_only_large_populations_start_threads():
    assert not parallel.uses_threads(parallel.PARALLEL_MIN - 1)
    assert parallel.uses_threads(parallel.PARALLEL_MIN)
    before = numba.get_num_threads()
    numba.set_num_threads(1)  # how a sweep worker runs
    try:
        assert not parallel.uses_threads(10 * parallel.PARALLEL_MIN)
    finally:
        numba.set_num_threads(before)


def test_block_bounds_cover_every_citizen_once():
    for n in (1, parallel.BLOCK - 1, parallel.BLOCK, 3 * parallel.BLOCK + 7):
        covered = np.zeros(n, dtype=np.int64)
        for b in range(parallel.block_count(n)):
            first, last = parallel.block_bounds(b, n)
            covered[first:last] += 1
        assert (covered == 1).all()


def test_pieces_of_changed_ties_never_share_a_citizen_or_a_byte():
    gen = np.random.default_rng(2)
    slots = np.unique(gen.choice(200_000, 12_000, replace=False))
    owners = slots // 10  # ten slots a citizen, so neighbouring changes often share an owner
    for shift in (0, 3):
        start = parallel.tie_pieces(owners, slots, shift)
        assert start[0] == 0 and start[-1] == len(slots)
        assert len(start) == parallel.PIECES + 1 and np.all(np.diff(start) > 0)
        cut = start[1:-1]
        assert np.all(owners[cut] != owners[cut - 1])
        assert np.all(slots[cut] >> shift != slots[cut - 1] >> shift)
    short = slots[: parallel.PIECE_MIN]
    np.testing.assert_array_equal(parallel.tie_pieces(short // 10, short, 3), [0, len(short)])


def _step_in_child(_: int) -> float:
    model = SocialCreditModel("full-scs", rng=3, n_citizens=5_000, agent_views=False)
    model.run(2)
    return model.metrics["mean_score"]


@needs_two_threads
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_process_forked_after_threads_ran_still_steps(small_parallel_threshold):
    """GNU OpenMP aborts a forked child that starts threads again; the child runs serially."""
    expected = _step_in_child(0)  # with the small threshold: starts threads here
    assert parallel._threads_started_in == os.getpid()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        # Without the guard the child aborts and the pool waits for it forever.
        assert pool.map_async(_step_in_child, [0]).get(timeout=120) == [expected]


@parallel.citizen_kernel("flags")
def _negate_in_place(flags, kinds) -> None:
    for i in numba.prange(len(flags)):
        kinds[i] = flags[i] + 7
        flags[i] = flags[i] == 0


def test_boolean_arrays_reach_kernels_as_bytes_and_stay_booleans():
    flags = np.array([True, False, True, False])
    kinds = np.zeros(4, dtype=np.int64)
    _negate_in_place(flags, kinds)
    assert kinds.tolist() == [8, 7, 8, 7]  # read as the integers 1 and 0
    assert flags.dtype == np.bool_ and flags.tolist() == [False, True, False, True]
    (signature,) = _negate_in_place.serial.signatures
    assert signature[0] == numba.types.Array(numba.types.uint8, 1, "C")
