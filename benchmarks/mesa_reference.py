"""The full-scs rules written the per-agent Mesa way: one Agent object per citizen.

This is the comparison point of benchmarks/scale.py, not part of the package. It
implements the same step as scs_sim.SocialCreditModel (posting and self-censorship,
donations, violations, record errors and repayment, records, the score with its ties
component, appeals, threshold sanctions and the blacklist with joint punishment,
costs and blocked tickets, tie cutting and rewiring, learning, metrics through a
DataCollector), each rule a method of the agent, run phase by phase over
``model.agents`` with Python floats and one ``random.Random``. It starts from the
very same citizens and network as the vectorised model (copied from its arrays),
so the two can be checked against each other in distribution (see
``compare`` below and ``scale.py --check``).
"""

from __future__ import annotations

import math
import random
import statistics

import mesa
import numpy as np

from scs_sim.loading import load_scenario
from scs_sim.network import SocialNetwork
from scs_sim.population import create_population
from scs_sim.rules.beliefs import BACKGROUND_LEARNING
from scs_sim.rules.consequences import STRAIN_MEMORY
from scs_sim.rules.donations import FULL_BELIEF
from scs_sim.rules.expression import FEAR_WEIGHT, post_penalty
from scs_sim.scenario import DATA_SOURCES, SANCTION_KINDS
from scs_sim.scoring import (
    CAPACITY_SHARE,
    DONATION_SCALE,
    MIN_SPREAD,
    NEUTRAL_SCORE,
    ONLINE_SCALE,
    POINTS_PER_SD,
    SCORE_MAX,
    SCORE_MIN,
)
from scs_sim.streams import RandomStreams

BITS = {"flight": 1, "rail": 2, "visa": 4, "rental": 8}
TRAVEL = 1 | 2


