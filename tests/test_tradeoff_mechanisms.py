"""The trade-off mechanisms of issue 18, each on fresh seeds with an effect size.

Paired runs on common random numbers: a scenario with a mechanism on and off (or two
levels of it) on the same seed differ only through it. Seeds 800-899 are used by no
other test; each test names its own.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from scs_sim import SocialCreditModel

pytestmark = pytest.mark.slow  # effect sizes over seeds: validation, slow tier

N = 3000
STEPS = 104


def series(scenario: str, seed: int, steps: int = STEPS, n: int = N, **params):
    model = SocialCreditModel(
        scenario, rng=seed, n_citizens=n, backend="numpy", agent_views=False, **params
    )
    model.run(steps)
    return model.series()


def paired(values_on: list[float], values_off: list[float]) -> tuple[float, float, float]:
    """Mean paired difference, Cohen's d_z (mean / sd of differences) and the t-test p-value."""
    diff = np.asarray(values_on) - np.asarray(values_off)
    d_z = diff.mean() / diff.std(ddof=1) if diff.std(ddof=1) > 0 else np.inf * np.sign(diff.mean())
    return float(diff.mean()), float(d_z), float(stats.ttest_1samp(diff, 0.0).pvalue)


# --- 1. deterrence

DETERRENCE_SEEDS = range(800, 810)


def test_deterrence_lowers_violations_under_the_blacklist():
    # Same citizens and shocks; only the believed expected sanction now deters.
    on = [series("blacklist", s, deterrence=10.0).violations.iloc[-1] for s in DETERRENCE_SEEDS]
    off = [series("blacklist", s, deterrence=0.0).violations.iloc[-1] for s in DETERRENCE_SEEDS]
    diff, d_z, p = paired(on, off)
    assert diff < 0 and d_z < -1.0 and p < 0.01, (diff, d_z, p)
    assert np.mean(on) < 0.8 * np.mean(off)  # at least a fifth fewer violations


def test_deterrence_needs_a_sanction_to_fear():
    # Without any sanction path the expected sanction stays 0: deterrence changes nothing.
    on = series("baseline", 801, steps=52, deterrence=10.0)
    off = series("baseline", 801, steps=52)
    assert on.equals(off)


def test_violation_rate_is_new_violations_per_citizen_per_step():
    frame = series("blacklist", 802, steps=52, violation_rate=0.002)
    assert frame.violation_rate.iloc[0] == 0.0
    steps = frame.violations.diff().iloc[1:] / N
    assert np.allclose(frame.violation_rate.iloc[1:], steps)
    assert frame.violations.iloc[-1] > 0


# --- 2. public support

SUPPORT_SEEDS = range(810, 820)
SURVEY_SUPPORT = 0.80
"""Southern Metropolis Daily survey (2014), in the seed paper."""
INFORMED_DROP = 0.12
"""Xu, Kostka & Cao (2022): about 12 points less support once repressive uses are explained."""
DROP_TOLERANCE = 0.03
"""The informed-public drop must land within 12 +- 3 points (mean over seeds)."""


def test_headline_scenario_starts_near_the_survey_support():
    start = [series("full-scs", s, steps=1).support_share.iloc[0] for s in SUPPORT_SEEDS]
    assert abs(np.mean(start) - SURVEY_SUPPORT) < 0.02, np.mean(start)


def test_informed_public_reproduces_the_twelve_point_drop():
    # informed-public is full-scs plus the step-52 event: paired on each seed.
    told = [series("informed-public", s, steps=56) for s in SUPPORT_SEEDS]
    untold = [series("full-scs", s, steps=56) for s in SUPPORT_SEEDS]
    pairs = list(zip(told, untold, strict=True))
    drops = [b.support_share.iloc[53] - a.support_share.iloc[53] for a, b in pairs]
    before = [b.support_share.iloc[51] - a.support_share.iloc[51] for a, b in pairs]
    assert np.allclose(before, 0.0)  # identical until the public is told
    assert abs(np.mean(drops) - INFORMED_DROP) < DROP_TOLERANCE, np.mean(drops)
    assert min(drops) > 0.05


