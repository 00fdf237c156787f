"""Posting, self-censorship and surveillance, in numpy (kernel: scs_sim.kernels.expression)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from scs_sim.rules import F, draws
from scs_sim.scoring import points_per_unit

if TYPE_CHECKING:
    from scs_sim.context import Context
    from scs_sim.scenario import Scenario

ONLINE = 1  # column of the online weight in beliefs (DATA_SOURCES order)


def post_penalty(record_memory: float, online_scale: float, per_unit: float) -> float:
    """Score points (per 100) that one observed critical post costs at a weight share of 1.

    ``online_scale * (1 - record_memory)`` is the post's cut in the online component;
    ``per_unit`` the score points per unit of the weighted components
    (:func:`scs_sim.scoring.points_per_unit`).
    """
    return online_scale * (1.0 - record_memory) * per_unit / 100.0


def believed_post_penalty(ctx: Context) -> float:
    """This run's :func:`post_penalty` (0 before the scorecard is fitted)."""
    p = ctx.params
    return post_penalty(p.record_memory, p.online_scale, points_per_unit(ctx))


def fear_weight(ctx: Context) -> float:
    """Cost per unit of fear: under published rules citizens know why a contact was sanctioned.

    Under opaque ones any sanction nearby might be for speech, so fear deters posts
    in proportion to opacity.
    """
    return ctx.params.fear_weight * min(1.0, ctx.params.opacity)


_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_FLOOR = -20.0
_EXP_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(11, -1, -1))


def censoring_probability(x: np.ndarray) -> np.ndarray:
    """``1 - exp(x)`` for ``x <= 0`` (float32 in, float32 out): ``-expm1(x)`` to within an ulp.

    The same float64 operations as the kernel's inline helper, so the same bits: a
    Taylor polynomial near 0 (|x| < 0.35), else exp by range reduction (x = k ln 2 + r,
    a degree-11 polynomial in r, times 2**k) with x clamped at -20.
    """
    y = x.astype(np.float64)
    near = y * (
        1.0 + y * (0.5 + y * (1 / 6 + y * (1 / 24 + y * (1 / 120 + y * (1 / 720 + y / 5040)))))
    )
    z = np.maximum(y, _FLOOR)
    k = np.floor(z * _INV_LN2 + 0.5)
    r = (z - k * _LN2_HI) - k * _LN2_LO
    e = np.zeros_like(y)
    for c in _EXP_TAYLOR:
        e = e * r + c
    far = 1.0 - e * np.ldexp(1.0, k.astype(np.int64))
    return np.where(np.abs(y) < 0.35, -near, far).astype(F)


def observation_rates(params: Scenario) -> tuple[float, float]:
    """Chance that an expressed critical post is observed: (majority, minority).

    ``surveillance``, and for group 1 ``min(1, surveillance * minority_surveillance)``
    (the majority's rate when there is no minority).
    """
    minority = params.minority_surveillance if params.minority_share > 0 else 1.0
    return params.surveillance, min(1.0, params.surveillance * minority)


def observation_rate(ctx: Context) -> np.ndarray:
    """Each citizen's :func:`observation_rates` by its group, float32."""
    majority, minority = observation_rates(ctx.params)
    return np.where(ctx.population.traits.group == 1, F(minority), F(majority))


def express(ctx: Context, step: int) -> None:
    """Who wants to post critically, who self-censors, and who is observed.

    ``cost = believed_online_share * perceived_surveillance * post_penalty + fear_weight *
    fear``, ``post_penalty = online_scale * (1 - record_memory) * points_per_sd / spread / 100``
    (what one observed post costs, in 100 score points, at share 1);
    ``censor_probability = min(1, (1 - exp(-chill_sensitivity * risk_aversion * cost)) *
    rel.censor)``.
    A citizen wants a critical post if ``u0 < activity`` and ``u1 < dissent`` (posting
    lanes 0, 1), holds it back if ``u2 < censor_probability`` (lane 2), and an expressed
    post is observed if ``u < surveillance`` (times ``minority_surveillance`` for
    group 1, capped at 1; surveillance lane 0).
    """
    p, s, tr = ctx.params, ctx.population.state, ctx.population.traits
    penalty = F(believed_post_penalty(ctx))
    cost = s.beliefs[:, ONLINE] * s.perceived_surveillance * penalty
    cost = cost + F(fear_weight(ctx)) * s.fear
    exponent = (-F(p.chill_sensitivity) * tr.risk_aversion) * cost
    held_back = censoring_probability(exponent) * ctx.population.rel.censor
    s.censor_probability[:] = np.minimum(F(1), held_back)
    wants = (draws(ctx, "posting", step, 0) < tr.activity) & (
        draws(ctx, "posting", step, 1) < tr.dissent
    )
    censored = wants & (draws(ctx, "posting", step, 2) < s.censor_probability)
    s.wants_critical[:] = wants
    s.self_censored[:] = censored
    s.expressed_critical[:] = wants & ~censored
    s.observed_critical[:] = s.expressed_critical & (
        draws(ctx, "surveillance", step) < observation_rate(ctx)
    )