class Citizen(mesa.Agent):
    """One citizen with its own attributes and contact list (``[contact, active]`` pairs)."""

    def __init__(self, model: MesaCitizens, i: int, traits, state) -> None:
        super().__init__(model)
        self.dissent = float(traits.dissent[i])
        self.risk_aversion = float(traits.risk_aversion[i])
        self.charity = float(traits.charity[i])
        self.income = float(traits.income[i])
        self.proneness = float(traits.violation_proneness[i])
        self.activity = float(traits.activity[i])
        self.beliefs = [float(b) for b in state.beliefs[i]]
        self.perceived = float(state.perceived_surveillance[i])
        self.score = NEUTRAL_SCORE
        self.next_score = NEUTRAL_SCORE
        self.own_score = NEUTRAL_SCORE
        self.donation_record = float(state.donation_record[i])
        self.online_record = 0.0
        self.credit_record = 1.0
        self.true_credit_record = 1.0
        self.fear = self.strain = self.censor_probability = 0.0
        self.debt = self.false_record = self.listed = self.perks = False
        self.record_age, self.listing_left, self.appeal_left = -1, 0, -1
        self.restricted = self.justified = 0
        self.wants = self.censored = self.expressed = self.observed = False
        self.donated = self.performative = False
        self.contacts: list[list] = []
        self.ties_component = 0.0

    # --- behaviour
    def express(self) -> None:
        p, r = self.model.p, self.model.random.random
        cost = self.beliefs[1] * self.perceived * self.model.penalty
        cost += self.model.fear_cost * self.fear
        self.censor_probability = -math.expm1(-p.chill_sensitivity * self.risk_aversion * cost)
        self.wants = r() < self.activity and r() < self.dissent
        self.censored = self.wants and r() < self.censor_probability
        self.expressed = self.wants and not self.censored
        self.observed = self.expressed and r() < p.surveillance

    def donate(self) -> None:
        p, r = self.model.p, self.model.random.random
        sincere = r() < self.charity
        pull = min(1.0, self.beliefs[0] / FULL_BELIEF) * p.performative_propensity
        self.performative = not sincere and r() < pull
        self.donated = sincere or self.performative

    def offend(self) -> None:
        p, r, m = self.model.p, self.model.random.random, self.model
        risk = p.violation_rate * self.proneness * (1.0 + p.strain_sensitivity * self.strain)
        new_debt = not self.debt and r() < risk
        new_error = not self.false_record and r() < p.record_error_rate
        self.debt |= new_debt
        self.false_record |= new_error
        m.counters["violations"] += new_debt
        if self.record_age >= 0:
            self.record_age += 1
        elif new_debt or new_error:
            self.record_age = 0
        if self.false_record and not self.debt and self.record_age >= p.blacklist_term:
            self.false_record = False

    def repay(self) -> None:
        p, m = self.model.p, self.model
        if self.debt:
            rate = p.repayment_rate * min(self.income, 2.0) / (1.0 + self.strain)
            rate *= 1.0 + p.listing_pressure * self.listed
            if m.random.random() < rate:
                self.debt = False
                m.counters["repayments"] += 1
        if not self.debt and not self.false_record:
            self.record_age = -1

    def update_records(self) -> None:
        keep = self.model.p.record_memory
        fresh = 1.0 - keep
        self.donation_record = keep * self.donation_record + fresh * self.donated
        self.online_record = keep * self.online_record + fresh * self.observed
        clean = not (self.debt or self.false_record)
        self.credit_record = keep * self.credit_record + fresh * clean
        self.true_credit_record = keep * self.true_credit_record + fresh * (not self.debt)

    # --- the score, in two phases: components (reading last step's scores), then points
    def score_components(self) -> None:
        total = count = 0.0
        for contact, active in self.contacts:
            if active:
                total += contact.score
                count += 1
        mean = total / count if count else NEUTRAL_SCORE
        self.ties_component = (mean - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)

    def raw_scores(self, own_ties: float) -> tuple[float, float]:
        w = self.model.weights
        capacity = 1.0 - CAPACITY_SHARE + CAPACITY_SHARE * min(1.0, self.income / 2.0)
        common = w[0] * min(1.0, DONATION_SCALE * self.donation_record)
        common += w[1] * max(0.0, 1.0 - ONLINE_SCALE * self.online_record)
        raw = common + w[2] * self.ties_component + w[3] * self.credit_record * capacity
        own = common + w[2] * own_ties + w[3] * self.true_credit_record * capacity
        return raw, own

    def set_score(self) -> None:
        m = self.model
        raw, own = self.raw_scores(m.own_ties)
        self.next_score = m.to_points(raw)
        self.own_score = m.to_points(own)

    def commit_score(self) -> None:
        self.score = self.next_score

    # --- sanctions
    def appeal(self) -> None:
        p, m = self.model.p, self.model
        if not self.false_record:
            self.appeal_left = -1
            return
        if not p.appeals:
            return
        if not self.debt and self.appeal_left == -1:
            self.appeal_left = p.appeal_delay
        if self.appeal_left > 0:
            self.appeal_left -= 1
        elif self.appeal_left == 0:
            if m.random.random() < p.appeal_success:
                self.false_record, self.appeal_left = False, -1
            else:
                self.appeal_left = -2

    def sanction(self) -> None:
        p, m = self.model.p, self.model
        imposed = justified = 0
        if p.threshold_sanctions:
            self.perks = self.score >= p.perk_threshold
            for kind, threshold in m.thresholds:
                if self.score < threshold:
                    imposed |= BITS[kind]
                if self.own_score < threshold:
                    justified |= BITS[kind]
        if p.blacklist:
            bad = self.debt or self.false_record
            if self.listed:
                self.listing_left -= 1
                if not bad or self.listing_left <= 0:
                    self.listed = False
                    if bad:
                        self.record_age = 0
            eligible = bad and not self.listed and self.record_age >= p.listing_delay
            if eligible and m.random.random() < p.enforcement_rate:
                self.listed, self.listing_left = True, p.blacklist_term
                m.counters["listings"] += 1
            if self.listed:
                imposed |= m.joint_bits
                if self.debt:
                    justified |= m.joint_bits
        self.restricted, self.justified = imposed, justified

    def bear_costs(self) -> None:
        p, m, r = self.model.p, self.model, self.restricted
        cost = p.cost_travel * ((r & TRAVEL) != 0) + p.cost_visa * ((r & 4) != 0)
        cost += p.cost_rental * ((r & 8) != 0)
        self.strain = STRAIN_MEMORY * self.strain + (1.0 - STRAIN_MEMORY) * cost / self.income
        if r & 1 and m.random.random() < p.flight_demand * min(self.income, 3.0):
            m.counters["flights_blocked"] += 1
        if r & 2 and m.random.random() < p.rail_demand:
            m.counters["rail_blocked"] += 1

    def review_ties(self) -> None:
        p, m = self.model.p, self.model
        fear = min(1.0, self.beliefs[2] / FULL_BELIEF)
        p_cut = p.tie_cut_propensity * fear * (0.5 + 0.5 * self.risk_aversion)
        if p_cut <= 0 or m.random.random() >= p.tie_review_rate:
            return
        for tie in self.contacts:
            contact, active = tie
            liable = contact.listed or (p.scoring and contact.score < p.low_score_visible)
            if not (active and liable) or m.random.random() >= p_cut:
                continue
            m.counters["ties_cut"] += 1
            if m.high and m.random.random() < p.rewire_share:
                target = m.random.choice(m.high)
                if target is not self:
                    tie[0] = target
                    continue
            tie[1] = False

    def learn(self) -> None:
        p, m = self.model.p, self.model
        sanctioned = count = 0
        for contact, active in self.contacts:
            if active:
                count += 1
                sanctioned += contact.restricted > 0
        rate = p.learning_rate
        self.fear += rate * ((sanctioned / count if count else 0.0) - self.fear)
        if not p.scoring:
            return
        truth = m.truth
        self.beliefs[0] += rate * self.donated * (truth[0] - self.beliefs[0])
        if self.expressed:
            penalised = self.observed and truth[1] > 0
            self.perceived += rate * (penalised - self.perceived)
            self.beliefs[1] += rate * (truth[1] - self.beliefs[1])
        for k in (2, 3):
            self.beliefs[k] += rate * BACKGROUND_LEARNING * (truth[k] - self.beliefs[k])


