"""Opinion climate: the spiral of silence with intense dissent resisting it, in numpy.

A numpy-only mechanism (no kernel), after Noelle-Neumann's spiral of silence and
Kuran's preference falsification: a citizen whose contacts held back last step holds
back more, unless its private dissent is stronger than the silence around it; one
whose contacts spoke up is emboldened. Its factor on the probability of holding back
(``Population.drive["censor"]``) is multiplied into ``rel.censor`` while the
expression rule runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scs_sim.rules import F
from scs_sim.rules.contacts import contact_mean

if TYPE_CHECKING:
    from scs_sim.context import Context


def sense_climate(ctx: Context, step: int) -> None:
    """Set this step's factor on self-censorship from the contacts' silence last step.

    ``silence = mean over active contacts of last step's censor_probability`` (0 for
    isolates); ``drive["censor"] = max(0, 1 + climate_sensitivity * (silence - dissent))``:
    silence above a citizen's own dissent chills it, below it emboldens it, so silence
    and speech both cascade. With ``climate_sensitivity = 0`` nothing is set.
    """
    p, pop = ctx.params, ctx.population
    if p.climate_sensitivity == 0:
        pop.drive.pop("censor", None)
        return
    silence = contact_mean(ctx.network, pop.state.censor_probability, 0.0)
    factor = F(1) + F(p.climate_sensitivity) * (silence - pop.traits.dissent)
    pop.drive["censor"] = np.maximum(F(0), factor).astype(F)
