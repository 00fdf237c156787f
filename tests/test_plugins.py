"""Plug-ins: the two examples through the CLI and a sweep, validation, and bit-for-bit safety."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scs_sim import SocialCreditModel, plugins
from scs_sim.cli import main
from scs_sim.errors import PluginError
from scs_sim.mechanisms import STEP_ORDER, with_plugins
from scs_sim.metrics import metric_names

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "plugins"
TRAFFIC = str(EXAMPLES / "traffic_cameras.py")
INFORMANTS = str(EXAMPLES / "informants.py")
NEW_METRICS = {
    TRAFFIC: ("camera_fined_share", "mean_traffic_record"),
    INFORMANTS: ("reported_critics_share",),
}
SWEPT = {TRAFFIC: ("camera_coverage", [0.0, 0.8]), INFORMANTS: ("informant_share", [0.0, 0.2])}


@pytest.fixture(autouse=True)
def _no_active_plugins(monkeypatch):
    # --plugin activates plug-ins for the process (and its children): undo after each test.
    monkeypatch.setattr(plugins, "ACTIVE", [])
    monkeypatch.setenv(plugins.PLUGINS_ENV, "")


@pytest.mark.parametrize("plugin", [TRAFFIC, INFORMANTS], ids=["traffic", "informants"])
def test_example_plugin_runs_from_the_cli(plugin: str, tmp_path: Path):
    out = tmp_path / "out"
    args = ["run", "full-scs", "--plugin", plugin, "--set", "n_citizens=600", "--set", "steps=6"]
    assert main([*args, "--out", str(out), "--quiet"]) == 0
    series = pd.read_csv(out / "timeseries.csv")
    for name in NEW_METRICS[plugin]:
        assert name in series.columns
    assert series[NEW_METRICS[plugin][0]].iloc[1:].gt(0).any()
    # The written scenario names the plug-in and its parameters: it runs again as it is.
    assert main(["validate", str(out / "scenario.toml")]) == 0


@pytest.mark.parametrize("plugin", [TRAFFIC, INFORMANTS], ids=["traffic", "informants"])
def test_example_plugin_runs_in_a_sweep_of_its_parameter(plugin: str, tmp_path: Path):
    name, values = SWEPT[plugin]
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        f'name = "plug"\nseed = 3\nreplicates = 1\nsteps = 4\n'
        f'[base]\nscenario = "full-scs"\nn_citizens = 300\nplugins = ["{plugin}"]\n'
        f'[design]\nkind = "factorial"\n[parameters.{name}]\nvalues = {values}\n'
    )
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "sw"), "--quiet"]) == 0
    runs = sorted((tmp_path / "sw" / "runs").glob("*.parquet"))
    frames = [pd.read_parquet(path) for path in runs]
    assert [f[name].iloc[0] for f in frames] == values
    metric = NEW_METRICS[plugin][0]
    assert frames[0][metric].iloc[-1] == 0.0 and frames[1][metric].iloc[-1] > 0.0


def test_scenario_files_name_plugins_and_their_keys(tmp_path: Path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        f'name = "watched"\nn_citizens = 400\nsteps = 3\nscoring = true\n'
        f'plugins = ["{INFORMANTS}"]\ninformant_share = 0.1\n'
    )
    assert main(["validate", str(scenario)]) == 0
    beside = tmp_path / "beside.toml"  # a plug-in file next to the scenario, named relatively
    (tmp_path / "informants.py").write_text(Path(INFORMANTS).read_text())
    beside.write_text('plugins = ["informants.py"]\ninformant_share = 0.1\n')
    assert main(["validate", str(beside)]) == 0
    model = SocialCreditModel(scenario, rng=1)
    assert model.params.informant_share == 0.1
    assert "informants" in [m.name for m in model.step_order]


def test_one_plugin_file_named_as_a_string_beside_the_scenario(tmp_path: Path):
    # plugins = "file.py" (not a list) is found next to the scenario too, from any folder.
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "informants.py").write_text(Path(INFORMANTS).read_text())
    scenario = folder / "one.toml"
    scenario.write_text('plugins = "informants.py"\ninformant_share = 0.1\n')
    assert main(["validate", str(scenario)]) == 0


def test_bad_plugin_input_is_one_line_and_exit_2(tmp_path: Path, capsys):
    out = tmp_path / "out"
    bad = ["run", "full-scs", "--plugin", INFORMANTS, "--set", "informant_share=2"]
    assert main([*bad, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "informant_share = 2" in err and "0.5" in err and "\n" not in err
    assert not out.exists()
    assert main(["validate", "full-scs", "--plugin", "no_such_module_x"]) == 2
    assert "no_such_module_x" in capsys.readouterr().err
    scenario = tmp_path / "s.toml"
    scenario.write_text("custom_weights = { speeding = 0.2 }\n")  # no plug-in registers it
    assert main(["validate", str(scenario)]) == 2
    assert "no rule named 'speeding'" in capsys.readouterr().err


def test_a_plugin_that_changes_nothing_leaves_every_builtin_result_bit_for_bit():
    plain = SocialCreditModel("full-scs", rng=5, n_citizens=1500)
    quiet = SocialCreditModel(
        "full-scs", rng=5, n_citizens=1500, plugins=[INFORMANTS, TRAFFIC],
        informant_share=0.0, informant_chill=0.0, weight_traffic=0.0,
    )  # fmt: skip
    for model in (plain, quiet):
        model.run(8)
    names = metric_names(False)
    assert plain.series()[names].equals(quiet.series()[names])
    assert quiet.series()["camera_fined_share"].gt(0).any()  # it did run, on its own stream


@pytest.mark.parametrize("size", [1500, 12_000])
def test_plugins_give_the_same_results_on_both_backends(size: int):
    options = {"plugins": [INFORMANTS, TRAFFIC], "informant_share": 0.1, "agent_views": False}
    runs = [
        SocialCreditModel("full-scs", rng=9, n_citizens=size, backend=backend, **options)
        for backend in ("numpy", "numba")
    ]
    for model in runs:
        model.run(5)
    assert runs[0].series().equals(runs[1].series())
    assert np.array_equal(runs[0].population.rel.censor, runs[1].population.rel.censor)
    assert (runs[0].population.rel.censor > 1).any()


def test_plugins_go_where_they_say():
    informants, traffic = plugins.load_plugins([INFORMANTS, TRAFFIC])
    order = [m.name for m in with_plugins(STEP_ORDER, [informants, traffic])]
    assert order.index("informants") == order.index("expression") + 1
    assert order.index("traffic_cameras") == order.index("records") + 1
    assert order.index("scores") == order.index("traffic_cameras") + 1


def test_a_plugin_in_the_wrong_place_is_refused(tmp_path: Path):
    bad = tmp_path / "bad_place.py"
    bad.write_text(
        "from scs_sim.plugins import Plugin\n"
        "PLUGIN = Plugin(name='x', step=lambda ctx, step: None, after='nowhere')\n"
    )
    with pytest.raises(PluginError, match="after/before"):
        plugins.load_plugins([str(bad)])
    empty = tmp_path / "empty.py"
    empty.write_text("X = 1\n")
    with pytest.raises(PluginError, match="defines no PLUGIN"):
        plugins.load_plugin(str(empty))


def test_the_dashboard_panel_shows_active_plugins_parameters():
    from scs_sim.viz.fields import field_specs

    assert "informant_share" not in {spec.name for spec in field_specs()}
    plugins.activate([INFORMANTS])
    specs = {spec.name: spec for spec in field_specs()}
    assert specs["informant_share"].le == 0.5
    assert "informants" in specs["informant_share"].help.lower()
    assert INFORMANTS in os.environ[plugins.PLUGINS_ENV]  # for the dashboard's server


@pytest.mark.parametrize("value", ["0", "[1]", "{ a = 1 }", '""', '[".x"]'])
def test_plugins_that_are_not_a_list_of_names_are_one_line(capsys, tmp_path, value):
    # Found by the fuzz test: plugins = 0 used to end in a TypeError traceback.
    out = tmp_path / "out"
    code = main(["run", "baseline", "--steps", "1", "--set", f"plugins={value}", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "plugin" in err and "allowed" in err
    assert not out.exists()