class MesaCitizens(mesa.Model):
    """Per-agent model of the full-scs rules (no policy events: timing runs hold params fixed).

    Args:
        scenario: Scenario name or path.
        n_citizens: Population size.
        seed: Seed; the initial citizens and network come from scs_sim's streams on it.
    """

    def __init__(self, scenario: str = "full-scs", n_citizens: int = 10_000, seed: int = 1) -> None:
        super().__init__(rng=seed)
        self.random = random.Random(seed)
        self.p = p = load_scenario(scenario, {"n_citizens": n_citizens})
        streams = RandomStreams(int(np.random.default_rng(seed).integers(2**63)))
        network, group = SocialNetwork.generate(p, streams.generator("network"))
        population = create_population(p, streams, group)
        citizens = [
            Citizen(self, i, population.traits, population.state) for i in range(n_citizens)
        ]
        adj = network.adjacency
        for i, citizen in enumerate(citizens):
            row = adj.indices[adj.indptr[i] : adj.indptr[i + 1]].tolist()
            citizen.contacts = [[citizens[j], True] for j in row]
        self.citizens = citizens
        total = sum(w for w in p.weights().values() if w > 0)
        self.weights = [max(0.0, p.weights()[k]) / total for k in DATA_SOURCES]
        self.truth = self.weights
        self.penalty = post_penalty(p.record_memory)
        self.fear_cost = FEAR_WEIGHT * min(1.0, p.opacity)
        self.thresholds = [(k, p.thresholds()[k]) for k in SANCTION_KINDS]
        self.joint_bits = sum(BITS[k] for k, on in p.joint_punishment().items() if on)
        self.counters = dict.fromkeys(
            ("violations", "repayments", "listings", "ties_cut", "flights_blocked", "rail_blocked"),
            0,
        )
        self.reference: tuple[float, float] | None = None
        self.high: list[Citizen] = []
        self.own_ties = 0.0
        self.datacollector = mesa.DataCollector(model_reporters=REPORTERS)
        for _ in range(2):  # as the vectorised model: settle scores before the first step
            self.score_all()

    def to_points(self, raw: float) -> float:
        mean, spread = self.reference
        return min(SCORE_MAX, max(SCORE_MIN, NEUTRAL_SCORE + POINTS_PER_SD / spread * (raw - mean)))

    def score_all(self) -> None:
        agents = self.agents
        agents.do("score_components")
        self.own_ties = statistics.fmean(a.ties_component for a in agents)
        if self.reference is None:
            raws = [a.raw_scores(self.own_ties)[0] for a in agents]
            self.reference = (statistics.fmean(raws), max(statistics.pstdev(raws), MIN_SPREAD))
        agents.do("set_score")
        agents.do("commit_score")

    def step(self) -> None:
        agents = self.agents
        for phase in ("express", "donate", "offend", "repay", "update_records"):
            agents.do(phase)
        self.score_all()
        agents.do("appeal")
        agents.do("sanction")
        agents.do("bear_costs")
        self.high = [a for a in agents if a.score >= self.p.perk_threshold]
        agents.do("review_ties")
        agents.do("learn")
        self.datacollector.collect(self)


