"""docs/tradeoffs.md is what the code produces (regenerate: scs-sim tradeoff --doc)."""

from __future__ import annotations

import pytest

from scs_sim import tradeoff_report
from scs_sim.sweeps.execute import local_pool

pytestmark = pytest.mark.slow


def test_tradeoff_page_is_up_to_date(repo):
    with local_pool(2) as pool:
        table = tradeoff_report.compute(pool)
    diff = tradeoff_report.stale_diff(table, repo / tradeoff_report.DOC)
    assert not diff, "docs/tradeoffs.md is stale; run scs-sim tradeoff --doc\n" + "\n".join(
        diff[:30]
    )
