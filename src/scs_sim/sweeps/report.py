"""``scs-sim sweep-report DIR``: a short Markdown report of a sweep, with figures.

The report reads only the sweep folder (manifest and run files), so it can be
written on a laptop from results computed on a cluster.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from scs_sim.loading import ScenarioError
from scs_sim.output import atomic_text, atomic_write
from scs_sim.sweeps import analysis, storage
from scs_sim.sweeps.design import SENSITIVITY_KINDS
from scs_sim.sweeps.spec import Sweep, from_resolved

REPORT_DIR = "report"
MAX_BAND_POINTS = 16
"""Above this many points, bands are drawn for a spread of points only (lines become unreadable)."""
MAX_TABLE_POINTS = 50
"""Above this many points, the per-point table is left to ``bands.csv``."""


def _table(frame: pd.DataFrame, digits: int = 4) -> str:
    """A Markdown table (pandas' to_markdown needs an extra package)."""

    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.{digits}g}"
        return str(v)

    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([head, rule, *body])


def _save(fig, path: Path) -> str:
    import matplotlib.pyplot as plt

    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)
    return path.name


def _spread_points(final: pd.DataFrame, metric: str, column: str) -> list[int]:
    """All points, or up to 8 spread from the lowest to the highest outcome."""
    table = final[final["metric"] == metric].sort_values(column, kind="stable")
    order = table["point"].astype(int).tolist()
    if len(order) <= MAX_BAND_POINTS:
        return order
    picks = np.unique(np.linspace(0, len(order) - 1, 8).round().astype(int))
    return sorted(order[i] for i in picks)


def load(out: Path) -> tuple[Sweep, dict, pd.DataFrame]:
    """The sweep, manifest and results of a sweep folder."""
    manifest = storage.read_manifest(out)
    if manifest.get("kind") != "scs_sim sweep":
        raise ScenarioError(f"{out}: {storage.MANIFEST} is not a sweep's manifest")
    sweep = from_resolved(manifest["sweep"])
    if sweep.digest() != manifest.get("digest"):
        raise ScenarioError(
            f"{out}: the sweep cannot be rebuilt identically from {storage.MANIFEST} "
            "(another SALib or scs_sim version?)"
        )
    return sweep, manifest, storage.read_results(out)


def write_report(out: Path, metrics: Sequence[str] | None = None) -> Path:
    """Write ``DIR/report/report.md`` with figures and CSV tables; returns the report's path.

    Args:
        out: The sweep folder.
        metrics: Metrics to analyse (default: the sweep's ``analysis.metrics``).

    Raises:
        ScenarioError: not a sweep folder, or a metric the sweep did not keep.
    """
    sweep, manifest, results = load(out)
    metrics = list(metrics or sweep.analysis_metrics)
    for name in metrics:
        if name not in sweep.metrics:
            raise ScenarioError(
                f"--metric {name}: not kept by this sweep; allowed: {', '.join(sweep.metrics)}"
            )
    folder = out / REPORT_DIR
    step = sweep.outcome_step()
    done = results["run_id"].nunique() if len(results) else 0
    quantiles = sweep.spec.analysis.quantiles
    timings = manifest.get("timings", {})
    lines = [
        f"# Sweep report: {sweep.name}",
        "",
        sweep.spec.description,
        "",
        _table(
            pd.DataFrame(
                [
                    ("base scenario", f"{sweep.base.name} ({manifest['sweep']['base_source']})"),
                    ("citizens x steps", f"{sweep.base.n_citizens} x {sweep.steps}"),
                    ("design", f"{sweep.design.kind}, {sweep.design.n_points} points"),
                    ("parameters", ", ".join(sweep.parameters)),
                    ("replicates", sweep.spec.replicates),
                    ("runs present", f"{done} of {sweep.n_runs} ({manifest.get('status')})"),
                    ("seed", sweep.spec.seed),
                    ("median run time", f"{timings.get('run_s_median') or 0:.3g} s"),
                    ("executor", manifest.get("executor")),
                    (
                        "scs_sim",
                        f"{manifest.get('scs_sim_version')} ({manifest.get('git_commit')})",
                    ),
                ],
                columns=["", "value"],
            )
        ),
        "",
    ]
    if not done:
        lines.append("No run has finished yet: rerun the sweep command to resume it.")
        path = folder / "report.md"
        atomic_text(path, "\n".join(lines) + "\n")
        return path

    points = sweep.design.points
    bands = analysis.quantile_bands(results, metrics, quantiles)
    atomic_write(folder / "bands.csv", lambda tmp: bands.to_csv(tmp, index=False))
    mid = analysis.quantile_label(quantiles[len(quantiles) // 2])
    final = bands[bands["step"] == step]
    # One kept step is a dot per point, readable for every point; lines over time are not.
    over_time = bands["step"].nunique() > 1
    shown = _spread_points(final, metrics[0], mid) if over_time else list(range(len(points)))
    fig = analysis.bands_figure(bands[bands["point"].isin(shown)], points, metrics, quantiles)
    name = _save(fig, folder / "bands.png")
    which = (
        "per point"
        if len(shown) == sweep.design.n_points
        else f"for {len(shown)} of {sweep.design.n_points} points, spread over the range of "
        f"{metrics[0]} at step {step}"
    )
    lines += [
        "## Replicate bands",
        "",
        f"Quantile {mid[1:]}% over replicates ({'line' if over_time else 'dot'}) and the "
        f"{quantiles[0]:g}-{quantiles[-1]:g} quantile band ({'shade' if over_time else 'bar'}), "
        f"{which}{'' if over_time else ', sorted'}. All points: `bands.csv`.",
        "",
        f"![bands]({name})",
        "",
    ]
    if sweep.design.n_points <= MAX_TABLE_POINTS:
        wide = final.pivot(index="point", columns="metric", values=mid)
        wide = pd.concat([points, wide[metrics]], axis=1)
        wide.insert(0, "point", range(len(wide)))
        lines += [f"Quantile {mid[1:]}% over replicates at step {step}:", "", _table(wide), ""]

    at_step = analysis.outcomes_at(results, step)
    fig = analysis.outcomes_figure(at_step, sweep.parameters, metrics)
    name = _save(fig, folder / "outcomes.png")
    lines += [
        f"## Outcomes at step {step}",
        "",
        "One dot per run; the line joins the medians of a factorial level.",
        "",
        f"![outcomes]({name})",
        "",
    ]

    if sweep.design.kind in SENSITIVITY_KINDS:
        lines += ["## Sensitivity indices", ""]
        try:
            means = analysis.point_means(results, metrics, step, sweep.design.n_points)
            indices = analysis.sensitivity(sweep.design, means, metrics, seed=sweep.spec.seed)
        except ValueError as exc:
            lines += [f"Not computed: {exc}.", ""]
        else:
            atomic_write(folder / "sensitivity.csv", lambda tmp: indices.to_csv(tmp, index=False))
            name = _save(
                analysis.sensitivity_figure(indices, sweep.design.kind),
                folder / ("sensitivity.png"),
            )
            what = (
                "Sobol first-order (S1) and total (ST) indices with 95% bootstrap intervals"
                if sweep.design.kind == "sobol"
                else "Morris mean absolute elementary effect (mu*) and its spread (sigma)"
            )
            lines += [
                f"{what} (SALib), of the mean over replicates at step {step}. "
                "Table: `sensitivity.csv`.",
                "",
                f"![sensitivity]({name})",
                "",
                _table(indices),
                "",
            ]
    path = folder / "report.md"
    atomic_text(path, "\n".join(lines) + "\n")
    return path
