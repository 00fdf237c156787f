"""Issue 17, finding 2: citizens respond to what the score uses, the weights' shares.

Scaling every weight by a constant leaves every score the same (the scorer normalises);
beliefs and behaviour are now on the same scale, so the whole run is the same, bit for
bit. Seeds 730-732 (no other test uses them).
"""

from __future__ import annotations

import pandas as pd
import pytest

from scs_sim.loading import resolve_scenario
from scs_sim.model import SocialCreditModel

WEIGHTS = ("weight_donations", "weight_online", "weight_ties", "weight_credit")


def series(scenario: str, seed: int, factor: float, backend: str) -> pd.DataFrame:
    base = resolve_scenario(scenario, {"n_citizens": 600, "steps": 40})
    scaled = {k: getattr(base, k) * factor for k in WEIGHTS}
    params = resolve_scenario(scenario, {"n_citizens": 600, "steps": 40, **scaled})
    model = SocialCreditModel(params.model_dump(), rng=seed, agent_views=False, backend=backend)
    model.run(40)
    return model.series()


@pytest.mark.parametrize("scenario", ["full-scs", "minority"])
@pytest.mark.parametrize("seed", [730, 731, 732])
def test_scaling_all_weights_changes_nothing(scenario, seed):
    pd.testing.assert_frame_equal(
        series(scenario, seed, 1.0, "numpy"), series(scenario, seed, 0.5, "numpy")
    )


def test_scaling_all_weights_changes_nothing_on_numba():
    pd.testing.assert_frame_equal(
        series("full-scs", 730, 1.0, "numba"), series("full-scs", 730, 2.0, "numba")
    )


def test_a_share_still_matters():
    """Doubling one weight (its share rises, the others fall) changes the run."""
    base = series("full-scs", 730, 1.0, "numpy")
    params = resolve_scenario("full-scs", {"n_citizens": 600, "steps": 40, "weight_online": 0.6})
    model = SocialCreditModel(params.model_dump(), rng=730, agent_views=False)
    model.run(40)
    heavy = model.series()
    assert heavy["self_censorship_rate"].mean() > base["self_censorship_rate"].mean()
