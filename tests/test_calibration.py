"""The calibrated scenario reproduces the published figures; the fit and its command work.

The target check uses the held-out seeds of docs/validation.md (50,000 citizens,
seeds 11-16, shared with the validation tests): the mean moment over the seeds
must lie within each target's stated tolerance.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from scs_sim.calibration import TARGETS, calibrate, distance, simulate_moments, uncertainty
from scs_sim.calibration.targets import HORIZON, OUT_OF_SAMPLE, simulate
from scs_sim.cli import main
from scs_sim.loading import load_scenario
from scs_sim.model import SocialCreditModel
from scs_sim.validation.report import CALIBRATION_SEEDS, shared_results


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_calibrated_scenario_reproduces_target_within_tolerance(target):
    moments = [m for m, _ in shared_results(2).calibration]
    assert len(moments) == len(CALIBRATION_SEEDS) >= 6
    mean = float(np.mean([m[target.name] for m in moments]))
    assert abs(mean - target.value) <= target.tolerance, (
        f"{target.name}: simulated {mean:.4g}, published {target.value:.4g} +- {target.tolerance}"
    )


@pytest.mark.slow  # runs the calibration scenario at its size: calibration tier
def test_calibrated_list_starts_at_half_a_percent_and_doubles():
    for moments, share in shared_results(2).calibration:
        assert moments["listed_share_start"] == pytest.approx(0.005, abs=1e-4)
        assert share[0] == pytest.approx(0.005, abs=1e-4)
        assert share[-1] > 1.5 * share[0]


def test_initial_listing_lists_prone_debtors_part_way_through_their_terms():
    model = SocialCreditModel("blacklist", rng=3, n_citizens=20_000, initial_listed_share=0.01)
    state, traits = model.population.state, model.population.traits
    listed = state.listed
    assert listed.sum() == 200
    assert state.debt[listed].all()
    assert traits.violation_proneness[listed].mean() > 1.2  # drawn in proportion to proneness
    left = state.listing_left[listed]
    assert left.min() >= 1 and left.max() <= model.params.blacklist_term and left.std() > 10
    again = SocialCreditModel("blacklist", rng=3, n_citizens=20_000, initial_listed_share=0.01)
    assert np.array_equal(again.population.state.listed, listed)


def test_initial_listing_needs_the_blacklist_and_defaults_to_none():
    assert not SocialCreditModel("blacklist", rng=1).population.state.listed.any()
    off = SocialCreditModel("sesame", rng=1, initial_listed_share=0.05)
    assert not off.population.state.listed.any()


def test_fit_lowers_the_distance_from_a_perturbed_start():
    base = load_scenario("calibrated-2019").model_copy(
        update={"n_citizens": 5000, "violation_rate": 3e-4, "flight_demand": 0.01}
    )
    start = distance(simulate_moments(base, 1))
    result = calibrate(base, seeds=(1,), max_evaluations=12)
    assert result.evaluations <= 13
    assert result.distance < start / 2
    assert result.fitted["violation_rate"] < 3e-4
    assert result.fitted["flight_demand"] > 0.01


def test_calibrate_command_writes_a_record_with_sources(tmp_path, capsys):
    out = tmp_path / "fit.json"
    toml = tmp_path / "fitted.toml"
    args = ["calibrate", "--n-citizens", "2000", "--seeds", "1", "--workers", "1"]
    args += ["--max-evals", "4", "--out", str(out), "--scenario-out", str(toml), "--quiet"]
    assert main(args) == 0
    record = json.loads(out.read_text())
    assert record["n_citizens"] == 2000 and record["seeds"] == [1]
    assert {t["name"] for t in record["targets"]} == {t.name for t in TARGETS}
    assert all(t["source"] and t["moment"] for t in record["targets"])
    assert set(record["fitted"]) == {"violation_rate", "repayment_rate", "flight_demand"}
    assert "provenance" in record
    fitted = load_scenario(toml)
    assert fitted.violation_rate == pytest.approx(record["fitted"]["violation_rate"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--n-citizens", "5"], "--n-citizens"),
        (["--workers", "0"], "--workers"),
        (["--seeds", "1", "1"], "--seeds"),
        (["no-such-scenario"], "no-such-scenario"),
    ],
)
def test_calibrate_bad_input_is_one_line_exit_2_nothing_written(tmp_path, capsys, args, needle):
    out = tmp_path / "fit.json"
    assert main(["calibrate", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1
    assert not out.exists()


FRESH_SEEDS = (41, 42, 43, 44)
"""Seeds neither the fit (1-8) nor the validation page (11-16) uses."""


@pytest.mark.slow
@pytest.mark.parametrize("check", OUT_OF_SAMPLE, ids=lambda c: c.name)
def test_out_of_sample_list_sizes_hold_on_fresh_seeds(check):
    params = load_scenario("calibrated-2019")
    shares = [simulate(params, seed, HORIZON)[1][check.step] for seed in FRESH_SEEDS]
    assert abs(np.mean(shares) - check.value) <= check.tolerance, (check.name, shares)


@pytest.mark.slow
def test_profile_constrains_the_fitted_rates_but_not_the_ticket_demand_level():
    params = load_scenario("calibrated-2019")
    points = uncertainty.profile(params, FRESH_SEEDS[:2])
    for direction in ("violation_rate", "repayment_rate", "flight_demand"):
        band = uncertainty.accepted_band(points, direction)
        assert band is not None and band[0] <= 1.0 <= band[1], (direction, band)
        assert not uncertainty.unconstrained(points, direction), direction
    assert uncertainty.unconstrained(points, "ticket_demand_level")
