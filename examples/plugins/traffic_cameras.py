"""Traffic cameras: caught traffic offences go on a record that feeds the score.

Each step a citizen drives carelessly with probability ``traffic_offence_rate * (1.5 -
risk_aversion)``; a camera catches it with probability ``camera_coverage``. Caught
offences fold into a traffic record (exponential memory, like the scorer's other
records), and a score rule named ``traffic`` turns it into a component: ``max(0, 1 - 5 *
traffic_record)``, weighted by ``weight_traffic``.

    scs-sim run full-scs --plugin examples/plugins/traffic_cameras.py --set weight_traffic=0.2
"""

from __future__ import annotations

import numpy as np

from scs_sim.plugins import Plugin, param
from scs_sim.scoring import register_rule

F = np.float32


def setup(ctx) -> None:
    """Give the traffic rule its weight (a custom weight, like any registered rule)."""
    weights = dict(ctx.params.custom_weights, traffic=ctx.params.weight_traffic)
    ctx.params = ctx.params.model_copy(update={"custom_weights": weights})


def watch_traffic(ctx, step: int) -> None:
    """Draw careless driving (lane 0) and camera catches (lane 1); update the record."""
    p, tr = ctx.params, ctx.population.traits
    everyone = np.arange(ctx.population.n)
    careless = PLUGIN.draws(ctx, step, everyone, 0) < F(p.traffic_offence_rate) * (
        F(1.5) - tr.risk_aversion
    )
    caught = careless & (PLUGIN.draws(ctx, step, everyone, 1) < F(p.camera_coverage))
    ctx.plugin_states["camera_fined"][:] = caught
    record = ctx.plugin_states["traffic_record"]
    keep = F(p.record_memory)
    record[:] = record * keep + (F(1) - keep) * caught.astype(F)


@register_rule("traffic")
def traffic(ctx) -> np.ndarray:
    """The traffic component: each caught offence lowers it."""
    return np.maximum(F(0), F(1) - F(5) * ctx.plugin_states["traffic_record"])


PLUGIN = Plugin(
    name="traffic_cameras",
    step=watch_traffic,
    after="records",  # before "scores", so this step's catches count at once
    init=setup,
    params={
        "traffic_offence_rate": param(
            0.05, "Weekly probability of careless driving (at risk aversion 0.5).", ge=0, le=0.6
        ),
        "camera_coverage": param(0.3, "Probability that a camera catches it.", ge=0, le=1),
        "weight_traffic": param(0.1, "Weight of the traffic record in the score.", ge=0, le=1),
    },
    states={"camera_fined": np.bool_, "traffic_record": np.float32},
    metrics={
        "camera_fined_share": lambda ctx: ctx.plugin_states["camera_fined"].mean(),
        "mean_traffic_record": lambda ctx: ctx.plugin_states["traffic_record"].mean(
            dtype=np.float64
        ),
    },
)
