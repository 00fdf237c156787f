"""The model is a proper Mesa model: batch_run, agents, DataCollector, SolaraViz keywords."""

from __future__ import annotations

import inspect

import mesa
import pandas as pd
import pytest

from scs_sim import AGENT_VIEW_LIMIT, Citizen, SocialCreditModel
from scs_sim.model import ArraysOnlyWarning
from scs_sim.scenario import parameter_fields

REQUIRED = (
    "n_citizens",
    "surveillance",
    "weight_donations",
    "weight_online",
    "weight_ties",
    "weight_credit",
    "opacity",
    "appeals",
    "record_error_rate",
)
REQUIRED_METRICS = (
    "mean_score",
    "score_gini",
    "self_censorship_rate",
    "expression_gap",
    "donation_rate",
    "performative_donation_rate",
    "blacklisted_share",
    "travel_banned_share",
    "visa_restricted_share",
    "rental_restricted_share",
    "false_positive_share",
    "ties_cut",
    "score_assortativity",
)


def test_batch_run_works_and_reproduces_with_rng_list():
    kwargs = dict(
        parameters={"n_citizens": 300, "surveillance": [0.1, 0.6], "scoring": True},
        rng=[1, 2],
        max_steps=5,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    first = pd.DataFrame(mesa.batch_run(SocialCreditModel, **kwargs))
    second = pd.DataFrame(mesa.batch_run(SocialCreditModel, **kwargs))
    assert len(first) == 4
    assert set(REQUIRED_METRICS) <= set(first.columns)
    pd.testing.assert_frame_equal(first, second)


def test_every_required_name_is_a_flat_keyword():
    model = SocialCreditModel(
        **{name: getattr(SocialCreditModel().params, name) for name in REQUIRED}
    )
    assert model.params.n_citizens == 1000
    assert set(REQUIRED) <= set(parameter_fields())


def test_no_arguments_runs_the_baseline_defaults():
    model = SocialCreditModel()
    model.run(3)
    assert model.params.name == "baseline" and not model.params.scoring


def test_scenario_file_with_overrides():
    model = SocialCreditModel(scenario="scenarios/sesame.toml", n_citizens=500, surveillance=0.5)
    assert model.params.name == "sesame"
    assert model.params.surveillance == 0.5 and model.population.n == 500


def test_datacollector_has_every_required_metric_each_step():
    model = SocialCreditModel("minority", rng=1, n_citizens=500)
    model.run(4)
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 5
    assert set(REQUIRED_METRICS) <= set(frame.columns)
    assert {"self_censorship_rate_majority", "self_censorship_rate_minority"} <= set(frame.columns)


def test_citizens_are_agent_views_onto_the_arrays():
    model = SocialCreditModel("full-scs", rng=3, n_citizens=400)
    model.run(5)
    assert len(model.agents) == 400
    citizen = model.agents.select(lambda a: a.index == 7).to_list()[0]
    assert isinstance(citizen, Citizen)
    assert citizen.score == float(model.population.state.score[7])
    low = model.agents.select(lambda a: a.score < 550)
    assert len(low) == int((model.population.state.score < 550).sum())
    assert citizen.explain()["index"] == 7


def test_large_populations_run_on_arrays_alone_and_say_so():
    with pytest.warns(ArraysOnlyWarning, match="running on arrays alone"):
        model = SocialCreditModel(n_citizens=AGENT_VIEW_LIMIT + 1, mean_degree=4)
    assert len(model.agents) == 0 and not model.agent_views
    model.step()


def test_solara_viz_can_read_keyword_defaults():
    """SolaraViz builds controls from the signature; keywords must be accepted by name."""
    signature = inspect.signature(SocialCreditModel.__init__)
    assert "rng" in signature.parameters
    model = SocialCreditModel(rng="12", n_citizens=100)
    assert model.population.n == 100


def test_mesa_space_renderer_draws_the_citizens():
    """Mesa portrayals work: SpaceRenderer finds model.grid and draws every citizen."""
    import matplotlib

    matplotlib.use("Agg")
    from mesa.visualization import SpaceRenderer
    from mesa.visualization.components import AgentPortrayalStyle

    model = SocialCreditModel("full-scs", rng=2, n_citizens=120)
    model.run(3)
    assert sum(len(cell.agents) for cell in model.grid.all_cells) == 120
    seen = []

    def portrayal(citizen: Citizen) -> AgentPortrayalStyle:
        seen.append(citizen.index)
        return AgentPortrayalStyle(color="red" if citizen.blacklisted else "tab:blue", size=10)

    renderer = SpaceRenderer(model, backend="matplotlib")
    renderer.draw_structure()
    renderer.setup_agents(portrayal).draw_agents()
    assert sorted(set(seen)) == list(range(120))
