"""Docking with Mesa's Epstein example, on seeds the validation page does not use.

The page runs seeds 1-5 (report.PEER_SEEDS); these tests run 101-103. Relational
equivalence must hold (both models' dissent falls with the perceived probability of
sanction), and the two curves must stay within the gap the page explains.
"""

from __future__ import annotations

import numpy as np
import pytest

from scs_sim.validation import epstein
from scs_sim.validation.report import PEER_SEEDS, dock_with_peer

HELD_OUT = (101, 102, 103)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def curve() -> epstein.DockingCurve:
    assert not set(HELD_OUT) & set(PEER_SEEDS)
    return dock_with_peer(None, HELD_OUT, 1000)


def test_both_models_lose_dissent_as_the_perceived_probability_rises(curve):
    rho_peer, rho_ours = curve.rank_correlations()
    assert rho_peer <= -0.9 and rho_ours <= -0.9, (rho_peer, rho_ours)
    # the effect is large in both: from no enforcement to the highest density
    assert curve.peer_relative[-1] < 0.2 and curve.reduction_relative[-1] < 0.2


def test_the_curves_agree_where_the_probability_matters(curve):
    matters = curve.perceived_probability >= 0.2
    assert matters.sum() >= 3
    gap = np.abs(curve.peer_relative - curve.reduction_relative)
    assert gap[matters].max() < 0.1, gap
    # near P = 0 only the peer's dissent falls: jail removes the most aggrieved
    unseen = (curve.perceived_probability < 0.01) & (curve.cop_density > 0)
    assert np.all(curve.peer_jailed[unseen] > 0.05)
    assert np.all(curve.reduction_relative[unseen] > curve.peer_relative[unseen])


def test_peer_runs_are_reproducible():
    a = epstein.run_peer(0.04, 7)
    b = epstein.run_peer(0.04, 7)
    assert a == b
