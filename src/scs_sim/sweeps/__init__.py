"""Parameter sweeps: designs, replicates, any executor, Parquet results, sensitivity analysis.

    >>> import scs_sim
    >>> df = scs_sim.sweep("scenarios/sweeps/surveillance-ties.toml", out="results/st",
    ...                    overrides={"n_citizens": 200, "steps": 10})

Modules: ``spec`` (the sweep file), ``design`` (points, via SALib samplers),
``execute`` (runs on any executor; Dask only on request), ``storage`` (Parquet per
run, manifest, resume), ``analysis`` (bands, sensitivity indices), ``report``.
Names are imported on first use, so checking a sweep file does not import Mesa.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "Sweep": "scs_sim.sweeps.spec",
    "SweepOutcome": "scs_sim.sweeps.api",
    "SweepSpec": "scs_sim.sweeps.spec",
    "load_sweep": "scs_sim.sweeps.spec",
    "run_seed": "scs_sim.sweeps.spec",
    "run_sweep": "scs_sim.sweeps.api",
    "sweep": "scs_sim.sweeps.api",
}

__all__ = ["Sweep", "SweepOutcome", "SweepSpec", "load_sweep", "run_seed", "run_sweep", "sweep"]

if TYPE_CHECKING:
    from scs_sim.sweeps.api import SweepOutcome, run_sweep, sweep
    from scs_sim.sweeps.spec import Sweep, SweepSpec, load_sweep, run_seed


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scs_sim.sweeps' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