def test_wrongful_sanctions_lower_support():
    # Record errors put innocent citizens on the blacklist: unjust sanctions, seen by contacts.
    wrong = [
        series("blacklist", s, record_error_rate=0.002).support_share.iloc[-1]
        for s in SUPPORT_SEEDS
    ]
    right = [series("blacklist", s).support_share.iloc[-1] for s in SUPPORT_SEEDS]
    diff, d_z, p = paired(wrong, right)
    assert diff < -0.05 and d_z < -1.0 and p < 0.01, (diff, d_z, p)


def test_support_weighs_injustice_by_its_parameter():
    heavy = series("blacklist", 820, support_injustice=3.0, record_error_rate=0.002)
    light = series("blacklist", 820, support_injustice=0.0, record_error_rate=0.002)
    assert heavy.support_share.iloc[-1] < light.support_share.iloc[-1] - 0.05


# --- 3. opinion climate

CLIMATE_SEEDS = range(830, 838)
SHOCK = [{"step": 40, "set": {"surveillance": 0.9}, "caption": "Surveillance shock."}]


def _shock_response(seed: int, climate: float) -> float:
    """Self-censorship over the last 20 steps minus the 10 steps before the shock."""
    frame = series("full-scs", seed, events=SHOCK, surveillance=0.2, climate_sensitivity=climate)
    return (
        frame.self_censorship_rate.iloc[-20:].mean() - frame.self_censorship_rate.iloc[30:40].mean()
    )


def test_opinion_climate_amplifies_a_surveillance_shock():
    # Silence breeds silence: the same shock chills more when contacts' silence counts.
    with_climate = [_shock_response(s, 2.0) for s in CLIMATE_SEEDS]
    without = [_shock_response(s, 0.0) for s in CLIMATE_SEEDS]
    diff, d_z, p = paired(with_climate, without)
    assert diff > 0.1 and d_z > 2.0 and p < 0.001, (diff, d_z, p)


def test_intense_dissent_resists_the_climate():
    # Where contacts are silent, bold dissenters are chilled less than mild ones (Kuran).
    model = SocialCreditModel(
        "full-scs", rng=838, n_citizens=N, backend="numpy", agent_views=False,
        climate_sensitivity=2.0,
    )  # fmt: skip
    model.run(30)
    from scs_sim.rules.climate import sense_climate

    sense_climate(model, model.steps + 1)
    factor, dissent = model.population.drive["censor"], model.population.traits.dissent
    assert np.corrcoef(factor, dissent)[0, 1] < -0.5


# --- 4. anonymity and data linkage

ANONYMITY_SEEDS = range(840, 848)


def test_anonymity_lowers_self_censorship():
    # anonymous-internet is full-scs without real-name registration, paired on each seed.
    anonymous = [
        series("anonymous-internet", s).self_censorship_rate.iloc[-26:].mean()
        for s in ANONYMITY_SEEDS
    ]
    named = [series("full-scs", s).self_censorship_rate.iloc[-26:].mean() for s in ANONYMITY_SEEDS]
    diff, d_z, p = paired(anonymous, named)
    assert diff < -0.005 and d_z < -1.5 and p < 0.01, (diff, d_z, p)


def test_reidentified_share_follows_data_sharing():
    from scs_sim.rules.attribution import LINKAGE_CEILING, LINKAGE_FLOOR

    linked = series("anonymous-internet", 848, steps=52).reidentified_share.iloc[1:]
    unlinked = series(
        "anonymous-internet", 848, steps=52, share_donations=False, share_online=False,
        share_ties=False, share_credit=False,
    ).reidentified_share.iloc[1:]  # fmt: skip
    named = series("full-scs", 848, steps=52).reidentified_share.iloc[1:]
    assert abs(linked.mean() - LINKAGE_CEILING) < 0.02
    assert abs(unlinked.mean() - LINKAGE_FLOOR) < 0.02
    assert (named == 1.0).all()


