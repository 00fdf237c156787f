"""Sanction paths, registered by name: score thresholds and the blacklist.

Each path returns the restriction bits it imposes and the bits the citizen's own
conduct would have earned; the model ORs all enabled paths together. A scenario
can use either path or both (``threshold_sanctions``, ``blacklist``). The registry
lives in :mod:`.registry`; the paths' rules in :mod:`scs_sim.rules.sanctions` and
their kernels in :mod:`scs_sim.kernels.sanctions` (which registers them).
"""

from __future__ import annotations

from scs_sim.sanctions.registry import (
    SANCTION_PATHS,
    Restrictions,
    SanctionPath,
    register_sanction,
)

__all__ = ["SANCTION_PATHS", "Restrictions", "SanctionPath", "register_sanction"]

import scs_sim.kernels.sanctions  # noqa: F401  (registers the built-in paths)
