"""The near/far tie layout gives the contact pass what a walk over the contact lists gives."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from scs_sim import SocialCreditModel
from scs_sim.kernels import contact_layout, parallel
from scs_sim.kernels.contact_layout import FLAG_BITS, NEAR, ContactLayout, _merge, _seek, flag_count
from scs_sim.network import GENERATORS, SocialNetwork
from scs_sim.rules.contacts import contact_sum
from scs_sim.scenario import Scenario


def small_world(n: int, seed: int = 1, **params) -> SocialNetwork:
    scenario = Scenario(n_citizens=n, network="small_world", **params)
    src, dst, _ = GENERATORS["small_world"](scenario, np.random.default_rng(seed))
    return SocialNetwork(src, dst, n)


def both_passes(net: SocialNetwork, score: np.ndarray, restricted: np.ndarray) -> list:
    """(share, mean, moments) from the layout and from the contact lists, as copies."""
    out = []
    for use_layout in (True, False):
        net.use_layout = use_layout
        share = net.contact_pass(score, restricted, 650.0).copy()
        mean = net.primed_mean(score, 650.0).copy()
        out.append((share, mean, net._buffers["moments"].copy()))
    net.use_layout = True
    return out


def assert_same_pass(net: SocialNetwork, score: np.ndarray, restricted: np.ndarray) -> None:
    (share, mean, moments), (share_csr, mean_csr, moments_csr) = both_passes(net, score, restricted)
    np.testing.assert_array_equal(share, share_csr)
    np.testing.assert_array_equal(mean, mean_csr)
    np.testing.assert_array_equal(moments, moments_csr)


def retie_at_random(net: SocialNetwork, gen: np.random.Generator, changes: int) -> None:
    """Cut or re-point random active ties the way the tie review does, and tell the network."""
    adj = net.adjacency
    active = np.flatnonzero(adj.data > 0)
    slots = np.unique(gen.choice(active, size=min(changes, len(active)), replace=False))
    owners = net.edge_rows[slots]
    old = adj.indices[slots].copy()
    repoint = gen.random(len(slots)) < 0.5
    # Half of the new contacts are ring neighbours: duplicates of near ties must stay far.
    nearby = (owners + gen.integers(1, NEAR + 1, len(slots))) % net.n
    anywhere = gen.integers(0, net.n, len(slots))
    target = np.where(gen.random(len(slots)) < 0.5, nearby, anywhere).astype(adj.indices.dtype)
    repoint &= target != owners
    adj.indices[slots[repoint]] = target[repoint]
    adj.data[slots[~repoint]] = 0
    np.subtract.at(net.degree, owners[~repoint], 1)
    net.retied(slots, owners, old)


def assert_holds_active_ties(layout: ContactLayout, net: SocialNetwork) -> None:
    offsets = np.array([*range(-NEAR, 0), *range(1, NEAR + 1)])
    bits = (layout.mask[:, None] >> np.arange(2 * NEAR)) & 1
    near_owner, near_bit = np.nonzero(bits)
    owners = [near_owner]
    contacts = [near_owner + offsets[near_bit]]
    for slots, target, owner in (layout.far, layout.pending):
        owners.append(owner[target >= 0])
        contacts.append(target[target >= 0])
        # Each listed tie is its slot's tie in the contact lists.
        np.testing.assert_array_equal(
            net.adjacency.indices[slots[target >= 0]], target[target >= 0]
        )
    held = np.unique(np.stack([np.concatenate(owners), np.concatenate(contacts)]), axis=1)
    rows, cols = net.active_edges()
    np.testing.assert_array_equal(held, np.unique(np.stack([rows, cols]), axis=1))
    assert sum(len(o) for o in owners) == len(rows)


def random_state(n: int, gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    score = gen.uniform(350, 950, n).astype(np.float32)
    restricted = (gen.random(n) < 0.2).astype(np.uint8) * gen.integers(1, 8, n).astype(np.uint8)
    return score, restricted


def test_a_small_world_gets_a_layout_and_other_networks_do_not():
    assert small_world(2000).layout() is not None
    for name in ("scale_free", "communities"):
        params = Scenario(n_citizens=2000, network=name, minority_share=0.2)
        src, dst, _ = GENERATORS[name](params, np.random.default_rng(3))
        assert SocialNetwork(src, dst, 2000).layout() is None


def test_near_ties_are_bits_and_the_rest_are_listed_far():
    net = small_world(3000)
    layout = net.layout()
    near = int(np.unpackbits(layout.mask.view(np.uint8)).sum())
    assert near == int(np.unpackbits(layout.near_slot).sum())
    assert near + len(layout.far[0]) == int((net.adjacency.data > 0).sum())
    assert_holds_active_ties(layout, net)
    # Rewiring 10% of the lattice leaves about 80% of ties between ring neighbours.
    assert 0.7 < near / net.adjacency.nnz < 0.9
    assert np.all(np.diff(layout.far[0]) > 0)
    assert np.all(net.edge_rows[layout.far[0]] == layout.far[2])
    assert np.all(net.adjacency.indices[layout.far[0]] == layout.far[1])


@pytest.mark.parametrize("n", [12, 13, 40, 3000])
def test_pass_matches_the_contact_lists_bit_for_bit(n: int):
    gen = np.random.default_rng(n)
    net = small_world(n, rewiring=0.1)
    assert_same_pass(net, *random_state(n, gen))


def test_pass_still_matches_after_ties_are_cut_and_rewired(monkeypatch):
    # A small pending list, so that it is folded into the far list several times.
    monkeypatch.setattr(contact_layout, "PENDING_MIN", 50)
    gen = np.random.default_rng(5)
    n = 4000
    net = small_world(n)
    net.layout()
    far_lengths = set()
    for _ in range(12):
        retie_at_random(net, gen, 300)
        assert_same_pass(net, *random_state(n, gen))
        far_lengths.add(len(net.layout().far[0]))
    assert len(far_lengths) > 2  # merged more than once
    # What was kept up to date holds exactly the active ties.
    assert_holds_active_ties(net.layout(), net)


@pytest.mark.parametrize("threads", [1, 2])
def test_many_changes_at_once_are_followed_in_pieces(monkeypatch, threads: int):
    # Enough changes a step for every piece of the update, on threads when there are two.
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1_000)
    gen = np.random.default_rng(11)
    n = 20_000
    net = small_world(n)
    net.layout()
    before = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        for _ in range(3):
            retie_at_random(net, gen, parallel.PIECES * parallel.PIECE_MIN * 2)
            assert_same_pass(net, *random_state(n, gen))
    finally:
        numba.set_num_threads(before)
    assert_holds_active_ties(net.layout(), net)


def test_ties_changed_behind_the_networks_back_rebuild_the_layout():
    gen = np.random.default_rng(9)
    n = 2000
    net = small_world(n)
    before = net.layout()
    net.adjacency.data[::7] = 0
    net.degree[:] = np.add.reduceat(net.adjacency.data, net.adjacency.indptr[:-1])
    net.changed()
    assert net.layout() is not before
    assert_same_pass(net, *random_state(n, gen))


def test_a_run_with_the_layout_is_a_run_without_it():
    runs = []
    for use_layout in (True, False):
        model = SocialCreditModel("full-scs", rng=4, n_citizens=3000, tie_review_rate=0.3)
        model.network.use_layout = use_layout
        model.run(25)
        runs.append(model)
    assert runs[0].network.layout() is not None and runs[0].counters["ties_cut"] > 1000
    runs[1].network.use_layout = True
    np.testing.assert_array_equal(runs[0].population.state.score, runs[1].population.state.score)
    np.testing.assert_array_equal(
        runs[0].network.adjacency.indices, runs[1].network.adjacency.indices
    )
    a, b = (m.series().drop(columns="step") for m in runs)
    assert a.equals(b)


def test_merge_keeps_slot_order_and_drops_cut_ties():
    gen = np.random.default_rng(2)
    slots = np.sort(gen.choice(10**6, 20_000, replace=False))
    ours = np.sort(gen.choice(len(slots), 15_000, replace=False))
    first = (slots[ours], gen.integers(-1, 100, 15_000), gen.integers(0, 100, 15_000))
    other = np.setdiff1d(np.arange(len(slots)), ours)
    second = (slots[other], gen.integers(-1, 100, len(other)), gen.integers(0, 100, len(other)))
    arrays = [np.concatenate([a, b]) for a, b in zip(first, second, strict=True)]
    order = np.argsort(arrays[0])
    keep = arrays[1][order] >= 0
    expected = [a[order][keep] for a in arrays]
    for kernel in (_merge.serial, _merge.threaded):
        out = [np.full(len(slots) + 5, -7, dtype=a.dtype) for a in arrays]
        kept = kernel(10**6, *first, *second, *out)
        for got, want in zip(out, expected, strict=True):
            np.testing.assert_array_equal(got[:kept], want)
            assert np.all(got[kept:] == -7)


def test_seek_finds_what_searchsorted_finds_from_any_start():
    gen = np.random.default_rng(0)
    ordered = np.sort(gen.choice(10**6, 5000, replace=False))
    for key in gen.integers(-5, 10**6 + 5, 300):
        expected = np.searchsorted(ordered, key)
        for start in {0, max(0, expected - 1), expected, expected // 2}:
            assert _seek(ordered, key, start) == expected


def test_ties_already_cut_are_passed_over():
    gen = np.random.default_rng(4)
    n = 3000
    net = small_world(n)
    net.layout()
    retie_at_random(net, gen, 200)
    cut = np.flatnonzero(net.adjacency.data == 0)[:50]
    # Told again about ties that were already cut: nothing changes, nothing breaks.
    before = (net.layout().mask.copy(), *(a.copy() for a in net.layout().pending))
    net.retied(cut, net.edge_rows[cut], net.adjacency.indices[cut])
    np.testing.assert_array_equal(net.layout().mask, before[0])
    for got, want in zip(net.layout().pending, before[1:], strict=True):
        np.testing.assert_array_equal(got, want)
    assert_same_pass(net, *random_state(n, gen))


def layout_flag_counts(net: SocialNetwork, flags: np.ndarray) -> np.ndarray:
    """Each citizen's counts of active contacts with flag bits 0, 1, 2, from the layout."""
    packed = np.full(net.n, -1, dtype=np.int64)
    assert net.layout().count_flags(flags, packed)
    counts = np.empty((FLAG_BITS, net.n), dtype=np.int64)
    for bit in range(FLAG_BITS):
        counts[bit] = [flag_count(packed, i, bit) for i in range(net.n)]
    return counts


