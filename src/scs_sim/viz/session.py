"""One browser session's simulation: the chosen scenario, its counterfactual, and their history.

Everything here is plain Python (no Solara), so the dashboard's logic is testable and
benchmarkable without a browser. A :class:`DashboardSession` belongs to exactly one
browser session: the page creates it with ``solara.use_memo``, never at module level,
so one visitor's Step never moves another visitor's model.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scs_sim import scenario_library
from scs_sim.loading import ScenarioError, load_scenario
from scs_sim.model import SocialCreditModel
from scs_sim.population import KIND_BITS
from scs_sim.runner import matched, series_difference
from scs_sim.scenario import Scenario
from scs_sim.viz.edge_lists import check_edge_list
from scs_sim.viz.labels import run_labels
from scs_sim.viz.layout import NetworkView, network_signature, network_view
from scs_sim.viz.limits import DASHBOARD_MAX_CITIZENS, check_steps
from scs_sim.viz.story import Skipped, keep_user_changes

HISTORY_MAX_CITIZENS = 200_000
"""Largest population whose per-citizen history is kept for the inspector."""

POLICY_OFF: dict[str, Any] = {
    "scoring": False,
    "threshold_sanctions": False,
    "blacklist": False,
    "appeals": False,
    "events": [],
}
"""What the 'baseline' counterfactual switches off: the score, every sanction path, the story."""

BASELINE = "baseline (no score, no sanctions)"
"""Label of the counterfactual that is the chosen scenario with its policies switched off."""


def list_scenarios(dirs: list[Path] | None = None) -> dict[str, Path]:
    """Every ``*.toml`` scenario file, by name; a folder earlier in ``dirs`` wins a name clash.

    Args:
        dirs: Folders to list; default the scenario search path (the
            ``SCS_SIM_SCENARIOS`` folder, ./scenarios, then the shipped scenarios).
    """
    if dirs is None:
        return scenario_library.list_files("scenario")
    found: dict[str, Path] = {}
    for folder in dirs:
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found.setdefault(path.stem, path)
    return dict(sorted(found.items()))


def parse_seed(text: str | int) -> int:
    """The seed typed into the page, as an integer; a one-line :class:`ScenarioError` if not."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise ScenarioError(
                f"seed = {text!r} is not valid; allowed: a whole number >= 0"
            ) from None
    if value < 0:
        raise ScenarioError(f"seed = {value} is not valid; allowed: a whole number >= 0")
    return value


def policy_off(params: Scenario) -> Scenario:
    """The same citizens and network with no score, no sanctions and no story."""
    data = params.model_dump() | POLICY_OFF
    data["name"] = f"{params.name} without policy"
    data["description"] = "The same citizens and ties, with no score and no sanctions."
    return Scenario.model_validate(data)


def check_size(params: Scenario) -> None:
    """Refuse populations the dashboard cannot animate, with the allowed range."""
    if params.n_citizens > DASHBOARD_MAX_CITIZENS:
        raise ScenarioError(
            f"n_citizens = {params.n_citizens} is too many for the dashboard; allowed: "
            f"10 <= n_citizens <= {DASHBOARD_MAX_CITIZENS} (use scs-sim run for more)"
        )


class CitizenHistory:
    """Every citizen's score, sanctions and self-censorship at each step, for the inspector.

    One row per step; a few bytes per citizen and step (about 0.6 MB for 1,000 citizens
    over 104 weeks), and nothing is kept above :data:`HISTORY_MAX_CITIZENS`.
    """

    def __init__(self, n: int) -> None:
        self.enabled = n <= HISTORY_MAX_CITIZENS
        self.steps: list[int] = []
        self._score: list[np.ndarray] = []
        self._restricted: list[np.ndarray] = []
        self._listed: list[np.ndarray] = []
        self._censored: list[np.ndarray] = []
        self._fear: list[np.ndarray] = []

    def record(self, model: SocialCreditModel) -> None:
        """Keep this step's state of every citizen."""
        if not self.enabled:
            return
        state = model.population.state
        self.steps.append(int(model.steps))
        self._score.append(state.score.astype(np.float32, copy=True))
        self._restricted.append(state.restricted.astype(np.uint8, copy=True))
        self._listed.append(state.listed.astype(bool, copy=True))
        self._censored.append(state.self_censored.astype(bool, copy=True))
        self._fear.append(state.fear.astype(np.float16, copy=True))

    def of(self, index: int) -> pd.DataFrame:
        """One citizen's history: step, score, restrictions, blacklisted, self-censored, fear."""
        if not self.enabled or not self.steps:
            return pd.DataFrame(
                columns=["step", "score", "restrictions", "blacklisted", "self_censored", "fear"]
            )
        bits = np.array([r[index] for r in self._restricted])
        return pd.DataFrame(
            {
                "step": self.steps,
                "score": [float(s[index]) for s in self._score],
                "restrictions": [
                    ",".join(k for k, b in KIND_BITS.items() if int(v) & b) for v in bits
                ],
                "blacklisted": [bool(x[index]) for x in self._listed],
                "self_censored": [bool(x[index]) for x in self._censored],
                "fear": [float(x[index]) for x in self._fear],
            }
        )


