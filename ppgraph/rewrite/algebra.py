"""Canonicalizing rules: algebraic identities, one per line, with the algebra.

A rule that changes a value somewhere says so (and README.md lists it): the
rewritten graph is the mathematically intended value where the original gives
NaN or overflows, or a zero of the other sign.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ppgraph.graph.basic import Variable
from ppgraph.rewrite.pattern import Bindings, Rule, collect, constant_value
from ppgraph.rewrite.reductions import terms
from ppgraph.tensor.check import Check
from ppgraph.tensor.elemwise import DimShuffle, elemwise
from ppgraph.tensor.type import TensorConstant, TensorType


def _drop_true_check(b: Bindings) -> Variable | None:
    # Check{...}(value, True, c) -> Check{...}(value, c), and Check{...}(value, True)
    # -> value: a condition known to hold needs no check.
    node = b["_"].owner
    assert node is not None and isinstance(node.op, Check)
    value, *conds = node.inputs
    keep = []
    for cond in conds:
        known = constant_value(cond)
        keep.append(known is None or not known.all())
    if all(keep):
        return None
    if not any(keep):
        return value
    n_main = len(conds) - len(node.op.nan)
    nan = tuple(p for p, k in zip(node.op.nan, keep[n_main:], strict=True) if k)
    op = dataclasses.replace(node.op, nan=nan)
    return op(value, *[c for c, k in zip(conds, keep, strict=True) if k])


def _drop_repeated_condition(b: Bindings) -> Variable | None:
    # Check{...}(value, c, ..., c) -> Check{...}(value, ..., c): a condition given
    # twice is checked once (a NaN flag is kept, so a NaN is still reported as NaN).
    node = b["_"].owner
    assert node is not None and isinstance(node.op, Check)
    value, *conds = node.inputs
    n_main = len(conds) - len(node.op.nan)
    main = [c for i, c in enumerate(conds[:n_main]) if c not in conds[i + 1 :]]
    flags = [(p, c) for p, c in zip(node.op.nan, conds[n_main:], strict=True)]
    seen: set[Variable] = set()
    kept_flags = [(p, c) for p, c in flags if not (c in seen or seen.add(c))]  # type: ignore[func-returns-value]
    if len(main) + len(kept_flags) == len(conds):
        return None
    op = dataclasses.replace(node.op, nan=tuple(p for p, _ in kept_flags))
    return op(value, *main, *(c for _, c in kept_flags))


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


def _sub_of_sum(b: Bindings) -> Variable | None:
    # x - (p + q) -> (x - p) - q, for floats. XLA fuses a gather feeding a
    # subtraction from the data (``y - a[idx]``) into its consumer, but
    # materializes it when it is first added to another term (``a[idx] + b * x``):
    # under ``vmap`` that is a (chains, rows) array written and read back, and
    # its gradient recomputed from it (radon, 256 chains: 2.6x the time).
    x, p, q = b["x"], b["p"], b["q"]
    if any(not isinstance(v.type, TensorType) or v.type.dtype[:5] != "float" for v in (x, p, q)):
        return None
    shape = b["_"].type.shape  # type: ignore[attr-defined]
    if any(v.type.shape != shape for v in (p, q)):  # type: ignore[attr-defined]
        return None  # a term broadcast in p + q is cheaper added before the broadcast

    return elemwise("sub", elemwise("sub", x, p), q)


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
        # Check{...}(value, True, c) -> Check{...}(value, c); Check{...}(value, True) -> value
        Rule("drop_true_check", ("Check", ...), _drop_true_check),
        # Check{...}(value, c, c) -> Check{...}(value, c)
        Rule("check_repeated_condition", ("Check", ...), _drop_repeated_condition),
        # Range facts, exact: each side is False only where x is NaN.
        # sigmoid(x) >= 0, 0 <= sigmoid(x), sigmoid(x) <= 1, 1 >= sigmoid(x) -> ~isnan(x)
        Rule("sigmoid_ge_zero", ("ge", ("sigmoid", "x"), 0), ("invert", ("isnan", "x"))),
        Rule("zero_le_sigmoid", ("le", 0, ("sigmoid", "x")), ("invert", ("isnan", "x"))),
        Rule("sigmoid_le_one", ("le", ("sigmoid", "x"), 1), ("invert", ("isnan", "x"))),
        Rule("one_ge_sigmoid", ("ge", 1, ("sigmoid", "x")), ("invert", ("isnan", "x"))),
        # exp(x) >= 0, softplus(x) >= 0 (and written 0 <= ...) -> ~isnan(x)
        Rule("exp_ge_zero", ("ge", ("exp", "x"), 0), ("invert", ("isnan", "x"))),
        Rule("zero_le_exp", ("le", 0, ("exp", "x")), ("invert", ("isnan", "x"))),
        Rule("softplus_ge_zero", ("ge", ("softplus", "x"), 0), ("invert", ("isnan", "x"))),
        Rule("zero_le_softplus", ("le", 0, ("softplus", "x")), ("invert", ("isnan", "x"))),
        # isnan(f(x)) -> isnan(x) for f = sigmoid, exp, softplus: NaN only at NaN
        Rule("isnan_sigmoid", ("isnan", ("sigmoid", "x")), ("isnan", "x")),
        Rule("isnan_exp", ("isnan", ("exp", "x")), ("isnan", "x")),
        Rule("isnan_softplus", ("isnan", ("softplus", "x")), ("isnan", "x")),
        # DimShuffle{0,1,...}(x) -> x; DimShuffle(DimShuffle(x)) -> one DimShuffle(x)
        Rule("dimshuffle_identity", ("DimShuffle", ...), _dimshuffle_identity),
        Rule("dimshuffle_compose", ("DimShuffle", ("DimShuffle", ...)), _dimshuffle_compose),
    ]
)


def _smaller(v: Variable, out: Variable) -> bool:
    """True when ``v`` is broadcast to ``out``: along some axis (shapes aligned on
    the right, missing leading axes of size 1) ``v`` has size 1 and ``out`` not."""
    tv, to = v.type, out.type
    if not isinstance(tv, TensorType) or not isinstance(to, TensorType) or tv.ndim > to.ndim:
        return False
    dims = (1,) * (to.ndim - tv.ndim) + tuple(tv.shape)
    return any(d == 1 and o != 1 for d, o in zip(dims, to.shape, strict=True))


def _group_broadcast_terms(b: Bindings) -> Variable | None:
    # a + X + c - d -> X + (a + c - d) for a, c, d broadcast to X's shape: the
    # broadcast terms are added at their own size, then once to X (a mixture's
    # log w_k - log s_k - log sqrt(2 pi), per component, not per row). Rounding only.
    out = b["_"]
    t = out.type
    if not isinstance(t, TensorType) or t.dtype[:5] != "float":
        return None
    ts = terms(out)
    small = [(v, s) for v, s in ts if _smaller(v, out)]
    full = [(v, s) for v, s in ts if not _smaller(v, out)]
    if len(small) < 2 or not full:
        return None
    node = out.owner
    assert node is not None
    tail = node.inputs[1]
    if terms(tail) == small or [(v, -s) for v, s in terms(tail)] == small:
        return None  # already grouped (the rule's own result)

    def total(items: list[tuple[Variable, int]]) -> tuple[Variable, int]:
        acc, sign = items[0]
        for v, s in items[1:]:
            acc = elemwise("add" if s == sign else "sub", acc, v)
        return acc, sign

    big, big_sign = total(full)
    grouped, sign = total(small)
    if big_sign < 0:
        big = elemwise("neg", big)
    return elemwise("add" if sign > 0 else "sub", big, grouped)


def _div_by_broadcast(b: Bindings) -> Variable | None:
    # x / s -> x * (1 / s) for s broadcast to x's shape: one division per element
    # of s, a product per element of x (about 1 ulp)
    x, d = b["x"], b["s"]
    out = b["_"]
    if not isinstance(out.type, TensorType) or out.type.dtype[:5] != "float":
        return None
    dtype = out.type.dtype
    if not _smaller(d, out) or _smaller(x, out) or d.type.dtype != dtype:  # type: ignore[attr-defined]
        return None
    one = TensorConstant(TensorType(dtype, ()), np.asarray(1.0, dtype=dtype))
    return elemwise("mul", x, elemwise("true_div", one, d))


# Run last, once the rules that read ``x - mu`` as written (``check_nan_by_sum``) are done.
LATE: list[Rule] = collect(
    [
        # x - (p + q) -> (x - p) - q (floats; rounding only)
        Rule("sub_of_sum", ("sub", "x", ("add", "p", "q")), _sub_of_sum),
        # a + X - c -> X + (a - c) for a, c broadcast to X (rounding only)
        Rule("group_broadcast_add", ("add", ...), _group_broadcast_terms),
        Rule("group_broadcast_sub", ("sub", ...), _group_broadcast_terms),
        # x / s -> x * (1 / s) for s broadcast to x (about 1 ulp)
        Rule("div_by_broadcast", ("true_div", "x", "s"), _div_by_broadcast),
    ]
)
