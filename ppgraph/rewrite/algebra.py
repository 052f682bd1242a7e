"""Canonicalizing rules: algebraic identities, one per line, with the algebra.

A rule that changes a value somewhere says so (and README.md lists it): the
rewritten graph is the mathematically intended value where the original gives
NaN or overflows, or a zero of the other sign.
"""

from __future__ import annotations

from ppgraph.graph.basic import Variable
from ppgraph.rewrite.pattern import Bindings, Rule, collect, constant_value
from ppgraph.tensor.check import Check
from ppgraph.tensor.elemwise import DimShuffle
from ppgraph.tensor.type import TensorType


def _drop_true_check(b: Bindings) -> Variable | None:
    # Check{...}(value, True, ...) -> value: a condition known to hold needs no check.
    node = b["_"].owner
    assert node is not None and isinstance(node.op, Check)
    for cond in node.inputs[1:]:
        value = constant_value(cond)
        if value is None or not value.all():
            return None
    return node.inputs[0]


def _dimshuffle_identity(b: Bindings) -> Variable | None:
    # DimShuffle{0,1,...,n-1}(x) -> x
    node = b["_"].owner
    assert node is not None and isinstance(node.op, DimShuffle)
    x = node.inputs[0]
    ndim = x.type.ndim if isinstance(x.type, TensorType) else -1
    return x if node.op.new_order == tuple(range(ndim)) else None


def _dimshuffle_compose(b: Bindings) -> Variable | None:
    # DimShuffle{o}(DimShuffle{i}(x)) -> DimShuffle{i[o[k]] for each k}(x)
    outer = b["_"].owner
    assert outer is not None and isinstance(outer.op, DimShuffle)
    inner = outer.inputs[0].owner
    assert inner is not None and isinstance(inner.op, DimShuffle)
    kept = inner.op.new_order
    order = tuple(d if isinstance(d, str) else kept[d] for d in outer.op.new_order)
    return DimShuffle(order)(inner.inputs[0])


ALGEBRA: list[Rule] = collect(
    [
        Rule("mul_one", ("mul", "x", 1), "x"),  # x * 1 -> x
        # x + 0 -> x. Value change: at x = -0.0 the original is +0.0.
        Rule("add_zero", ("add", "x", 0), "x"),
        Rule("sub_zero", ("sub", "x", 0), "x"),  # x - 0 -> x
        Rule("div_one", ("true_div", "x", 1), "x"),  # x / 1 -> x
        Rule("pow_one", ("pow", "x", 1), "x"),  # x ** 1 -> x
        Rule("pow_two", ("pow", "x", 2), ("square", "x")),  # x ** 2 -> square(x)
        Rule("mul_neg_one", ("mul", "x", -1), ("neg", "x")),  # x * -1 -> -x
        Rule("neg_neg", ("neg", ("neg", "x")), "x"),  # -(-x) -> x
        Rule("sub_neg", ("sub", "x", ("neg", "y")), ("add", "x", "y")),  # x - (-y) -> x + y
        Rule("add_neg", ("add", "x", ("neg", "y")), ("sub", "x", "y")),  # x + (-y) -> x - y
        Rule("mul_neg_neg", ("mul", ("neg", "x"), ("neg", "y")), ("mul", "x", "y")),  # -x * -y
        Rule("abs_neg", ("abs", ("neg", "x")), ("abs", "x")),  # |-x| -> |x|
        Rule("square_neg", ("square", ("neg", "x")), ("square", "x")),  # (-x)^2 -> x^2
        Rule("identity", ("identity", "x"), "x"),  # identity(x) -> x
        Rule("where_true", ("where", True, "a", "b"), "a"),  # where(True, a, b) -> a
        Rule("where_false", ("where", False, "a", "b"), "b"),  # where(False, a, b) -> b
        # b * (a / b) -> a, and (a * b) / b -> a. Value change: at b = 0 or +-inf (or
        # where a * b overflows) the original is NaN (or inf), the rewrite gives a.
        Rule("mul_div_cancel", ("mul", "b", ("true_div", "a", "b")), "a"),
        Rule("div_mul_cancel", ("true_div", ("mul", "a", "b"), "b"), "a"),
        # log(exp(x)) -> x. Value change: where exp(x) overflows (x > ~709 in float64)
        # or underflows (x < ~-745) the original is +-inf, the rewrite gives x.
        Rule("log_exp", ("log", ("exp", "x")), "x"),
        # Check{...}(value, True) -> value
        Rule("drop_true_check", ("Check", ...), _drop_true_check),
        # DimShuffle{0,1,...}(x) -> x; DimShuffle(DimShuffle(x)) -> one DimShuffle(x)
        Rule("dimshuffle_identity", ("DimShuffle", ...), _dimshuffle_identity),
        Rule("dimshuffle_compose", ("DimShuffle", ("DimShuffle", ...)), _dimshuffle_compose),
    ]
)