def csr_flag_counts(net: SocialNetwork, flags: np.ndarray) -> np.ndarray:
    """The same counts from a walk over the contact lists (the numpy rules' sums)."""
    sums = [contact_sum(net, (flags >> bit) & 1) for bit in range(FLAG_BITS)]
    return np.stack(sums).astype(np.int64)


def random_flags(n: int, gen: np.random.Generator) -> np.ndarray:
    # Bits above the third are not counted: some are set, to show they are ignored.
    return gen.integers(0, 16, n).astype(np.uint8) * (gen.random(n) < 0.6)


@pytest.mark.parametrize("n", [22, 23, 40, 3000])  # 22: the smallest with a layout here
def test_flag_counts_match_the_contact_lists(n: int):
    gen = np.random.default_rng(n + 1)
    net = small_world(n, rewiring=0.1)
    flags = random_flags(n, gen)
    np.testing.assert_array_equal(layout_flag_counts(net, flags), csr_flag_counts(net, flags))


def test_flag_counts_still_match_after_ties_are_cut_and_rewired(monkeypatch):
    monkeypatch.setattr(contact_layout, "PENDING_MIN", 50)
    gen = np.random.default_rng(6)
    n = 4000
    net = small_world(n)
    pending = []
    for _ in range(6):
        retie_at_random(net, gen, 300)
        pending.append(len(net.layout().pending[0]))
        flags = random_flags(n, gen)
        np.testing.assert_array_equal(layout_flag_counts(net, flags), csr_flag_counts(net, flags))
    assert max(pending) > 0  # some ties were counted from the pending list
    # Every flag on every contact: each count is the citizen's active degree.
    everything = np.full(n, 7, dtype=np.uint8)
    counts = layout_flag_counts(net, everything)
    for bit in range(FLAG_BITS):
        np.testing.assert_array_equal(counts[bit], net.degree.astype(np.int64))


