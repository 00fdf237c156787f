"""What a mechanism may see of the model: a small context, not the whole SocialCreditModel.

Mechanisms (the numpy rules in :mod:`scs_sim.rules` and the compiled kernels alike)
type against :class:`Context`, so they import nothing from :mod:`scs_sim.model` and a
test or a plug-in can run them on any object with these attributes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from scs_sim.network import SocialNetwork
    from scs_sim.population import Population
    from scs_sim.scenario import Scenario
    from scs_sim.scoring import Scorer
    from scs_sim.streams import RandomStreams


class Context(Protocol):
    """The state a step's mechanisms read and write.

    Attributes:
        params: The scenario in force this step.
        population: Traits and state arrays of every citizen.
        network: The social network (CSR contact lists).
        streams: The model's named counter-based random streams.
        counters: Event counts since the start (violations, listings, ...).
        scorer: The scorer's own state (scs_sim.scoring.Scorer); the next three are its.
        own_score: The score each citizen's own conduct alone would earn.
        score_reference: The scorecard's launch (mean, spread), once fitted.
        score_components: The last scoring's components by rule name.
        group_members: Indices of each group's members (empty without groups).
        metrics: This step's metrics by name.
        plugin_states: Per-citizen arrays declared by plug-ins, by name.
    """

    params: Scenario
    population: Population
    network: SocialNetwork
    streams: RandomStreams
    counters: Counter[str]
    scorer: Scorer
    own_score: np.ndarray
    score_reference: tuple[float, float] | None
    score_components: Mapping[str, np.ndarray]
    group_members: list[np.ndarray]
    metrics: dict[str, float]
    plugin_states: dict[str, np.ndarray]
