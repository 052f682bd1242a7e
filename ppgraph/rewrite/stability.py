"""Stabilizing rules: the same value, computed without overflow or cancellation."""

from __future__ import annotations

from ppgraph.graph.basic import Variable
from ppgraph.rewrite.engine import Bindings, Rule, collect
from ppgraph.tensor.reduction import Reduce, logsumexp


def _log_sum_exp(b: Bindings) -> Variable | None:
    # log(sum(exp(x), axis)) -> logsumexp(x, axis)
    s = b["s"].owner
    if s is None or not isinstance(s.op, Reduce) or s.op.kind != "sum":
        return None
    inner = s.inputs[0]
    if inner.owner is None or str(inner.owner.op) != "Elemwise{exp}":
        return None
    return logsumexp(inner.owner.inputs[0], axis=s.op.axis, keepdims=s.op.keepdims)


STABILITY: list[Rule] = collect(
    [
        Rule("log1p", ("log", ("add", 1, "x")), ("log1p", "x")),  # log(1 + x) -> log1p(x)
        Rule(
            "log1p_sub", ("log", ("sub", 1, "x")), ("log1p", ("neg", "x"))
        ),  # log(1 - x) -> log1p(-x)
        Rule("expm1", ("sub", ("exp", "x"), 1), ("expm1", "x")),  # exp(x) - 1 -> expm1(x)
        Rule("logsumexp", ("log", "s"), _log_sum_exp),  # log(sum(exp(x))) -> logsumexp(x)
        Rule("log_sigmoid", ("log", ("sigmoid", "x")), ("log_sigmoid", "x")),  # log(sigmoid(x))
        # log(1 - sigmoid(x)) = log(sigmoid(-x))
        Rule("log1m_sigmoid", ("log1p", ("neg", ("sigmoid", "x"))), ("log_sigmoid", ("neg", "x"))),
        Rule("log_ndtr", ("log", ("ndtr", "x")), ("log_ndtr", "x")),  # log(Phi(x)) -> log_ndtr(x)
        Rule("log1mexp", ("log1p", ("neg", ("exp", "x"))), ("log1mexp", "x")),  # log(1 - e^x)
        # log(exp(a) + exp(b)) -> logaddexp(a, b)
        Rule("logaddexp", ("log", ("add", ("exp", "a"), ("exp", "b"))), ("logaddexp", "a", "b")),
        Rule(
            "log1p_exp", ("log1p", ("exp", "x")), ("softplus", "x")
        ),  # log(1 + e^x) -> softplus(x)
    ]
)
