"""Sweep designs produce the right points, and runs get seeds from the sweep seed and index."""

from __future__ import annotations

import numpy as np
import pytest

from scs_sim.sweeps import design
from scs_sim.sweeps.spec import load_sweep, run_seed


def sweep_data(**changes):
    data = {
        "name": "t",
        "seed": 11,
        "replicates": 2,
        "steps": 5,
        "base": {"scenario": "sesame", "n_citizens": 100},
        "design": {"kind": "factorial"},
        "parameters": {"surveillance": {"values": [0.0, 0.5]}, "weight_ties": {"values": [0.1]}},
    }
    for key, value in changes.items():
        data[key] = value
    return data


def test_factorial_is_every_combination_first_parameter_slowest():
    d = design.factorial({"a": [1, 2], "b": ["x", "y", "z"]})
    assert d.points.to_dict("records") == [
        {"a": a, "b": b} for a in (1, 2) for b in ("x", "y", "z")
    ]


def test_factorial_range_has_evenly_spaced_levels_and_integer_fields_stay_integers():
    sweep = load_sweep(
        sweep_data(
            parameters={
                "weight_ties": {"low": 0.0, "high": 0.6, "levels": 4},
                "mean_degree": {"low": 4, "high": 10, "levels": 3},
            }
        )
    )
    points = sweep.design.points
    assert len(points) == 12
    np.testing.assert_allclose(sorted(set(points["weight_ties"])), [0.0, 0.2, 0.4, 0.6])
    assert sorted(set(points["mean_degree"])) == [4, 7, 10]
    assert sweep.point_scenario(11)["mean_degree"] == 10


@pytest.mark.parametrize(
    ("kind", "samples", "expected"),
    [("latin", 20, 20), ("sobol", 16, 16 * (3 + 2)), ("morris", 5, 5 * (3 + 1))],
)
def test_sampled_designs_have_salib_sizes_and_stay_in_bounds(kind, samples, expected):
    bounds = {"surveillance": (0.1, 0.3), "opacity": (0.0, 2.0), "mean_degree": (4, 12)}
    d = design.sample(kind, bounds, samples, seed=3, integers=["mean_degree"])
    assert d.n_points == expected == design.n_points(kind, 3, samples)
    for name, (lo, hi) in bounds.items():
        assert d.points[name].between(lo, hi).all()
    assert d.points["mean_degree"].dtype == np.int64
    again = design.sample(kind, bounds, samples, seed=3, integers=["mean_degree"])
    assert again.points.equals(d.points)
    other = design.sample(kind, bounds, samples, seed=4, integers=["mean_degree"])
    assert not other.points.equals(d.points)


def test_latin_hypercube_puts_one_point_in_each_stratum():
    d = design.sample("latin", {"a": (0.0, 1.0), "b": (0.0, 1.0)}, 10, seed=1)
    for name in ("a", "b"):
        assert sorted(np.floor(d.points[name] * 10).astype(int)) == list(range(10))


def test_sobol_second_order_adds_points():
    d = design.sample("sobol", {"a": (0, 1), "b": (0, 1)}, 8, seed=1, second_order=True)
    assert d.n_points == 8 * (2 * 2 + 2)


def test_morris_points_lie_on_the_grid():
    d = design.sample("morris", {"a": (0.0, 1.0), "b": (0.0, 1.0)}, 4, seed=1, levels=4)
    grid = np.array([0, 1 / 3, 2 / 3, 1])
    assert np.isclose(d.points.to_numpy()[..., None], grid).any(axis=-1).all()


def test_runs_are_point_major_with_seeds_from_sweep_seed_and_index():
    sweep = load_sweep(sweep_data())
    runs = sweep.runs()
    assert sweep.n_runs == len(runs) == 4
    assert [(r.run_id, r.point, r.replicate) for r in runs] == [
        (0, 0, 0),
        (1, 0, 1),
        (2, 1, 0),
        (3, 1, 1),
    ]
    assert [r.seed for r in runs] == [run_seed(11, i) for i in range(4)]
    assert len({r.seed for r in runs}) == 4
    assert all(0 <= r.seed < 2**63 for r in runs)
    expected = np.random.SeedSequence(11, spawn_key=(2,)).generate_state(1, np.uint64)[0] >> 1
    assert runs[2].seed == int(expected)


def test_common_random_numbers_share_seeds_across_points():
    runs = load_sweep(sweep_data(common_random_numbers=True)).runs()
    assert runs[0].seed == runs[2].seed != runs[1].seed == runs[3].seed


def test_set_overrides_sweep_fields_and_base_keys():
    sweep = load_sweep(
        sweep_data(),
        [
            "steps=3",
            "replicates=1",
            "n_citizens=50",
            "base.opacity=0.5",
            "parameters.surveillance.values=[0.2, 0.3, 0.4]",
        ],
    )
    assert sweep.steps == 3 and sweep.spec.replicates == 1
    assert sweep.base.n_citizens == 50 and sweep.base.opacity == 0.5
    assert sweep.n_runs == 3
    assert sweep.point_scenario(2)["surveillance"] == 0.4


def test_keep_steps_forms():
    assert load_sweep(sweep_data(keep_steps="last")).kept_steps() == [5]
    assert load_sweep(sweep_data(keep_steps=2)).kept_steps() == [0, 2, 4, 5]
    assert load_sweep(sweep_data(keep_steps=[5, 1])).kept_steps() == [1, 5]
    assert load_sweep(sweep_data()).kept_steps() == list(range(6))


def test_shipped_example_sweeps_resolve(scenario_dir):
    factorial = load_sweep(scenario_dir / "sweeps" / "surveillance-ties.toml")
    assert factorial.design.kind == "factorial"
    assert set(factorial.parameters) == {"surveillance", "weight_ties"}
    sobol = load_sweep(scenario_dir / "sweeps" / "score-weights-sobol.toml")
    assert sobol.design.kind == "sobol"
    assert all(p.startswith("weight_") for p in sobol.parameters)