@dataclass
class Counterfactual:
    """What the chosen scenario is compared with: its label and resolved scenario."""

    label: str
    params: Scenario


@dataclass(eq=False)
class DashboardSession:
    """The runs one browser session animates: a scenario and, optionally, its counterfactual.

    Both models are built from the same seed and (see :func:`matched`) the same network
    fields, so they start from identical citizens and ties and differ only by policy.

    Args:
        params: The chosen scenario, validated.
        seed: The seed of both runs.
        source: Where the scenario came from (a file, with or without page overrides).
        counterfactual: What to compare with, or ``None`` for no comparison.
        changed: Parameters the page changed.
        skipped: Story changes skipped to keep the page's changes.
    """

    params: Scenario
    seed: int
    source: str = ""
    counterfactual: Counterfactual | None = None
    changed: tuple[str, ...] = ()
    """Parameters the page changed (the visitor's overrides), in the order set."""
    skipped: list[Skipped] = field(default_factory=list)
    """Story changes not applied because the visitor set the parameter (:mod:`.story`)."""
    model: SocialCreditModel = field(init=False)
    twin: SocialCreditModel | None = field(init=False, default=None)
    history: CitizenHistory = field(init=False)
    signature: str = field(init=False)
    view: NetworkView = field(init=False)
    lock: threading.RLock = field(init=False, default_factory=threading.RLock, repr=False)

    def __post_init__(self) -> None:
        check_size(self.params)
        self.reset()

    def reset(self) -> None:
        """Rebuild both runs at step 0 from the same scenario and seed."""
        with self.lock:
            self.model = self._build(self.params)
            self.signature = network_signature(self.model.network)
            # Before any step: the view keys positions to the initial ties.
            self.view = network_view(self.model.network, self.signature)
            self.history = CitizenHistory(self.model.population.n)
            self.history.record(self.model)
            self.twin = None
            if self.counterfactual is not None:
                self.twin = self._build(self.counterfactual.params)

    def _build(self, params: Scenario) -> SocialCreditModel:
        # Agent views cost a Python object per citizen; the dashboard reads the arrays.
        return SocialCreditModel(params, rng=self.seed, agent_views=False)

    def compare_with(self, counterfactual: Counterfactual | None) -> None:
        """Start (or stop) comparing; a new counterfactual catches up to the current step."""
        with self.lock:
            self.counterfactual = counterfactual
            if counterfactual is None:
                self.twin = None
                return
            twin = self._build(counterfactual.params)
            for _ in range(self.model.steps):
                twin.step()
            self.twin = twin

    def step(self, n: int = 1) -> None:
        """Advance both runs ``n`` steps together, within the session's step cap.

        Raises:
            ScenarioError: ``n`` steps would pass :func:`scs_sim.viz.limits.step_cap`.
        """
        with self.lock:
            check_steps(self.steps, n, self.model.population.n)
            for _ in range(n):
                self.model.step()
                if self.twin is not None:
                    self.twin.step()
                self.history.record(self.model)

    def labels(self) -> tuple[str, str]:
        """Legend names of the run and its counterfactual, by what differs between them."""
        if self.counterfactual is None:
            return self.params.name, ""
        return run_labels(
            self.params,
            self.params.name,
            self.counterfactual.params,
            self.counterfactual.label,
            list(self.changed),
        )

    @property
    def steps(self) -> int:
        """Steps run so far."""
        return int(self.model.steps)

    @property
    def finished(self) -> bool:
        """Whether the scenario's planned number of steps has been run."""
        return self.steps >= self.params.steps

    def series(self) -> pd.DataFrame:
        """The chosen run's metrics, one row per step."""
        with self.lock:
            return self.model.series()

    def twin_series(self) -> pd.DataFrame | None:
        """The counterfactual's metrics, or ``None`` when not comparing."""
        with self.lock:
            return None if self.twin is None else self.twin.series()

    def difference(self) -> pd.DataFrame | None:
        """Per-step ``scenario - counterfactual`` of every shared metric."""
        twin = self.twin_series()
        return None if twin is None else series_difference(twin, self.series())

    def series_csv(self) -> bytes:
        """The chosen run's series as CSV; with a comparison, the counterfactual's and the
        difference follow as prefixed columns (``cf_``, ``diff_``)."""
        frame = self.series()
        twin, diff = self.twin_series(), self.difference()
        if twin is not None and diff is not None:
            frame = pd.concat(
                [
                    frame,
                    twin.drop(columns="step").add_prefix("cf_"),
                    diff.drop(columns="step").add_prefix("diff_"),
                ],
                axis=1,
            )
        buf = io.StringIO()
        frame.to_csv(buf, index=False)
        return buf.getvalue().encode("utf-8")

    def manifest_json(self) -> bytes:
        """Seed, resolved scenario(s), steps and versions of what the page shows."""
        from scs_sim.output import portable_path, portable_scenario, provenance

        with self.lock:
            data: dict[str, Any] = {
                "scenario_source": portable_path(self.source),
                "seed": self.seed,
                "steps": self.steps,
                "scenario": portable_scenario(self.params.model_dump(mode="json")),
                "captions": list(self.model.captions),
            }
            if self.counterfactual is not None:
                data["counterfactual"] = {
                    "label": self.counterfactual.label,
                    "scenario": portable_scenario(
                        self.counterfactual.params.model_dump(mode="json")
                    ),
                }
        return (json.dumps(data | provenance(), indent=2) + "\n").encode("utf-8")


