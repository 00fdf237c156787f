"""Analysing sweep results: replicate quantile bands and SALib sensitivity indices.

Everything here takes the results table (one row per run and kept step) and
the sweep's design, so the same functions serve the report, notebooks, and the
tests that check them on analytic functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from scs_sim.metric_info import axis_label, unit
from scs_sim.sweeps.design import SENSITIVITY_KINDS, Design


def quantile_label(q: float) -> str:
    """Column name of a quantile: 0.05 -> ``q5``, 0.5 -> ``q50``, 0.025 -> ``q2.5``."""
    return f"q{q * 100:g}"


def quantile_bands(
    results: pd.DataFrame, metrics: Sequence[str], quantiles: Sequence[float] = (0.05, 0.5, 0.95)
) -> pd.DataFrame:
    """Quantiles over replicates of each metric, per point and step.

    Returns:
        Long table: ``point``, ``step``, ``metric``, ``replicates``, one column per
        quantile (see :func:`quantile_label`) and ``mean``.
    """
    frames = []
    grouped = results.groupby(["point", "step"], sort=True)
    for metric in metrics:
        col = grouped[metric]
        table = col.quantile(list(quantiles)).unstack()
        table.columns = [quantile_label(q) for q in table.columns]
        table.insert(0, "metric", metric)
        table.insert(1, "replicates", col.count())
        table["mean"] = col.mean()
        frames.append(table.reset_index())
    return pd.concat(frames, ignore_index=True)


def outcomes_at(results: pd.DataFrame, step: int) -> pd.DataFrame:
    """The rows of one step: one row per run."""
    return results[results["step"] == step].reset_index(drop=True)


def point_means(
    results: pd.DataFrame, metrics: Sequence[str], step: int, n_points: int
) -> pd.DataFrame:
    """Mean over replicates of each metric at ``step``, indexed by point ``0..n_points-1``.

    Raises:
        ValueError: if some point has no run (sensitivity indices need every point).
    """
    rows = outcomes_at(results, step)
    means = rows.groupby("point")[list(metrics)].mean().reindex(range(n_points))
    missing = means.index[means.isna().all(axis=1)]
    if len(missing):
        raise ValueError(
            f"{len(missing)} of {n_points} points have no results at step {step} "
            f"(first: point {missing[0]}); finish the sweep (rerun the same command) first"
        )
    return means


def sensitivity(
    design: Design, outcomes: pd.DataFrame, metrics: Sequence[str], *, seed: int = 0
) -> pd.DataFrame:
    """Sobol or Morris indices of each metric with respect to each parameter (SALib).

    Args:
        design: A ``sobol`` or ``morris`` design (as sampled by
            :func:`scs_sim.sweeps.design.sample`).
        outcomes: One row per point, in design order (see :func:`point_means`).
        metrics: Columns of ``outcomes`` to analyse.
        seed: Seed of SALib's bootstrap confidence intervals.

    Returns:
        Long table: ``metric``, ``parameter`` and the indices: ``S1``, ``S1_conf``,
        ``ST``, ``ST_conf`` (Sobol) or ``mu``, ``mu_star``, ``mu_star_conf``,
        ``sigma`` (Morris).
    """
    if design.kind not in SENSITIVITY_KINDS or design.problem is None:
        raise ValueError(f"sensitivity indices need a sobol or morris design, not {design.kind!r}")
    if len(outcomes) != design.n_points:
        raise ValueError(f"{len(outcomes)} outcomes for {design.n_points} design points")
    rows: list[dict[str, Any]] = []
    for metric in metrics:
        y = outcomes[metric].to_numpy(dtype=float)
        if not np.isfinite(y).all():
            raise ValueError(f"metric {metric!r} has missing values; cannot compute indices")
        if design.kind == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(
                design.problem,
                y,
                calc_second_order=design.options.get("second_order", False),
                seed=seed,
            )
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            from SALib.analyze import morris

            res = morris.analyze(
                design.problem,
                design.matrix,
                y,
                num_levels=design.options.get("levels", 4),
                seed=seed,
            )
            keys = ("mu", "mu_star", "mu_star_conf", "sigma")
        for i, name in enumerate(design.problem["names"]):
            rows.append(
                {"metric": metric, "parameter": name, **{k: float(res[k][i]) for k in keys}}
            )
    return pd.DataFrame(rows)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def point_label(points: pd.DataFrame, point: int) -> str:
    """A short label of a point: ``surveillance=0.1, weight_ties=0.2``."""
    row = points.iloc[point]
    return ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items())


def bands_figure(
    bands: pd.DataFrame, points: pd.DataFrame, metrics: Sequence[str], quantiles: Sequence[float]
):
    """Replicate bands, one panel per metric.

    With several kept steps: the middle quantile over time (line) and the outer
    quantiles (shade), one colour per point. With one kept step: one marker per
    point, sorted by the middle quantile, with the outer quantiles as error bars.
    """
    plt = _pyplot()
    lo, mid, hi = (
        quantile_label(min(quantiles)),
        quantile_label(sorted(quantiles)[len(quantiles) // 2]),
        quantile_label(max(quantiles)),
    )
    cols = min(3, len(metrics))
    rows = -(-len(metrics) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.4 * rows), squeeze=False)
    shown = sorted(bands["point"].unique())
    colors = dict(zip(shown, plt.get_cmap("viridis")(np.linspace(0, 0.9, len(shown))), strict=True))
    # Full labels only while they fit in a legend; otherwise the report's table names the points.
    verbose = points.shape[1] <= 2
    over_time = bands["step"].nunique() > 1
    for ax, metric in zip(axes.flat, metrics, strict=False):
        table = bands[bands["metric"] == metric]
        if over_time:
            for point, frame in table.groupby("point"):
                color = colors[point]
                label = point_label(points, int(point)) if verbose else f"point {point}"
                ax.plot(frame["step"], frame[mid], color=color, label=label)
                ax.fill_between(frame["step"], frame[lo], frame[hi], color=color, alpha=0.15)
            ax.set_xlabel("week")
        else:
            table = table.sort_values(mid, kind="stable")
            x = np.arange(len(table))
            err = np.vstack([table[mid] - table[lo], table[hi] - table[mid]])
            ax.errorbar(x, table[mid], yerr=err, fmt="o", ms=3, lw=0.8, capsize=0)
            ax.set_xlabel(f"points, sorted (step {int(table['step'].iloc[0])})")
            ax.set_xticks([])
        ax.set_title(metric.replace("_", " "), fontsize=10)
        ax.set_ylabel(unit(metric), fontsize=8)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"Replicates: {mid} (line or marker) and the {lo}-{hi} band, per design point", fontsize=11
    )
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if labels:
        ncol = min(4, len(labels))
        fig.legend(handles, labels, fontsize=7, loc="lower center", ncol=ncol)
        fig.tight_layout(rect=(0, 0.05 + 0.035 * (-(-len(labels) // ncol)), 1, 1))
    else:
        fig.tight_layout()
    return fig


def outcomes_figure(outcomes: pd.DataFrame, parameters: Sequence[str], metrics: Sequence[str]):
    """Each run's outcome against each parameter (rows: metrics, columns: parameters)."""
    plt = _pyplot()
    fig, axes = plt.subplots(
        len(metrics),
        len(parameters),
        figsize=(3.4 * len(parameters), 2.6 * len(metrics)),
        squeeze=False,
    )
    for r, metric in enumerate(metrics):
        for c, name in enumerate(parameters):
            ax = axes[r][c]
            x = outcomes[name]
            if x.dtype.kind in "biuf":
                ax.scatter(x, outcomes[metric], s=8, alpha=0.5)
                levels = np.unique(x)
                if len(levels) <= 12:  # a factorial level: show its median
                    med = outcomes.groupby(name)[metric].median()
                    ax.plot(med.index, med.to_numpy(), color="black", lw=1)
            else:
                cats = sorted(x.astype(str).unique())
                ax.boxplot([outcomes[metric][x.astype(str) == k] for k in cats], tick_labels=cats)
            if r == len(metrics) - 1:
                ax.set_xlabel(name, fontsize=9)
            if c == 0:
                ax.set_ylabel(axis_label(metric), fontsize=8)
    fig.suptitle("Each run's outcome against each swept parameter", fontsize=11)
    fig.tight_layout()
    return fig


