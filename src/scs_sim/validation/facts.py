"""Stylised facts: paired comparisons of two scenario arms over the same seeds.

Each comparison runs a control arm and a treatment arm on the same seeds
(common random numbers: same citizens, same network, same shocks), takes a metric
from each run (rates averaged over the last half year, see
:data:`scs_sim.validation.runs.TAIL`), and tests the paired differences with a
one-sided Wilcoxon signed-rank test. A comparison *holds* when the mean paired
difference points the expected way and p < :data:`ALPHA`.

Most arms are variants of one "scored society": the shipped full-scs scenario
without its story events (rental sanctions on from the start), so that a
comparison changes exactly one lever. Comparisons marked ``primary`` are the
stylised facts the tests assert; the others are reported for context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.stats import wilcoxon

from scs_sim.validation.runs import Arm

ALPHA = 0.05
"""Significance level of the one-sided paired test."""
POWER_RESAMPLES = 400
"""Bootstrap resamples behind :meth:`ComparisonResult.power`."""
POWER_SEED = 2024
"""Generator seed of the power bootstrap (fixed: the page is deterministic)."""
TARGET_POWER = 0.9
"""The seeds of the validation page are chosen so every primary fact reaches this power."""

SOCIETY = "full-scs"
_SOCIETY_FIXED = (("rental_threshold", 550.0),)


def society(label: str, **overrides: object) -> Arm:
    """The scored society (full-scs without events) with ``overrides``."""
    return Arm(label, SOCIETY, _SOCIETY_FIXED + tuple(overrides.items()), drop_events=True)


BASE = society("scored society")
SURVEILLANCE_LOW = society("surveillance 0.1", surveillance=0.1)
PUBLISHED = society("published weights", opacity=0.0)
APPEALS = society("appeals", appeals=True)
APPEALS_PUBLISHED = society("appeals + published weights", appeals=True, opacity=0.0)
NO_TIES = society("weight_ties 0", weight_ties=0.0)
NO_FEEDBACK = society(
    "no sanction costs, deterrence 0",
    cost_travel=0.0,
    cost_visa=0.0,
    cost_rental=0.0,
    strain_sensitivity=0.0,
    deterrence=0.0,
)
NO_CAPACITY = society("capacity_share 0", capacity_share=0.0)
NO_SANCTIONS = society("no sanctions", threshold_sanctions=False, blacklist=False)
UNDETERRED_SOCIETY = society("scored society, deterrence 0", deterrence=0.0)
FULL_SCS = Arm("full-scs", "full-scs")
DATA_PROTECTION = Arm("data-protection", "data-protection")
BLACKLIST = Arm("blacklist", "blacklist")
UNDETERRED = Arm("blacklist, deterrence 0", "blacklist", (("deterrence", 0.0),))
DETERRED = Arm("blacklist + deterrence 10", "blacklist", (("deterrence", 10.0),))
RECORD_ERRORS = Arm("blacklist + record errors", "blacklist", (("record_error_rate", 0.002),))
ANONYMOUS = Arm("anonymous-internet", "anonymous-internet")
WITHDRAWAL = Arm("withdrawal", "withdrawal")
NEVER_SCORED = Arm(
    "withdrawal, never switched on",
    "withdrawal",
    (("scoring", False), ("threshold_sanctions", False), ("blacklist", False)),
    drop_events=True,
)


@dataclass(frozen=True)
class Comparison:
    """Treatment vs control on one metric (or two metrics of the same run)."""

    fact: str
    """Key of the stylised fact this comparison belongs to."""
    metric: str
    control: Arm
    treatment: Arm
    expect: Literal["higher", "lower"]
    primary: bool = True
    control_metric: str | None = None
    """A different metric for the control (e.g. top vs bottom income in the same run)."""

    @property
    def label(self) -> str:
        """Short text: what is compared."""
        left = self.control_metric or self.metric
        if left != self.metric:
            return f"{self.metric} vs {left} ({self.treatment.label})"
        return f"{self.metric}: {self.treatment.label} vs {self.control.label}"


FACTS: dict[str, str] = {
    "surveillance": "Surveillance raises self-censorship.",
    "opacity": "Opacity raises performative donations.",
    "appeals": "Appeals lower false positives.",
    "association": "Guilt by association raises score assortativity and fragments the network.",
    "income": "Sanctions that follow bad records concentrate in low-income groups; the score "
    "itself imposes no income gap.",
    "data_protection": "The data-protection scenario reduces the chilling effect relative to "
    "full-scs.",
    "deterrence": "Deterrence lowers violations under the blacklist.",
    "wrongful_support": "Wrongful sanctions lower public support for the system.",
    "anonymity": "Anonymity (no real-name registration) lowers self-censorship.",
    "withdrawal": "Chilling outlasts a withdrawn policy for a while, then speech recovers.",
    "transparency": "Published weights raise the sanctioned share: fear falls and critics speak.",
}
"""The stylised facts, by key, as the issue states them."""

NOTES: dict[str, str] = {
    "surveillance": "Mechanism: a citizen holds back a critical post with a probability that "
    "rises with the believed cost of being observed (believed online weight x perceived "
    "surveillance x penalty) and with fear from sanctioned contacts.",
    "opacity": "Mechanism: citizens act on believed weights; opacity spreads beliefs "
    "log-normally, so more citizens over-estimate what a donation buys and donate for the score.",
    "appeals": "Mechanism: appeals clear wrong records after a delay, so restrictions resting on "
    "record errors are lifted. Published weights also lower the false-positive *share*, but "
    "not by removing wrong sanctions: fear falls and critics speak, so the sanctioned share "
    "doubles (see the transparency fact) with restrictions their own posts justify, and the "
    "wrongly sanctioned become a smaller part of a larger whole (a context comparison; before "
    "issue 17 its sign changed from seed to seed). False positive = a restriction the citizen's "
    "own conduct would not have earned (record errors, low-scored contacts).",
    "association": "Mechanism: with weight_ties > 0 a citizen's score includes its contacts' "
    "mean score, and citizens who believe ties count drop low-scored or listed contacts (a "
    "public listing is a liability whether or not a score exists: `listing_stigma`). "
    "`isolated_share` stays at or near 0 and is reported for completeness: contact lists are "
    "the citizen's own (when A drops B, B still counts A), a reviewer drops only contacts that "
    "are liabilities, and half the dropped ties are rewired to high scorers, so with a mean "
    "degree of 10 two years of cutting isolate almost nobody (at most 0.1% in 10 minority "
    "runs); fragmentation shows as lost ties and lower degree.",
    "income": "Mechanism: violation proneness is higher and repayment slower at low income, so "
    "debts, listings and low credit records gather there; in the data-protection scenario, "
    "where only records count, the bottom income fifth is sanctioned more than the top fifth "
    "(the primary comparison). Until issue 17 this fact was stated as 'the sanction feedback "
    "concentrates sanctions in low-income groups' and rested mostly on the fulfilment-capacity "
    "term, which made a clean record score lower at low income (an imposed gap, largest at "
    "launch). With that term on bad records only, the feedback (sanctions cost income, strain "
    "breeds debts; control arm: every sanction cost and strain_sensitivity 0) is too small to "
    "detect at 1,000 citizens in the scored society, and is kept as context. Imposed vs "
    "emergent: `income_gap_launch` is the gap at step 1, before any sanction has cost income; "
    "the gap's growth from then on is emergent. The fulfilment-capacity term "
    "(`capacity_share`) only weighs bad records (a clean record scores the same at any "
    "income), so it imposes no gap at launch; violation proneness (higher at low income) "
    "and slower repayment do the rest. Sanction costs also deter (the expected sanction is "
    "their cost), which lowers violations and pulls the other way, so the strain feedback "
    "is compared with deterrence 0 in both arms as well (context).",
    "data_protection": "Mechanism: only credit history may feed the score (posts, contacts and "
    "donations may not) and the permitted sources are public, so posting carries no score risk. "
    "A clean record scores the same at any income, so nobody with a clean record of their own "
    "is restricted except through record errors. Those weigh more, not less: with records the "
    "only input a wrong record alone pulls a score below the thresholds, so "
    "`clean_record_sanctioned_share` is higher than in full-scs (where the same citizens "
    "often have posts on file, and a wrong record is only part of the score); appeals are "
    "the remedy.",
    "transparency": "Mechanism: under published weights (opacity 0) fear from sanctioned "
    "contacts no longer deters posts (citizens know why a contact was sanctioned), and nobody "
    "over-estimates the online weight, so critics speak; observed posts lower their scores, so "
    "more citizens fall below the thresholds and below low_score_visible, and tie cutting "
    "rises with them. Transparency is not a remedy for sanctions: it makes the rules "
    "predictable, and the rules then bite. For the same reason sanctions lower tie cutting: "
    "with no sanction there is no fear, more critics are observed, and more contacts look "
    "like liabilities.",
    "deterrence": "Mechanism: each citizen believes in an expected sanction (the restriction "
    "cost a bad record brings, seen on the public list and learned at learning_rate); the "
    "violation risk is multiplied by exp(-deterrence x risk aversion x expected sanction) and "
    "unlisted debtors repay sooner (Becker 1968; Epstein 2002). Metric: violations over the run.",
    "wrongful_support": "Mechanism: support moves toward a target lowered by one's own sanctions "
    "(doubly when one's conduct does not justify them) and contacts' sanctions. Record errors "
    "(0.002 a week) put innocent citizens on the list.",
    "anonymity": "Mechanism: without real-name registration an observed post harms only when "
    "data linkage ties it to its author (87% with all data shared; Sweeney 2000); unattributed "
    "posts teach no penalty, so perceived surveillance and self-censorship fall a little.",
    "withdrawal": "Mechanism: at step 52 the score, thresholds and blacklist are switched off; "
    "beliefs about the score go at once, but fear from sanctions seen fades at learning_rate. "
    "Over the last half year (steps 79-104) self-censorship is still above that of a society "
    "never scored (chilling outlasts) and far below full-scs (speech recovers; it reaches "
    "about 1% a year after the switch-off).",
}
"""How each fact arises in the model (qualitative; the numbers are in the report)."""

COMPARISONS: tuple[Comparison, ...] = (
    Comparison("surveillance", "self_censorship_rate", SURVEILLANCE_LOW, BASE, "higher"),
    Comparison("opacity", "performative_donation_rate", PUBLISHED, BASE, "higher"),
    Comparison("appeals", "false_positive_share", BASE, APPEALS, "lower"),
    Comparison("appeals", "false_positive_share", BASE, APPEALS_PUBLISHED, "lower", primary=False),
    Comparison("appeals", "false_positive_share", BASE, PUBLISHED, "lower", primary=False),
    Comparison("association", "score_assortativity", NO_TIES, BASE, "higher"),
    Comparison("association", "mean_active_degree", NO_TIES, BASE, "lower"),
    Comparison("association", "ties_cut", NO_TIES, BASE, "higher"),
    Comparison("association", "isolated_share", NO_TIES, BASE, "higher", primary=False),
    Comparison("association", "ties_cut", NO_SANCTIONS, BASE, "lower", primary=False),
    Comparison(
        "income",
        "sanctioned_share_bottom_income",
        DATA_PROTECTION,
        DATA_PROTECTION,
        "higher",
        control_metric="sanctioned_share_top_income",
    ),
    Comparison(
        "income",
        "sanctioned_share_bottom_income",
        BASE,
        BASE,
        "higher",
        primary=False,
        control_metric="sanctioned_share_top_income",
    ),
    Comparison("income", "income_gap", NO_FEEDBACK, BASE, "higher", primary=False),
    Comparison(
        "income",
        "income_gap",
        BASE,
        BASE,
        "higher",
        primary=False,
        control_metric="income_gap_launch",
    ),
    Comparison("income", "income_gap", BASE, NO_CAPACITY, "lower", primary=False),
    Comparison("income", "income_gap", NO_FEEDBACK, UNDETERRED_SOCIETY, "higher", primary=False),
    Comparison("data_protection", "self_censorship_rate", FULL_SCS, DATA_PROTECTION, "lower"),
    Comparison("data_protection", "ties_cut", FULL_SCS, DATA_PROTECTION, "lower", primary=False),
    Comparison(
        "data_protection",
        "clean_record_sanctioned_share",
        FULL_SCS,
        DATA_PROTECTION,
        "higher",
        primary=False,
    ),
    Comparison(
        "data_protection",
        "performative_donation_rate",
        FULL_SCS,
        DATA_PROTECTION,
        "lower",
        primary=False,
    ),
    Comparison("deterrence", "violations", UNDETERRED, DETERRED, "lower"),
    Comparison("deterrence", "repayments", UNDETERRED, DETERRED, "lower", primary=False),
    Comparison("wrongful_support", "support_share", BLACKLIST, RECORD_ERRORS, "lower"),
    Comparison("anonymity", "self_censorship_rate", FULL_SCS, ANONYMOUS, "lower"),
    Comparison("anonymity", "reidentified_share", FULL_SCS, ANONYMOUS, "lower", primary=False),
    Comparison("withdrawal", "self_censorship_rate", NEVER_SCORED, WITHDRAWAL, "higher"),
    Comparison("withdrawal", "self_censorship_rate", FULL_SCS, WITHDRAWAL, "lower"),
    Comparison("transparency", "sanctioned_share", BASE, PUBLISHED, "higher"),
    Comparison("transparency", "ties_cut", BASE, PUBLISHED, "higher", primary=False),
    Comparison("transparency", "self_censorship_rate", BASE, PUBLISHED, "lower", primary=False),
)
"""Every comparison, grouped by fact, in report order."""


def arms() -> list[Arm]:
    """Every distinct arm the comparisons need, in first-use order."""
    seen: dict[Arm, None] = {}
    for c in COMPARISONS:
        seen.setdefault(c.control)
        seen.setdefault(c.treatment)
    return list(seen)


@dataclass(frozen=True)
class ComparisonResult:
    """A comparison's values per seed and its test."""

    comparison: Comparison
    seeds: tuple[int, ...]
    control: np.ndarray
    treatment: np.ndarray
    p_value: float
    in_direction: int
    """Seeds whose paired difference points the expected way."""

    @property
    def difference(self) -> np.ndarray:
        """Paired differences, treatment minus control."""
        return self.treatment - self.control

    @property
    def effect_size(self) -> float:
        """Standardised paired effect (Cohen's d_z): mean difference / sd of differences.

        Signed so that a positive value points the expected way; infinite when every seed
        shows the same non-zero difference, NaN when there is no difference at all.
        """
        sign = 1.0 if self.comparison.expect == "higher" else -1.0
        diff = sign * self.difference
        sd = float(diff.std(ddof=1)) if len(diff) > 1 else 0.0
        if sd == 0.0:
            return float("nan") if not np.any(diff) else float(np.sign(diff.mean()) * np.inf)
        return float(diff.mean() / sd)

    def power(self, seeds: int | None = None, resamples: int = POWER_RESAMPLES) -> float:
        """Bootstrap power of the paired test at ``seeds`` seeds (default: as many as run).

        The observed paired differences are resampled with replacement (a fixed
        generator, so the page is reproducible); power is the share of resamples in
        which the comparison would hold. It is an estimate from the same seeds, so it is
        optimistic for small effects: the held-out tests are the real check.
        """
        n = len(self.seeds) if seeds is None else seeds
        rng = np.random.default_rng(POWER_SEED)
        sign = 1.0 if self.comparison.expect == "higher" else -1.0
        diff = sign * self.difference
        held = 0
        for _ in range(resamples):
            sample = rng.choice(diff, n)
            if sample.mean() > 0 and np.any(sample != 0):
                held += wilcoxon(sample, alternative="greater").pvalue < ALPHA
        return held / resamples

    @property
    def holds(self) -> bool:
        """Expected direction on average, and significant at ALPHA."""
        sign = 1.0 if self.comparison.expect == "higher" else -1.0
        return bool(sign * self.difference.mean() > 0 and self.p_value < ALPHA)


def paired_test(control: np.ndarray, treatment: np.ndarray, expect: str) -> tuple[float, int]:
    """One-sided Wilcoxon signed-rank p-value and the count of seeds in the expected direction.

    All-zero differences (no effect at all) give p = 1.
    """
    sign = 1.0 if expect == "higher" else -1.0
    diff = sign * (np.asarray(treatment) - np.asarray(control))
    in_direction = int((diff > 0).sum())
    if not np.any(diff != 0):
        return 1.0, in_direction
    return float(wilcoxon(diff, alternative="greater").pvalue), in_direction


def evaluate(
    comparison: Comparison,
    seeds: Sequence[int],
    summaries: dict[tuple[Arm, int], dict[str, float]],
) -> ComparisonResult:
    """Test one comparison from per-(arm, seed) summaries."""
    control_metric = comparison.control_metric or comparison.metric
    control = np.array([summaries[comparison.control, s][control_metric] for s in seeds])
    treatment = np.array([summaries[comparison.treatment, s][comparison.metric] for s in seeds])
    p, k = paired_test(control, treatment, comparison.expect)
    return ComparisonResult(comparison, tuple(seeds), control, treatment, p, k)
