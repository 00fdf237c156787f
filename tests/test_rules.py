"""Each score rule and sanction path, one at a time, on small hand-set populations."""

from __future__ import annotations

import numpy as np
import pytest

from scs_sim import SocialCreditModel, register_rule
from scs_sim.kernels import expression, violations
from scs_sim.kernels.sanctions import hear_appeals, impose
from scs_sim.population import FLIGHT, RAIL, RENTAL, VISA
from scs_sim.scoring import RULES, update_scores

SCORING = dict(scoring=True, n_citizens=200, record_error_rate=0.0, violation_rate=0.0)


def model(**kw) -> SocialCreditModel:
    return SocialCreditModel(rng=1, agent_views=False, **(SCORING | kw))


class TestScoreRules:
    def test_builtin_rules_are_registered_by_name(self):
        assert {"donations", "online", "ties", "credit"} <= set(RULES)

    def test_donations_raise_the_score(self):
        m = model(weight_donations=1, weight_online=0, weight_ties=0, weight_credit=0)
        state = m.population.state
        state.donation_record[:10] = 0.0
        state.donation_record[10:20] = 0.25
        update_scores(m)
        assert state.score[10:20].min() > state.score[:10].max()

    def test_observed_critical_posts_lower_the_score(self):
        m = model(weight_donations=0, weight_online=1, weight_ties=0, weight_credit=0.1)
        state = m.population.state
        before = state.score[:10].copy()
        state.online_record[:10] = 0.1
        update_scores(m)
        assert np.all(state.score[:10] < before)

    def test_ties_rule_is_the_mean_score_of_contacts(self):
        m = model(weight_ties=1)
        component = RULES["ties"](m)
        score = m.population.state.score
        for i in range(5):
            contacts = m.network.adjacency[i].indices
            expected = (score[contacts].mean() - 350) / 600
            assert component[i] == pytest.approx(expected, abs=1e-5)

    def test_record_errors_lower_the_score_but_not_the_own_conduct_score(self):
        m = model(weight_donations=0, weight_online=0, weight_ties=0, weight_credit=1)
        state = m.population.state
        state.false_record[:5] = True
        for _ in range(20):
            violations.update_records(m)
        update_scores(m)
        assert np.all(state.score[:5] < m.own_score[:5])
        np.testing.assert_allclose(state.score[5:], m.own_score[5:], atol=1e-3)

    def test_forbidden_data_source_has_no_weight(self):
        m = model(share_online=False)
        assert m.params.weights()["online"] == 0
        assert "online" not in m.score_components

    def test_inspected_components_rebuild_every_citizens_score(self):
        # The components are worked out when asked for, after the step: they must be the
        # ones the score was computed from, for every citizen (the inspector shows them).
        m = SocialCreditModel("full-scs", rng=4, n_citizens=500, agent_views=False)
        m.run(6)
        weights = m.params.weights()
        total = sum(weights.values())
        raw = sum(
            np.float32(weights[name] / total) * m.score_components[name]
            for name in ("donations", "online", "ties", "credit")
        )
        mean, spread = m.score_reference
        points = np.clip(650 + (100 / spread) * (raw - mean), 350, 950)
        np.testing.assert_allclose(points, m.population.state.score, atol=1e-3)
        got = m.explain(9)["components"]["credit"]
        assert got == pytest.approx(float(m.score_components["credit"][9]), rel=5e-3)
        assert got == float(f"{got:.3g}")  # rounded: no float32 noise

    def test_custom_rule_plugs_in_without_touching_the_model(self):
        @register_rule("test_volunteering")
        def volunteering(model: SocialCreditModel) -> np.ndarray:
            return (np.arange(model.population.n) % 2).astype(np.float32)

        try:
            m = model(
                weight_donations=0,
                weight_online=0,
                weight_ties=0,
                weight_credit=0,
                custom_weights={"test_volunteering": 1.0},
            )
            score = m.population.state.score
            assert score[1::2].min() > score[::2].max()
        finally:
            del RULES["test_volunteering"]

    def test_unknown_custom_rule_is_a_clear_error(self):
        with pytest.raises(ValueError, match="no rule named 'nope'"):
            model(custom_weights={"nope": 1.0})

    def test_no_scoring_keeps_everyone_at_the_neutral_score(self):
        m = SocialCreditModel(rng=1, n_citizens=100)
        m.run(5)
        assert np.all(m.population.state.score == 650)


class TestThresholdSanctions:
    def test_restrictions_below_thresholds_and_perks_above(self):
        m = model(
            threshold_sanctions=True,
            flight_threshold=500,
            rail_threshold=350,
            visa_threshold=600,
            rental_threshold=350,
            perk_threshold=800,
        )
        state = m.population.state
        state.score[:] = np.linspace(350, 950, m.population.n, dtype=np.float32)
        m.own_score = state.score
        impose(m, 1)
        score, restricted = state.score, state.restricted
        assert np.all(((restricted & FLIGHT) != 0) == (score < 500))
        assert np.all(((restricted & VISA) != 0) == (score < 600))
        assert not np.any(restricted & (RAIL | RENTAL))
        assert np.all(state.perks == (score >= 800))

    def test_threshold_sanctions_need_a_score(self):
        m = SocialCreditModel(rng=1, n_citizens=100, threshold_sanctions=True, scoring=False)
        m.run(3)
        assert not m.population.state.restricted.any()


