"""Sanction paths, registered by name: score thresholds and the blacklist.

Each path returns the restriction bits it imposes and the bits the citizen's own
conduct would have earned; the model ORs all enabled paths together. A scenario
can use either path or both (``threshold_sanctions``, ``blacklist``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from numba import prange

from scs_sim.kernels.parallel import citizen_kernel
from scs_sim.sanctions.registry import (
    SANCTION_PATHS,
    Restrictions,
    SanctionPath,
    register_sanction,
)

if TYPE_CHECKING:
    from scs_sim.context import Context

__all__ = ["SANCTION_PATHS", "Restrictions", "SanctionPath", "impose", "register_sanction"]


def impose(model: Context, step: int) -> None:
    """Run every enabled sanction path and record the combined restrictions."""
    state = model.population.state
    paths = [path for path in SANCTION_PATHS.values() if path.enabled(model.params)]
    if not (model.params.scoring and model.params.threshold_sanctions):
        state.perks.fill(False)  # no score thresholds in force: no red-list perks either
    if not paths:
        state.restricted.fill(0)
        state.justified.fill(0)
    for k, path in enumerate(paths):
        result = path.apply(model, step)
        _combine(state.restricted, state.justified, *result, k == 0, k == len(paths) - 1)


@citizen_kernel("restricted")
def _combine(restricted, justified, imposed, own_conduct, first, last) -> None:
    # One pass a path, on all threads, with no temporaries: the first path's bits replace
    # last step's, later ones are ORed in.
    for i in prange(len(restricted)):
        r = imposed[i] if first else restricted[i] | imposed[i]
        j = own_conduct[i] if first else justified[i] | own_conduct[i]
        restricted[i] = r
        # A low own-conduct score justifies nothing when friends lifted the real score
        # above it.
        justified[i] = j & r if last else j


from scs_sim.sanctions import blacklist, thresholds  # noqa: E402,F401  (registration)
