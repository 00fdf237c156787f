"""The step's mechanisms in order, each a numpy rule with an optional compiled kernel.

A :class:`Mechanism` names the state it reads and writes (population state fields
by name, plus ``counters``, ``own_score``, ``score_reference``, ``ties`` for the
network's contact lists and degrees, and ``metrics``). :data:`STEP_ORDER` is the
one place the order of a step lives; :class:`scs_sim.SocialCreditModel` runs it.

Under the ``"numba"`` backend a mechanism runs its kernel, under ``"numpy"`` its
rule; a mechanism without a kernel runs its rule under both. The two give the same
results bit for bit (tests/test_backends.py checks every mechanism of this list).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scs_sim import metrics, scoring
from scs_sim.kernels import beliefs, deterrence, donations, expression, support, ties, violations
from scs_sim.kernels.consequences import bear_costs
from scs_sim.kernels.sanctions import hear_appeals, impose
from scs_sim.rules import attribution as attribution_rules
from scs_sim.rules import beliefs as beliefs_rules
from scs_sim.rules import climate as climate_rules
from scs_sim.rules import consequences as consequence_rules
from scs_sim.rules import deterrence as deterrence_rules
from scs_sim.rules import donations as donation_rules
from scs_sim.rules import expression as expression_rules
from scs_sim.rules import sanctions as sanction_rules
from scs_sim.rules import scores as score_rules
from scs_sim.rules import support as support_rules
from scs_sim.rules import ties as tie_rules
from scs_sim.rules import violations as violation_rules

if TYPE_CHECKING:
    from scs_sim.context import Context
    from scs_sim.plugins import Plugin

Step = Callable[["Context", int], None]

BACKENDS = ("numpy", "numba", "auto")

AUTO_NUMBA_FROM = 10_000
"""Smallest population that the ``"auto"`` backend runs on numba kernels.

Below it the numpy rules' slower steps cost less over a run than loading (or, the
first time, compiling) the kernels, and need no compiled code at all. The crossover is
measured by benchmarks/backends.py (table in benchmarks/results/backends.md).
"""


@dataclass(frozen=True)
class Mechanism:
    """One mechanism of the step.

    Attributes:
        name: Its name (also the name plug-ins use to say where they run).
        rule: The numpy rule ``rule(ctx, step)``: the specification.
        kernel: The compiled version with the same signature, or ``None``.
        reads: The state it reads.
        writes: The state it writes.
    """

    name: str
    rule: Step
    kernel: Step | None
    reads: tuple[str, ...]
    writes: tuple[str, ...]

    def run(self, ctx: Context, step: int, backend: str) -> None:
        """Run the kernel under the ``"numba"`` backend if there is one, else the rule."""
        if backend == "numba" and self.kernel is not None:
            self.kernel(ctx, step)
        else:
            self.rule(ctx, step)


def resolve_backend(backend: str, n_citizens: int) -> str:
    """``"numpy"`` or ``"numba"`` for a model of ``n_citizens`` (``"auto"`` picks by size)."""
    if backend not in BACKENDS:
        raise ValueError(f"backend = {backend!r} is not valid; allowed: {', '.join(BACKENDS)}")
    if backend == "auto":
        return "numba" if n_citizens >= AUTO_NUMBA_FROM else "numpy"
    return backend


def driven(run: Step, multiplier: str) -> Step:
    """``run`` with this step's built-in factor ``drive[multiplier]`` on ``rel.<multiplier>``.

    Deterrence and the opinion climate leave a factor in
    ``population.drive``; the rule *and* the kernel reading ``rel.<multiplier>`` run
    with ``rel.<multiplier> * factor`` (float32) in its place, and the plug-ins' array is
    put back afterwards, so their multipliers are kept and, with no factor, nothing
    changes at all.
    """

    def run_driven(ctx: Context, step: int) -> None:
        factor = ctx.population.drive.get(multiplier)
        if factor is None:
            run(ctx, step)
            return
        rel = ctx.population.rel
        kept = getattr(rel, multiplier)
        setattr(rel, multiplier, kept * factor)
        try:
            run(ctx, step)
        finally:
            setattr(rel, multiplier, kept)

    run_driven.__doc__ = run.__doc__
    run_driven.__name__ = run.__name__
    return run_driven


def _update_records_kernel(ctx: Context, step: int) -> None:
    violation_rules.mark_own_record(ctx)
    violations.update_records(ctx)


def _update_scores_kernel(ctx: Context, step: int) -> None:
    scoring.update_scores(ctx)


def collect_metrics(ctx: Context, step: int) -> None:
    """This step's metrics (see :mod:`scs_sim.metrics`), tallied in numpy."""
    ctx.metrics = metrics.compute_metrics(ctx, compiled=False)


def _collect_metrics_kernel(ctx: Context, step: int) -> None:
    ctx.metrics = metrics.compute_metrics(ctx, compiled=True)


