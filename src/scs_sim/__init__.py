"""scs_sim: an agent-based simulator of social credit scoring and its chilling effects.

Populations are always synthetic: the tool never takes in data about real people.

    >>> from scs_sim import SocialCreditModel
    >>> model = SocialCreditModel("sesame", rng=42, n_citizens=2000)
    >>> model.run(52)
    >>> model.series()[["step", "mean_score", "self_censorship_rate"]].tail(1)

Names are imported on first use, so that ``scs-sim validate`` and error messages
do not pay for importing Mesa.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from scs_sim.lazy import lazy_exports

try:
    __version__ = version("scs_sim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

_EXPORTS: dict[str, str] = {
    "AGENT_VIEW_LIMIT": "scs_sim.model",
    "Citizen": "scs_sim.agents",
    "PolicyEvent": "scs_sim.scenario",
    "Scenario": "scs_sim.scenario",
    "ScenarioError": "scs_sim.loading",
    "SocialCreditModel": "scs_sim.model",
    "load_scenario": "scs_sim.loading",
    "register_generator": "scs_sim.network",
    "register_rule": "scs_sim.scoring",
    "register_sanction": "scs_sim.sanctions",
    "sweep": "scs_sim.sweeps.api",
}

__all__ = [  # noqa: RUF022 (kept in the order of _EXPORTS)
    "AGENT_VIEW_LIMIT",
    "Citizen",
    "PolicyEvent",
    "Scenario",
    "ScenarioError",
    "SocialCreditModel",
    "load_scenario",
    "register_generator",
    "register_rule",
    "register_sanction",
    "sweep",
    "__version__",
]

if TYPE_CHECKING:
    from scs_sim.agents import Citizen
    from scs_sim.loading import ScenarioError, load_scenario
    from scs_sim.model import AGENT_VIEW_LIMIT, SocialCreditModel
    from scs_sim.network import register_generator
    from scs_sim.sanctions import register_sanction
    from scs_sim.scenario import PolicyEvent, Scenario
    from scs_sim.scoring import register_rule
    from scs_sim.sweeps.api import sweep


__getattr__ = lazy_exports(__name__, _EXPORTS)
