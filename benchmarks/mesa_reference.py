"""The full-scs rules written the per-agent Mesa way: one Agent object per citizen.

This is the comparison point of benchmarks/scale.py, not part of the package. It
implements the same step as scs_sim.SocialCreditModel (the numpy rules in
``scs_sim.rules`` are the specification, ``scs_sim.mechanisms.STEP_ORDER`` the order),
each rule a method of the agent, run phase by phase over ``model.agents`` with
Python floats and one ``random.Random``, every parameter read from the scenario
(``model.p``). It starts from the very same citizens and network as the vectorised
model (copied from its arrays), so the two can be checked against each other in
distribution (see ``compare`` below, or run this file).

Implemented, in step order:

- opinion climate (spiral of silence; runs only with ``climate_sensitivity > 0``);
- posting, self-censorship and surveillance: the believed cost of a post in score
  points, fear weighted by opacity, minority surveillance;
- targeting of critics (only with ``targeting > 0``) and attribution of observed posts
  (re-identification; only without ``real_name_registration``);
- donations, sincere and performative: pull in believed score points, times the
  stakes (distance to the nearest threshold in force);
- deterrence: the believed expected sanction, its factor on the violation risk, and
  repayment under threat (only with ``deterrence > 0``);
- violations and record errors, record ageing and expiry, repayment (listing pressure);
- the scorer's records, the own-conduct flag (``ever_bad_record``);
- the score: donation, online, ties and credit components (fulfilment capacity
  weighting bad credit records only), the scorecard fitted at launch, the own-conduct
  score;
- appeals; sanctions: the blacklist with joint punishment (wrongful listings), score
  thresholds and red-list perks;
- consequences: strain (perk relief, strain floor, ``strain_memory``), blocked tickets;
- tie review: liabilities cut with listing stigma, rewiring to high scorers;
- learning: fear (``fear_rate``), believed weights, perceived surveillance;
- public support (an outcome: predisposition, benefits, injustice, repression known);
- metrics through a DataCollector (reporters below), counters as the model's.

Not implemented (off in full-scs, or not part of a timing run): policy events (the
scenario is held fixed), plug-ins and their ``rel_*`` multipliers, custom score rules
(``custom_weights``), an initial blacklist (``initial_listed_share``), and the score
Gini and score assortativity metrics. A scenario needing any of the first four is
refused.
"""

from __future__ import annotations

import math
import random
import statistics

import mesa
import numpy as np

