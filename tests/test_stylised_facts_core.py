"""Stylised facts the core model must show, across several seeds (paired by seed)."""

from __future__ import annotations

import numpy as np

from scs_sim import SocialCreditModel

SEEDS = range(5)


def final(scenario: str, seed: int, steps: int = 40, **kw) -> dict[str, float]:
    model = SocialCreditModel(scenario, rng=seed, n_citizens=2000, agent_views=False, **kw)
    model.run(steps)
    return model.metrics


def paired(metric: str, low: dict, high: dict, scenario: str = "sesame") -> np.ndarray:
    return np.array(
        [final(scenario, s, **high)[metric] - final(scenario, s, **low)[metric] for s in SEEDS]
    )


def test_more_surveillance_gives_more_self_censorship():
    diff = paired("self_censorship_rate", {"surveillance": 0.1}, {"surveillance": 0.7})
    # every seed agrees, and the mean effect is large
    assert np.all(diff > 0), diff
    assert diff.mean() > 0.1, diff


def test_ties_weight_gives_more_ties_cut_and_assortativity():
    cut = paired("ties_cut", {"weight_ties": 0.0}, {"weight_ties": 0.3})
    assort = paired("score_assortativity", {"weight_ties": 0.0}, {"weight_ties": 0.3})
    assert np.all(cut > 0), cut
    assert np.all(assort > 0), assort


def test_baseline_shows_no_sanction_driven_self_censorship():
    for seed in SEEDS:
        metrics = final("baseline", seed)
        assert metrics["self_censorship_rate"] == 0.0
        assert metrics["expression_gap"] == 0.0
        assert metrics["sanctioned_share"] == 0.0
