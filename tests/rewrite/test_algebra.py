"""Every canonicalizing rule: it fires on its pattern (and on the commuted
pattern), and the graph computes NumPy's value before and after rewriting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.rewrite import ALGEBRA
from ppgraph.rewrite.algebra import LATE
from ppgraph.tensor.elemwise import DimShuffle
from tests.rewrite.util import RuleCase, check_rule_case, eager, ops, rewritten

NONZERO = (0.5, 2.0)


def _as_float(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda x: pt.cast(build(x), "float64")


def _not_nan(x: np.ndarray) -> np.ndarray:
    return (~np.isnan(x)).astype(np.float64)


# Each rewrites to ~isnan(x) (or isnan(x) -> 1 - that), exactly: see the special values below.
RANGE_FACTS: list[tuple[str, Callable[[Any], Any]]] = [
    ("sigmoid_ge_zero", lambda x: pt.sigmoid(x) >= 0),
    ("zero_le_sigmoid", lambda x: pt.le(0.0, pt.sigmoid(x))),
    ("sigmoid_le_one", lambda x: pt.sigmoid(x) <= 1),
    ("one_ge_sigmoid", lambda x: pt.ge(1.0, pt.sigmoid(x))),
    ("exp_ge_zero", lambda x: pt.exp(x) >= 0),
    ("zero_le_exp", lambda x: pt.le(0.0, pt.exp(x))),
    ("softplus_ge_zero", lambda x: pt.softplus(x) >= 0),
    ("zero_le_softplus", lambda x: pt.le(0.0, pt.softplus(x))),
    ("isnan_sigmoid", lambda x: ~pt.isnan(pt.sigmoid(x))),
    ("isnan_exp", lambda x: ~pt.isnan(pt.exp(x))),
    ("isnan_softplus", lambda x: ~pt.isnan(pt.softplus(x))),
]
C = RuleCase
CASES = [
    C("mul_one", lambda x: x * 1.0, lambda x: x),
    C("mul_one", lambda x: 1.0 * x, lambda x: x),
    C("add_zero", lambda x: x + 0.0, lambda x: x),
    C("add_zero", lambda x: 0.0 + x, lambda x: x),
    C("sub_zero", lambda x: x - 0.0, lambda x: x),
    C("div_one", lambda x: x / 1.0, lambda x: x),
    C("pow_one", lambda x: x**1.0, lambda x: x),
    C("pow_two", lambda x: x**2.0, np.square),
    C("mul_neg_one", lambda x: x * -1.0, np.negative),
    C("mul_neg_one", lambda x: -1.0 * x, np.negative),
    C("neg_neg", lambda x: pt.neg(pt.neg(x)), lambda x: x),
    C("sub_neg", lambda x, y: x - (-y), np.add, 2),
    C("add_neg", lambda x, y: x + (-y), np.subtract, 2),
    C("add_neg", lambda x, y: (-y) + x, np.subtract, 2),
    C("mul_neg_neg", lambda x, y: (-x) * (-y), np.multiply, 2),
    C("abs_neg", lambda x: pt.abs(-x), np.abs),
    C("square_neg", lambda x: pt.square(-x), np.square),
    C("identity", pt.identity, lambda x: x),
    C("where_true", lambda x, y: pt.where(True, x, y), lambda x, y: x, 2),
    C("where_false", lambda x, y: pt.where(False, x, y), lambda x, y: y, 2),
    # b * (a / b) -> a in all four arrangements of its commutative mul
    C("mul_div_cancel", lambda x, y: y * (x / y), lambda x, y: x, 2, NONZERO),
    C("mul_div_cancel", lambda x, y: (x / y) * y, lambda x, y: x, 2, NONZERO),
    C("div_mul_cancel", lambda x, y: (x * y) / y, lambda x, y: x, 2, NONZERO),
    C("div_mul_cancel", lambda x, y: (y * x) / y, lambda x, y: x, 2, NONZERO),
    C("log_exp", lambda x: pt.log(pt.exp(x)), lambda x: x),
    C(
        "drop_true_check",
        lambda x: pt.check(2.0 * x, pt.constant(2.0) > 0, msg="2 > 0"),
        lambda x: 2.0 * x,
    ),
    C(
        "check_repeated_condition",
        lambda x: pt.check(2.0 * x, x > -5, x > -5, msg="x > -5"),
        lambda x: 2.0 * x,
        domain=(-3.0, 3.0),
    ),
    # range facts: compared as floats (1.0 where the condition holds)
    *[C(rule, _as_float(build), _not_nan, domain=(-50.0, 50.0)) for rule, build in RANGE_FACTS],
    C("dimshuffle_identity", lambda x: DimShuffle((0, 1))(x), lambda x: x, matrix=True),
    # (n, 1) -> transposed to (1, n): one DimShuffle{x,0}
    C(
        "dimshuffle_compose",
        lambda x: DimShuffle((1, 0))(DimShuffle((0, "x"))(x)),
        lambda x: x[None, :],
    ),
    # LATE (after the rules that read x - mu as written)
    C("sub_of_sum", lambda x, y, z: x - (y + z), lambda x, y, z: x - y - z, 3),
    # broadcast terms added at their own size; a broadcast divisor's reciprocal once
    C(
        "group_broadcast_sub",
        lambda x, y: x + pt.sum(y) - pt.max(y),
        lambda x, y: x + np.sum(y) - np.max(y),
        2,
    ),
    C(
        "group_broadcast_add",
        lambda x, y: pt.max(y) + x + pt.sum(y),
        lambda x, y: np.max(y) + x + np.sum(y),
        2,
    ),
    C("div_by_broadcast", lambda x, y: x / pt.sum(y), lambda x, y: x / np.sum(y), 2, NONZERO),
]


def test_grouping_stops_and_keeps_unbroadcast_sums_alone() -> None:
    # its own result is left as it is (the rewrite reaches a fixed point), and a
    # sum of same-size terms or a scalar divisor of a scalar is not touched
    x, y = pt.vector("x"), pt.vector("y")
    a, b = pt.sum(y), pt.max(y)
    new, trace = rewritten(x + a - b, [x, y])
    assert trace.count("group_broadcast_sub") == 1 and "group_broadcast_add" not in trace
    assert str(new.owner.op) == "Elemwise{add}"  # x + (a - b)
    _, trace = rewritten(x + y - x * y, [x, y])
    assert not [r for r in trace if r.startswith("group_broadcast")]
    _, trace = rewritten(a / b, [x, y])
    assert "div_by_broadcast" not in trace


def test_every_rule_has_a_case() -> None:
    assert {r.name for r in [*ALGEBRA, *LATE]} == {c.rule for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_fires_and_keeps_the_value(case: RuleCase) -> None:
    check_rule_case(case)


@pytest.mark.parametrize(
    "build",
    [
        lambda a, b: b * (a / b),
        lambda a, b: (a / b) * b,
        lambda a, b: (a * b) / b,
        lambda a, b: (b * a) / b,
    ],
)
def test_cancel_gives_exactly_a(build: object) -> None:
    a, b = pt.scalar("a"), pt.scalar("b")
    out, _ = rewritten(build(a, b), [a, b])  # type: ignore[operator]
    assert out is a


def test_cancel_is_not_applied_when_a_would_not_broadcast() -> None:
    # a scalar, b a vector: b * (a / b) is a vector, a is not; a (1,)-shaped a neither
    for a in (pt.scalar("a"), pt.tensor("float64", shape=(1,), name="a")):
        b = pt.vector("b")
        out, trace = rewritten(b * (a / b), [a, b])
        assert "mul_div_cancel" not in trace
        assert out.type.shape == (None,)
        av = np.full(a.type.shape, 3.0)
        f = pg.function([a, b], b * (a / b))
        np.testing.assert_allclose(f(av, [1.0, 2.0, 4.0]), [3.0, 3.0, 3.0])


def test_cancel_is_applied_when_shapes_agree() -> None:
    a, b = pt.vector("a"), pt.tensor("float64", shape=(1,), name="b")
    out, trace = rewritten(b * (a / b), [a, b])
    assert "mul_div_cancel" in trace and out is a


def test_a_rule_that_would_change_the_dtype_is_not_applied() -> None:
    i = pt.vector("i", dtype="int64")
    out, trace = rewritten(i / 1, [i])  # true_div makes float64; i is int64
    assert "div_one" not in trace and out.dtype == "float64"
    np.testing.assert_array_equal(pg.function([i], i / 1)([1, 2]), [1.0, 2.0])


def test_constant_broadcasting_to_a_bigger_shape_is_not_dropped() -> None:
    x = pt.scalar("x")
    out, trace = rewritten(x * pt.constant(np.ones(3)), [x])
    assert "mul_one" not in trace and out.type.shape == (3,)
    np.testing.assert_array_equal(pg.function([x], x * np.ones(3))(2.0), [2.0, 2.0, 2.0])


def test_add_zero_changes_the_sign_of_a_negative_zero() -> None:
    # documented value change: -0.0 + 0.0 is +0.0, the rewrite keeps -0.0
    x = pt.scalar("x")
    assert np.signbit(pg.function([x], x + 0.0)(-0.0))
    assert not np.signbit(eager([x], x + 0.0, -0.0))
    assert not np.signbit(np.float64(-0.0) + 0.0)


def test_cancel_and_log_exp_give_the_intended_value_where_the_original_fails() -> None:
    a, b = pt.scalar("a"), pt.scalar("b")
    assert np.isnan(eager([a, b], b * (a / b), 3.0, 0.0))
    assert pg.function([a, b], b * (a / b))(3.0, 0.0) == 3.0
    x = pt.scalar("x")
    assert np.isinf(eager([x], pt.log(pt.exp(x)), 800.0))
    assert pg.function([x], pt.log(pt.exp(x)))(800.0) == 800.0


def test_check_with_a_symbolic_condition_is_kept() -> None:
    x, s = pt.vector("x"), pt.scalar("s")
    out, trace = rewritten(pt.check(x * s, s > 0, msg="s > 0"), [x, s])
    assert "drop_true_check" not in trace
    assert "Check{s > 0}" in ops(out)
    f = pg.function([x, s], pt.check(x * s, s > 0, msg="s > 0"))
    np.testing.assert_allclose(f([1.0, 2.0], 2.0), [2.0, 4.0])
    with pytest.raises(pg.ParameterValueError, match="s > 0"):
        f([1.0, 2.0], -1.0)


def test_check_with_a_condition_known_false_is_kept_and_raises() -> None:
    x = pt.vector("x")
    out = pt.check(x, pt.constant(-1.0) > 0, msg="-1 > 0")
    new, trace = rewritten(out, [x])
    assert "drop_true_check" not in trace and "Check{-1 > 0}" in ops(new)
    with pytest.raises(pg.ParameterValueError, match="-1 > 0"):
        pg.function([x], out)([1.0])


def test_check_with_a_vector_condition_known_true_is_dropped() -> None:
    x = pt.vector("x")
    out, trace = rewritten(pt.check(x, pt.constant([1.0, 2.0]) > 0, msg="c > 0"), [x])
    assert "drop_true_check" in trace and out is x


SPECIAL = np.array([np.nan, -np.inf, np.inf, -800.0, -40.0, -1e-30, 0.0, 40.0, 800.0, np.nan])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("rule", "build"), RANGE_FACTS, ids=[r for r, _ in RANGE_FACTS])
def test_range_facts_are_exact_at_nan_inf_and_overflow(rule: str, build: Any, dtype: str) -> None:
    # The unrewritten graph run op by op, the rewritten one jitted, and NumPy's
    # "not NaN" agree at NaN, +-inf and where exp and sigmoid overflow or saturate.
    x = pt.vector("x", dtype=dtype)
    out = build(x)
    new, trace = rewritten(out, [x])
    assert rule in trace and new.owner is not None
    assert not any(op in str(ops(new)) for op in ("sigmoid", "exp", "softplus"))
    values = SPECIAL.astype(dtype)
    f = pg.function([x], out, rewrite=False)
    with jax.enable_x64(dtype == "float64"):
        before = np.asarray(f.jax_fn(values))
    after = pg.function([x], out)(values)
    np.testing.assert_array_equal(before, ~np.isnan(values))
    np.testing.assert_array_equal(after, ~np.isnan(values))


def test_a_repeated_nan_flag_is_kept_once_and_still_reported_as_nan() -> None:
    from ppgraph.tensor.check import Check

    x = pt.vector("x")
    flag = pt.all(~pt.isnan(x))
    out = Check("0 <= p <= 1", var="y", nan=("p",))(pt.sum(x), flag, flag, flag)
    new, trace = rewritten(out, [x])
    assert "check_repeated_condition" in trace
    assert new.owner is not None and new.owner.inputs[1:] == [new.owner.inputs[-1]]
    assert new.owner.op.nan == ("p",)
    f = pg.function([x], out)
    assert f([1.0, 2.0]) == 3.0
    with pytest.raises(pg.ParameterValueError, match="y: p is NaN"):
        f([1.0, np.nan])
