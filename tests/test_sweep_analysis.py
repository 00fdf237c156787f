"""Sweep analysis: quantile bands, SALib indices on known functions, and the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scs_sim.cli import main
from scs_sim.sweeps import analysis, design, run_sweep

ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def as_results(d: design.Design, y: np.ndarray, replicates: int = 1) -> pd.DataFrame:
    """A results table as a sweep writes it: one row per run at the outcome step."""
    n = d.n_points
    frame = d.points.loc[np.repeat(np.arange(n), replicates)].reset_index(drop=True)
    frame.insert(0, "point", np.repeat(np.arange(n), replicates))
    frame.insert(1, "replicate", np.tile(np.arange(replicates), n))
    frame.insert(0, "run_id", np.arange(n * replicates))
    frame["step"] = 52
    frame["y"] = y
    return frame


def ishigami(x: pd.DataFrame, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x["x1"]) + a * np.sin(x["x2"]) ** 2 + b * x["x3"] ** 4 * np.sin(x["x1"])


def test_sobol_indices_of_ishigami_match_the_analytic_values():
    bounds = {f"x{i}": (-np.pi, np.pi) for i in (1, 2, 3)}
    d = design.sample("sobol", bounds, 2048, seed=1)
    results = as_results(d, ishigami(d.points).to_numpy())
    means = analysis.point_means(results, ["y"], 52, d.n_points)
    table = analysis.sensitivity(d, means, ["y"], seed=1)
    assert list(table["parameter"]) == ["x1", "x2", "x3"]
    np.testing.assert_allclose(table["S1"], ISHIGAMI_S1, atol=0.04)
    np.testing.assert_allclose(table["ST"], ISHIGAMI_ST, atol=0.04)
    assert (table["S1_conf"] < 0.1).all()


def test_morris_mu_star_of_a_linear_function_is_its_slopes_and_sigma_zero():
    bounds = {"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0)}
    d = design.sample("morris", bounds, 10, seed=2, levels=4)
    y = 3 * d.points["a"] - 1 * d.points["b"] + 0 * d.points["c"]
    # Two replicates with noise that averages out exactly: the means are the function.
    noisy = np.stack([y + 0.5, y - 0.5], axis=1).ravel()
    results = as_results(d, noisy, replicates=2)
    means = analysis.point_means(results, ["y"], 52, d.n_points)
    table = analysis.sensitivity(d, means, ["y"])
    np.testing.assert_allclose(table["mu_star"], [3, 1, 0], atol=1e-9)
    np.testing.assert_allclose(table["mu"], [3, -1, 0], atol=1e-9)
    np.testing.assert_allclose(table["sigma"], 0, atol=1e-9)


def test_sensitivity_refuses_incomplete_results():
    d = design.sample("sobol", {"a": (0, 1), "b": (0, 1)}, 8, seed=1)
    results = as_results(d, np.arange(d.n_points, dtype=float)).iloc[:-1]
    with pytest.raises(ValueError, match="1 of 32 points have no results"):
        analysis.point_means(results, ["y"], 52, d.n_points)


def test_quantile_bands_are_replicate_quantiles_per_point_and_step():
    results = pd.DataFrame(
        {
            "point": [0] * 6 + [1] * 6,
            "step": [0, 1] * 6,
            "m": [0, 10, 1, 20, 2, 30, 5, 5, 5, 5, 5, 5],
        }
    )
    bands = analysis.quantile_bands(results, ["m"], (0.0, 0.5, 1.0))
    row = bands[(bands["point"] == 0) & (bands["step"] == 1)].iloc[0]
    assert (row["q0"], row["q50"], row["q100"], row["replicates"]) == (10, 20, 30, 3)
    row = bands[(bands["point"] == 1) & (bands["step"] == 0)].iloc[0]
    assert row["q0"] == row["q100"] == row["mean"] == 5


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("factorial", {"parameters": {"surveillance": {"values": [0.0, 0.6]}}}),
        (
            "morris",
            {
                "design": {"kind": "morris", "samples": 3},
                "parameters": {
                    "surveillance": {"low": 0.0, "high": 0.6},
                    "weight_ties": {"low": 0.0, "high": 0.5},
                },
            },
        ),
    ],
)
def test_report_has_bands_outcomes_and_indices(tmp_path, capsys, kind, extra):
    spec = {
        "name": f"r-{kind}",
        "replicates": 2,
        "steps": 4,
        "base": {"scenario": "sesame", "n_citizens": 100},
        "metrics": ["self_censorship_rate", "ties_cut", "mean_score"],
        "analysis": {"metrics": ["self_censorship_rate", "ties_cut"]},
    } | extra
    run_sweep(spec, tmp_path)
    assert main(["sweep-report", str(tmp_path)]) == 0
    report = (tmp_path / "report" / "report.md").read_text()
    assert "## Replicate bands" in report and "![bands](bands.png)" in report
    assert "runs present | " in report
    for name in ("bands.png", "outcomes.png", "bands.csv"):
        assert (tmp_path / "report" / name).stat().st_size > 1000
    if kind == "morris":
        assert "mu*" in report and (tmp_path / "report" / "sensitivity.png").exists()
        table = pd.read_csv(tmp_path / "report" / "sensitivity.csv")
        assert set(table["parameter"]) == {"surveillance", "weight_ties"}
        assert np.isfinite(table["mu_star"]).all()
