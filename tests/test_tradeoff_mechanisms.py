"""The trade-off mechanisms of issue 18, each on fresh seeds with an effect size.

Paired runs on common random numbers: a scenario with a mechanism on and off (or two
levels of it) on the same seed differ only through it. Seeds 800-899 are used by no
other test; each test names its own.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from scs_sim import SocialCreditModel

N = 3000
STEPS = 104


def series(scenario: str, seed: int, steps: int = STEPS, n: int = N, **params):
    model = SocialCreditModel(
        scenario, rng=seed, n_citizens=n, backend="numpy", agent_views=False, **params
    )
    model.run(steps)
    return model.series()


def paired(values_on: list[float], values_off: list[float]) -> tuple[float, float, float]:
    """Mean paired difference, Cohen's d_z (mean / sd of differences) and the t-test p-value."""
    diff = np.asarray(values_on) - np.asarray(values_off)
    d_z = diff.mean() / diff.std(ddof=1) if diff.std(ddof=1) > 0 else np.inf * np.sign(diff.mean())
    return float(diff.mean()), float(d_z), float(stats.ttest_1samp(diff, 0.0).pvalue)


# --- 1. deterrence

DETERRENCE_SEEDS = range(800, 810)


def test_deterrence_lowers_violations_under_the_blacklist():
    # Same citizens and shocks; only the believed expected sanction now deters.
    on = [series("blacklist", s, deterrence=10.0).violations.iloc[-1] for s in DETERRENCE_SEEDS]
    off = [series("blacklist", s).violations.iloc[-1] for s in DETERRENCE_SEEDS]
    diff, d_z, p = paired(on, off)
    assert diff < 0 and d_z < -1.0 and p < 0.01, (diff, d_z, p)
    assert np.mean(on) < 0.8 * np.mean(off)  # at least a fifth fewer violations


def test_deterrence_needs_a_sanction_to_fear():
    # Without any sanction path the expected sanction stays 0: deterrence changes nothing.
    on = series("baseline", 801, steps=52, deterrence=10.0)
    off = series("baseline", 801, steps=52)
    assert on.equals(off)


def test_violation_rate_is_new_violations_per_citizen_per_step():
    frame = series("blacklist", 802, steps=52, violation_rate=0.002)
    assert frame.violation_rate.iloc[0] == 0.0
    steps = frame.violations.diff().iloc[1:] / N
    assert np.allclose(frame.violation_rate.iloc[1:], steps)
    assert frame.violations.iloc[-1] > 0