from scs_sim.loading import load_scenario, parse_override
from scs_sim.metrics import COUNTERS
from scs_sim.network import SocialNetwork
from scs_sim.population import FLIGHT, KIND_BITS, RAIL, RENTAL, TRAVEL, VISA, create_population
from scs_sim.rules.attribution import attribution_probability
from scs_sim.rules.consequences import STRAIN_FLOOR
from scs_sim.rules.ties import stigma
from scs_sim.sanctions.appeals import LOST as LOST_APPEAL
from scs_sim.sanctions.appeals import NONE as NO_APPEAL
from scs_sim.scenario import DATA_SOURCES, SANCTION_KINDS
from scs_sim.scoring import MIN_SPREAD, NEUTRAL_SCORE, SCORE_MAX, SCORE_MIN
from scs_sim.streams import RandomStreams


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
        self.group = int(traits.group[i])
        self.beliefs = [float(b) for b in state.beliefs[i]]
        self.perceived = float(state.perceived_surveillance[i])
        self.score = self.next_score = self.own_score = NEUTRAL_SCORE
        self.donation_record = float(state.donation_record[i])
        self.online_record = 0.0
        self.credit_record = self.true_credit_record = 1.0
        self.fear = self.strain = self.censor_probability = self.expected_sanction = 0.0
        self.predisposition = self.support = float(state.support[i])
        self.climate = self.deterred = 1.0
        self.debt = self.false_record = self.listed = self.listed_wrongly = self.perks = False
        self.ever_bad_record = False
        self.record_age, self.listing_left, self.appeal_left = -1, 0, NO_APPEAL
        self.restricted = self.justified = 0
        self.wants = self.censored = self.expressed = self.observed = False
        self.unattributed = self.donated = self.performative = False
        self.contacts: list[list] = []
        self.ties_component = 0.0

    # --- posting
    def sense_climate(self) -> None:
        """Factor on holding back: contacts' silence last step against own dissent."""
        total = count = 0.0
        for contact, active in self.contacts:
            if active:
                total += contact.censor_probability
                count += 1
        silence = total / count if count else 0.0
        factor = 1.0 + self.model.p.climate_sensitivity * (silence - self.dissent)
        self.climate = max(0.0, factor)

    def express(self) -> None:
        p, m, r = self.model.p, self.model, self.model.random.random
        cost = self.beliefs[1] * self.perceived * m.penalty + m.fear_cost * self.fear
        held_back = -math.expm1(-p.chill_sensitivity * self.risk_aversion * cost)
        self.censor_probability = min(1.0, held_back * self.climate)
        self.wants = r() < self.activity and r() < self.dissent
        self.censored = self.wants and r() < self.censor_probability
        self.expressed = self.wants and not self.censored
        self.observed = self.expressed and r() < m.surveillance[self.group]
        self.unattributed = False

    def target(self) -> None:
        """Surveillance moved toward citizens with an online record, at the same budget."""
        if not self.expressed:
            return
        m = self.model
        rate = m.surveillance[self.group]
        ratio = (1.0 + m.p.targeting * (self.online_record > 0)) / m.mean_target_weight
        if ratio < 1.0:
            if self.observed and m.random.random() >= ratio:
                self.observed = False
        elif not self.observed and rate < 1.0:
            extra = (min(1.0, rate * ratio) - rate) / (1.0 - rate)
            self.observed = m.random.random() < extra

    def attribute(self) -> None:
        """An observed post is tied to its author by linking datasets, or not at all."""
        m = self.model
        if self.observed and m.random.random() >= m.attribution:
            self.observed = False
            self.unattributed = True

    # --- donations
    def stakes(self) -> float:
        """What the score buys or threatens: ``exp(-distance to nearest threshold / range)``."""
        limits = self.model.limits
        if not limits:
            return 0.0
        distance = min(abs(self.score - limit) for limit in limits)
        return math.exp(-distance / self.model.p.stake_range)

    def donate(self) -> None:
        p, m, r = self.model.p, self.model, self.model.random.random
        sincere = r() < self.charity
        pull = min(1.0, self.beliefs[0] * m.per_belief) * self.stakes()
        self.performative = not sincere and r() < pull * p.performative_propensity
        self.donated = sincere or self.performative

    # --- deterrence, violations, repayment
    def restriction_cost(self) -> float:
        p, r = self.model.p, self.restricted
        cost = p.cost_travel * ((r & TRAVEL) != 0) + p.cost_visa * ((r & VISA) != 0)
        return cost + p.cost_rental * ((r & RENTAL) != 0)

    def deter(self) -> None:
        """Learn the expected sanction (own if on file, else the public one); its deterrence."""
        p, m = self.model.p, self.model
        seen = self.restriction_cost() if (self.debt or self.false_record) else m.public_sanction
        self.expected_sanction += p.learning_rate * (seen - self.expected_sanction)
        self.deterred = math.exp(-p.deterrence * self.risk_aversion * self.expected_sanction)

    def offend(self) -> None:
        p, r, m = self.model.p, self.model.random.random, self.model
        risk = p.violation_rate * self.proneness * (1.0 + p.strain_sensitivity * self.strain)
        if p.deterrence:
            risk *= self.deterred
        new_debt = not self.debt and r() < risk
        new_error = not self.false_record and r() < p.record_error_rate
        self.debt |= new_debt
        self.false_record |= new_error
        m.counters["violations"] += new_debt
        m.counters["record_errors"] += new_error
        if self.record_age >= 0:
            self.record_age += 1
        elif new_debt or new_error:
            self.record_age = 0
        if self.false_record and not self.debt and self.record_age >= p.blacklist_term:
            self.false_record = False

    def repayment_chance(self) -> float:
        p = self.model.p
        return p.repayment_rate * min(self.income, 2.0) / (1.0 + self.strain)

    def repay(self) -> None:
        p, m = self.model.p, self.model
        if self.debt:
            rate = self.repayment_chance() * (1.0 + p.listing_pressure * self.listed)
            if m.random.random() < rate:
                self.debt = False
                m.counters["repayments"] += 1
                m.counters["repaid_under_pressure"] += self.listed
        if not self.debt and not self.false_record:
            self.record_age = -1

    def repay_under_threat(self) -> None:
        """Unlisted debtors pay early when they expect a sanction."""
        if not self.debt or self.listed:
            return
        p, m = self.model.p, self.model
        threat = p.deterrence * self.risk_aversion * self.expected_sanction
        if m.random.random() < min(1.0, self.repayment_chance() * threat):
            self.debt = False
            m.counters["repayments"] += 1
            if not self.false_record:
                self.record_age = -1

    def update_records(self) -> None:
        m = self.model
        self.ever_bad_record |= self.debt or (m.online_scored and self.observed)
        keep = m.p.record_memory
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

    def credit(self, record: float) -> float:
        """Fulfilment capacity: a bad record weighs more on a low income; clean is 1."""
        capacity = min(1.0, self.income / 2.0)
        weight = 1.0 + self.model.p.capacity_share * (1.0 - capacity)
        return max(0.0, 1.0 - (1.0 - record) * weight)

    def raw_scores(self, own_ties: float) -> tuple[float, float]:
        p, w = self.model.p, self.model.weights
        common = w[0] * min(1.0, p.donation_scale * self.donation_record)
        common += w[1] * max(0.0, 1.0 - p.online_scale * self.online_record)
        raw = common + w[2] * self.ties_component + w[3] * self.credit(self.credit_record)
        own = common + w[2] * own_ties + w[3] * self.credit(self.true_credit_record)
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
            self.appeal_left = NO_APPEAL
            return
        if not p.appeals:
            return
        if not self.debt and self.appeal_left == NO_APPEAL:
            self.appeal_left = p.appeal_delay
        if self.appeal_left > 0:
            self.appeal_left -= 1
        elif self.appeal_left == 0:
            if m.random.random() < p.appeal_success:
                self.false_record, self.appeal_left = False, NO_APPEAL
                m.counters["appeals_won"] += 1
            else:
                self.appeal_left = LOST_APPEAL
                m.counters["appeals_lost"] += 1

    def sanction(self) -> None:
        p, m = self.model.p, self.model
        imposed = justified = 0
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
                m.counters["wrongful_listings"] += not self.debt
            self.listed_wrongly = self.listed and not self.debt
            if self.listed:
                imposed |= m.joint_bits
                if not self.listed_wrongly:
                    justified |= m.joint_bits
        if p.scoring and p.threshold_sanctions:
            self.perks = self.score >= p.perk_threshold
            for kind, threshold in m.thresholds:
                if self.score < threshold:
                    imposed |= KIND_BITS[kind]
                if self.own_score < threshold:
                    justified |= KIND_BITS[kind]
        else:
            self.perks = False
        self.restricted, self.justified = imposed, justified & imposed

    def bear_costs(self) -> None:
        p, m, r = self.model.p, self.model, self.restricted
        cost = self.restriction_cost() - p.perk_relief * self.perks
        keep = p.strain_memory
        self.strain = max(STRAIN_FLOOR, keep * self.strain + (1.0 - keep) * cost / self.income)
        if r & FLIGHT and m.random.random() < p.flight_demand * min(self.income, 3.0):
            m.counters["flights_blocked"] += 1
        if r & RAIL and m.random.random() < p.rail_demand:
            m.counters["rail_blocked"] += 1

    # --- ties and learning
    def review_ties(self) -> None:
        p, m = self.model.p, self.model
        if m.random.random() >= p.tie_review_rate:
            return
        fear = self.beliefs[2] / p.full_belief
        caution = 0.5 + 0.5 * self.risk_aversion
        for tie in self.contacts:
            contact, active = tie
            if not active:
                continue
            low = p.scoring and contact.score < p.low_score_visible
            if not (contact.listed or low):
                continue
            pull = min(1.0, fear + m.stigma * contact.listed)
            p_cut = p.tie_cut_propensity * pull * caution
            if p_cut <= 0 or m.random.random() >= p_cut:
                continue
            m.counters["ties_cut"] += 1
            if m.random.random() < p.rewire_share and m.high:
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
                sanctioned += contact.restricted != 0
        self.fear += p.fear_rate * ((sanctioned / count if count else 0.0) - self.fear)
        if not p.scoring:
            return
        rate, truth = p.learning_rate, m.weights
        self.beliefs[0] += rate * self.donated * (truth[0] - self.beliefs[0])
        if self.expressed:
            penalised = self.observed and truth[1] > 0
            self.perceived += rate * (penalised - self.perceived)
            self.beliefs[1] += rate * (truth[1] - self.beliefs[1])
        slow = rate * p.background_learning
        for k in (2, 3):
            self.beliefs[k] += slow * (truth[k] - self.beliefs[k])

    def judge(self) -> None:
        """Support moves toward predisposition + benefits - injustice seen this step."""
        p = self.model.p
        count = sanctioned = unjust = in_debt = 0
        for contact, active in self.contacts:
            if active:
                count += 1
                sanctioned += contact.restricted != 0
                unjust += (contact.restricted & ~contact.justified) != 0
                in_debt += contact.debt
        if count:
            sanctioned, unjust, in_debt = sanctioned / count, unjust / count, in_debt / count
        own_sanctioned = self.restricted != 0
        own_unjust = (self.restricted & ~self.justified) != 0
        transparency = 1.0 - min(1.0, p.opacity)
        benefit = self.perks - p.support_order * in_debt
        injustice = own_sanctioned + own_unjust + sanctioned + transparency * unjust
        target = self.predisposition + p.support_benefit * benefit
        target -= p.support_injustice * injustice
        self.support += p.learning_rate * (target - self.support)


