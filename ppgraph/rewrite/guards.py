"""A log-density's value guard tested once on its sum, not once per element.

Every float family's log-density is ``where(isfinite(x), L, -inf)`` (so a NaN
or infinite value gives -inf, never NaN). Summed over the elements of ``x``
that is a select per element, and under ``jax.grad`` a second one per element
for the gradient. When ``L`` itself is -inf or NaN at every element where
``x`` is not finite (the Normal's ``-0.5 * ((x - mu) / s) ** 2 - ...`` is:
``x - mu`` is infinite or NaN there, its square +inf or NaN), the sum already
tells: it is NaN or -inf exactly when the guarded sum is -inf, or is NaN
because of some element, so

    sum(where(isfinite(x), L, -inf)) -> where(isnan(s), -inf, s),  s = sum(L)

A sum that is NaN for another reason (a NaN parameter) also becomes -inf; the
parameter's Check reports it by name as before. The analysis (``kind``) is
per element, through sums, products, powers, ``abs``, ``log``, ``log1p``,
``exp`` and ``sqrt``; anything else is "unknown" and the rule declines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ppgraph.graph.basic import Variable
from ppgraph.rewrite.pattern import Bindings, Rule, collect
from ppgraph.rewrite.reductions import factors, terms
from ppgraph.tensor.elemwise import DimShuffle, Elemwise, elemwise
from ppgraph.tensor.reduction import Reduce
from ppgraph.tensor.type import TensorConstant, TensorType

# What an element is where x is not finite (NaN is always possible):
ANY, POS, NEG = "inf", "+inf", "-inf"  # +-inf, +inf, -inf
_FLIP = {ANY: ANY, POS: NEG, NEG: POS}
_GROWING = ("log", "log1p", "exp", "sqrt")  # +inf -> +inf, NaN -> NaN


def _unbroadcast(v: Variable) -> Variable:
    """``v`` under its ``DimShuffle``s (a broadcast keeps every element's value)."""
    while v.owner is not None and isinstance(v.owner.op, DimShuffle):
        v = v.owner.inputs[0]
    return v


def _sign(v: Variable) -> int:
    """+1 or -1 for a constant whose elements are all finite and of that sign; 0 otherwise."""
    v = _unbroadcast(v)
    if not isinstance(v, TensorConstant):
        return 0
    data = np.asarray(v.data)
    if not np.all(np.isfinite(data)):
        return 0
    return 1 if np.all(data > 0) else -1 if np.all(data < 0) else 0


def _sum_kind(kinds: list[str | None]) -> str | None:
    if NEG in kinds and POS in kinds:
        return ANY  # -inf + inf is NaN
    for k in (NEG, POS, ANY):
        if k in kinds:
            return k  # a + b is -inf or NaN when a is, whatever b
    return None


def _product_kind(v: Variable, x: Variable, depth: int) -> str | None:
    merged: dict[Variable, int] = {}
    for f, p in factors(v):
        merged[f] = merged.get(f, 0) + p
    sign, infinite, unknown_sign = 1, [], False
    for f, p in merged.items():
        if p == 0:
            continue
        s = _sign(f)
        if s:
            sign *= s ** (p % 2)
            continue
        k = kind(f, x, depth + 1) if p > 0 else None  # 1 / inf is 0, not infinite
        if k is not None:
            infinite.append(POS if p % 2 == 0 else k)
        elif p % 2:
            unknown_sign = True  # an even power is in [0, inf] or NaN: the sign holds
    if not infinite:
        return None
    if ANY in infinite or unknown_sign:
        return ANY
    sign *= (-1) ** infinite.count(NEG)
    return POS if sign > 0 else NEG


def kind(v: Variable, x: Variable, depth: int = 0) -> str | None:
    """What each element of ``v`` is where ``x`` is not finite: ``"-inf"`` (-inf
    or NaN), ``"+inf"`` (+inf or NaN), ``"inf"`` (either infinity or NaN), or
    None (unknown: it may be finite).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.guards import kind
        >>> x, mu, s = pt.vector("x"), pt.scalar("mu"), pt.scalar("s")
        >>> kind(-0.5 * pt.square((x - mu) / s) - pt.log(s), x)
        '-inf'
        >>> kind(pt.exp(-pt.square(x)), x) is None
        True
    """
    v = _unbroadcast(v)
    if v is x:
        return ANY
    if depth > 24:
        return None
    ts = terms(v)
    if len(ts) > 1:
        return _sum_kind([_signed(kind(t, x, depth + 1), s) for t, s in ts])
    ((t, s),) = ts
    if s < 0:
        return _signed(kind(t, x, depth + 1), s)
    fs = factors(v)
    if len(fs) > 1 or fs[0][1] != 1:
        return _product_kind(v, x, depth)
    node = v.owner
    if node is None or not isinstance(node.op, Elemwise) or len(node.inputs) != 1:
        return None
    inner = kind(node.inputs[0], x, depth + 1)
    if node.op.scalar_op == "abs" and inner is not None:
        return POS
    if node.op.scalar_op in _GROWING and inner == POS:
        return POS
    return None


def _signed(k: str | None, sign: int) -> str | None:
    return k if k is None or sign > 0 else _FLIP[k]


# Functions that are NaN only at NaN, with their range's sign over [-inf, inf]:
# +1 for [0, inf], -1 for [-inf, 0].
_SIGNED = {"exp": 1, "softplus": 1, "sigmoid": 1, "abs": 1, "square": 1, "log_sigmoid": -1}


def nan_exact_sign(v: Variable, r: Variable, known: Callable[[Variable], Any]) -> int | None:
    """Whether each element of ``v`` is NaN exactly where its element of ``r``
    is, and ``v``'s sign elsewhere: +1 (in [0, inf]), -1 (in [-inf, 0]), 0
    (either); None when that is not known. ``known(w)`` is ``w``'s NumPy value
    when ``w`` is fixed, else None: the other operands of an op must be fixed and
    finite (a NaN parameter elsewhere must not look like a NaN in ``r``), a
    select's condition fixed. Only elementwise ops and broadcasts are followed,
    so every element of ``r`` reaches ``v``. A sum of a signed ``v`` is then NaN
    exactly when some element of ``r`` is (no ``inf - inf``).

    Example:
        >>> import numpy as np
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.guards import nan_exact_sign
        >>> eta, y = pt.vector("eta"), pt.constant(np.array([1.0, 0.0]))
        >>> one = pt.constant(np.array([True, False]))  # y == 1, fixed
        >>> known = lambda w: np.asarray(w.data) if w in (y, one) else None
        >>> nan_exact_sign(pt.log_sigmoid(pt.where(one, eta, -eta)), eta, known)
        -1
        >>> nan_exact_sign(pt.square(y - eta), eta, known)
        1
        >>> nan_exact_sign(pt.log_sigmoid(eta) + eta, eta, known) is None
        True
    """
    v = _unbroadcast(v)
    if v is r:
        return 0
    node = v.owner
    if node is None or not isinstance(node.op, Elemwise):
        return None
    op, ins = node.op.scalar_op, node.inputs
    if len(ins) == 1:
        inner = nan_exact_sign(ins[0], r, known)
        if inner is None:
            return None
        if op == "neg":
            return -inner
        return _SIGNED.get(op)
    if op == "where":
        cond, a, b = ins
        if known(_unbroadcast(cond)) is None:
            return None
        sa, sb = nan_exact_sign(a, r, known), nan_exact_sign(b, r, known)
        if sa is None or sb is None:
            return None
        return sa if sa == sb else 0
    if op not in ("add", "sub", "mul", "true_div") or len(ins) != 2:
        return None
    for i, (x, k) in enumerate((ins, ins[::-1])):
        value = known(_unbroadcast(k))  # a broadcast keeps the values
        if value is None or not np.all(np.isfinite(value)):
            continue
        s = nan_exact_sign(x, r, known)
        if s is None:
            continue
        if op in ("add", "sub"):
            return 0
        if np.any(value == 0) or (op == "true_div" and i == 1):
            return None  # 0 * inf is NaN; k / x is finite at infinite x
        return s if np.all(value > 0) else -s if np.all(value < 0) else 0
    return None


def _guard_by_sum(b: Bindings) -> Variable | None:
    # sum(where(isfinite(x), L, -inf)) -> where(isnan(s), -inf, s), s = sum(L),
    # when L is -inf or NaN wherever x is not finite
    out = b["_"]
    node = out.owner
    assert node is not None and isinstance(node.op, Reduce)
    if node.op.kind != "sum":
        return None
    w = node.inputs[0].owner
    if w is None or not isinstance(w.op, Elemwise) or w.op.scalar_op != "where":
        return None
    cond, body, fill = w.inputs
    test = cond.owner
    if test is None or not isinstance(test.op, Elemwise) or test.op.scalar_op != "isfinite":
        return None
    if not isinstance(fill, TensorConstant) or not np.all(np.asarray(fill.data) == -np.inf):
        return None
    bt, wt = body.type, w.outputs[0].type
    if not isinstance(bt, TensorType) or not isinstance(wt, TensorType) or bt.shape != wt.shape:
        return None  # L broadcast inside the where: its sum would count fewer elements
    if kind(body, test.inputs[0]) != NEG:
        return None
    s = node.op(body)
    return elemwise("where", elemwise("isnan", s), _fill_like(fill, s), s)


def _fill_like(fill: TensorConstant, s: Variable) -> Variable:
    """The scalar -inf of ``fill``'s dtype (a 0-d constant broadcasts to ``s``)."""
    value = np.asarray(fill.data).reshape(-1)[0]
    return TensorConstant(TensorType(fill.type.dtype, ()), np.asarray(value, fill.type.dtype))


GUARDS: list[Rule] = collect(
    [
        # sum(where(isfinite(x), L, -inf)) -> where(isnan(sum(L)), -inf, sum(L)),
        # L being -inf or NaN wherever x is not finite
        Rule("guard_by_sum", ("Reduce", ...), _guard_by_sum),
    ]
)

__all__ = ["GUARDS", "kind", "nan_exact_sign"]
