"""Sweep designs: which parameter points to run.

Full factorial grids are enumerated here; every sampled design (Latin
hypercube, Sobol, Morris) comes from SALib's samplers, so the points match what
SALib's analysers expect and no sampler is hand-rolled.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

DesignKind = Literal["factorial", "latin", "sobol", "morris"]
DESIGN_KINDS: tuple[str, ...] = ("factorial", "latin", "sobol", "morris")
SAMPLED_KINDS: tuple[str, ...] = ("latin", "sobol", "morris")
"""Designs drawn by a SALib sampler from ``low``/``high`` bounds."""
SENSITIVITY_KINDS: tuple[str, ...] = ("sobol", "morris")
"""Designs whose points SALib can turn into sensitivity indices."""


@dataclass(frozen=True)
class Design:
    """The points of a sweep design.

    Attributes:
        kind: ``factorial``, ``latin``, ``sobol`` or ``morris``.
        points: One row per point, one column per parameter, values as run
            (integers rounded for integer parameters).
        problem: The SALib problem (names, bounds) of a sampled design, else ``None``.
        matrix: The sampler's raw matrix (points x parameters) of a sampled design.
        options: Sampler options that the analysis must reuse (levels, second order).
    """

    kind: str
    points: pd.DataFrame
    problem: dict[str, Any] | None = None
    matrix: np.ndarray | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def n_points(self) -> int:
        """Number of points."""
        return len(self.points)


def factorial(levels: Mapping[str, Sequence[Any]]) -> Design:
    """Every combination of the given levels; the first parameter varies slowest.

    Args:
        levels: Parameter name -> the values it takes, in order.
    """
    names = list(levels)
    rows = list(itertools.product(*(list(levels[n]) for n in names)))
    points = pd.DataFrame(rows, columns=names)
    return Design("factorial", points)


def problem(bounds: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    """A SALib problem dict from parameter bounds."""
    return {
        "num_vars": len(bounds),
        "names": list(bounds),
        "bounds": [[float(lo), float(hi)] for lo, hi in bounds.values()],
    }


def sample(
    kind: str,
    bounds: Mapping[str, tuple[float, float]],
    samples: int,
    *,
    seed: int,
    levels: int = 4,
    second_order: bool = False,
    integers: Sequence[str] = (),
) -> Design:
    """Draw a sampled design with SALib.

    Args:
        kind: ``latin`` (``samples`` points), ``sobol`` (Saltelli-Sobol sequence:
            ``samples * (D + 2)`` points, or ``samples * (2D + 2)`` with second order;
            ``samples`` should be a power of 2) or ``morris`` (``samples`` trajectories
            of ``D + 1`` points on a grid of ``levels`` levels).
        bounds: Parameter name -> (low, high).
        samples: Base sample size as described for each kind.
        seed: Seed of the sampler, so the same sweep file gives the same points.
        levels: Morris grid levels.
        second_order: Sobol: also sample for second-order indices.
        integers: Parameters whose values are rounded to whole numbers when run.
    """
    prob = problem(bounds)
    if kind == "latin":
        from SALib.sample import latin

        matrix = latin.sample(prob, samples, seed=seed)
        options: dict[str, Any] = {}
    elif kind == "sobol":
        from SALib.sample import sobol

        matrix = sobol.sample(prob, samples, calc_second_order=second_order, seed=seed)
        options = {"second_order": second_order}
    elif kind == "morris":
        from SALib.sample import morris

        matrix = morris.sample(prob, samples, num_levels=levels, seed=seed)
        options = {"levels": levels}
    else:
        raise ValueError(f"unknown sampled design {kind!r}; allowed: {', '.join(SAMPLED_KINDS)}")
    points = pd.DataFrame(matrix, columns=prob["names"])
    for name in integers:
        points[name] = np.rint(points[name]).astype(np.int64)
    return Design(kind, points, prob, np.asarray(matrix), options)


def n_points(kind: str, n_parameters: int, samples: int, *, second_order: bool = False) -> int:
    """How many points a design has, without drawing it (for dry runs and checks)."""
    if kind == "latin":
        return samples
    if kind == "sobol":
        return samples * (2 * n_parameters + 2 if second_order else n_parameters + 2)
    if kind == "morris":
        return samples * (n_parameters + 1)
    raise ValueError(f"not a sampled design: {kind!r}")
