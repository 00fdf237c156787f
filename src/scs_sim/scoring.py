"""The opaque score: named rule components, weighted, mapped onto 350-950.

Each rule turns what the scorer has on record into a component in [0, 1]
(1 is best). Their weighted mean (over rules with positive weight) is scaled like
a scorecard fitted at launch: the population's mean at the moment scoring starts
maps to 650 and one standard deviation to 100 points, clipped to 350-950. The
scaling then stays fixed, so later changes in conduct move scores up or down.

Rules are registered by name, so a new rule needs no change to the model:
register it and give it a weight in the scenario's ``custom_weights``.

    >>> @register_rule("volunteering")
    ... def volunteering(model):
    ...     return model.population.traits.charity * 2
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

SCORE_MIN, SCORE_MAX = 350.0, 950.0
NEUTRAL_SCORE = 650.0

Rule = Callable[["SocialCreditModel"], np.ndarray]
RULES: dict[str, Rule] = {}
"""Score rules by name. Each maps a model to one float32 component per citizen in [0, 1]."""

# One donation a week at most; a regular donor (record 0.25) reaches the top of the scale.
DONATION_SCALE = 4.0
# One observed critical post lowers the component by record_memory' complement * 5.
ONLINE_SCALE = 5.0


def register_rule(name: str) -> Callable[[Rule], Rule]:
    """Register a score rule under ``name``; its weight is ``custom_weights[name]``."""

    def wrap(rule: Rule) -> Rule:
        RULES[name] = rule
        return rule

    return wrap


@register_rule("donations")
def donations(model: SocialCreditModel) -> np.ndarray:
    """Charity: regular donations raise the score (the rule is hidden from citizens)."""
    return np.minimum(1.0, DONATION_SCALE * model.population.state.donation_record)


@register_rule("online")
def online(model: SocialCreditModel) -> np.ndarray:
    """Online behaviour as observed by surveillance: observed critical posts lower it."""
    return np.maximum(0.0, 1.0 - ONLINE_SCALE * model.population.state.online_record)


@register_rule("ties")
def ties(model: SocialCreditModel) -> np.ndarray:
    """Social ties: the mean score of a citizen's active contacts, last step."""
    score = model.population.state.score
    mean = model.network.neighbour_mean(score, NEUTRAL_SCORE)
    return (mean - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)


CAPACITY_SHARE = 0.6
"""Part of the credit component that fulfilment capacity (income) can take away."""


def fulfilment(model: SocialCreditModel, record: np.ndarray) -> np.ndarray:
    """Credit history times fulfilment capacity: Sesame scores assets and income too."""
    capacity = np.minimum(np.float32(1.0), model.population.traits.income / np.float32(2.0))
    return record * (np.float32(1.0 - CAPACITY_SHARE) + np.float32(CAPACITY_SHARE) * capacity)


@register_rule("credit")
def credit(model: SocialCreditModel) -> np.ndarray:
    """Credit history as recorded (record errors included), scaled by fulfilment capacity."""
    return fulfilment(model, model.population.state.credit_record)


POINTS_PER_SD = 100.0
"""Score points per standard deviation of the weighted components at launch."""
MIN_SPREAD = 0.05
"""Floor on that standard deviation, so a near-uniform population is not blown apart."""


def weighted_mean(
    components: dict[str, np.ndarray], weights: dict[str, float], n: int
) -> np.ndarray:
    """Weighted mean of the components, in [0, 1] (float32)."""
    total = sum(w for w in weights.values() if w > 0)
    acc = np.zeros(n, dtype=np.float32)
    for name, w in weights.items():
        if w > 0:
            acc += np.float32(w / total) * components[name]
    return acc


def to_points(raw: np.ndarray, reference: tuple[float, float]) -> np.ndarray:
    """Scale weighted components to score points with the launch reference (mean, sd)."""
    mean, spread = reference
    score = np.float32(NEUTRAL_SCORE) + np.float32(POINTS_PER_SD / spread) * (
        raw - np.float32(mean)
    )
    return np.clip(score, SCORE_MIN, SCORE_MAX, out=score)


def active_weights(model: SocialCreditModel) -> dict[str, float]:
    """The weights in force, with unknown custom rules reported clearly."""
    weights = model.params.weights()
    unknown = [name for name, w in weights.items() if w > 0 and name not in RULES]
    if unknown:
        known = ", ".join(sorted(RULES))
        raise ValueError(f"custom_weights: no rule named {unknown[0]!r}; registered: {known}")
    return weights


def compute_components(model: SocialCreditModel) -> dict[str, np.ndarray]:
    """All components with positive weight, by rule name."""
    weights = active_weights(model)
    return {
        name: RULES[name](model).astype(np.float32, copy=False)
        for name, w in weights.items()
        if w > 0
    }


def update_scores(model: SocialCreditModel) -> None:
    """Recompute every citizen's score, and the score its own conduct alone would earn.

    The second, "own-conduct" score uses the true credit record (no record errors)
    and replaces the ties component by the population's mean, removing guilt by
    association. Sanctions that this score would not have triggered are false positives.
    """
    state = model.population.state
    weights = active_weights(model)
    if not model.params.scoring or sum(w for w in weights.values() if w > 0) <= 0:
        state.score.fill(NEUTRAL_SCORE)
        model.own_score = state.score
        model.score_components = {}
        return
    components = compute_components(model)
    n = model.population.n
    raw = weighted_mean(components, weights, n)
    if model.score_reference is None:
        model.score_reference = (float(raw.mean()), max(float(raw.std()), MIN_SPREAD))
    own = dict(components)
    if "credit" in own:
        own["credit"] = fulfilment(model, state.true_credit_record)
    if "ties" in own:
        own["ties"] = np.full(n, components["ties"].mean(), dtype=np.float32)
    model.own_score = to_points(weighted_mean(own, weights, n), model.score_reference)
    state.score[:] = to_points(raw, model.score_reference)
    model.score_components = components
