"""Calibration to published figures: targets, simulated moments, and the fit.

See docs/calibration.md for what one step means, the targets and their sources,
the method, and how to rerun the fit at full size (``scs-sim calibrate``).
"""

from scs_sim.calibration.fit import FREE_PARAMETERS, FitResult, calibrate, fit_record
from scs_sim.calibration.targets import (
    TARGETS,
    YEAR,
    Target,
    distance,
    simulate_moments,
    within_tolerance,
)

__all__ = [
    "FREE_PARAMETERS",
    "TARGETS",
    "YEAR",
    "FitResult",
    "Target",
    "calibrate",
    "distance",
    "fit_record",
    "simulate_moments",
    "within_tolerance",
]
