"""scs_sim: an agent-based simulator of social credit scoring and its chilling effects.

Populations are always synthetic: the tool never takes in data about real people.

    >>> from scs_sim import SocialCreditModel
    >>> model = SocialCreditModel("sesame", rng=42, n_citizens=2000)
    >>> model.run(52)
    >>> model.series()[["step", "mean_score", "self_censorship_rate"]].tail(1)
"""

from importlib.metadata import PackageNotFoundError, version

from scs_sim.agents import Citizen
from scs_sim.loading import ScenarioError, load_scenario
from scs_sim.model import AGENT_VIEW_LIMIT, SocialCreditModel
from scs_sim.network import register_generator
from scs_sim.sanctions import register_sanction
from scs_sim.scenario import PolicyEvent, Scenario
from scs_sim.scoring import register_rule

try:
    __version__ = version("scs_sim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

__all__ = [
    "AGENT_VIEW_LIMIT",
    "Citizen",
    "PolicyEvent",
    "Scenario",
    "ScenarioError",
    "SocialCreditModel",
    "__version__",
    "load_scenario",
    "register_generator",
    "register_rule",
    "register_sanction",
]
