"""The synthetic population: one numpy array per attribute, one row per citizen.

Hidden traits are drawn once, from documented distributions (docs/model.md), and
never change. State arrays change every step. Everything is float32 or a small
integer type, because at ten million citizens every byte per citizen is 10 MB.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from scs_sim.rules.support import predisposition, predisposition_key
from scs_sim.scenario import DATA_SOURCES, Scenario
from scs_sim.streams import RandomStreams

F32 = np.float32

# Restriction bits: one per sanction kind, in SANCTION_KINDS order.
FLIGHT, RAIL, VISA, RENTAL = 1, 2, 4, 8
TRAVEL = FLIGHT | RAIL
KIND_BITS: dict[str, int] = {"flight": FLIGHT, "rail": RAIL, "visa": VISA, "rental": RENTAL}


@dataclass
class Traits:
    """Hidden, fixed traits. Citizens know their own; the scorer sees none of them."""

    dissent: np.ndarray
    """Private dissent in [0, 1]: the chance that a post a citizen wants to make is critical."""
    risk_aversion: np.ndarray
    """Risk aversion in [0, 1]; 0 is bold."""
    charity: np.ndarray
    """Per-step probability of a sincere donation."""
    income: np.ndarray
    """Relative income, mean 1 (log-normal)."""
    violation_proneness: np.ndarray
    """Relative violation risk, mean 1; higher for low incomes."""
    activity: np.ndarray
    """Per-step probability of posting online."""
    group: np.ndarray
    """Group id: 0 majority, 1 minority (int8)."""


@dataclass
class State:
    """What changes each step."""

    score: np.ndarray
    donation_record: np.ndarray
    online_record: np.ndarray
    credit_record: np.ndarray
    true_credit_record: np.ndarray
    """The credit record without record errors: what a citizen's own conduct earned."""
    beliefs: np.ndarray
    """Believed score weights, shape (n, 4), in DATA_SOURCES order.

    Stored column by column (Fortran order): a rule that acts on one believed weight
    reads 4 bytes a citizen, not the 16 of a whole row."""
    perceived_surveillance: np.ndarray
    fear: np.ndarray
    """Perceived risk from seeing contacts sanctioned, in [0, 1]."""
    strain: np.ndarray
    """Financial strain from sanctions, relative to income."""
    debt: np.ndarray
    """An outstanding true violation (e.g. an unpaid court judgment)."""
    false_record: np.ndarray
    """A wrong bad record, from a record error."""
    record_age: np.ndarray
    """Steps since the current bad record appeared; -1 for none."""
    listed: np.ndarray
    listing_left: np.ndarray
    listed_wrongly: np.ndarray
    appeal_left: np.ndarray
    """Steps until a pending appeal is decided; -1 none pending, -2 already lost."""
    restricted: np.ndarray
    """Restriction bits (FLIGHT | RAIL | VISA | RENTAL) from any sanction path."""
    justified: np.ndarray
    """Restriction bits the citizen's own conduct would have earned."""
    perks: np.ndarray
    wants_critical: np.ndarray
    self_censored: np.ndarray
    expressed_critical: np.ndarray
    observed_critical: np.ndarray
    censor_probability: np.ndarray
    donated: np.ndarray
    performative: np.ndarray
    unattributed: np.ndarray
    """An observed critical post this step that was not tied to its author (rules.attribution)."""
    expected_sanction: np.ndarray
    """Believed cost of a bad record: chance of a sanction x its strain (rules.deterrence)."""
    support: np.ndarray
    """Attitude toward the system; above 0 supports it (rules.support)."""
    ever_bad_record: np.ndarray
    """A bad entry of the citizen's own ever reached the scorer (a debt, an observed post)."""


@dataclass
class Multipliers:
    """Per-citizen multipliers on built-in probabilities, 1 where nothing changes them.

    Plug-ins set them (Starsim's ``rel_*`` arrays); the built-in rules and kernels multiply
    them in, last, in float32, so ones leave every result as it was, bit for bit.
    """

    violation: np.ndarray
    """On the risk of a new violation (scs_sim.rules.violations.offend)."""
    censor: np.ndarray
    """On the probability of holding back a critical post, capped at 1 (rules.expression)."""


@dataclass
class Population:
    """Traits and state of all citizens, plus fixed index sets used by metrics."""

    traits: Traits
    state: State
    bottom_income: np.ndarray = field(repr=False)
    top_income: np.ndarray = field(repr=False)
    rel: Multipliers = field(repr=False)
    """Multipliers on built-in probabilities (all ones unless a plug-in sets them)."""
    drive: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    """This step's factors from built-in mechanisms, by ``rel`` name
    (``"violation"``: deterrence, ``"censor"``: opinion climate). They multiply the
    ``rel`` array only while the mechanism reading it runs (``mechanisms.driven``),
    so plug-ins' multipliers are never overwritten; absent means 1."""
    derived: dict[tuple, np.ndarray] = field(default_factory=dict, repr=False)
    """Per-citizen values that depend only on the seed and a parameter, computed once
    and kept by ``(name, parameter value)`` (e.g. support's predisposition)."""

    @property
    def n(self) -> int:
        """Number of citizens."""
        return len(self.traits.dissent)

    def nbytes(self) -> int:
        """Bytes held by the per-citizen arrays (excluding the network)."""
        arrays = [getattr(self.traits, f.name) for f in fields(Traits)]
        arrays += [getattr(self.state, f.name) for f in fields(State)]
        arrays += [self.rel.violation, self.rel.censor, self.bottom_income, self.top_income]
        return sum(a.nbytes for a in arrays)


