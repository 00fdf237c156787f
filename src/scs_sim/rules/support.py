"""Public support for the system, in numpy (kernel: scs_sim.kernels.support).

Each citizen holds a latent attitude (a logit-like scale with unit spread); it
supports the system when the attitude is above 0. At the start the attitudes are
normal around ``ndtri(initial_support)``, so that the survey's share supports it
(about 80%: Southern Metropolis Daily 2014, in the seed paper). Each step every
attitude moves (at ``learning_rate``) toward a target raised by perceived benefits
and lowered by perceived injustice and by knowing of repressive uses (Xu, Kostka
and Cao 2022: about 12 points less support once the repressive uses are explained).
Support feeds back into nothing else: it is an outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtri

from scs_sim.rules import F
from scs_sim.rules.contacts import contact_mean
from scs_sim.streams import counter_uniforms

if TYPE_CHECKING:
    from scs_sim.context import Context
    from scs_sim.scenario import Scenario
    from scs_sim.streams import RandomStreams


def predisposition(params: Scenario, streams: RandomStreams, n: int) -> np.ndarray:
    """Each citizen's attitude before any experience: ``ndtri(initial_support) + ndtri(u)``.

    ``u`` is the citizen's set-up draw (support, step -1): fixed for a seed, the same in
    every scenario, so a scenario and its control start from the same attitudes.
    """
    u = counter_uniforms(streams.key("support", -1), np.arange(n)).astype(np.float64)
    u = np.clip(u, 2.0**-25, 1.0 - 2.0**-25)
    return (ndtri(params.initial_support) + ndtri(u)).astype(F)


def predisposition_key(params: Scenario) -> tuple[str, float]:
    """Where :func:`predisposition` is kept in ``Population.derived``."""
    return ("support_predisposition", params.initial_support)


def cached_predisposition(ctx: Context) -> np.ndarray:
    """:func:`predisposition` for this model, computed once per ``initial_support``."""
    key = predisposition_key(ctx.params)
    derived = ctx.population.derived
    if key not in derived:
        derived[key] = predisposition(ctx.params, ctx.streams, ctx.population.n)
    return derived[key]


def judge(ctx: Context, step: int) -> None:
    """Move each citizen's support toward what it saw this step.

    ``benefit = perks - support_order * contacts' debt share`` (a red-list perk, and
    defaults around oneself: the "society of trust" the system promises);
    ``injustice = sanctioned + unjust + contacts sanctioned + transparency * contacts
    unjustly sanctioned`` (own restriction, own restriction one's conduct does not
    justify, shares of active contacts; ``transparency = 1 - min(1, opacity)``: unjust
    sanctions of others are seen for what they are when rules are published);
    ``target = predisposition + support_benefit * benefit - support_injustice * injustice``;
    ``support += learning_rate * (target - support)``. Knowing of repressive uses acts at
    once, not through experience (:func:`supporters`).
    """
    p, pop = ctx.params, ctx.population
    s = pop.state
    sanctioned = (s.restricted != 0).astype(F)
    unjust = ((s.restricted & ~s.justified) != 0).astype(F)
    seen = contact_mean(ctx.network, np.column_stack((sanctioned, unjust, s.debt)), 0.0)
    contacts_sanctioned, contacts_unjust, contacts_in_debt = seen.T
    transparency = F(1.0 - min(1.0, p.opacity))
    benefit = s.perks.astype(F) - F(p.support_order) * contacts_in_debt
    injustice = sanctioned + unjust + contacts_sanctioned + transparency * contacts_unjust
    target = cached_predisposition(ctx) + F(p.support_benefit) * benefit
    target = target - F(p.support_injustice) * injustice
    s.support[:] += F(p.learning_rate) * (target - s.support)


def supporters(ctx: Context) -> np.ndarray:
    """Who supports the system: ``support - repression_penalty * repression_known > 0``.

    Being told of repressive uses shifts every attitude at once (an information effect,
    as in the survey experiment), on top of what experience has done.
    """
    return (ctx.population.state.support - repression_shift(ctx.params)) > F(0)


def repression_shift(params: Scenario) -> np.float32:
    """How far knowing of repressive uses moves every attitude: ``repression_penalty`` or 0."""
    return F(params.repression_penalty if params.repression_known else 0.0)