STEP_ORDER: tuple[Mechanism, ...] = (
    Mechanism(
        "climate", climate_rules.sense_climate, None,
        reads=("censor_probability", "dissent", "ties"), writes=("drive",),
    ),
    Mechanism(
        "expression", driven(expression_rules.express, "censor"),
        driven(expression.express, "censor"),
        reads=("activity", "dissent", "risk_aversion", "group", "beliefs",
               "perceived_surveillance", "fear", "rel_censor"),
        writes=("censor_probability", "wants_critical", "self_censored", "expressed_critical",
                "observed_critical"),
    ),
    Mechanism(
        "targeting", attribution_rules.target_critics, None,
        reads=("online_record", "expressed_critical", "observed_critical", "group"),
        writes=("observed_critical",),
    ),
    Mechanism(
        "attribution", attribution_rules.attribute, None,
        reads=("observed_critical",), writes=("observed_critical", "unattributed"),
    ),
    Mechanism(
        "donations", donation_rules.donate, donations.donate,
        reads=("charity", "beliefs"), writes=("performative", "donated"),
    ),
    Mechanism(
        "deterrence", deterrence_rules.deter, deterrence.deter,
        reads=("debt", "false_record", "restricted", "risk_aversion", "expected_sanction"),
        writes=("expected_sanction", "drive"),
    ),
    Mechanism(
        "violations", driven(violation_rules.offend, "violation"),
        driven(violations.offend, "violation"),
        reads=("violation_proneness", "strain", "debt", "false_record", "record_age",
               "rel_violation"),
        writes=("debt", "false_record", "record_age", "counters"),
    ),
    Mechanism(
        "repayment", violation_rules.repay, violations.repay,
        reads=("income", "strain", "listed", "debt", "false_record", "record_age"),
        writes=("debt", "record_age", "counters"),
    ),
    Mechanism(
        "repayment_under_threat", deterrence_rules.repay_under_threat, None,
        reads=("income", "strain", "listed", "debt", "expected_sanction"),
        writes=("debt", "record_age", "counters"),
    ),
    Mechanism(
        "records", violation_rules.update_records, _update_records_kernel,
        reads=("donated", "observed_critical", "debt", "false_record"),
                writes=("donation_record", "online_record", "credit_record", "true_credit_record",
                "ever_bad_record"),
    ),
    Mechanism(
        "scores", score_rules.update_scores, _update_scores_kernel,
        reads=("donation_record", "online_record", "credit_record", "true_credit_record",
               "income", "score", "ties", "score_reference"),
        writes=("score", "own_score", "score_reference"),
    ),
    Mechanism(
        "appeals", sanction_rules.hear_appeals, hear_appeals,
        reads=("debt", "false_record", "appeal_left"),
        writes=("false_record", "appeal_left", "counters"),
    ),
    Mechanism(
        "sanctions", sanction_rules.impose, impose,
        reads=("score", "own_score", "debt", "false_record", "record_age", "listed",
               "listing_left"),
        writes=("restricted", "justified", "perks", "listed", "listing_left", "listed_wrongly",
                "record_age", "counters"),
    ),
    Mechanism(
        "consequences", consequence_rules.bear_costs, bear_costs,
        reads=("restricted", "income", "strain"), writes=("strain", "counters"),
    ),
    Mechanism(
        "ties", tie_rules.review_ties, ties.review_ties,
        reads=("listed", "score", "beliefs", "risk_aversion", "ties"),
        writes=("ties", "counters"),
    ),
    Mechanism(
        "beliefs", beliefs_rules.learn, beliefs.learn,
        reads=("score", "restricted", "ties", "donated", "expressed_critical",
               "observed_critical"),
        writes=("fear", "beliefs", "perceived_surveillance"),
    ),
    Mechanism(
        "support", support_rules.judge, support.judge,
        reads=("restricted", "justified", "perks", "debt", "ties", "support"),
        writes=("support",),
    ),
    Mechanism(
        "metrics", collect_metrics, _collect_metrics_kernel,
                reads=("score", "restricted", "justified", "ever_bad_record", "ties", "counters"),
        writes=("metrics",),
    ),
)  # fmt: skip
"""The order of a step (after the policy events due at it)."""


def with_plugins(order: tuple[Mechanism, ...], plugins: list[Plugin]) -> list[Mechanism]:
    """The step order with each plug-in's step inserted after (or before) its mechanism.

    Plug-ins placed at the same spot run in the order given.
    """
    steps = list(order)
    inserted: set[str] = set()
    for plugin in plugins:
        anchor = plugin.after or plugin.before
        at = next(k for k, m in enumerate(steps) if m.name == anchor)
        if plugin.after is not None:  # after the anchor and any plug-ins already after it
            at += 1
            while at < len(steps) and steps[at].name in inserted:
                at += 1
        mechanism = Mechanism(plugin.name, plugin.step, None, reads=(), writes=tuple(plugin.states))
        steps.insert(at, mechanism)
        inserted.add(plugin.name)
    return steps