def _share(model: MesaCitizens, test) -> float:
    return sum(1 for a in model.citizens if test(a)) / len(model.citizens)


REPORTERS = {
    "mean_score": lambda m: statistics.fmean(a.score for a in m.citizens),
    "self_censorship_rate": lambda m: (
        sum(a.censored for a in m.citizens) / max(1, sum(a.wants for a in m.citizens))
    ),
    "expression_gap": lambda m: statistics.fmean(
        a.dissent * a.censor_probability for a in m.citizens
    ),
    "donation_rate": lambda m: _share(m, lambda a: a.donated),
    "performative_donation_rate": lambda m: _share(m, lambda a: a.performative),
    "blacklisted_share": lambda m: _share(m, lambda a: a.listed),
    "travel_banned_share": lambda m: _share(m, lambda a: a.restricted & TRAVEL),
    "sanctioned_share": lambda m: _share(m, lambda a: a.restricted),
    "false_positive_share": lambda m: (
        sum(1 for a in m.citizens if a.restricted & ~a.justified)
        / max(1, sum(1 for a in m.citizens if a.restricted))
    ),
    "red_list_share": lambda m: _share(m, lambda a: a.perks),
    "mean_active_degree": lambda m: statistics.fmean(
        sum(t[1] for t in a.contacts) for a in m.citizens
    ),
    "debtor_share": lambda m: _share(m, lambda a: a.debt),
    "ties_cut": lambda m: m.counters["ties_cut"],
}
"""Model reporters computed the per-agent way: by iterating over the agents."""


def compare(n_citizens: int = 2000, steps: int = 25, seeds: tuple[int, ...] = (1, 2, 3)) -> dict:
    """Mean of key metrics at ``steps`` over seeds, per-agent Mesa and vectorised (same rules)."""
    from scs_sim import SocialCreditModel

    out: dict[str, dict[str, float]] = {"mesa": {}, "vectorised": {}}
    rows_mesa, rows_vec = [], []
    for seed in seeds:
        ref = MesaCitizens("full-scs", n_citizens, seed)
        for _ in range(steps):
            ref.step()
        rows_mesa.append(ref.datacollector.get_model_vars_dataframe().iloc[-1])
        # Hold the scenario fixed (no events) as the reference does.
        vec = SocialCreditModel("full-scs", rng=seed, n_citizens=n_citizens, events=[])
        vec.run(steps)
        rows_vec.append(vec.series().iloc[-1])
    for name in REPORTERS:
        out["mesa"][name] = float(np.mean([r[name] for r in rows_mesa]))
        out["vectorised"][name] = float(np.mean([r[name] for r in rows_vec]))
    return out