def _beta(gen: np.random.Generator, a: float, b: float, n: int) -> np.ndarray:
    return gen.beta(a, b, n).astype(F32)


def draw_traits(n: int, streams: RandomStreams, group: np.ndarray) -> Traits:
    """Draw hidden traits from the 'traits' stream, identical for every scenario with a seed."""
    gen = streams.generator("traits")
    income = gen.lognormal(0.0, 0.6, n)
    income /= income.mean()
    # Strain and thin buffers make debts likelier at low income.
    proneness = gen.lognormal(0.0, 0.5, n) / np.sqrt(income)
    proneness /= proneness.mean()
    return Traits(
        dissent=_beta(gen, 2.0, 3.0, n),
        risk_aversion=_beta(gen, 2.0, 2.0, n),
        charity=_beta(gen, 1.5, 12.0, n),
        income=income.astype(F32),
        violation_proneness=proneness.astype(F32),
        activity=_beta(gen, 2.0, 5.0, n),
        group=group.astype(np.int8),
    )


def initial_beliefs(
    params: Scenario, streams: RandomStreams, n: int, step: int = -1
) -> tuple[np.ndarray, np.ndarray]:
    """Believed weight shares and perceived surveillance, as far from the truth as ``opacity`` says.


    With no scoring there is nothing to believe in, so both are zero. With
    ``opacity = 0`` (published weights) beliefs equal the truth. Otherwise each
    belief is the truth times a log-normal error of spread ``opacity``, plus a
    small positive guess, so that opacity breeds both over- and under-estimates,
    with over-estimates more common (the mean of a log-normal exceeds its median).
    """
    beliefs = np.zeros((n, len(DATA_SOURCES)), dtype=F32, order="F")
    perceived = np.zeros(n, dtype=F32)
    if not params.scoring:
        return beliefs, perceived
    shares = params.weight_shares()
    truth = np.array([shares[k] for k in DATA_SOURCES], dtype=F32)
    if params.opacity == 0:
        beliefs[:] = truth
        perceived[:] = params.surveillance
        return beliefs, perceived
    gen = streams.generator("beliefs", step)
    spread = params.opacity
    error = np.exp(spread * gen.standard_normal((n, len(DATA_SOURCES)))).astype(F32)
    guess = (0.05 * spread * np.abs(gen.standard_normal((n, len(DATA_SOURCES))))).astype(F32)
    beliefs[:] = truth * error + guess
    seen = np.exp(spread * gen.standard_normal(n)) * params.surveillance
    perceived[:] = np.clip(seen + 0.05 * spread * np.abs(gen.standard_normal(n)), 0.0, 1.0)
    return beliefs, perceived


def create_population(params: Scenario, streams: RandomStreams, group: np.ndarray) -> Population:
    """Create the population: traits from the 'traits' stream, clean records, no sanctions."""
    n = len(group)
    traits = draw_traits(n, streams, group)
    beliefs, perceived = initial_beliefs(params, streams, n)

    def zeros(dtype: type = F32) -> np.ndarray:
        return np.zeros(n, dtype=dtype)

    def full(value: float | int, dtype: type = F32) -> np.ndarray:
        return np.full(n, value, dtype=dtype)

    attitude = predisposition(params, streams, n)  # also kept: support moves toward it
    state = State(
        score=full(650.0),
        donation_record=traits.charity.copy(),
        online_record=zeros(),
        credit_record=full(1.0),
        true_credit_record=full(1.0),
        beliefs=beliefs,
        perceived_surveillance=perceived,
        fear=zeros(),
        strain=zeros(),
        debt=zeros(bool),
        false_record=zeros(bool),
        record_age=full(-1, np.int16),
        listed=zeros(bool),
        listing_left=zeros(np.int16),
        listed_wrongly=zeros(bool),
        appeal_left=full(-1, np.int16),
        restricted=zeros(np.uint8),
        justified=zeros(np.uint8),
        perks=zeros(bool),
        wants_critical=zeros(bool),
        self_censored=zeros(bool),
        expressed_critical=zeros(bool),
        observed_critical=zeros(bool),
        censor_probability=zeros(),
        donated=zeros(bool),
        performative=zeros(bool),
        unattributed=zeros(bool),
        expected_sanction=zeros(),
        support=attitude.copy(),
        ever_bad_record=zeros(bool),
    )
    order = np.argsort(traits.income, kind="stable")
    fifth = max(1, n // 5)
    return Population(
        traits=traits,
        state=state,
        bottom_income=np.sort(order[:fifth]).astype(np.int32),
        top_income=np.sort(order[-fifth:]).astype(np.int32),
        rel=Multipliers(violation=full(1.0), censor=full(1.0)),
        derived={predisposition_key(params): attitude},
    )
