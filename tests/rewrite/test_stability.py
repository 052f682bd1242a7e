"""Every stabilizing rule: it fires, keeps NumPy's value where the naive
formula is fine, and shows its benefit where the naive formula fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.special as sp

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.rewrite import STABILITY
from tests.rewrite.util import RuleCase, check_rule_case, ops, rewritten


def _log1mexp(x: Any) -> Any:
    return np.log(-np.expm1(x))


C = RuleCase
CASES = [
    C("log1p", lambda x: pt.log(1.0 + x), np.log1p, domain=(-0.5, 2.0)),
    C("log1p", lambda x: pt.log(x + 1.0), np.log1p, domain=(-0.5, 2.0)),
    C("log1p_sub", lambda x: pt.log(1.0 - x), lambda x: np.log1p(-x), domain=(-2.0, 0.5)),
    C("expm1", lambda x: pt.exp(x) - 1.0, np.expm1),
    C("expm1_add", lambda x: pt.exp(x) + -1.0, np.expm1),
    C("expm1_add", lambda x: -1.0 + pt.exp(x), np.expm1),
    C("one_minus_exp", lambda x: 1.0 - pt.exp(x), lambda x: -np.expm1(x)),
    C("logsumexp", lambda x: pt.log(pt.sum(pt.exp(x))), sp.logsumexp, matrix=True),
    C(
        "logsumexp",
        lambda x: pt.log(pt.sum(pt.exp(x), axis=1)),
        lambda x: sp.logsumexp(x, axis=1),
        matrix=True,
    ),
    C(
        "logsumexp",
        lambda x: pt.log(pt.sum(pt.exp(x), axis=0, keepdims=True)),
        lambda x: sp.logsumexp(x, axis=0, keepdims=True),
        matrix=True,
    ),
    C("log_sigmoid", lambda x: pt.log(pt.sigmoid(x)), sp.log_expit, domain=(-10.0, 10.0)),
    C(
        "one_minus_sigmoid",
        lambda x: 1.0 - pt.sigmoid(x),
        lambda x: sp.expit(-x),
        domain=(-10.0, 10.0),
    ),
    C(
        "log1m_sigmoid",
        lambda x: pt.log1p(-pt.sigmoid(x)),
        lambda x: sp.log_expit(-x),
        domain=(-10.0, 10.0),
    ),
    C("log_ndtr", lambda x: pt.log(pt.ndtr(x)), sp.log_ndtr),
    C("one_minus_ndtr", lambda x: 1.0 - pt.ndtr(x), lambda x: sp.ndtr(-x)),
    C("log1m_ndtr", lambda x: pt.log1p(-pt.ndtr(x)), lambda x: sp.log_ndtr(-x)),
    C("one_minus_erf", lambda x: 1.0 - pt.erf(x), sp.erfc),
    C("log1mexp", lambda x: pt.log1p(-pt.exp(x)), _log1mexp, domain=(-5.0, -0.01)),
    C("log1mexp_expm1", lambda x: pt.log(-pt.expm1(x)), _log1mexp, domain=(-5.0, -0.01)),
    C("logaddexp", lambda x, y: pt.log(pt.exp(x) + pt.exp(y)), np.logaddexp, 2),
    C(
        "log1p_exp",
        lambda x: pt.log1p(pt.exp(x)),
        lambda x: np.logaddexp(0.0, x),
        domain=(-10.0, 10.0),
    ),
    C(
        "log_softmax",
        lambda x: pt.log(pt.softmax(x, axis=1)),
        lambda x: sp.log_softmax(x, axis=1),
        matrix=True,
    ),
]


def test_every_rule_has_a_case() -> None:
    assert {r.name for r in STABILITY} == {c.rule for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_fires_and_keeps_the_value(case: RuleCase) -> None:
    check_rule_case(case, rtol=1e-9)


# rule, graph, a point where the naive formula fails, the NumPy/SciPy truth there
Benefit = tuple[str, Callable[..., Any], float, float]
BENEFITS: list[Benefit] = [
    ("log1p", lambda x: pt.log(1.0 + x), 1e-18, np.log1p(1e-18)),
    ("log1p_sub", lambda x: pt.log(1.0 - x), 1e-18, np.log1p(-1e-18)),
    ("expm1", lambda x: pt.exp(x) - 1.0, 1e-18, np.expm1(1e-18)),
    ("expm1_add", lambda x: pt.exp(x) + -1.0, 1e-18, np.expm1(1e-18)),
    ("one_minus_exp", lambda x: 1.0 - pt.exp(x), 1e-18, -np.expm1(1e-18)),
    (
        "logsumexp",
        lambda x: pt.log(pt.sum(pt.exp(pt.stack([x, x])))),
        1000.0,
        sp.logsumexp([1000.0, 1000.0]),
    ),
    ("log_sigmoid", lambda x: pt.log(pt.sigmoid(x)), -800.0, sp.log_expit(-800.0)),
    ("one_minus_sigmoid", lambda x: 1.0 - pt.sigmoid(x), 40.0, sp.expit(-40.0)),
    ("log1m_sigmoid", lambda x: pt.log1p(-pt.sigmoid(x)), 800.0, sp.log_expit(-800.0)),
    ("log_ndtr", lambda x: pt.log(pt.ndtr(x)), -40.0, sp.log_ndtr(-40.0)),
    ("one_minus_ndtr", lambda x: 1.0 - pt.ndtr(x), 10.0, sp.ndtr(-10.0)),
    ("log1m_ndtr", lambda x: pt.log1p(-pt.ndtr(x)), 40.0, sp.log_ndtr(-40.0)),
    ("one_minus_erf", lambda x: 1.0 - pt.erf(x), 10.0, sp.erfc(10.0)),
    ("log1mexp", lambda x: pt.log1p(-pt.exp(x)), -1e-20, np.log(-np.expm1(-1e-20))),
    ("log1mexp_expm1", lambda x: pt.log(-pt.expm1(x)), -40.0, np.log1p(-np.exp(-40.0))),
    (
        "logaddexp",
        lambda x: pt.log(pt.exp(x) + pt.exp(x - 1.0)),
        1000.0,
        np.logaddexp(1000.0, 999.0),
    ),
    ("log1p_exp", lambda x: pt.log1p(pt.exp(x)), 800.0, np.logaddexp(0.0, 800.0)),
    (
        "log_softmax",
        lambda x: pt.log(pt.softmax(pt.stack([0.0 * x, x])))[1],
        -800.0,
        sp.log_softmax([0.0, -800.0])[1],
    ),
]


def _naive(build: Callable[..., Any], x: float) -> float:
    """The graph run op by op without rewrites (XLA's simplifier kept out)."""
    from tests.rewrite.util import eager

    v = pt.scalar("x")
    return float(eager([v], build(v), x))


def test_every_rule_shows_a_benefit() -> None:
    assert {r.name for r in STABILITY} == {b[0] for b in BENEFITS}


@pytest.mark.parametrize(("rule", "build", "x", "truth"), BENEFITS, ids=[b[0] for b in BENEFITS])
def test_rule_is_accurate_where_the_naive_formula_fails(
    rule: str, build: Callable[..., Any], x: float, truth: float
) -> None:
    naive = _naive(build, x)
    assert not np.isclose(naive, truth, rtol=1e-3, atol=0.0), f"naive {naive} is accurate"
    v = pt.scalar("x")
    _, trace = rewritten(build(v), [v])
    assert rule in trace
    got = pg.function([v], build(v))(x)
    np.testing.assert_allclose(got, truth, rtol=1e-12, atol=0.0)


def test_log1p_at_1e_18_is_accurate_where_log_of_1_plus_x_is_zero() -> None:
    x = pt.scalar("x")
    assert _naive(lambda v: pt.log(1.0 + v), 1e-18) == 0.0
    assert pg.function([x], pt.log(1.0 + x))(1e-18) == 1e-18


@pytest.mark.parametrize(
    ("build", "op", "oracle", "x"),
    [
        (
            lambda x: pt.log(1.0 + pt.exp(x)),
            "Elemwise{softplus}",
            lambda x: np.logaddexp(0, x),
            [-800.0, 0.3, 800.0],
        ),
        (
            lambda x: pt.log(1.0 - pt.exp(x)),
            "Elemwise{log1mexp}",
            _log1mexp,
            [-800.0, -1.0, -1e-20],
        ),
        (
            lambda x: pt.log(1.0 - pt.sigmoid(x)),
            "Elemwise{log_sigmoid}",
            lambda x: sp.log_expit(-x),
            [-800.0, 0.3, 800.0],
        ),
        (
            lambda x: pt.log(1.0 - pt.ndtr(x)),
            "Elemwise{log_ndtr}",
            lambda x: sp.log_ndtr(-x),
            [-5.0, 0.3, 40.0],
        ),
    ],
)
def test_written_out_formulas_reach_the_stable_op(
    build: Callable[..., Any], op: str, oracle: Callable[..., Any], x: list[float]
) -> None:
    v = pt.vector("x")
    out, _ = rewritten(build(v), [v])
    assert out.owner is not None and str(out.owner.op) == op
    np.testing.assert_allclose(pg.function([v], build(v))(x), oracle(np.array(x)), rtol=1e-12)


@pytest.mark.parametrize(
    ("axis", "keepdims"), [(None, False), (None, True), (0, False), (1, True), ((0, 1), False)]
)
def test_logsumexp_keeps_axis_and_keepdims(axis: Any, keepdims: bool) -> None:
    x = pt.matrix("x")
    out = pt.log(pt.sum(pt.exp(x), axis=axis, keepdims=keepdims))
    new, _ = rewritten(out, [x])
    assert ops(new) == [f"{pt.logsumexp(x, axis=axis, keepdims=keepdims).owner.op}"]
    xv = np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, 0.5]])
    want = sp.logsumexp(xv, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(pg.function([x], out)(xv), want, rtol=1e-12)


def test_log_of_a_sum_without_exp_or_of_a_product_is_left_alone() -> None:
    x = pt.vector("x")
    for out in (pt.log(pt.sum(x)), pt.log(pt.prod(pt.exp(x)))):
        new, trace = rewritten(out, [x])
        assert "logsumexp" not in trace and "LogSumExp" not in " ".join(ops(new))