class MesaCitizens(mesa.Model):
    """Per-agent model of the full-scs rules (no policy events: timing runs hold params fixed).

    Args:
        scenario: Scenario name or path.
        n_citizens: Population size.
        seed: Seed; the initial citizens and network come from scs_sim's streams on it.
        **overrides: Scenario fields overriding the scenario's values.
    """

    def __init__(
        self, scenario: str = "full-scs", n_citizens: int = 10_000, seed: int = 1, **overrides
    ) -> None:
        super().__init__(rng=seed)
        self.random = random.Random(seed)
        self.p = p = load_scenario(scenario, {"n_citizens": n_citizens, **overrides})
        if p.plugins or p.custom_weights or p.initial_listed_share > 0:
            raise NotImplementedError(
                "mesa_reference implements neither plug-ins, custom score rules nor an "
                "initial blacklist"
            )
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
        self.bottom_income = [citizens[i] for i in population.bottom_income.tolist()]
        self.top_income = [citizens[i] for i in population.top_income.tolist()]
        self.counters = dict.fromkeys(COUNTERS, 0)
        self.reference: tuple[float, float] | None = None
        self.high: list[Citizen] = []
        self.own_ties = 0.0
        self.violations_before = 0
        self.read_scenario()
        self.datacollector = mesa.DataCollector(model_reporters=REPORTERS)
        for _ in range(2):  # as the vectorised model: settle scores before the first step
            self.score_all()

    def read_scenario(self) -> None:
        """This step's scenario-wide numbers, all from ``self.p`` (and the fitted scorecard)."""
        p = self.p
        weights = p.weights()
        total = sum(w for w in weights.values() if w > 0)
        self.weights = [max(0.0, weights[k]) / total if total > 0 else 0.0 for k in DATA_SOURCES]
        self.online_scored = p.scoring and weights["online"] > 0
        per_unit = p.points_per_sd / self.reference[1] if self.reference else 0.0
        self.penalty = p.online_scale * (1.0 - p.record_memory) * per_unit / 100.0
        self.fear_cost = p.fear_weight * min(1.0, p.opacity)
        self.per_belief = p.donation_scale * (1.0 - p.record_memory) * per_unit / p.full_benefit
        staked = p.scoring and p.threshold_sanctions
        self.limits = [*p.thresholds().values(), p.perk_threshold] if staked else []
        minority = p.minority_surveillance if p.minority_share > 0 else 1.0
        self.surveillance = (p.surveillance, min(1.0, p.surveillance * minority))
        self.attribution = attribution_probability(p)
        self.stigma = stigma(p)
        self.thresholds = [(k, p.thresholds()[k]) for k in SANCTION_KINDS]
        self.joint_bits = sum(KIND_BITS[k] for k, on in p.joint_punishment().items() if on)

    def to_points(self, raw: float) -> float:
        mean, spread = self.reference
        points = NEUTRAL_SCORE + self.p.points_per_sd / spread * (raw - mean)
        return min(SCORE_MAX, max(SCORE_MIN, points))

    def score_all(self) -> None:
        agents = self.agents
        if not self.p.scoring:
            for a in agents:
                a.score = a.own_score = NEUTRAL_SCORE
            return
        agents.do("score_components")
        self.own_ties = statistics.fmean(a.ties_component for a in agents)
        if self.reference is None:
            raws = [a.raw_scores(self.own_ties)[0] for a in agents]
            self.reference = (statistics.fmean(raws), max(statistics.pstdev(raws), MIN_SPREAD))
        agents.do("set_score")
        agents.do("commit_score")

    def step(self) -> None:
        p, agents = self.p, self.agents
        self.read_scenario()
        self.violations_before = self.counters["violations"]
        if p.climate_sensitivity:
            agents.do("sense_climate")
        agents.do("express")
        if p.targeting:
            weights = [1.0 + p.targeting * (a.online_record > 0) for a in agents]
            self.mean_target_weight = statistics.fmean(weights)
            agents.do("target")
        if self.attribution < 1.0:
            agents.do("attribute")
        agents.do("donate")
        if p.deterrence:
            costs = [a.restriction_cost() for a in agents if a.debt or a.false_record]
            self.public_sanction = statistics.fmean(costs) if costs else 0.0
            agents.do("deter")
        for phase in ("offend", "repay"):
            agents.do(phase)
        if p.deterrence:
            agents.do("repay_under_threat")
        agents.do("update_records")
        self.score_all()
        agents.do("appeal")
        agents.do("sanction")
        agents.do("bear_costs")
        if p.tie_review_rate > 0 and p.tie_cut_propensity > 0:
            self.high = [a for a in agents if a.score >= p.perk_threshold]
            agents.do("review_ties")
        agents.do("learn")
        agents.do("judge")
        self.datacollector.collect(self)


