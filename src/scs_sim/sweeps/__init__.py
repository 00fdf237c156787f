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

from typing import TYPE_CHECKING

from scs_sim.lazy import lazy_exports

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


__getattr__ = lazy_exports(__name__, _EXPORTS)