def load_session(
    path: Path,
    seed: int,
    overrides: dict[str, Any] | None = None,
    compare: str | None = None,
    scenarios: dict[str, Path] | None = None,
    edge_lists: Iterable[Path] | None = None,
) -> DashboardSession:
    """Build a session from a scenario file, page overrides and a comparison choice.

    Args:
        path: The chosen scenario file.
        seed: Seed of both runs.
        overrides: Fields changed on the page.
        compare: ``None``, :data:`BASELINE`, or the name of another scenario in ``scenarios``.
        scenarios: Scenario files by name, for ``compare``.
        edge_lists: The edge-list files the page offers (scenario folders and this
            session's uploads); an ``edge_list`` override must be one of them or the
            scenario's own (see :mod:`scs_sim.viz.edge_lists`).

    Raises:
        ScenarioError: A file or a value that fails validation (one line).
    """
    if overrides and "edge_list" in overrides:
        own = load_scenario(path, caller="dashboard").edge_list
        check_edge_list(overrides["edge_list"], edge_lists or (), own)
    loaded = load_scenario(path, overrides or None, caller="dashboard")
    params, skipped = keep_user_changes(loaded, overrides)
    source = str(path) + (" with page overrides" if overrides else "")
    return DashboardSession(
        params,
        seed,
        source,
        counterfactual_for(params, compare, scenarios),
        changed=tuple(overrides or ()),
        skipped=skipped,
    )


def counterfactual_for(
    params: Scenario, compare: str | None, scenarios: dict[str, Path] | None = None
) -> Counterfactual | None:
    """The counterfactual named ``compare`` for ``params`` (see :func:`load_session`)."""
    if not compare:
        return None
    if compare == BASELINE:
        return Counterfactual(BASELINE, policy_off(params))
    known = scenarios if scenarios is not None else list_scenarios()
    if compare not in known:
        raise ScenarioError(
            f"compare = {compare!r} is not valid; allowed: {BASELINE!r} or one of "
            + ", ".join(known)
        )
    return Counterfactual(
        compare, matched(params, load_scenario(known[compare], caller="dashboard"))
    )
