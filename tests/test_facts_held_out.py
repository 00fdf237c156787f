"""Every primary stylised fact re-tested on 20 seeds that the validation page does not use.

The page (docs/validation.md) runs seeds 1-20; its power column is estimated from those
same seeds. This is the honest check: the same comparisons on fresh seeds 501-520, same
population and steps, each required to hold (expected direction, one-sided paired
Wilcoxon p < 0.05) with a standardised effect size of at least 0.5.
"""

from __future__ import annotations

import pytest

from scs_sim.validation import facts
from scs_sim.validation.report import FACT_CITIZENS, FACT_SEEDS, FACT_STEPS, _summarise_jobs
from scs_sim.validation.runs import open_pool

HELD_OUT = tuple(range(501, 521))
PRIMARY = [c for c in facts.COMPARISONS if c.primary]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def summaries():
    assert not set(HELD_OUT) & set(FACT_SEEDS)
    arms = list(dict.fromkeys(a for c in PRIMARY for a in (c.control, c.treatment)))
    pool = open_pool(2)
    try:
        return _summarise_jobs(pool, arms, HELD_OUT, FACT_CITIZENS, FACT_STEPS)
    finally:
        if pool is not None:
            pool.shutdown()


@pytest.mark.parametrize("comparison", PRIMARY, ids=lambda c: f"{c.fact}-{c.metric}")
def test_primary_fact_holds_on_held_out_seeds(summaries, comparison):
    result = facts.evaluate(comparison, HELD_OUT, summaries)
    assert result.holds, (
        f"{comparison.label}: mean difference {result.difference.mean():.4g}, "
        f"{result.in_direction}/{len(HELD_OUT)} seeds, p = {result.p_value:.3g}"
    )
    assert result.effect_size >= 0.5, result.effect_size
