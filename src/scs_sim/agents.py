"""Citizens as Mesa agents: read-only views onto the population arrays.

The simulation never steps these objects; every rule runs over arrays. They exist
so that ``model.agents``, AgentSet queries and Mesa portrayals work on
populations small enough to explore interactively. They are cell agents so that
``model.grid`` (a Mesa network space, built on demand) can hold them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mesa.discrete_space import CellAgent

from scs_sim.population import KIND_BITS
from scs_sim.scenario import DATA_SOURCES

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel


class Citizen(CellAgent):
    """One citizen, viewed through the model's arrays.

    Args:
        model: The model whose population this citizen belongs to.
        index: Row of this citizen in the population arrays.
    """

    model: SocialCreditModel

    def __init__(self, model: SocialCreditModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    def _state(self, name: str) -> Any:
        return getattr(self.model.population.state, name)[self.index].item()

    def _trait(self, name: str) -> Any:
        return getattr(self.model.population.traits, name)[self.index].item()

    @property
    def score(self) -> float:
        """Current score, 350-950."""
        return self._state("score")

    @property
    def dissent(self) -> float:
        """Private dissent (hidden)."""
        return self._trait("dissent")

    @property
    def risk_aversion(self) -> float:
        """Risk aversion (hidden)."""
        return self._trait("risk_aversion")

    @property
    def income(self) -> float:
        """Relative income (hidden)."""
        return self._trait("income")

    @property
    def group(self) -> int:
        """Group id: 0 majority, 1 minority."""
        return self._trait("group")

    @property
    def blacklisted(self) -> bool:
        """Whether the citizen is on the court blacklist."""
        return self._state("listed")

    @property
    def restrictions(self) -> list[str]:
        """Names of the restrictions in force (flight, rail, visa, rental)."""
        bits = self._state("restricted")
        return [kind for kind, bit in KIND_BITS.items() if bits & bit]

    @property
    def self_censored(self) -> bool:
        """Whether it held back a critical post this step."""
        return self._state("self_censored")

    @property
    def believed_weights(self) -> dict[str, float]:
        """What the citizen believes the score weights are."""
        row = self.model.population.state.beliefs[self.index]
        return {name: float(row[k]) for k, name in enumerate(DATA_SOURCES)}

    def explain(self) -> dict[str, Any]:
        """Everything the model knows about this citizen (see SocialCreditModel.explain)."""
        return self.model.explain(self.index)