def sensitivity_figure(indices: pd.DataFrame, kind: str):
    """Bar charts of the indices: S1 and ST (Sobol) or mu* and sigma (Morris) per metric."""
    plt = _pyplot()
    metrics = list(dict.fromkeys(indices["metric"]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.4), squeeze=False)
    pairs = (
        [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST")]
        if kind == "sobol"
        else [("mu_star", "mu_star_conf", "mu*"), ("sigma", None, "sigma")]
    )
    for ax, metric in zip(axes.flat, metrics, strict=True):
        table = indices[indices["metric"] == metric]
        x = np.arange(len(table))
        for j, (col, conf, label) in enumerate(pairs):
            err = table[conf] if conf else None
            ax.bar(x + (j - 0.5) * 0.4, table[col], 0.4, yerr=err, capsize=2, label=label)
        ax.set_xticks(x, table["parameter"], rotation=30, ha="right", fontsize=8)
        ax.set_title(metric.replace("_", " "), fontsize=10)
        ax.axhline(0, color="grey", lw=0.5)
    axes.flat[0].set_ylabel(
        "share of variance (0-1)" if kind == "sobol" else "elementary effect (metric's unit)",
        fontsize=8,
    )
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(f"{kind.capitalize()} sensitivity indices, with 95% intervals", fontsize=11)
    fig.tight_layout()
    return fig
