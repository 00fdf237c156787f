"""Outputs a researcher can use: the data dictionary, group columns, explain(), figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scs_sim import SocialCreditModel, metric_info
from scs_sim.metrics import metric_names

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_outputs_doc_is_current():
    assert metric_info.main(["--check", str(DOCS / "outputs.md")]) == 0


def test_every_collected_column_is_defined():
    model = SocialCreditModel("minority", rng=1, n_citizens=200)
    model.run(2)
    columns = list(model.series().columns)
    assert set(metric_names(True)) <= set(columns)
    for column in columns:
        about = metric_info.info(column)
        assert about.meaning and about.unit and about.kind in ("per step", "cumulative")
    text = (DOCS / "outputs.md").read_text()
    missing = [c for c in metric_names(False) if f"`{c}`" not in text]
    assert not missing, missing


def test_group_columns_name_the_groups():
    model = SocialCreditModel("minority", rng=1, n_citizens=200)
    names = list(model.series().columns)
    assert "self_censorship_rate_majority" in names and "self_censorship_rate_minority" in names
    assert not [n for n in names if n.endswith(("_0", "_1", "group0", "group1"))]
    with pytest.raises(KeyError):
        metric_info.info("self_censorship_rate_group1")


def test_explain_is_rounded_and_labelled():
    model = SocialCreditModel("full-scs", rng=3, n_citizens=300)
    model.run(3)
    facts = model.explain(5)
    numbers = [
        facts["score"],
        facts["fear"],
        *facts["traits"].values(),
        *facts["components"].values(),
    ]
    for value in numbers:
        if isinstance(value, float):
            assert value == float(f"{value:.3g}"), value
    assert facts["traits"]["group"] in ("majority", "minority")
    assert "score" in facts["units"] and "traits.income" in facts["units"]
    assert facts["score"] == pytest.approx(float(model.population.state.score[5]), rel=5e-3)
    unscored = SocialCreditModel("baseline", rng=3, n_citizens=300).explain(5)
    assert unscored["score"] is None


def test_run_figure_has_titles_axis_labels_groups_and_events():
    from scs_sim.run_figure import run_figure

    model = SocialCreditModel("minority", rng=2, n_citizens=300)
    model.run(4)
    series = model.series()
    fig = run_figure(
        {"minority": series}, ("self_censorship_rate", "ties_cut"), title="T",
        captions=[(2, "an event")],
    )  # fmt: skip
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert fig._suptitle.get_text() == "T"
    for ax in axes:
        assert ax.get_title(loc="left") and ax.get_ylabel()
        assert any(t.get_text().strip() == "wk 2" for t in ax.texts)
    assert all(ax.get_xlabel() == "week" for ax in axes)
    labels = {line.get_label() for line in axes[0].get_lines()}
    assert {"all citizens", "majority", "minority"} <= labels
    assert any("week 2: an event" in t.get_text() for t in fig.texts)


def test_no_score_figures_without_a_score():
    model = SocialCreditModel("baseline", rng=2, n_citizens=200)
    model.run(2)
    series = model.series()
    assert np.isnan(series["mean_score"]).all()
    assert np.isnan(series["score_assortativity"]).all()
    assert (series["self_censorship_rate"] == 0).all()


def test_portable_paths_never_absolute(tmp_path: Path, monkeypatch):
    from scs_sim.output import portable_path

    monkeypatch.chdir(tmp_path)
    assert portable_path(tmp_path / "a" / "b.toml") == "a/b.toml"
    assert portable_path("/opt/x/scenarios/sweeps/s.toml") == "scenarios/sweeps/s.toml"
    assert portable_path("/somewhere/else/net.csv") == "net.csv"
    assert portable_path("sesame") == "sesame"


def test_sweep_manifest_and_report_have_no_absolute_paths(tmp_path: Path):
    from scs_sim.cli import main

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "st"
    sweep_file = root / "scenarios" / "sweeps" / "surveillance-ties.toml"
    args = ["--set", "replicates=1", "--set", "n_citizens=100", "--set", "steps=2", "--quiet"]
    assert main(["sweep", str(sweep_file), "--out", str(out), *args]) == 0
    assert main(["sweep-report", str(out)]) == 0
    for text in ((out / "manifest.json").read_text(), (out / "report" / "report.md").read_text()):
        assert str(tmp_path) not in text and str(root) not in text
    assert "scenarios/sesame.toml" in (out / "report" / "report.md").read_text()
