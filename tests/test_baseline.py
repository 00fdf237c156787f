"""The golden baseline: canonical runs must reproduce the committed per-step metrics bit
for bit. When a change is meant to move them, ``make baseline`` rewrites the files (see
docs/baseline.md); commit them with the change."""

from __future__ import annotations

import numpy as np
import pytest

from scs_sim import baseline
from scs_sim.baseline import CANONICAL, first_difference, read_rows, run_series, to_rows


@pytest.mark.parametrize("run", CANONICAL, ids=lambda r: r.file_name.removesuffix(".csv"))
def test_canonical_run_matches_the_golden_baseline(run, repo):
    path = repo / baseline.BASELINE_DIR / run.file_name
    assert path.is_file(), f"{path} is missing: run `make baseline`"
    diff = first_difference(read_rows(path), to_rows(run_series(run)))
    assert diff is None, (
        f"{run.file_name}: {diff.message}. If the change is meant, run `make baseline` "
        "and commit the files with it."
    )


@pytest.fixture(scope="module")
def series():
    return run_series(CANONICAL[0])


def test_one_bit_moved_is_named_by_metric_and_step(series):
    expected = to_rows(series)
    moved = series.copy()
    moved.loc[7, "self_censorship_rate"] = np.nextafter(moved.loc[7, "self_censorship_rate"], 1)
    moved.loc[9, "mean_score"] += 1.0  # later: only the first is named
    diff = first_difference(expected, to_rows(moved))
    assert diff is not None
    assert (diff.metric, diff.step) == ("self_censorship_rate", 7)
    assert "self_censorship_rate moved first at step 7" in diff.message


def test_renamed_and_dropped_columns_are_named(series):
    renamed = series.rename(columns={"mean_score": "mean_score_all"})
    diff = first_difference(to_rows(series), to_rows(renamed))
    assert diff is not None and diff.metric is None
    assert "'mean_score'" in diff.message and "'mean_score_all'" in diff.message
    shorter = first_difference(to_rows(series), to_rows(series.iloc[:-1]))
    assert shorter is not None and "steps differ" in shorter.message


def test_update_then_check_round_trips_in_a_folder(tmp_path, capsys):
    assert baseline.main(["--update", "--dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(r.file_name for r in CANONICAL)
    assert baseline.main(["--dir", str(tmp_path)]) == 0
    first = tmp_path / CANONICAL[0].file_name
    text = first.read_text()
    header, row0, *rest = text.splitlines()
    assert header.startswith("step,")
    first.write_text("\n".join([header, row0.replace(",", ",1", 1), *rest]) + "\n")
    assert baseline.main(["--dir", str(tmp_path)]) == 1
    assert "mean_score moved first at step 0" in capsys.readouterr().err
