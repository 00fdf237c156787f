"""scs-sim tradeoff: scenarios against their no-score controls, on the sweep engine."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from scs_sim import tradeoff
from scs_sim.cli import main

SMALL = ["--seeds", "1", "2", "--steps", "12", "--set", "n_citizens=300", "--quiet"]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("tradeoff") / "t"
    assert main(["tradeoff", "full-scs", "baseline", *SMALL, "--out", str(out)]) == 0
    return out, pd.read_csv(out / "tradeoff.csv")


def test_writes_table_figure_and_manifest(small):
    out, table = small
    assert (out / "tradeoff.png").stat().st_size > 10_000
    assert len(table) == 2 * len(tradeoff.OUTCOMES)
    assert set(table["outcome"]) == {o.name for o in tradeoff.OUTCOMES}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == tradeoff.KIND and manifest["status"] == "complete"
    assert manifest["seeds"] == [1, 2] and set(manifest["scenarios"]) == {"full-scs", "baseline"}
    assert len(list((out / "runs").glob("*.parquet"))) == manifest["runs"] == 8


def test_control_of_the_control_differs_by_nothing(small):
    # common random numbers: baseline against its own matched control is the same run
    _, table = small
    rows = table[table["scenario"] == "baseline"]
    assert np.all(rows["difference"] == 0.0) and np.all(rows["effect_high"] == 0.0)


def test_effects_are_signed_as_harm_and_benefit(small):
    _, table = small
    rows = table[table["scenario"] == "full-scs"].set_index("outcome")
    censor = rows.loc["self_censorship_rate"]
    assert censor["kind"] == "cost" and censor["control"] == 0.0
    assert censor["effect"] == pytest.approx(censor["policy"])
    assert censor["effect"] > 0.1
    assert censor["effect_low"] <= censor["effect"] <= censor["effect_high"]
    for outcome in tradeoff.OUTCOMES:
        assert outcome.effect(1.0) == (
            1.0 if (outcome.kind == "cost") == (outcome.better == "lower") else -1.0
        )


def test_rerun_resumes_and_other_settings_are_refused(small, capsys):
    out, table = small
    result = tradeoff.run_tradeoff(
        ["full-scs", "baseline"], out, seeds=[1, 2], steps=12, overrides={"n_citizens": 300}
    )
    assert result.executed == 0 and result.skipped == 8
    pd.testing.assert_frame_equal(result.table.reset_index(drop=True), table, check_dtype=False)
    assert main(["tradeoff", "full-scs", *SMALL, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "other scenarios, seeds" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "args, says",
    [
        (["no-such-scenario"], "no such scenario"),
        (["full-scs", "--set", "surveillance=7"], "surveillance"),
        (["full-scs", "--workers", "0"], "--workers"),
        (["full-scs", "--steps", "0"], "--steps"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, says):
    out = tmp_path / "t"
    assert main(["tradeoff", *args, "--seeds", "1", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_a_process_pool_gives_the_same_table(small, tmp_path):
    from scs_sim.sweeps.execute import local_pool

    _, serial = small
    with local_pool(2) as pool:
        result = tradeoff.run_tradeoff(
            ["full-scs", "baseline"],
            tmp_path / "pool",
            seeds=[1, 2],
            steps=12,
            overrides={"n_citizens": 300},
            executor=pool,
        )
    pd.testing.assert_frame_equal(result.table.reset_index(drop=True), serial, check_dtype=False)


@pytest.mark.cluster
def test_a_dask_cluster_gives_the_same_table(small, tmp_path):
    from scs_sim.sweeps.execute import dask_executor

    _, serial = small
    with dask_executor(2) as (executor, _name):
        result = tradeoff.run_tradeoff(
            ["full-scs", "baseline"],
            tmp_path / "dask",
            seeds=[1, 2],
            steps=12,
            overrides={"n_citizens": 300},
            executor=executor,
        )
    pd.testing.assert_frame_equal(result.table.reset_index(drop=True), serial, check_dtype=False)