def test_flag_counts_refuse_when_a_count_could_outgrow_its_field(monkeypatch):
    net = small_world(100)
    packed = np.full(100, -1, dtype=np.int64)
    monkeypatch.setattr(contact_layout, "FLAG_FIELD", 3)  # most_slots is 10 here
    assert not net.layout().count_flags(np.ones(100, dtype=np.uint8), packed)
    assert np.all(packed == -1)


@pytest.mark.parametrize("network", ["small_world", "scale_free"])
@pytest.mark.parametrize("field", [None, 3])
def test_support_kernel_with_and_without_a_layout_is_the_rule(
    monkeypatch, network: str, field: int | None
):
    # The support kernel counts contacts through the layout on a small world, and walks the
    # contact lists on a scale-free network or when counts could overflow (field 3 bits).
    if field is not None:
        monkeypatch.setattr(contact_layout, "FLAG_FIELD", field)
    model = SocialCreditModel(
        "full-scs", rng=2, n_citizens=3000, network=network, backend="numba",
        agent_views=False, tie_review_rate=0.3,
    )  # fmt: skip
    model.run(5)
    assert (model.network.layout() is not None) == (network == "small_world")
    state = model.population.state
    assert state.restricted.any() and state.debt.any() and model.counters["ties_cut"] > 0
    support = model.mechanism("support")
    before = state.support.copy()
    support.run(model, model.steps, "numba")
    by_kernel = state.support.copy()
    state.support[:] = before
    support.run(model, model.steps, "numpy")
    np.testing.assert_array_equal(by_kernel, state.support)
    assert not np.array_equal(by_kernel, before)


@pytest.mark.parametrize("threads", [1, 2])
def test_flag_counts_on_threads_are_the_serial_counts(monkeypatch, threads: int):
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1_000)
    gen = np.random.default_rng(12)
    n = 40_000  # several blocks of citizens
    net = small_world(n)
    retie_at_random(net, gen, 2_000)
    flags = random_flags(n, gen)
    before = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        counts = layout_flag_counts(net, flags)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(counts, csr_flag_counts(net, flags))
