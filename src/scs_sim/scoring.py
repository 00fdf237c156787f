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

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from scs_sim.scenario import DATA_SOURCES

if TYPE_CHECKING:
    from scs_sim.context import Context

SCORE_MIN, SCORE_MAX = 350.0, 950.0
NEUTRAL_SCORE = 650.0

Rule = Callable[["Context"], np.ndarray]
RULES: dict[str, Rule] = {}
"""Score rules by name. Each maps a model to one float32 component per citizen in [0, 1]."""


def register_rule(name: str) -> Callable[[Rule], Rule]:
    """Register a score rule under ``name``; its weight is ``custom_weights[name]``."""

    def wrap(rule: Rule) -> Rule:
        RULES[name] = rule
        return rule

    return wrap


@register_rule("donations")
def donations(model: Context) -> np.ndarray:
    """Charity: regular donations raise the score (the rule is hidden from citizens)."""
    scale = np.float32(model.params.donation_scale)
    return np.minimum(np.float32(1.0), scale * model.population.state.donation_record)


@register_rule("online")
def online(model: Context) -> np.ndarray:
    """Online behaviour as observed by surveillance: observed critical posts lower it."""
    scale = np.float32(model.params.online_scale)
    record = model.population.state.online_record
    return np.maximum(np.float32(0.0), np.float32(1.0) - scale * record)


@register_rule("ties")
def ties(model: Context) -> np.ndarray:
    """Social ties: the mean score of a citizen's active contacts, last step."""
    score = model.population.state.score
    mean = model.network.neighbour_mean(score, NEUTRAL_SCORE)
    return (mean - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)


def fulfilment(model: Context, record: np.ndarray) -> np.ndarray:
    """Credit history judged by fulfilment capacity: a bad record weighs more on a low income.

    ``credit = max(0, 1 - (1 - record) * (1 + capacity_share * (1 - min(1, income / 2))))``.
    Sesame scores fulfilment capacity (assets, income) as the ability to honour a debt, so it
    sharpens the weight of a missed payment; a clean record scores 1 whatever the income, and
    a score built on records alone never restricts a citizen for being poor (issue 17).
    """
    return credit_from_record(record, model.population.traits.income, model.params.capacity_share)


def credit_from_record(record: np.ndarray, income: np.ndarray, share: float) -> np.ndarray:
    """The credit component from a credit record (see :func:`fulfilment`), float32."""
    capacity = np.minimum(np.float32(1.0), income / np.float32(2.0))
    weight = np.float32(1.0) + np.float32(share) * (np.float32(1.0) - capacity)
    shortfall = np.float32(1.0) - record
    return np.maximum(np.float32(0.0), np.float32(1.0) - shortfall * weight)


@register_rule("credit")
def credit(model: Context) -> np.ndarray:
    """Credit history as recorded (record errors included), scaled by fulfilment capacity."""
    return fulfilment(model, model.population.state.credit_record)


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


def to_points(raw: np.ndarray, reference: tuple[float, float], points_per_sd: float) -> np.ndarray:
    """Scale weighted components to score points with the launch reference (mean, sd)."""
    mean, spread = reference
    score = np.float32(NEUTRAL_SCORE) + np.float32(points_per_sd / spread) * (
        raw - np.float32(mean)
    )
    return np.clip(score, SCORE_MIN, SCORE_MAX, out=score)


def points_per_unit(model: Context) -> float:
    """Score points per unit of the weighted components: ``points_per_sd / launch spread``.

    What a behaviour is worth in points is its weight share times its component's slope
    times this; 0 before the scorecard is fitted (no score to move yet).
    """
    if model.score_reference is None:
        return 0.0
    return model.params.points_per_sd / model.score_reference[1]


def active_weights(model: Context) -> dict[str, float]:
    """The weights in force, with unknown custom rules reported clearly."""
    weights = model.params.weights()
    unknown = [name for name, w in weights.items() if w > 0 and name not in RULES]
    if unknown:
        known = ", ".join(sorted(RULES))
        raise ValueError(f"custom_weights: no rule named {unknown[0]!r}; registered: {known}")
    return weights


def compute_components(model: Context) -> dict[str, np.ndarray]:
    """All components with positive weight, by rule name."""
    weights = active_weights(model)
    return {
        name: RULES[name](model).astype(np.float32, copy=False)
        for name, w in weights.items()
        if w > 0
    }


_BUILTIN_RULES: dict[str, Rule] = {name: RULES[name] for name in DATA_SOURCES}


def _builtin_only(weights: dict[str, float]) -> bool:
    # The fused kernel knows the four built-in rules; any other positive-weight rule
    # (or a re-registered built-in) takes the general path, rule by rule.
    return all(
        w <= 0 or (name in _BUILTIN_RULES and RULES.get(name) is _BUILTIN_RULES[name])
        for name, w in weights.items()
    )


@dataclass
class Scorer:
    """What the scorer keeps between steps: its scorecard, last results and work arrays.

    Attributes:
        reference: The scorecard's launch (mean, spread) of the raw scores, once fitted.
        own_score: The score each citizen's own conduct alone earned at the last scoring.
        components: The last scoring's components by rule name.
    """

    reference: tuple[float, float] | None = None
    own_score: np.ndarray = field(default_factory=lambda: np.empty(0, np.float32))
    components: Mapping[str, np.ndarray] = field(default_factory=dict)
    _buffers: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def buffer(self, name: str, n: int) -> np.ndarray:
        """A float32 work array of ``n`` citizens kept across steps under ``name``.

        Fresh arrays of tens of megabytes would cost page faults every step.
        """
        if name not in self._buffers or len(self._buffers[name]) != n:
            self._buffers[name] = np.empty(n, dtype=np.float32)
        return self._buffers[name]


def update_scores(model: Context) -> None:
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
    if _builtin_only(weights):
        from scs_sim.kernels.scores import update_builtin

        update_builtin(model, weights)
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
    per_sd = model.params.points_per_sd
    model.own_score = to_points(weighted_mean(own, weights, n), model.score_reference, per_sd)
    state.score[:] = to_points(raw, model.score_reference, per_sd)
    model.score_components = components


class RecordedComponents(Mapping):
    """The components of the last scoring, by rule name, each worked out when asked for.

    The fused kernel does not write them out: three component arrays are 12 MB written
    a step at a million citizens, for a citizen inspector that reads one citizen. The
    donation, online and credit rules read records that stay as they were until the next
    step folds new conduct into them, so computing them later gives the same values; the
    ties component (contact scores move on) is the one the kernel kept.
    """

    def __init__(self, model: Context, names: list[str], ties: np.ndarray) -> None:
        self._model, self._names, self._ties = model, names, ties

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._names:
            raise KeyError(name)
        if name == "ties":
            return self._ties
        return RULES[name](self._model).astype(np.float32, copy=False)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