def _share(model: MesaCitizens, test) -> float:
    return sum(1 for a in model.citizens if test(a)) / len(model.citizens)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _sanctioned_share(members: list[Citizen]) -> float:
    return _ratio(sum(1 for a in members if a.restricted), len(members))


def _supports(model: MesaCitizens, a: Citizen) -> bool:
    p = model.p
    return a.support - (p.repression_penalty if p.repression_known else 0.0) > 0


REPORTERS = {
    "mean_score": lambda m: statistics.fmean(a.score for a in m.citizens),
    "self_censorship_rate": lambda m: _ratio(
        sum(a.censored for a in m.citizens), sum(a.wants for a in m.citizens)
    ),
    "expression_gap": lambda m: statistics.fmean(
        a.dissent * a.censor_probability for a in m.citizens
    ),
    "donation_rate": lambda m: _share(m, lambda a: a.donated),
    "performative_donation_rate": lambda m: _share(m, lambda a: a.performative),
    "blacklisted_share": lambda m: _share(m, lambda a: a.listed),
    "travel_banned_share": lambda m: _share(m, lambda a: a.restricted & TRAVEL),
    "visa_restricted_share": lambda m: _share(m, lambda a: a.restricted & VISA),
    "rental_restricted_share": lambda m: _share(m, lambda a: a.restricted & RENTAL),
    "sanctioned_share": lambda m: _share(m, lambda a: a.restricted),
    "false_positive_share": lambda m: _ratio(
        sum(1 for a in m.citizens if a.restricted & ~a.justified),
        sum(1 for a in m.citizens if a.restricted),
    ),
    "clean_record_sanctioned_share": lambda m: _share(
        m, lambda a: a.restricted and not a.ever_bad_record
    ),
    "red_list_share": lambda m: _share(m, lambda a: a.perks),
    "mean_active_degree": lambda m: statistics.fmean(
        sum(t[1] for t in a.contacts) for a in m.citizens
    ),
    "isolated_share": lambda m: _share(m, lambda a: not any(t[1] for t in a.contacts)),
    "mean_perceived_surveillance": lambda m: statistics.fmean(a.perceived for a in m.citizens),
    "debtor_share": lambda m: _share(m, lambda a: a.debt),
    "violation_rate": lambda m: (m.counters["violations"] - m.violations_before) / len(m.citizens),
    "support_share": lambda m: _share(m, lambda a: _supports(m, a)),
    "reidentified_share": lambda m: _ratio(
        sum(a.observed for a in m.citizens),
        sum(a.observed or a.unattributed for a in m.citizens),
    ),
    "sanctioned_share_bottom_income": lambda m: _sanctioned_share(m.bottom_income),
    "sanctioned_share_top_income": lambda m: _sanctioned_share(m.top_income),
    **{name: (lambda m, name=name: m.counters[name]) for name in COUNTERS},
}
"""Model reporters computed the per-agent way: by iterating over the agents."""

