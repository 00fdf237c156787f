"""SocialCreditModel: a Mesa model of scored citizens on a social network.

The step order, in one place (see :meth:`SocialCreditModel.step`):

1. policy events due this step change the scenario;
2. citizens post, wanting to be critical or not, and some self-censor; surveillance observes;
3. citizens donate, sincerely or for the score;
4. violations and record errors happen; debts are repaid;
5. the scorer updates its records and everyone's score;
6. appeals are heard; every enabled sanction path restricts citizens;
7. sanctions cost income (strain) and block ticket purchases;
8. citizens review their ties, cut liabilities and rewire;
9. citizens learn from what they saw; metrics are collected.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import fields
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from scs_sim import metrics
from scs_sim.agents import Citizen
from scs_sim.loading import ScenarioError, resolve_scenario
from scs_sim.mechanisms import STEP_ORDER, Mechanism, resolve_backend, with_plugins
from scs_sim.network import SocialNetwork
from scs_sim.plugins import load_plugins
from scs_sim.population import KIND_BITS, Traits, create_population
from scs_sim.rules import beliefs
from scs_sim.sanctions.initial_listings import seed_initial_listings
from scs_sim.scenario import DATA_SOURCES, Scenario
from scs_sim.scoring import Scorer
from scs_sim.streams import RandomStreams

AGENT_VIEW_LIMIT = 50_000
"""Largest population that gets Mesa agent views by default; above it, arrays only."""


EXPLAIN_DIGITS = 3
"""Significant digits of the numbers :meth:`SocialCreditModel.explain` returns."""

EXPLAIN_UNITS: dict[str, str] = {
    "score": "points, 350-950 (None without a score)",
    "own_conduct_score": "points, 350-950: the score its own records alone would earn",
    "components": "score component per data source, standardised before weighting",
    "true_weights": "share of the score, sums to 1 (hidden from citizens)",
    "believed_weights": "share of the score the citizen believes each source has",
    "traits.dissent": "probability 0-1 that a post it wants to make is critical",
    "traits.risk_aversion": "0 (bold) to 1",
    "traits.charity": "probability per week of a sincere donation",
    "traits.income": "relative income, population mean 1",
    "traits.violation_proneness": "relative violation risk, population mean 1",
    "traits.activity": "probability per week of posting online",
    "traits.group": "majority or minority",
    "perceived_surveillance": "believed probability 0-1 that a post is observed",
    "fear": "0-1, from sanctioned contacts",
    "self_censorship_probability": "probability 0-1 of holding back a critical post",
    "strain": "income strain: recent sanction costs relative to income",
    "contacts": "active ties",
}
"""Units of the numbers in :meth:`SocialCreditModel.explain`, by key."""


def _sig(value: Any) -> float:
    """``value`` as a Python float with :data:`EXPLAIN_DIGITS` significant digits."""
    return float(f"{float(value):.{EXPLAIN_DIGITS}g}")


class ArraysOnlyWarning(UserWarning):
    """The population is too large for Mesa agent views; the model runs on arrays alone."""


def _coerce_rng(rng: Any) -> Any:
    # A dashboard text box hands over "42"; Mesa would raise a TypeError on it.
    if isinstance(rng, str):
        try:
            return int(rng.strip())
        except ValueError:
            raise ScenarioError(f"rng = {rng!r} is not valid; allowed: an integer seed") from None
    return rng


def resolve_params(
    scenario: str | Path | Scenario | dict | None, overrides: dict[str, Any]
) -> Scenario:
    """Turn the model's ``scenario`` argument plus keyword overrides into a Scenario.

    The one resolver (:func:`scs_sim.loading.resolve_scenario`), in Python's words.
    """
    labels = {type(None): "SocialCreditModel()", dict: "SocialCreditModel(scenario={...})"}
    label = labels.get(type(scenario))
    return resolve_scenario(scenario, overrides or None, caller="python", label=label)


class SocialCreditModel(mesa.Model):
    """Synthetic citizens, an opaque score, sanctions, and their chilling effects.

    Every scenario field (see :class:`scs_sim.Scenario` and docs/scenarios.md) is also a
    keyword argument, so ``mesa.batch_run`` and SolaraViz ``model_params`` work unchanged.

    Args:
        scenario: A scenario file path, a shipped scenario's name (``"sesame"``), a
            :class:`Scenario`, or a dict. ``None`` uses the baseline defaults.
        rng: Seed or generator, as in Mesa. Every random draw derives from it.
        agent_views: Create a :class:`Citizen` agent per citizen. ``None`` means
            "if there are at most AGENT_VIEW_LIMIT citizens".
        backend: ``"numba"`` runs each mechanism's compiled kernel, ``"numpy"`` its numpy
            rule (:mod:`scs_sim.rules`), with the same results bit for bit; ``"auto"``
            picks numpy below ``mechanisms.AUTO_NUMBA_FROM`` citizens (no compilation).
        **params: Scenario fields overriding the scenario's values.

    Attributes:
        params: The resolved :class:`Scenario` in force (events change it mid-run).
        population: Traits and state arrays.
        network: The social network (CSR contact lists).
        metrics: This step's metrics by name.
        datacollector: Mesa DataCollector with one model reporter per metric.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario | dict | None = None,
        *,
        rng: Any = None,
        agent_views: bool | None = None,
        backend: str = "auto",
        **params: Any,
    ) -> None:
        seed = params.pop("seed", None)
        rng = _coerce_rng(rng)
        super().__init__(rng=rng) if seed is None else super().__init__(seed=seed)
        self.params: Scenario = resolve_params(scenario, params)
        self.initial_params: Scenario = self.params
        try:
            self.backend = resolve_backend(backend, self.params.n_citizens)
        except ValueError as error:
            raise ScenarioError(str(error)) from None
        self.plugins = load_plugins(self.params.plugins)
        self.step_order: list[Mechanism] = with_plugins(STEP_ORDER, self.plugins)
        self.root_entropy = int(self.rng.integers(2**63))
        self.streams = RandomStreams(self.root_entropy)
        self.counters: Counter[str] = Counter(dict.fromkeys(metrics.COUNTERS, 0))
        self.captions: list[tuple[int, str]] = []

        self.network, group = SocialNetwork.generate(self.params, self.streams.generator("network"))
        self.population = create_population(self.params, self.streams, group)
        seed_initial_listings(self)  # no-op unless initial_listed_share > 0
        self.plugin_states: dict[str, np.ndarray] = {
            name: np.zeros(self.population.n, dtype=dtype)
            for plugin in self.plugins
            for name, dtype in plugin.states.items()
        }
        for plugin in self.plugins:
            if plugin.init is not None:
                plugin.init(self)
        has_groups = bool(group.any())
        self.group_members = (
            [np.flatnonzero(group == g).astype(np.int32) for g in (0, 1)] if has_groups else []
        )
        self.assortativity_slots = self._sample_tie_slots()
        # Slots never change owner (rewiring re-points a slot), so their rows are fixed too.
        self.assortativity_rows = (
            np.searchsorted(self.network.adjacency.indptr, self.assortativity_slots, side="right")
            - 1
        ).astype(self.network.adjacency.indices.dtype)
        self.scorer = Scorer(own_score=self.population.state.score)
        self._apply_events(0)
        scores = self.mechanism("scores")
        for _ in range(2):  # the ties rule reads last step's scores: settle them first
            scores.run(self, 0, self.backend)

        names = metrics.metric_names(has_groups)
        names += [name for plugin in self.plugins for name in plugin.metrics]
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_read_metric, name=name) for name in names}
        )
        if agent_views is None:
            agent_views = self.population.n <= AGENT_VIEW_LIMIT
            if not agent_views:
                warnings.warn(
                    f"{self.population.n} citizens exceed AGENT_VIEW_LIMIT ({AGENT_VIEW_LIMIT}): "
                    "running on arrays alone, so model.agents is empty",
                    ArraysOnlyWarning,
                    stacklevel=2,
                )
        self.agent_views = agent_views
        if agent_views:
            for index in range(self.population.n):
                Citizen(self, index)
        self.metrics: dict[str, float] = {}
        self.mechanism("metrics").run(self, 0, self.backend)
        self._plugin_metrics()
        self.datacollector.collect(self)

    @property
    def own_score(self) -> np.ndarray:
        """The score each citizen's own conduct alone earned (the scorer's)."""
        return self.scorer.own_score

    @own_score.setter
    def own_score(self, value: np.ndarray) -> None:
        self.scorer.own_score = value

    @property
    def score_reference(self) -> tuple[float, float] | None:
        """The scorecard's launch (mean, spread), once fitted (the scorer's)."""
        return self.scorer.reference

    @score_reference.setter
    def score_reference(self, value: tuple[float, float] | None) -> None:
        self.scorer.reference = value

    @property
    def score_components(self) -> Mapping[str, np.ndarray]:
        """The last scoring's components by rule name (the scorer's)."""
        return self.scorer.components

    @score_components.setter
    def score_components(self, value: Mapping[str, np.ndarray]) -> None:
        self.scorer.components = value

    def mechanism(self, name: str) -> Mechanism:
        """The mechanism of this model's step order called ``name``."""
        for mechanism in self.step_order:
            if mechanism.name == name:
                return mechanism
        raise KeyError(f"no mechanism {name!r}; known: {[m.name for m in self.step_order]}")

    def _sample_tie_slots(self) -> np.ndarray:
        nnz = self.network.adjacency.nnz
        if nnz <= metrics.ASSORTATIVITY_SAMPLE:
            return np.arange(nnz)
        gen = self.streams.generator("network", 0)
        return np.sort(gen.choice(nnz, metrics.ASSORTATIVITY_SAMPLE, replace=False))

    def _apply_events(self, step: int) -> None:
        for event in self.params.events:
            if event.step != step:
                continue
            before = self.params
            self.params = self.params.model_copy(update=event.set)
            if self.params.scoring and not before.scoring:
                self.score_reference = None  # a score launched mid-run is fitted then
            beliefs.on_policy_change(self, before, step)
            if event.caption:
                self.captions.append((step, event.caption))

    def step(self) -> None:
        """Advance one week: policy events, then ``step_order`` (scs_sim.mechanisms)."""
        t = self.steps
        self._apply_events(t)
        for mechanism in self.step_order:
            mechanism.run(self, t, self.backend)
        self._plugin_metrics()
        self.datacollector.collect(self)

    def _plugin_metrics(self) -> None:
        for plugin in self.plugins:
            for name, metric in plugin.metrics.items():
                self.metrics[name] = float(metric(self))

    def run(self, steps: int | None = None, progress: Any = None) -> None:
        """Run ``steps`` steps (default: the scenario's ``steps``).

        Args:
            steps: How many steps to run.
            progress: Optional callable called with the step number after each step.
        """
        for _ in range(self.initial_params.steps if steps is None else steps):
            self.step()
            if progress is not None:
                progress(self.steps)

    @property
    def latest_caption(self) -> str:
        """The caption of the last policy event that fired, or ''."""
        return self.captions[-1][1] if self.captions else ""

    def series(self):  # -> pandas.DataFrame
        """The collected metrics, one row per step (step 0 is the initial state)."""
        frame = self.datacollector.get_model_vars_dataframe()
        frame.index.name = "step"
        return frame.reset_index()

    def explain(self, index: int) -> dict[str, Any]:
        """Why this citizen? Its hidden traits, score by component, beliefs and sanctions.

        Numbers are rounded to :data:`EXPLAIN_DIGITS` significant digits (no float32 noise);
        ``units`` gives the unit of every number, by key.
        """
        traits, state = self.population.traits, self.population.state
        weights = self.params.weight_shares() if self.params.scoring else {}
        components = {name: _sig(values[index]) for name, values in self.score_components.items()}
        trait_values: dict[str, Any] = {
            f.name: _sig(getattr(traits, f.name)[index])
            for f in fields(Traits)
            if f.name != "group"
        }
        trait_values["group"] = ("majority", "minority")[int(traits.group[index])]
        return {
            "index": index,
            "traits": trait_values,
            "score": _sig(state.score[index]) if self.params.scoring else None,
            "own_conduct_score": _sig(self.own_score[index]) if self.params.scoring else None,
            "components": components,
            "true_weights": {k: _sig(v) for k, v in weights.items()},
            "believed_weights": {
                name: _sig(state.beliefs[index, k]) for k, name in enumerate(DATA_SOURCES)
            },
            "perceived_surveillance": _sig(state.perceived_surveillance[index]),
            "fear": _sig(state.fear[index]),
            "self_censorship_probability": _sig(state.censor_probability[index]),
            "debt": bool(state.debt[index]),
            "wrong_record": bool(state.false_record[index]),
            "blacklisted": bool(state.listed[index]),
            "listed_wrongly": bool(state.listed_wrongly[index]),
            "restrictions": [k for k, b in KIND_BITS.items() if state.restricted[index] & b],
            "unjustified_restrictions": [
                k
                for k, b in KIND_BITS.items()
                if state.restricted[index] & ~state.justified[index] & b
            ],
            "red_list_perks": bool(state.perks[index]),
            "strain": _sig(state.strain[index]),
            "contacts": int(self.network.degree[index]),
            "units": EXPLAIN_UNITS,
        }

    @property
    def grid(self):  # -> mesa.discrete_space.Network
        """A Mesa network space of the current ties holding the citizens (built on demand).

        Mesa's SpaceRenderer and SolaraViz look for ``model.grid``. It is rebuilt when
        ties have changed since the last access.
        """
        from scs_sim.space import network_space

        version = self.counters["ties_cut"]
        if getattr(self, "_grid_version", None) != version:
            self._grid = network_space(self)
            self._grid_version = version
        return self._grid

    def to_networkx(self):  # -> networkx.Graph
        """The current active ties as a networkx graph (small populations only)."""
        return self.network.to_networkx(AGENT_VIEW_LIMIT)


def _read_metric(model: SocialCreditModel, name: str) -> float:
    return model.metrics[name]
