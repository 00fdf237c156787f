"""The optimised step (fused numba kernels) against the package's numpy rules.

The rules (scs_sim.rules) write every mechanism the obvious way: whole-population
numpy arrays, eager draws for every citizen from the same counter-based streams,
scipy for contact sums. They share no code with the kernels except the streams'
vectorised hash. Every state array, counter and tie must be identical step after
step, bit for bit (float sums that the kernels split by block are split the same way).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from numba import njit

from scs_sim import SocialCreditModel, metrics
from scs_sim.kernels.expression import censoring_probability
from scs_sim.kernels.parallel import BLOCK
from scs_sim.network import GENERATORS, SocialNetwork
from scs_sim.scenario import Scenario
from scs_sim.scoring import (
    NEUTRAL_SCORE,
    SCORE_MAX,
    SCORE_MIN,
)
from scs_sim.streams import (
    RandomStreams,
    counter_choices,
    counter_gaps,
    counter_uniforms,
)

F = np.float32


# --------------------------------------------------------------------------- reference


def _contact_sum(model, values: np.ndarray) -> np.ndarray:
    adj = model.network.adjacency
    return sp.csr_matrix(
        (adj.data.astype(np.float64), adj.indices, adj.indptr), shape=adj.shape
    ) @ values.astype(np.float64)


def _degree(model) -> np.ndarray:
    adj, n = model.network.adjacency, model.population.n
    owners = np.repeat(np.arange(n), np.diff(adj.indptr))
    return np.bincount(owners, weights=adj.data, minlength=n).astype(F)


def _contact_mean(model, values: np.ndarray, default: float) -> np.ndarray:
    degree = _degree(model)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (_contact_sum(model, values) / degree).astype(F)
    return np.where(degree > 0, mean, F(default))


def reference_step(m) -> None:
    """One step of the model by the package's numpy rules (scs_sim.rules), mechanism by mechanism.

    The rules are the specification; this runs each mechanism's rule regardless of the
    model's backend (the same as ``SocialCreditModel(backend="numpy").step()``).
    """
    m.steps += 1
    t = m.steps
    m._apply_events(t)
    for mechanism in m.step_order:
        mechanism.rule(m, t)


def reference_assortativity(m) -> float:
    adj, score = m.network.adjacency, m.population.state.score.astype(np.float64)
    owners = np.repeat(np.arange(m.population.n), np.diff(adj.indptr))
    active = adj.data > 0
    return float(np.corrcoef(score[owners[active]], score[adj.indices[active]])[0, 1])


# --------------------------------------------------------------------------- comparisons

EXACT_STATE = (
    "wants_critical", "self_censored", "expressed_critical", "observed_critical", "donated",
    "performative", "debt", "false_record", "record_age", "listed", "listing_left",
    "listed_wrongly", "appeal_left", "restricted", "justified", "perks",
)  # fmt: skip
FLOAT_STATE = (
    "score", "donation_record", "online_record", "credit_record", "true_credit_record",
    "beliefs", "perceived_surveillance", "fear", "strain", "censor_probability",
)  # fmt: skip


def assert_same_state(fast, ref, step: int) -> None:
    for name in EXACT_STATE:
        a, b = getattr(fast.population.state, name), getattr(ref.population.state, name)
        assert np.array_equal(a, b), f"step {step}: {name} differs at {np.flatnonzero(a != b)[:5]}"
    for name in FLOAT_STATE:
        a, b = getattr(fast.population.state, name), getattr(ref.population.state, name)
        assert np.array_equal(a, b), f"step {step}: {name} differs at {np.flatnonzero(a != b)[:5]}"
    assert np.array_equal(fast.own_score, ref.own_score), f"step {step}: own-conduct score"
    fa, ra = fast.network.adjacency, ref.network.adjacency
    assert np.array_equal(fa.indices, ra.indices), f"step {step}: rewired ties differ"
    assert np.array_equal(fa.data, ra.data), f"step {step}: cut ties differ"
    assert np.array_equal(fast.network.degree, _degree(fast)), "incremental degree drifted"
    assert dict(fast.counters) == dict(ref.counters), f"step {step}: counters differ"


CASES = {
    "full-scs": ("full-scs", {}),
    "sesame": ("sesame", {}),
    "blacklist with appeals and errors": (
        "blacklist",
        {
            "appeals": True,
            "appeal_delay": 1,
            "record_error_rate": 0.02,
            "violation_rate": 0.01,
            "listing_delay": 0,
            "blacklist_term": 6,
        },
    ),
    "minority, scale free": (
        "minority",
        {"network": "scale_free", "tie_review_rate": 0.5, "low_score_visible": 650.0},
    ),
    "baseline": ("baseline", {}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_optimised_step_matches_reference(case: str):
    scenario, overrides = CASES[case]
    fast = SocialCreditModel(scenario, rng=3, n_citizens=1500, backend="numba", **overrides)
    ref = SocialCreditModel(scenario, rng=3, n_citizens=1500, backend="numpy", **overrides)
    for step in range(1, 25):
        fast.step()
        reference_step(ref)
        assert_same_state(fast, ref, step)
    if fast.params.scoring:
        assert fast.metrics["score_assortativity"] == pytest.approx(
            reference_assortativity(ref), abs=1e-9
        )


def test_optimised_step_matches_reference_over_several_blocks():
    # Kernels work block by block, each block's draws starting at its first citizen.
    n = 2 * BLOCK + 1_000
    fast = SocialCreditModel("full-scs", rng=5, n_citizens=n, agent_views=False, backend="numba")
    ref = SocialCreditModel("full-scs", rng=5, n_citizens=n, agent_views=False, backend="numpy")
    for step in range(1, 6):
        fast.step()
        reference_step(ref)
        assert_same_state(fast, ref, step)


def test_metrics_match_a_plain_numpy_computation():
    model = SocialCreditModel("minority", rng=4, n_citizens=2000)
    model.run(15)
    s, tr = model.population.state, model.population.traits
    got = metrics.compute_metrics(model)
    g1 = tr.group == 1
    sanctioned = s.restricted > 0
    assert got["mean_score"] == pytest.approx(s.score.mean(dtype=np.float64), rel=1e-12)
    assert got["mean_score_minority"] == pytest.approx(s.score[g1].mean(dtype=np.float64))
    assert got["self_censorship_rate_majority"] == pytest.approx(
        s.self_censored[~g1].sum() / s.wants_critical[~g1].sum()
    )
    assert got["sanctioned_share"] == sanctioned.mean()
    assert got["false_positive_share"] == pytest.approx(
        ((s.restricted & ~s.justified) != 0).sum() / sanctioned.sum()
    )
    assert got["score_gini"] == pytest.approx(metrics.gini_of_scores(s.score), abs=1e-12)
    assert got["expression_gap"] == pytest.approx(
        (tr.dissent * s.censor_probability).mean(dtype=np.float64), rel=1e-9
    )
    assert got["isolated_share"] == (model.network.degree == 0).mean()
    assert got["score_assortativity"] == pytest.approx(reference_assortativity(model), abs=1e-9)


def test_sampled_assortativity_is_used_when_scores_changed_since_the_contact_pass():
    model = SocialCreditModel("sesame", rng=5, n_citizens=3000)
    model.run(5)
    exact = metrics.score_assortativity(model)
    model.population.state.score[:10] += 1.0  # the moments no longer describe these scores
    assert model.network.score_assortativity(model.population.state.score) is None
    assert metrics.score_assortativity(model) == pytest.approx(exact, abs=0.02)


def test_primed_contact_means_expire_when_scores_or_ties_change():
    model = SocialCreditModel("sesame", rng=6, n_citizens=1000)
    model.run(3)
    net, score = model.network, model.population.state.score
    fresh = _contact_mean(model, score, NEUTRAL_SCORE)
    np.testing.assert_allclose(net.neighbour_mean(score, NEUTRAL_SCORE), fresh, rtol=1e-6)
    score[::7] = 400.0  # someone edits scores between steps
    np.testing.assert_allclose(
        net.neighbour_mean(score, NEUTRAL_SCORE), _contact_mean(model, score, NEUTRAL_SCORE),
        rtol=1e-6,
    )  # fmt: skip
    net.contact_pass(score, model.population.state.restricted, NEUTRAL_SCORE)
    net.cut(np.arange(0, net.adjacency.nnz, 5))
    np.testing.assert_allclose(
        net.neighbour_mean(score, NEUTRAL_SCORE), _contact_mean(model, score, NEUTRAL_SCORE),
        rtol=1e-6,
    )  # fmt: skip
    assert np.array_equal(net.degree, _degree(model))


@pytest.mark.parametrize("generator", ["small_world", "scale_free", "communities"])
def test_network_rows_match_scipys_coo_route(generator: str):
    params = Scenario(n_citizens=3000, network=generator, minority_share=0.2)
    src, dst, _ = GENERATORS[generator](params, np.random.default_rng(8))
    net = SocialNetwork(src, dst, params.n_citizens)
    keep = src != dst
    rows = np.concatenate([src[keep], dst[keep]])
    cols = np.concatenate([dst[keep], src[keep]])
    ref = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(3000, 3000))
    ref.sum_duplicates()
    ref.sort_indices()
    assert np.array_equal(net.adjacency.indptr, ref.indptr)
    assert np.array_equal(net.adjacency.indices, ref.indices)
    assert np.array_equal(net.degree, np.diff(ref.indptr).astype(np.float32))


def test_kernel_draws_equal_vectorised_draws():
    from numba import njit

    from scs_sim.kernels.draws import NEXT_DRAW, choice, gap, position, uniform, uniform_from

    @njit
    def draw_all(key, n, size, log_q):
        u = np.empty(n, np.float32)
        c = np.empty(n, np.int64)
        g = np.empty(n, np.int64)
        for i in range(n):
            u[i], c[i], g[i] = uniform(key, i), choice(key, i, size), gap(key, i, log_q)
        return u, c, g

    @njit
    def walk(key, first, n):
        u = np.empty(n, np.float32)
        at = position(key, first)
        for x in range(n):
            u[x] = uniform_from(at)
            at += NEXT_DRAW
        return u

    key = RandomStreams(99).key("posting", 4, 2)
    index = np.arange(50_000)
    u, c, g = draw_all(key, len(index), 37, np.log1p(-0.1))
    assert np.array_equal(u, counter_uniforms(key, index))
    assert np.array_equal(walk(key, 0, len(index)), u)
    assert np.array_equal(walk(key, 12_345, 1_000), u[12_345:13_345])
    assert np.array_equal(c, counter_choices(key, index, 37))
    assert np.array_equal(g, counter_gaps(key, index, np.log1p(-0.1)))


def test_counter_streams_have_the_right_distributions():
    streams = RandomStreams(2024)
    u = streams.uniform_at("violations", 7, np.arange(200_000))
    assert u.dtype == np.float32 and u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.003 and abs(u.var() - 1 / 12) < 0.002
    counts = np.histogram(u, bins=20, range=(0, 1))[0]
    assert ((counts - 10_000) ** 2 / 10_000).sum() < 50  # chi-square, 19 dof
    other = streams.uniform_at("violations", 8, np.arange(200_000))
    assert abs(np.corrcoef(u, other)[0, 1]) < 0.01  # steps are independent streams
    gaps = counter_gaps(streams.key("ties", 1), np.arange(100_000), np.log1p(-0.1))
    assert abs(gaps.mean() - 9.0) < 0.15  # geometric: (1 - p) / p failures between successes
    picks = counter_choices(streams.key("ties", 1, 3), np.arange(100_000), 7)
    assert set(np.unique(picks)) == set(range(7))


def test_metrics_memory_grows_with_steps_not_citizens():
    small = SocialCreditModel("full-scs", rng=1, n_citizens=200)
    large = SocialCreditModel("full-scs", rng=1, n_citizens=20_000, agent_views=False)
    for model in (small, large):
        model.run(4)
    for model in (small, large):
        collected = model.datacollector.model_vars
        assert all(len(v) == 5 for v in collected.values())  # step 0 plus 4 steps
        assert all(isinstance(x, float) for v in collected.values() for x in v)
    assert small.datacollector.model_vars.keys() == large.datacollector.model_vars.keys()


def test_memory_per_citizen_is_within_budget():
    model = SocialCreditModel("full-scs", rng=1, n_citizens=10_000, agent_views=False)
    assert model.population.nbytes() / model.population.n <= 150


@njit
def _censoring_probabilities(x: np.ndarray, out: np.ndarray) -> None:
    for i in range(len(x)):
        out[i] = censoring_probability(x[i])


def test_censoring_probability_is_libms_expm1_rounded_to_float32():
    gen = np.random.default_rng(5)
    x = np.concatenate(
        [
            -np.linspace(0.0, 30.0, 300_001, dtype=np.float32),
            -gen.exponential(1.0, 300_000).astype(np.float32),
            np.float32([0.0, -0.35, -0.3499999, -20.0, -20.5, -88.0, -1e-30]),
        ]
    )
    got = np.empty_like(x)
    _censoring_probabilities(x, got)
    expected = np.float32(-np.expm1(x.astype(np.float64)))
    ulps = np.abs(got.view(np.int32) - expected.view(np.int32))
    # Never more than one float32 step from libm; equal for 99.7% of these points (the
    # rest lie near 0, where a Taylor polynomial replaces expm1, as it always has here).
    assert ulps.max() <= 1
    assert (ulps == 0).mean() > 0.99
    assert ((got >= 0) & (got <= 1)).all()


def test_high_scorers_and_liable_bits_match_numpy():
    from scs_sim.kernels import parallel
    from scs_sim.kernels.ties import _at_least, _liabilities

    rng = np.random.default_rng(11)
    n = 2 * BLOCK + 13  # blocks, and a last byte of bits that is not full
    score = (SCORE_MIN + (SCORE_MAX - SCORE_MIN) * rng.random(n)).astype(F)
    listed = rng.random(n) < 0.05
    bits = np.empty((n + 7) // 8, dtype=np.uint8)
    counts = np.empty(parallel.block_count(n), dtype=np.int64)
    _liabilities(listed, score, F(550.0), F(750.0), bits, counts)
    assert np.array_equal(bits, np.packbits(listed | (score < F(550.0)), bitorder="little"))
    high = _at_least(score, F(750.0), counts, np.int32)
    assert high.dtype == np.int32
    assert np.array_equal(high, np.flatnonzero(score >= F(750.0)))