STATE_MEANS = {
    "mean_fear": "fear",
    "mean_strain": "strain",
    "mean_expected_sanction": "expected_sanction",
    "mean_support": "support",
}
"""State means that are not package metrics, by the citizens' attribute (the vectorised
state array of the same name): compare() reads them once, at the end of each run."""


def compare(
    n_citizens: int = 2000, steps: int = 25, seeds: tuple[int, ...] = (1, 2, 3), **overrides
) -> dict:
    """Mean of key metrics at ``steps`` over seeds, per-agent Mesa and vectorised (same rules).

    ``overrides`` are scenario fields given to both models (e.g. ``targeting=2.0``).
    """
    from scs_sim import SocialCreditModel

    out: dict[str, dict[str, float]] = {"mesa": {}, "vectorised": {}}
    rows_mesa, rows_vec = [], []
    for seed in seeds:
        ref = MesaCitizens("full-scs", n_citizens, seed, **overrides)
        for _ in range(steps):
            ref.step()
        row = ref.datacollector.get_model_vars_dataframe().iloc[-1].to_dict()
        # State means only for the comparison: not collected every step, so that the Mesa
        # step timed by benchmarks/scale.py does the work of the vectorised one, no more.
        row |= {
            name: statistics.fmean(getattr(a, f) for a in ref.citizens)
            for name, f in STATE_MEANS.items()
        }
        rows_mesa.append(row)
        # Hold the scenario fixed (no events) as the reference does.
        vec = SocialCreditModel("full-scs", rng=seed, n_citizens=n_citizens, events=[], **overrides)
        vec.run(steps)
        row = vec.series().iloc[-1].to_dict()
        state = vec.population.state
        row |= {
            name: float(getattr(state, f).astype(np.float64).mean())
            for name, f in STATE_MEANS.items()
        }
        rows_vec.append(row)
    for name in [*REPORTERS, *STATE_MEANS]:
        out["mesa"][name] = float(np.mean([r[name] for r in rows_mesa]))
        out["vectorised"][name] = float(np.mean([r[name] for r in rows_vec]))
    return out


def main() -> None:
    """Print ``compare()``'s table (Mesa mean, vectorised mean per reporter)."""
    import argparse

    parser = argparse.ArgumentParser(description="per-agent Mesa vs vectorised, full-scs")
    parser.add_argument("--citizens", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument(
        "--set", nargs="*", default=[], metavar="KEY=VALUE", help="scenario overrides"
    )
    args = parser.parse_args()
    overrides = dict(parse_override(item) for item in args.set)
    result = compare(args.citizens, args.steps, tuple(args.seeds), **overrides)
    print("| metric | per-agent Mesa | vectorised |\n|---|---:|---:|")
    for name in [*REPORTERS, *STATE_MEANS]:
        print(f"| {name} | {result['mesa'][name]:.4g} | {result['vectorised'][name]:.4g} |")


if __name__ == "__main__":
    main()
