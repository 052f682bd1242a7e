"""Stabilizing rules: the same value, computed without overflow or cancellation.

Where the original graph overflows or underflows (``log(exp(800) + 1)`` is
inf, ``log(sigmoid(-800))`` is -inf, ``log(1 + 1e-18)`` is 0), the rewritten
graph gives the true finite value: that is each rule's purpose, and the only
way its value differs from the original's beyond rounding.
"""

from __future__ import annotations

from ppgraph.graph.basic import Variable
from ppgraph.rewrite.pattern import Bindings, Rule, collect
from ppgraph.tensor.reduction import Reduce, logsumexp
from ppgraph.tensor.special import Softmax, log_softmax


def _log_sum_exp(b: Bindings) -> Variable | None:
    # log(sum(exp(x), axis, keepdims)) -> logsumexp(x, axis, keepdims)
    log = b["_"].owner
    s = log.inputs[0].owner if log is not None else None
    assert s is not None and isinstance(s.op, Reduce)
    if s.op.kind != "sum":
        return None
    return logsumexp(b["x"], axis=s.op.axis, keepdims=s.op.keepdims)


def _log_softmax(b: Bindings) -> Variable | None:
    # log(softmax(x, axis)) -> log_softmax(x, axis)
    log = b["_"].owner
    s = log.inputs[0].owner if log is not None else None
    assert s is not None and isinstance(s.op, Softmax)
    return log_softmax(b["x"], axis=s.op.axis)


STABILITY: list[Rule] = collect(
    [
        Rule("log1p", ("log", ("add", 1, "x")), ("log1p", "x")),  # log(1 + x) -> log1p(x)
        Rule("log1p_sub", ("log", ("sub", 1, "x")), ("log1p", ("neg", "x"))),  # log(1 - x)
        Rule("expm1", ("sub", ("exp", "x"), 1), ("expm1", "x")),  # exp(x) - 1 -> expm1(x)
        Rule("expm1_add", ("add", ("exp", "x"), -1), ("expm1", "x")),  # exp(x) + -1 -> expm1(x)
        Rule("one_minus_exp", ("sub", 1, ("exp", "x")), ("neg", ("expm1", "x"))),  # 1 - e^x
        Rule("logsumexp", ("log", ("Reduce", ("exp", "x"))), _log_sum_exp),  # log(sum(exp(x)))
        Rule("log_sigmoid", ("log", ("sigmoid", "x")), ("log_sigmoid", "x")),  # log(sigmoid(x))
        # 1 - sigmoid(x) -> sigmoid(-x), and log(1 - sigmoid(x)) = log(sigmoid(-x))
        Rule("one_minus_sigmoid", ("sub", 1, ("sigmoid", "x")), ("sigmoid", ("neg", "x"))),
        Rule("log1m_sigmoid", ("log1p", ("neg", ("sigmoid", "x"))), ("log_sigmoid", ("neg", "x"))),
        Rule("log_ndtr", ("log", ("ndtr", "x")), ("log_ndtr", "x")),  # log(Phi(x)) -> log_ndtr(x)
        # 1 - Phi(x) -> Phi(-x), and log(1 - Phi(x)) -> log_ndtr(-x)
        Rule("one_minus_ndtr", ("sub", 1, ("ndtr", "x")), ("ndtr", ("neg", "x"))),
        Rule("log1m_ndtr", ("log1p", ("neg", ("ndtr", "x"))), ("log_ndtr", ("neg", "x"))),
        Rule("one_minus_erf", ("sub", 1, ("erf", "x")), ("erfc", "x")),  # 1 - erf(x) -> erfc(x)
        # log(1 - e^x) -> log1mexp(x), written as log1p(-exp(x)) or log(-expm1(x))
        Rule("log1mexp", ("log1p", ("neg", ("exp", "x"))), ("log1mexp", "x")),
        Rule("log1mexp_expm1", ("log", ("neg", ("expm1", "x"))), ("log1mexp", "x")),
        # log(exp(a) + exp(b)) -> logaddexp(a, b)
        Rule("logaddexp", ("log", ("add", ("exp", "a"), ("exp", "b"))), ("logaddexp", "a", "b")),
        Rule("log1p_exp", ("log1p", ("exp", "x")), ("softplus", "x")),  # log(1 + e^x) -> softplus
        Rule("log_softmax", ("log", ("Softmax", "x")), _log_softmax),  # log(softmax(x))
    ]
)
