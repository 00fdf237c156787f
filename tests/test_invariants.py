"""Invariants that hold for any valid scenario (property-based, with hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scs_sim import SocialCreditModel
from scs_sim.metric_info import info
from scs_sim.population import KIND_BITS
from scs_sim.scenario import Scenario

unit = st.floats(0.0, 1.0, allow_nan=False)
scenarios = st.fixed_dictionaries(
    {
        "n_citizens": st.integers(10, 400),
        "network": st.sampled_from(["small_world", "scale_free", "communities"]),
        "mean_degree": st.integers(2, 12),
        "minority_share": st.floats(0.0, 0.5),
        "scoring": st.booleans(),
        "weight_donations": unit,
        "weight_online": unit,
        "weight_ties": unit,
        "weight_credit": unit,
        "share_online": st.booleans(),
        "surveillance": unit,
        "opacity": st.floats(0.0, 3.0),
        "record_error_rate": st.floats(0.0, 0.1),
        "violation_rate": st.floats(0.0, 0.2),
        "threshold_sanctions": st.booleans(),
        "flight_threshold": st.floats(350, 950),
        "rental_threshold": st.floats(350, 950),
        "blacklist": st.booleans(),
        "listing_delay": st.integers(0, 10),
        "enforcement_rate": unit,
        "blacklist_term": st.integers(1, 30),
        "appeals": st.booleans(),
        "tie_review_rate": unit,
        "rewire_share": unit,
    }
)


def allowed_bits(model: SocialCreditModel) -> np.ndarray:
    """Restrictions some rule allows for each citizen right now."""
    params, state = model.params, model.population.state
    bits = np.zeros(model.population.n, dtype=np.uint8)
    if params.threshold_sanctions and params.scoring:
        for kind, threshold in params.thresholds().items():
            bits[state.score < threshold] |= KIND_BITS[kind]
    if params.blacklist:
        joint = sum(KIND_BITS[k] for k, on in params.joint_punishment().items() if on)
        bits[state.listed] |= joint
    return bits


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=scenarios, seed=st.integers(0, 2**32 - 1))
def test_any_scenario_keeps_the_invariants(params: dict, seed: int):
    model = SocialCreditModel(Scenario(**params), rng=seed, agent_views=False)
    n = model.population.n
    for _ in range(8):
        model.step()
        state = model.population.state
        # scores stay in range, no NaN anywhere
        assert np.all((state.score >= 350) & (state.score <= 950))
        for name in ("score", "strain", "fear", "perceived_surveillance", "credit_record"):
            assert np.isfinite(getattr(state, name)).all(), name
        # no NaN, except the score figures while no score runs (they are NaN then)
        scored = model.params.scoring
        unscored = set() if scored else {k for k in model.metrics if info(k).score}
        assert all(np.isfinite(v) for k, v in model.metrics.items() if k not in unscored)
        assert all(np.isnan(model.metrics[k]) for k in unscored)
        # a citizen is sanctioned only if a rule says so
        assert not np.any(state.restricted & ~allowed_bits(model))
        assert not np.any(state.justified & ~state.restricted)
        # population counts are conserved
        assert model.population.n == n
        assert all(len(getattr(state, f)) == n for f in ("score", "listed", "restricted"))
        assert model.network.adjacency.shape == (n, n)
        # shares are shares
        for name, value in model.metrics.items():
            if name.endswith(("_share", "_rate")) or "_share_" in name:
                assert 0.0 <= value <= 1.0, (name, value)
        # ties are only ever cut or moved, never created
        assert model.network.adjacency.nnz == model.network.initial_ties
