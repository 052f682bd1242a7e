"""Canonicalizing rules: algebraic identities, one per line, with the algebra.

A rule that changes a value somewhere says so: the rewritten graph is the
mathematically intended value where the original gives NaN or overflows.
"""

from __future__ import annotations

from ppgraph.graph.basic import Variable
from ppgraph.rewrite.engine import Bindings, Rule, collect, constant_value
from ppgraph.tensor.check import Check


def _drop_true_check(b: Bindings) -> Variable | None:
    # Check{...}(value, True, ...) -> value: a condition known to hold needs no check.
    node = b["_"].owner
    assert node is not None and isinstance(node.op, Check)
    for cond in node.inputs[1:]:
        value = constant_value(cond)
        if value is None or not value.all():
            return None
    return node.inputs[0]


ALGEBRA: list[Rule] = collect(
    [
        Rule("mul_one", ("mul", "x", 1), "x"),  # x * 1 -> x
        Rule("add_zero", ("add", "x", 0), "x"),  # x + 0 -> x
        Rule("sub_zero", ("sub", "x", 0), "x"),  # x - 0 -> x
        Rule("div_one", ("true_div", "x", 1), "x"),  # x / 1 -> x
        Rule("pow_one", ("pow", "x", 1), "x"),  # x ** 1 -> x
        Rule("pow_two", ("pow", "x", 2), ("square", "x")),  # x ** 2 -> square(x)
        Rule("neg_neg", ("neg", ("neg", "x")), "x"),  # -(-x) -> x
        Rule("sub_neg", ("sub", "x", ("neg", "y")), ("add", "x", "y")),  # x - (-y) -> x + y
        Rule("add_neg", ("add", "x", ("neg", "y")), ("sub", "x", "y")),  # x + (-y) -> x - y
        # b * (a / b) -> a, and (a * b) / b -> a. Value change: at b = 0 or +-inf the
        # original is NaN, the rewrite gives a.
        Rule("mul_div_cancel", ("mul", "b", ("true_div", "a", "b")), "a"),
        Rule("div_mul_cancel", ("true_div", ("mul", "a", "b"), "b"), "a"),
        # log(exp(x)) -> x. Value change: where exp(x) overflows (x > ~709 in float64)
        # the original is inf, the rewrite gives x.
        Rule("log_exp", ("log", ("exp", "x")), "x"),
        # Check{...}(value, True) -> value
        Rule("drop_true_check", ("Check", ...), _drop_true_check),
    ]
)