class TestBlacklist:
    def test_debt_is_listed_after_the_delay_with_joint_punishment(self):
        m = model(blacklist=True, listing_delay=3, enforcement_rate=1.0, joint_visa=False)
        state = m.population.state
        state.debt[:4] = True
        state.record_age[:4] = 0
        for step in range(1, 4):
            state.record_age[:4] = step - 1
            impose(m, step)
            assert not state.listed[:4].any()
        state.record_age[:4] = 3
        impose(m, 4)
        assert state.listed[:4].all() and not state.listed[4:].any()
        bits = state.restricted[:4]
        assert np.all(bits & FLIGHT) and np.all(bits & RAIL) and np.all(bits & RENTAL)
        assert not np.any(bits & VISA)
        assert np.all(state.justified[:4] == bits)

    def test_listing_ends_after_repayment_or_term(self):
        m = model(blacklist=True, listing_delay=2, enforcement_rate=1.0, blacklist_term=5)
        state = m.population.state
        state.debt[:2] = True
        state.record_age[:2] = 2
        impose(m, 1)
        assert state.listed[:2].all()
        state.debt[0] = False  # repaid
        impose(m, 2)
        assert not state.listed[0] and state.listed[1]
        for step in range(3, 7):
            impose(m, step)
        assert not state.listed[1], "the term has run out"
        assert state.record_age[1] == 0, "an unpaid debt can be listed again after the delay"

    def test_listing_on_a_record_error_is_wrongful(self):
        m = model(blacklist=True, listing_delay=0, enforcement_rate=1.0)
        state = m.population.state
        state.false_record[0] = True
        state.record_age[0] = 0
        impose(m, 1)
        assert state.listed[0] and state.listed_wrongly[0]
        assert state.restricted[0] != 0 and state.justified[0] == 0

    def test_listed_debtors_repay_more_often(self):
        m = model(blacklist=True, n_citizens=4000, repayment_rate=0.05, listing_pressure=3.0)
        state = m.population.state
        state.debt[:] = True
        state.listed[:2000] = True
        violations.repay(m, 1)
        listed_paid = (~state.debt[:2000]).mean()
        unlisted_paid = (~state.debt[2000:]).mean()
        assert listed_paid > 2 * unlisted_paid
        assert m.counters["repaid_under_pressure"] == int((~state.debt[:2000]).sum())


class TestAppeals:
    def test_appeal_clears_a_wrong_record_after_the_delay(self):
        m = model(appeals=True, appeal_delay=2, appeal_success=1.0)
        state = m.population.state
        state.false_record[:3] = True
        state.debt[2] = True  # a true debtor does not appeal
        for step in range(1, 4):
            hear_appeals(m, step)
        assert not state.false_record[:2].any()
        assert state.false_record[2]

    def test_no_appeals_when_switched_off(self):
        m = model(appeals=False)
        state = m.population.state
        state.false_record[:3] = True
        for step in range(1, 20):
            hear_appeals(m, step)
        assert state.false_record[:3].all()


class TestBehaviour:
    def test_nobody_self_censors_without_perceived_risk(self):
        m = SocialCreditModel(rng=2, n_citizens=2000)
        expression.express(m, 1)
        state = m.population.state
        assert state.wants_critical.sum() > 0
        assert not state.self_censored.any()
        assert np.array_equal(state.expressed_critical, state.wants_critical)

    def test_risk_averse_citizens_self_censor_more(self):
        m = model(n_citizens=20_000, surveillance=0.8, opacity=0.0, weight_online=1.0)
        expression.express(m, 1)
        state, traits = m.population.state, m.population.traits
        timid = traits.risk_aversion > 0.7
        bold = traits.risk_aversion < 0.3
        rate = lambda mask: state.self_censored[mask].sum() / state.wants_critical[mask].sum()  # noqa: E731
        assert rate(timid) > rate(bold) + 0.05

    def test_strain_raises_violations(self):
        m = model(n_citizens=20_000, violation_rate=0.01, strain_sensitivity=4.0)
        m.population.state.strain[:10_000] = 1.0
        violations.offend(m, 1)
        debt = m.population.state.debt
        assert debt[:10_000].mean() > 2 * debt[10_000:].mean()

    def test_policy_event_switches_a_sanction_on_mid_run(self):
        m = SocialCreditModel("full-scs", rng=4, n_citizens=1500)
        m.run(29)
        assert m.series()["rental_restricted_share"].iloc[1:30].max() == pytest.approx(
            m.series()["blacklisted_share"].iloc[1:30].max(), abs=0.01
        )
        m.run(5)
        assert m.params.rental_threshold == 550.0
        assert any(step == 30 for step, _ in m.captions)
        assert "Rental sanctions start" in m.latest_caption
