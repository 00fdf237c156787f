"""Informants: some citizens report their contacts' critical posts to the authorities.

At the start a share ``informant_share`` of citizens become informants (unknown to
others). Each step an informant reports each active contact's expressed critical post
with probability ``report_rate``; a reported post counts as observed (it feeds the
online record and what the poster learns). Knowing informants exist among one's
contacts chills speech: a citizen with at least one informant contact holds back
with ``1 + informant_chill`` times the usual probability (capped at 1), through the
built-in multiplier ``population.rel.censor``.

    scs-sim run full-scs --plugin examples/plugins/informants.py --set informant_share=0.05
"""

from __future__ import annotations

import numpy as np

from scs_sim.plugins import Plugin, param

F = np.float32


def recruit(ctx) -> None:
    """Pick informants (set-up draws, lane 0) and chill their contacts' speech."""
    n = ctx.population.n
    informant = ctx.plugin_states["informant"]
    informant[:] = PLUGIN.draws(ctx, -1, np.arange(n)) < F(ctx.params.informant_share)
    adj = ctx.network.adjacency
    watched = np.zeros(n, bool)
    watched[ctx.network.edge_rows[informant[adj.indices] & (adj.data > 0)]] = True
    ctx.population.rel.censor[watched] *= F(1.0 + ctx.params.informant_chill)


def inform(ctx, step: int) -> None:
    """Informants report critical posts of their active contacts (a draw per tie slot)."""
    s, adj = ctx.population.state, ctx.network.adjacency
    owners = ctx.network.edge_rows
    slots = np.flatnonzero(
        ctx.plugin_states["informant"][owners] & (adj.data > 0) & s.expressed_critical[adj.indices]
    )
    reported = slots[PLUGIN.draws(ctx, step, slots) < F(ctx.params.report_rate)]
    was_reported = ctx.plugin_states["reported"]
    was_reported[:] = False
    was_reported[adj.indices[reported]] = True
    s.observed_critical |= was_reported


def _reported_share(ctx) -> float:
    critics = ctx.population.state.expressed_critical.sum()
    return float(ctx.plugin_states["reported"].sum() / critics) if critics else 0.0


PLUGIN = Plugin(
    name="informants",
    step=inform,
    after="expression",
    init=recruit,
    params={
        "informant_share": param(0.02, "Share of citizens who are informants.", ge=0, le=0.5),
        "report_rate": param(0.5, "Probability an informant reports a critical post.", ge=0, le=1),
        "informant_chill": param(
            1.0, "Extra self-censorship near an informant (multiplier - 1).", ge=0, le=10
        ),
    },
    states={"informant": np.bool_, "reported": np.bool_},
    metrics={"reported_critics_share": _reported_share},
)
