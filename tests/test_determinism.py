"""Reproducibility: seeds fix everything, and scenarios share their random numbers."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from scs_sim import SocialCreditModel
from scs_sim.streams import KEY_DOMAIN, MECHANISMS, RandomStreams


def run(scenario: str, seed: int, steps: int = 30, **kw) -> SocialCreditModel:
    model = SocialCreditModel(scenario, rng=seed, n_citizens=1500, **kw)
    model.run(steps)
    return model


def test_same_seed_gives_identical_series():
    a, b = run("full-scs", 7), run("full-scs", 7)
    pd.testing.assert_frame_equal(a.series(), b.series())
    np.testing.assert_array_equal(a.population.state.score, b.population.state.score)


def test_different_seed_gives_different_series():
    a, b = run("full-scs", 7), run("full-scs", 8)
    assert not a.series().equals(b.series())


def test_seed_as_digit_string_works_like_the_integer():
    a, b = run("sesame", 3, steps=5), run("sesame", "3", steps=5)
    pd.testing.assert_frame_equal(a.series(), b.series())


def test_network_generation_draws_from_the_model_rng():
    a = SocialCreditModel(rng=11, network="scale_free")
    b = SocialCreditModel(rng=11, network="scale_free")
    c = SocialCreditModel(rng=12, network="scale_free")
    assert (a.network.adjacency != b.network.adjacency).nnz == 0
    assert (a.network.adjacency != c.network.adjacency).nnz > 0


def test_baseline_and_sesame_share_network_and_traits():
    """Common random numbers: only the policy differs between two scenarios on one seed."""
    base = SocialCreditModel("baseline", rng=5, n_citizens=3000)
    sesame = SocialCreditModel("sesame", rng=5, n_citizens=3000)
    assert (base.network.adjacency != sesame.network.adjacency).nnz == 0
    for name in (
        "dissent",
        "risk_aversion",
        "charity",
        "income",
        "activity",
        "violation_proneness",
    ):
        np.testing.assert_array_equal(
            getattr(base.population.traits, name), getattr(sesame.population.traits, name)
        )


def test_shocks_are_shared_until_policies_diverge():
    """Violation draws are common: with no sanction feedback, the same citizens offend."""
    base = run("baseline", 9, steps=20)
    sesame = run("sesame", 9, steps=20, threshold_sanctions=False)
    assert base.counters["violations"] == sesame.counters["violations"]
    np.testing.assert_array_equal(base.population.state.debt, sesame.population.state.debt)


def test_stream_keys_are_the_documented_splitmix64_chain():
    # The key of (root, mechanism, step, lane), written out from the docstring's formula.
    m64 = (1 << 64) - 1

    def f(z):
        z = (z + 0x9E3779B97F4A7C15) & m64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m64
        return z ^ (z >> 31)

    # SplitMix64's published first output for seed 0 (state 0 + gamma).
    assert f(0) == 0xE220A8397B1DCDAF
    gen = np.random.default_rng(0)
    roots = [0, 1, 2**63 - 1] + [int(gen.integers(2**63)) for _ in range(50)]
    keys, coordinates = set(), set()
    for k, root in enumerate(roots):
        streams = RandomStreams(root)
        mechanism = MECHANISMS[k % len(MECHANISMS)]
        for step, lane in ((-1, 0), (0, 0), (k, k % 5), (2**32 - 1, 3)):
            crc = zlib.crc32(mechanism.encode())
            expected = f(f(f(f(root ^ KEY_DOMAIN) ^ crc) ^ (step + 1)) ^ (lane + 1))
            key = streams.key(mechanism, step, lane)
            assert type(key) is np.uint64 and key == expected, (root, mechanism, step, lane)
            keys.add(int(key))
            coordinates.add((root, mechanism, step, lane))
    assert len(keys) == len(coordinates)  # no two streams share a key


def test_neighbouring_streams_draw_independently():
    # Keys of adjacent steps and lanes must not give correlated draws.
    streams = RandomStreams(12345)
    index = np.arange(200_000)
    a = streams.uniform_at("posting", 7, index, 0)
    for other in (
        streams.uniform_at("posting", 8, index, 0),
        streams.uniform_at("posting", 7, index, 1),
    ):
        assert abs(np.corrcoef(a, other)[0, 1]) < 0.01
    assert abs(a.mean() - 0.5) < 0.005 and abs(a.var() - 1 / 12) < 0.002
