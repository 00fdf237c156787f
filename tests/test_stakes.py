"""Issue 17, finding 3: compliance responds to what the score buys and threatens.

Scored society (full-scs without events), paired runs on seeds 740-745 (no other test
uses them), 1000 citizens (4000 for the small material effect of perks), 104 steps.
"""

from __future__ import annotations

import numpy as np
import pytest

from scs_sim.validation.facts import society
from scs_sim.validation.runs import Arm, Job, summarise

pytestmark = pytest.mark.slow  # effect sizes over seeds: validation, slow tier

SEEDS = tuple(range(740, 746))


def paired(control: Arm, treatment: Arm, metric: str, n: int = 1000) -> np.ndarray:
    return np.array(
        [
            summarise(Job(treatment.resolve(n), s, 104))[metric]
            - summarise(Job(control.resolve(n), s, 104))[metric]
            for s in SEEDS
        ]
    )


def holds(diff: np.ndarray, sign: float) -> bool:
    diff = sign * diff
    return bool((diff > 0).all() and diff.mean() / diff.std(ddof=1) >= 0.8)


def test_a_score_without_consequences_buys_no_performance():
    base = society("scored society")
    toothless = society("no consequences", threshold_sanctions=False, blacklist=False)
    diff = paired(base, toothless, "performative_donation_rate")
    assert holds(diff, -1), diff
    only_list = society("blacklist only", threshold_sanctions=False)
    values = [summarise(Job(only_list.resolve(1000), s, 104)) for s in SEEDS]
    assert all(v["performative_donation_rate"] == 0 for v in values)  # a listing ignores it


def test_perk_threshold_matters_with_rewiring_off():
    """Perks shift the stakes (whom a donation helps) and the money (strain)."""
    high = society("perks at 700", rewire_share=0.0)
    low = society("perks at 600", rewire_share=0.0, perk_threshold=600.0)
    assert holds(paired(high, low, "performative_donation_rate"), -1)
    assert holds(paired(high, low, "sanctioned_share"), +1)


def test_perks_relieve_strain_and_so_debts():
    none = society("no perk relief", rewire_share=0.0, perk_relief=0.0)
    some = society("perk relief 0.3", rewire_share=0.0, perk_relief=0.3)
    assert holds(paired(none, some, "violations", n=4000), -1)
