"""Docking with a peer implementation: Mesa's own Epstein civil violence example.

:mod:`scs_sim.validation.docking` compares the reduced model with its own closed form,
which is *verification* (the code does what its rule says). This module is *docking* in
the sense of Axtell, Axelrod, Epstein and Cohen (1996): two independently written models
of the same mechanism are run and their outcome curves compared.

The peer is ``mesa.examples.advanced.epstein_civil_violence`` (shipped with Mesa, run
unmodified). There a citizen with hardship ``H ~ U(0, 1)`` and risk aversion
``RA ~ U(0, 1)`` turns active when

    H * (1 - legitimacy) - RA * P > active_threshold,

where ``P = 1 - exp(-2.3 * round(cops / actives))`` is its estimate of the arrest
probability from what it sees. In the matched scs_sim reduction (:data:`docking.REDUCTION`)
a citizen who wants to post critically voices it with probability
``exp(-chill_sensitivity * RA * P * penalty)``, where ``P = surveillance`` is the chance
that a post is observed (published weights: believed = true).

Both curves are put on one axis, the perceived probability of being sanctioned for dissent,
and on one scale, *relative active dissent*: active share among citizens free to act
divided by the same share without enforcement (Epstein: no cops, same seed; scs_sim:
surveillance 0, which is 1 by construction). The expected relation (relational
equivalence) is that dissent falls as the perceived probability rises, in both models.
The shapes need not agree: Epstein's rule is a threshold (a cliff where grievance meets
risk), scs_sim's a probability (a smooth exponential); and Epstein's jail removes the
most aggrieved, so its free population is less aggrieved even where cops are too few to
be seen (a selection effect scs_sim does not have).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import spearmanr

from scs_sim.validation.docking import REDUCTION, SEVERITY_FIXED_MEMORY
from scs_sim.validation.runs import Arm

COP_DENSITIES: tuple[float, ...] = (0.0, 0.005, 0.01, 0.02, 0.04, 0.074, 0.12)
"""Cop densities of the peer model; 0.074 is Epstein's (and Mesa's) default."""

EPSTEIN_SETTINGS: dict[str, float | int] = {
    "legitimacy": 0.5,
    "citizen_vision": 3,
    "cop_vision": 3,
    "max_jail_term": 30,
}
"""Peer settings that differ from Mesa's defaults. With the default legitimacy (0.8) and
vision (7) one cop in sight already makes P close to 1, so the curve is a single cliff
between density 0 and 0.01; lower legitimacy and shorter vision spread it over P."""

GRID = 30
"""Side of the peer's torus (900 cells: about 630 citizens at density 0.7)."""
STEPS = 60
BURN_IN = 20
"""Steps before the peer's outcomes are averaged (its initial outburst settles by then)."""


@dataclass(frozen=True)
class PeerOutcome:
    """The peer model's outcome at one cop density and seed, averaged after the burn-in."""

    cop_density: float
    seed: int
    perceived_arrest_probability: float
    """Mean estimated arrest probability of citizens not in jail."""
    active_share: float
    """Active citizens / citizens not in jail."""
    jailed_share: float


def run_peer(cop_density: float, seed: int) -> PeerOutcome:
    """Run Mesa's Epstein example once and average its outcomes after the burn-in.

    Args:
        cop_density: Share of cells holding a cop.
        seed: The peer model's ``rng``.

    Returns:
        The averaged outcome.
    """
    from mesa.examples.advanced.epstein_civil_violence.agents import Citizen, CitizenState
    from mesa.examples.advanced.epstein_civil_violence.model import (
        EpsteinCivilViolence,
        EpsteinScenario,
    )

    scenario = EpsteinScenario(cop_density=cop_density, rng=seed, **EPSTEIN_SETTINGS)
    model = EpsteinCivilViolence(width=GRID, height=GRID, scenario=scenario)
    perceived, active, jailed = [], [], []
    for step in range(STEPS):
        model.step()
        if step < BURN_IN:
            continue
        citizens = list(model.agents_by_type[Citizen])
        free = [c for c in citizens if c.state != CitizenState.ARRESTED]
        perceived.append(np.mean([c.arrest_probability or 0.0 for c in free]) if free else 1.0)
        active.append(np.mean([c.state == CitizenState.ACTIVE for c in free]) if free else 0.0)
        jailed.append(1.0 - len(free) / len(citizens))
    return PeerOutcome(
        cop_density, seed, float(np.mean(perceived)), float(np.mean(active)), float(np.mean(jailed))
    )


def peer_jobs(seeds: Sequence[int]) -> list[tuple[float, int]]:
    """Every (cop density, seed) pair of the peer sweep, in a fixed order."""
    return [(d, s) for d in COP_DENSITIES for s in seeds]


def run_peer_job(job: tuple[float, int]) -> PeerOutcome:
    """:func:`run_peer` on a ``(cop_density, seed)`` pair (for process pools)."""
    return run_peer(*job)


def matched_arm(perceived_probability: float) -> Arm:
    """The scs_sim reduction with the peer's perceived probability as surveillance."""
    surveillance = round(float(perceived_probability), 3)
    overrides = (*REDUCTION, ("surveillance", surveillance))
    overrides += (("record_memory", SEVERITY_FIXED_MEMORY),)
    return Arm(f"matched P={surveillance}", "baseline", overrides)


@dataclass(frozen=True)
class DockingCurve:
    """Both models' relative active dissent at each cop density (means over seeds)."""

    cop_density: np.ndarray
    perceived_probability: np.ndarray
    peer_relative: np.ndarray
    """Peer active share / the same seed's share without cops, mean over seeds."""
    peer_jailed: np.ndarray
    reduction_relative: np.ndarray
    """scs_sim's share of wanted critical posts voiced at surveillance = P, mean over seeds."""

    def rank_correlations(self) -> tuple[float, float]:
        """Spearman correlation of relative dissent with P, for the peer and for scs_sim."""
        peer = spearmanr(self.perceived_probability, self.peer_relative).statistic
        ours = spearmanr(self.perceived_probability, self.reduction_relative).statistic
        return float(peer), float(ours)

    def largest_gap(self) -> tuple[float, float]:
        """The largest |peer - scs_sim| and the perceived probability where it occurs."""
        gap = np.abs(self.peer_relative - self.reduction_relative)
        k = int(np.argmax(gap))
        return float(gap[k]), float(self.perceived_probability[k])


def peer_curve(outcomes: Sequence[PeerOutcome]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cop density: mean perceived P, mean relative active share, mean jailed share."""
    by_seed = {(o.cop_density, o.seed): o for o in outcomes}
    seeds = sorted({o.seed for o in outcomes})
    perceived, relative, jailed = [], [], []
    for d in COP_DENSITIES:
        runs = [by_seed[d, s] for s in seeds]
        perceived.append(np.mean([r.perceived_arrest_probability for r in runs]))
        relative.append(np.mean([r.active_share / by_seed[0.0, r.seed].active_share for r in runs]))
        jailed.append(np.mean([r.jailed_share for r in runs]))
    return np.array(perceived), np.array(relative), np.array(jailed)
