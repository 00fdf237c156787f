"""Stylised facts hold across seeds, and the reduced model matches its closed form.

The runs are those of docs/validation.md (20 seeds, 1,000 citizens, 104 steps),
computed once per test session by :func:`scs_sim.validation.report.shared_results`.
Each primary comparison must hold with a one-sided paired Wilcoxon test at
p < 0.05 (facts.ALPHA) and the mean paired difference in the expected direction.
"""

from __future__ import annotations

import numpy as np
import pytest

from scs_sim.validation import docking, facts
from scs_sim.validation.report import FACT_SEEDS, shared_results

pytestmark = pytest.mark.slow  # twenty seeds of 1,000 citizens over 104 steps

PRIMARY = [c for c in facts.COMPARISONS if c.primary]


@pytest.fixture(scope="module")
def results():
    return shared_results(2)


def test_every_stylised_fact_has_a_primary_comparison_over_twenty_seeds():
    assert {c.fact for c in PRIMARY} == set(facts.FACTS)
    assert len(FACT_SEEDS) >= 20


@pytest.mark.parametrize("comparison", PRIMARY, ids=lambda c: f"{c.fact}-{c.metric}")
def test_primary_facts_are_powered(results, comparison):
    result = next(r for r in results.comparisons if r.comparison == comparison)
    assert result.power() >= facts.TARGET_POWER, (comparison.label, result.power())


def test_power_is_low_for_a_weak_effect_and_high_for_a_strong_one():
    seeds = tuple(range(10))
    weak = facts.ComparisonResult(
        PRIMARY[0], seeds, np.zeros(10), np.array([1.0, -1.0] * 5) * 0.1, 0.5, 5
    )
    strong = facts.ComparisonResult(
        PRIMARY[0], seeds, np.zeros(10), np.linspace(1, 2, 10), 0.001, 10
    )
    assert weak.power() < 0.3 < 0.9 < strong.power()
    assert abs(weak.effect_size) < 0.2 and strong.effect_size > 3


@pytest.mark.parametrize("comparison", PRIMARY, ids=lambda c: f"{c.fact}-{c.metric}")
def test_stylised_fact_holds_across_seeds(results, comparison):
    result = next(r for r in results.comparisons if r.comparison == comparison)
    assert len(result.seeds) >= 20
    assert result.holds, (
        f"{comparison.label}: expected {comparison.expect}, mean difference "
        f"{result.difference.mean():.4g}, {result.in_direction}/{len(result.seeds)} seeds, "
        f"p = {result.p_value:.3g}"
    )


def test_paired_test_rejects_no_effect_and_the_wrong_direction():
    control = np.linspace(0.1, 0.2, 10)
    assert facts.paired_test(control, control, "higher") == (1.0, 0)
    p_up, k_up = facts.paired_test(control, control + 0.05, "higher")
    assert k_up == 10 and p_up < facts.ALPHA
    p_down, k_down = facts.paired_test(control, control + 0.05, "lower")
    assert k_down == 0 and p_down > 0.5


def test_docking_active_dissent_falls_as_expected_sanction_rises(results):
    points = results.docking_points
    active = results.docking_active.mean(axis=1)
    for sweep in ("probability", "severity"):
        along = np.array([a for p, a in zip(points, active, strict=True) if p.sweep == sweep])
        assert docking.is_decreasing(along), f"{sweep} sweep: {along}"
        assert along[0] - along[-1] > 0.5  # a strong deterrence effect, not a flat line
    # Only probability x severity matters: equal E from either sweep gives equal dissent,
    # and both follow the closed form E[exp(-k RA E)] up to sampling error.
    for p, a in zip(points, active, strict=True):
        assert abs(a - docking.closed_form_active_share(p.expected_sanction)) < 0.02