# --- 5. targeting critics


def _observation_rates(targeting: float, seed: int = 849) -> tuple[float, float, float]:
    """Share of expressed critical posts observed, for citizens with and without a record."""
    model = SocialCreditModel(
        "full-scs", rng=seed, n_citizens=N, backend="numpy", agent_views=False,
        targeting=targeting,
    )  # fmt: skip
    counts = np.zeros((2, 2))
    for _ in range(60):
        flagged = model.population.state.online_record > 0
        model.step()
        s = model.population.state
        for row, who in enumerate((flagged, ~flagged)):
            counts[row] += (s.expressed_critical[who].sum(), s.observed_critical[who].sum())
    total = counts[:, 1].sum() / counts[:, 0].sum()
    return counts[0, 1] / counts[0, 0], counts[1, 1] / counts[1, 0], total


def test_targeting_concentrates_surveillance_on_critics():
    flagged_on, others_on, _ = _observation_rates(5.0)
    flagged_off, others_off, _ = _observation_rates(0.0)
    assert abs(flagged_off - others_off) < 0.05  # untargeted: everyone alike
    assert flagged_on > flagged_off + 0.1 and others_on < others_off - 0.1


# --- 6. withdrawal: every caption's claim, on 10 fresh seeds

WITHDRAWAL_SEEDS = range(850, 860)


@pytest.fixture(scope="module")
def withdrawals() -> list:
    return [series("withdrawal", s, steps=104) for s in WITHDRAWAL_SEEDS]


def _censorship(frames: list, step: int) -> np.ndarray:
    return np.array([frame.self_censorship_rate.iloc[step] for frame in frames])


def test_withdrawal_captions_are_the_scenarios():
    from scs_sim.loading import load_scenario

    captions = {e.step: e.caption for e in load_scenario("withdrawal").events}
    assert "Most held-back speech returns within a week" in captions[52]
    assert "some still hold back" in captions[60]
    assert "almost vanished" in captions[104]


def test_most_speech_returns_within_a_week_of_the_switch_off(withdrawals):
    before, after = _censorship(withdrawals, 51), _censorship(withdrawals, 53)
    assert (before > 0.4).all() and (after < before / 3).all(), (before, after)


def test_eight_weeks_on_some_still_hold_back(withdrawals):
    # Chilling outlasts the policy: nobody is sanctioned any more, yet posts are held back.
    later = _censorship(withdrawals, 60)
    assert (later > 0.02).all() and later.mean() > 0.04, later
    assert all((frame.sanctioned_share.iloc[53:] == 0).all() for frame in withdrawals)


def test_a_year_after_the_switch_off_speech_has_recovered(withdrawals):
    at_60, at_104 = _censorship(withdrawals, 60), _censorship(withdrawals, 104)
    assert at_104.mean() < 0.03 and (at_104 < at_60 / 2).all(), (at_60, at_104)


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [
        ("initial_support", 0.6, 0.9),
        ("support_benefit", 0.0, 3.0),
        ("support_order", 50.0, 0.0),
        ("repression_penalty", 1.0, 0.0),
    ],
)
def test_each_support_parameter_moves_support(key: str, low: float, high: float):
    # Seed 821, full-scs with the public informed: every lever of support moves its share.
    frames = [
        series("full-scs", 821, steps=52, repression_known=True, **{key: value})
        for value in (low, high)
    ]
    assert frames[0].support_share.iloc[-1] < frames[1].support_share.iloc[-1] - 0.02


def test_driven_factors_leave_plugin_multipliers_alone():
    # A plug-in's rel.censor survives the climate factor, which acts only during expression.
    model = SocialCreditModel(
        "full-scs", rng=822, n_citizens=500, backend="numpy", agent_views=False,
        climate_sensitivity=2.0,
    )  # fmt: skip
    model.population.rel.censor[:10] = 3.0
    kept = model.population.rel.censor.copy()
    model.run(5)
    assert np.array_equal(model.population.rel.censor, kept)
    assert "censor" in model.population.drive
