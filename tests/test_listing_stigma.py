"""Issue 17, finding 4: a public listing drives withdrawal, with or without a score.

Court blacklist scenario (no score), seeds 720-725 (no other test uses them), 1000
citizens, 104 steps, paired runs on common random numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from scs_sim.validation.runs import Arm, Job, summarise

pytestmark = pytest.mark.slow  # effect sizes over seeds: validation, slow tier

SEEDS = tuple(range(720, 726))
BLACKLIST = Arm("blacklist", "blacklist")
NO_JOINT = Arm(
    "listing without joint punishment",
    "blacklist",
    tuple((f"joint_{k}", False) for k in ("flight", "rail", "visa", "rental")),
)


def ties_cut(arm: Arm) -> np.ndarray:
    return np.array([summarise(Job(arm.resolve(1000), s, 104))["ties_cut"] for s in SEEDS])


def test_court_blacklist_alone_cuts_ties():
    cut = ties_cut(BLACKLIST)
    assert (cut > 0).all(), cut
    no_stigma = ties_cut(Arm("no stigma", "blacklist", (("listing_stigma", 0.0),)))
    assert (no_stigma == 0).all(), no_stigma  # no score, no stigma: nobody withdraws


def test_joint_punishment_raises_tie_cutting():
    diff = ties_cut(BLACKLIST) - ties_cut(NO_JOINT)
    assert (diff > 0).all(), diff
    assert diff.mean() / diff.std(ddof=1) >= 0.8
