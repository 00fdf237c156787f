"""The per-step tallies behind the metrics, in numpy (kernel: scs_sim.kernels.metrics).

Per block of BLOCK citizens: counts per group (citizens, self-censored, wanting to
be critical, listed, travel-banned, sanctioned, falsely sanctioned) and score totals;
population totals (expression gap ``sum dissent * censor_probability``, donors,
performative donors, visa and rental restrictions, perks, active degree, isolates,
perceived surveillance, debtors); a histogram of scores by whole point. Float totals
are added in citizen order within a block, as the kernel adds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.kernels.parallel import BLOCK
from scs_sim.population import RENTAL, TRAVEL, VISA
from scs_sim.scoring import SCORE_MAX, SCORE_MIN

if TYPE_CHECKING:
    from scs_sim.context import Context


def _ordered_sum(values: np.ndarray) -> float:
    return float(np.cumsum(values.astype(np.float64))[-1]) if len(values) else 0.0


def tally_blocks(ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tallies by group (2 x 8), population totals (10) and the score histogram."""
    s, tr, n = ctx.population.state, ctx.population.traits, ctx.population.n
    degree = ctx.network.degree
    bins = int(SCORE_MAX - SCORE_MIN) + 1
    starts = range(0, n, BLOCK)
    by_group = np.empty((len(starts), 2, 8))
    total = np.empty((len(starts), 10))
    histogram = np.empty((len(starts), bins), dtype=np.int64)
    for b, lo in enumerate(starts):
        sl = slice(lo, min(n, lo + BLOCK))
        g1 = tr.group[sl] == 1
        r = s.restricted[sl]
        flags = (
            np.ones(len(g1), bool),
            None,
            s.self_censored[sl],
            s.wants_critical[sl],
            s.listed[sl],
            (r & TRAVEL) != 0,
            r != 0,
            (r & ~s.justified[sl]) != 0,
        )
        for column, flag in enumerate(flags):
            if flag is not None:
                everyone, group1 = int(flag.sum()), int((flag & g1).sum())
                by_group[b, 1, column] = group1
                by_group[b, 0, column] = everyone - group1
        score = s.score[sl].astype(np.float64)
        by_group[b, 0, 1] = score[~g1].sum()  # exact in any order (multiples of 2^-15)
        by_group[b, 1, 1] = score[g1].sum()
        total[b] = (
            _ordered_sum(tr.dissent[sl] * s.censor_probability[sl]),
            s.donated[sl].sum(),
            s.performative[sl].sum(),
            ((r & VISA) != 0).sum(),
            ((r & RENTAL) != 0).sum(),
            s.perks[sl].sum(),
            degree[sl].astype(np.float64).sum(),
            (degree[sl] == 0).sum(),
            _ordered_sum(s.perceived_surveillance[sl]),
            s.debt[sl].sum(),
        )
        points = np.rint(s.score[sl] - np.float32(SCORE_MIN)).astype(np.int64)
        histogram[b] = np.bincount(np.clip(points, 0, bins - 1), minlength=bins)
    return by_group.sum(axis=0), total.sum(axis=0), histogram.sum(axis=0)
