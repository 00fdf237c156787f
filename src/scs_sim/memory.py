"""How much memory a run needs, estimated from its scenario before anything is built.

``n_citizens = 50,000,000`` with ``mean_degree = 200`` validates, but needs far more
memory than most machines have; building it would end in the kernel's OOM killer
after minutes. The estimate below is a straight line in citizens and ties, fitted to
peak resident memory measured with ``/usr/bin/time -v`` (docs/scale.md, "Memory
needed before a run starts"); a run that would not fit in the available memory is
refused with one line, unless ``SCS_SIM_ALLOW_LARGE=1`` (``--allow-large``) says the
user knows better.
"""

from __future__ import annotations

import os

from scs_sim.input_errors import ScenarioError
from scs_sim.scenario import Scenario

ALLOW_LARGE_ENV = "SCS_SIM_ALLOW_LARGE"
"""Set to 1 to run scenarios the estimate says do not fit."""

BASE_BYTES = 550e6
"""Python, numpy, scipy, pandas and numba (fitted: 320 MB with cached kernels), plus the
first run's kernel compilation (about 210 MB more, measured at a million citizens)."""

BYTES_PER_CITIZEN = 175.0
"""Traits, state, buffers and build-time draws per citizen at the peak (fitted: 168)."""

BYTES_PER_TIE = 5.0
"""Per tie slot, ``n_citizens * mean_degree`` of them: CSR ids and flags, layout (fitted: 4.4)."""


def estimate_bytes(params: Scenario) -> float:
    """Peak resident memory of a run of ``params`` (bytes), from citizens and tie slots."""
    ties = float(params.n_citizens) * params.mean_degree
    return BASE_BYTES + BYTES_PER_CITIZEN * params.n_citizens + BYTES_PER_TIE * ties


def available_bytes() -> float | None:
    """Memory available to a new process (Linux ``MemAvailable``), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def large_allowed() -> bool:
    """Whether the user asked to run scenarios beyond the estimate (``SCS_SIM_ALLOW_LARGE``)."""
    return os.environ.get(ALLOW_LARGE_ENV, "").strip().lower() in ("1", "true", "yes")


def check_fits(params: Scenario, source: str, *, copies: int = 1) -> None:
    """Refuse a scenario whose estimated peak memory exceeds what is available.

    Args:
        params: The scenario (its ``n_citizens`` and ``mean_degree`` count).
        source: Named in the message.
        copies: Runs held in memory at once (a comparison builds two).

    Raises:
        ScenarioError: one line with the need and the available memory.
    """
    if large_allowed():
        return
    available = available_bytes()
    if available is None:
        return
    need = estimate_bytes(params) * copies
    if need > available:
        raise ScenarioError(
            f"{source}: n_citizens = {params.n_citizens} with mean_degree = "
            f"{params.mean_degree} needs about {need / 1e9:.1f} GB of memory, "
            f"{available / 1e9:.1f} GB available; use fewer citizens, or "
            f"{ALLOW_LARGE_ENV}=1 (--allow-large) to run it anyway"
        )
