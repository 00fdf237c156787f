"""The numba kernels against the numpy rules, mechanism by mechanism, bit for bit.

Generated from the declarations in scs_sim.mechanisms.STEP_ORDER: each mechanism
runs once as its kernel and once as its rule, on two copies of the same state (a
model run a few steps on numba, then stopped just before that mechanism); every
state it declares it writes must come out identical, and no state it does not
declare may change.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from scs_sim import SocialCreditModel
from scs_sim.mechanisms import AUTO_NUMBA_FROM, STEP_ORDER, Mechanism, resolve_backend
from scs_sim.population import State

SCENARIOS = {
    "full-scs": {},
    "blacklist with appeals and errors": {
        "appeals": True, "appeal_delay": 1, "record_error_rate": 0.02, "violation_rate": 0.02,
        "listing_delay": 0, "blacklist_term": 6,
    },
    "minority": {"network": "scale_free", "tie_review_rate": 0.5, "low_score_visible": 650.0},
    "sesame": {},
    "full-scs with the trade-off mechanisms": {
        "deterrence": 3.0, "climate_sensitivity": 2.0, "real_name_registration": False,
        "targeting": 3.0, "violation_rate": 0.02, "listing_delay": 0, "enforcement_rate": 0.3,
        "learning_rate": 0.5, "repayment_rate": 1.0, "repression_known": True,
    },
    # Many unlisted debtors who fear a listing: repayment under threat surely moves.
    "blacklist with strong deterrence": {
        "deterrence": 20.0, "violation_rate": 0.05, "repayment_rate": 1.0,
        "enforcement_rate": 0.05, "listing_delay": 0,
    },
}  # fmt: skip
STATE = tuple(State.__dataclass_fields__)
OTHER_STATE = ("counters", "own_score", "score_reference", "ties", "metrics", "drive")


def _scenario(case: str) -> tuple[str, dict]:
    name = case.split(" ")[0]
    return name, SCENARIOS[case]


def snapshot(model: SocialCreditModel) -> dict[str, object]:
    """Every piece of state a mechanism may write, by its declared name (copied)."""
    s, net = model.population.state, model.network
    out: dict[str, object] = {name: getattr(s, name).copy() for name in STATE}
    out["counters"] = dict(model.counters)
    out["own_score"] = np.array(model.own_score, copy=True)
    out["score_reference"] = model.score_reference
    out["ties"] = (net.adjacency.indices.copy(), net.adjacency.data.copy(), net.degree.copy())
    out["metrics"] = dict(model.metrics)
    out["drive"] = {name: factor.copy() for name, factor in model.population.drive.items()}
    return out


def same(a: object, b: object) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(
            same(a[k], b[k])
            if isinstance(a[k], np.ndarray)
            else a[k] == b[k] or (a[k] != a[k] and b[k] != b[k])
            for k in a
        )
    return a == b


def model_before(case: str, mechanism: Mechanism, steps: int = 4) -> tuple[SocialCreditModel, int]:
    """A model on numba, run ``steps`` steps and then the next step up to ``mechanism``."""
    name, overrides = _scenario(case)
    model = SocialCreditModel(
        name, rng=11, n_citizens=2000, backend="numba", agent_views=False, **overrides
    )
    model.run(steps)
    model.steps += 1
    t = model.steps
    model._apply_events(t)
    for earlier in model.step_order:
        if earlier.name == mechanism.name:
            break
        earlier.run(model, t, "numba")
    return model, t


NUMPY_ONLY = ("climate", "targeting", "attribution", "repayment_under_threat")
"""New mechanisms without a kernel: they run their numpy rule under either backend."""


def test_every_builtin_mechanism_has_a_rule_and_a_kernel():
    assert [m.name for m in STEP_ORDER] == [
        "climate", "expression", "targeting", "attribution", "donations", "deterrence",
        "violations", "repayment", "repayment_under_threat", "records", "scores", "appeals",
        "sanctions", "consequences", "ties", "beliefs", "support", "metrics",
    ]  # fmt: skip
    for mechanism in STEP_ORDER:
        if mechanism.name in NUMPY_ONLY:
            assert mechanism.kernel is None
        else:
            assert mechanism.kernel is not None and mechanism.rule is not mechanism.kernel
        assert mechanism.writes and set(mechanism.writes) <= {*STATE, *OTHER_STATE}
        assert mechanism.rule.__doc__, f"{mechanism.name}: the rule states its formula"


@pytest.mark.parametrize("case", list(SCENARIOS))
@pytest.mark.parametrize("mechanism", STEP_ORDER, ids=lambda m: m.name)
def test_kernel_equals_rule(mechanism: Mechanism, case: str):
    model, t = model_before(case, mechanism)
    before = snapshot(model)
    by_kernel, by_rule = copy.deepcopy(model), copy.deepcopy(model)
    mechanism.run(by_kernel, t, "numba")
    mechanism.run(by_rule, t, "numpy")
    after_kernel, after_rule = snapshot(by_kernel), snapshot(by_rule)
    for name in mechanism.writes:
        assert same(after_kernel[name], after_rule[name]), f"{mechanism.name} writes {name}"
    for name, value in before.items():
        if name not in mechanism.writes:
            assert same(after_kernel[name], value), f"kernel wrote undeclared {name}"
            assert same(after_rule[name], value), f"rule wrote undeclared {name}"


@pytest.mark.parametrize("mechanism", STEP_ORDER, ids=lambda m: m.name)
def test_each_mechanism_changes_what_it_declares_in_some_case(mechanism: Mechanism):
    # Otherwise its equivalence test above could not fail.
    for case in SCENARIOS:
        model, t = model_before(case, mechanism)
        before = snapshot(model)
        mechanism.run(model, t, "numpy")
        after = snapshot(model)
        if any(not same(after[name], before[name]) for name in mechanism.writes):
            return
    pytest.fail(f"{mechanism.name} changed nothing it declares in any case")


@pytest.mark.parametrize(
    "scenario",
    [
        "baseline",
        "blacklist",
        "data-protection",
        "full-scs",
        "minority",
        "sesame",
        "anonymous-internet",
        "withdrawal",
    ],
)
def test_whole_runs_agree_bit_for_bit(scenario: str):
    runs = {}
    for backend in ("numba", "numpy"):
        model = SocialCreditModel(scenario, rng=21, n_citizens=2500, backend=backend)
        model.run(8)
        runs[backend] = model
    fast, ref = runs["numba"], runs["numpy"]
    assert fast.series().equals(ref.series())
    a, b = snapshot(fast), snapshot(ref)
    for name in a:
        assert same(a[name], b[name]), name


def test_auto_picks_by_population_size():
    assert resolve_backend("auto", AUTO_NUMBA_FROM - 1) == "numpy"
    assert resolve_backend("auto", AUTO_NUMBA_FROM) == "numba"
    assert SocialCreditModel("baseline", rng=1, n_citizens=300).backend == "numpy"
    with pytest.raises(ValueError, match="allowed: numpy, numba, auto"):
        SocialCreditModel("baseline", rng=1, n_citizens=300, backend="cuda")


def test_a_small_model_on_auto_compiles_no_kernel():
    # A fresh process: no kernel compiled or loaded from the cache (a dispatcher's
    # signatures list both) after building and running a small model.
    script = textwrap.dedent(
        """
        import sys
        from numba.core.registry import CPUDispatcher
        from scs_sim import SocialCreditModel
        from scs_sim.kernels.parallel import CitizenKernel

        model = SocialCreditModel("full-scs", rng=1, n_citizens=500)
        model.run(3)
        used = []
        for name, module in list(sys.modules.items()):
            if not name.startswith("scs_sim"):
                continue
            for attr, value in vars(module).items():
                kernels = [value] if isinstance(value, CPUDispatcher) else []
                if isinstance(value, CitizenKernel):
                    kernels = [value.serial, value.threaded]
                used += [f"{name}.{attr}" for k in kernels if k.signatures]
        print(model.backend, sorted(set(used)))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split(None, 1)
    assert out[0] == "numpy" and out[1].strip() == "[]", out


def test_long_kernels_take_their_arrays_by_name():
    from scs_sim.kernels.violations import _update_records

    arrays = [np.zeros(4, np.float32) for _ in range(4)]
    flags = [np.zeros(4, bool) for _ in range(4)]
    with pytest.raises(TypeError, match="by name"):
        _update_records(np.float32(0.9), np.float32(0.1), *flags, *arrays)
    with pytest.raises(TypeError, match=r"missing \['true_credit_record'\]"):
        _update_records(
            keep=np.float32(0.9), fresh=np.float32(0.1), donated=flags[0], observed=flags[1],
            debt=flags[2], false_record=flags[3], donation_record=arrays[0],
            online_record=arrays[1], credit_record=arrays[2], true_credit=arrays[3],
        )  # fmt: skip
