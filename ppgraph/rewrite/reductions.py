"""Lifting scalar work out of sums over data: what is the same on every row is
computed once, not once per row.

``sum`` over some axes of an elementwise expression is split along its terms
(``+``, ``-``, unary ``-``) and each term along its factors (``*``, ``/``,
``square``). A term or factor is *invariant* when it broadcasts along every
summed axis (its static size there is 1: a scalar parameter, a constant):

- ``sum(a) -> n * a`` for an invariant term ``a`` (``n`` the number of summed
  elements): ``sum(c - log s) -> n * (c - log s)``;
- ``sum(a * x) -> a * sum(x)`` and ``sum(x / a) -> sum(x) / a`` for invariant
  ``a``;
- ``sum(((y - mu) / s) ** 2) -> sum((y - mu) ** 2) / s ** 2``: a square is the
  product of its factors, each twice.

Applied to the log-densities of Normal, StudentT, Laplace, Cauchy, Gamma,
Poisson, ... with scalar parameters, the per-row work is what hand-written code
does: a difference and a square (or a log) per row, the rest once.

Value change (beyond rounding): only where an invariant factor is 0 or
+-inf, or a row divides by zero: ``sum(x / s)`` at ``s = 0`` gives +-inf or NaN
from the rows, ``sum(x) / 0`` gives the sign of the sum (the log-densities
refuse ``s = 0`` by their Checks before this matters).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ppgraph.graph.basic import Variable
from ppgraph.rewrite.pattern import Bindings, Rule, collect
from ppgraph.tensor.elemwise import DimShuffle, Elemwise, cast, elemwise
from ppgraph.tensor.reduction import Reduce
from ppgraph.tensor.shape import shape
from ppgraph.tensor.type import TensorConstant, TensorType, TensorVariable

Term = tuple[Variable, int]  # a variable and its sign (+1 or -1)
Factor = tuple[Variable, int]  # a variable and its integer power (never 0)


def _op(var: Variable) -> str | None:
    node = var.owner
    if node is None or not isinstance(node.op, Elemwise) or len(node.outputs) != 1:
        return None
    return node.op.scalar_op


def terms(var: Variable, sign: int = 1) -> list[Term]:
    """``var`` as a signed sum of terms, through ``add``, ``sub`` and ``neg``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.reductions import terms
        >>> a, b, c = pt.vector("a"), pt.vector("b"), pt.vector("c")
        >>> [(str(v), s) for v, s in terms(a - (b - c))]
        [('a', 1), ('b', -1), ('c', 1)]
    """
    op = _op(var)
    if op in ("add", "sub"):
        assert var.owner is not None
        x, y = var.owner.inputs
        return terms(x, sign) + terms(y, sign if op == "add" else -sign)
    if op == "neg":
        assert var.owner is not None
        return terms(var.owner.inputs[0], -sign)
    return [(var, sign)]


def factors(var: Variable, power: int = 1) -> list[Factor]:
    """``var`` as a product of powers, through ``mul``, ``true_div`` and ``square``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.reductions import factors
        >>> x, s = pt.vector("x"), pt.vector("s")
        >>> [(str(v), p) for v, p in factors(pt.square(x / s))]
        [('x', 2), ('s', -2)]
    """
    op = _op(var)
    if op in ("mul", "true_div"):
        assert var.owner is not None
        x, y = var.owner.inputs
        return factors(x, power) + factors(y, power if op == "mul" else -power)
    if op == "square":
        assert var.owner is not None
        return factors(var.owner.inputs[0], 2 * power)
    return [(var, power)]


def _invariant(var: Variable, axes: Sequence[int]) -> bool:
    t = var.type
    return isinstance(t, TensorType) and all(t.shape[a] == 1 for a in axes)


def spans(var: Variable, x_shape: Sequence[int | None], axes: Sequence[int]) -> bool:
    """True when ``var`` has the summed array's rank and does not broadcast
    along a summed axis (summing it alone sums as many elements).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.reductions import spans
        >>> spans(pt.vector("v"), (None,), (0,)), spans(pt.scalar("a")[None], (None,), (0,))
        (True, False)
    """
    t = var.type
    if not isinstance(t, TensorType) or t.ndim != len(x_shape):
        return False
    return not any(t.shape[a] == 1 and x_shape[a] != 1 for a in axes)


def _power(var: Variable, p: int) -> Variable:
    """``var ** p`` for ``p >= 1`` as products and squares."""
    if p == 1:
        return var
    half = _power(var, p // 2)
    sq = elemwise("square", half)
    return sq if p % 2 == 0 else elemwise("mul", sq, var)


def _product(
    fs: Sequence[Factor], each: Callable[[Variable], Variable] = lambda v: v
) -> tuple[Variable | None, Variable | None]:
    """The numerator and denominator of a product of powers (None: 1) of
    ``each(v)``; equal variables have their powers added."""
    merged: dict[Variable, int] = {}
    for v, p in fs:
        merged[v] = merged.get(v, 0) + p
    num: Variable | None = None
    den: Variable | None = None
    for v, p in merged.items():
        if p == 0:
            continue
        piece = _power(each(v), abs(p))
        if p > 0:
            num = piece if num is None else elemwise("mul", num, piece)
        else:
            den = piece if den is None else elemwise("mul", den, piece)
    return num, den


def _count(x: Variable, axes: Sequence[int], dtype: str) -> Variable:
    """The number of elements summed, as a ``dtype`` scalar (a constant when
    the sizes are static)."""
    t = x.type
    assert isinstance(t, TensorType)
    sizes = [t.shape[a] for a in axes]
    if all(s is not None for s in sizes):
        total = int(np.prod([int(s or 0) for s in sizes]))
        return TensorConstant(TensorType(dtype, ()), np.asarray(total, dtype=dtype))
    dims = shape(x)
    n: Variable = cast(dims[axes[0]], dtype)
    for a in axes[1:]:
        n = elemwise("mul", n, cast(dims[a], dtype))
    return n


def _lift_sum(b: Bindings) -> Variable | None:
    # sum(a + x) -> n * a + sum(x), sum(a * x) -> a * sum(x), sum(x / a) -> sum(x) / a
    out = b["_"]
    node = out.owner
    assert node is not None and isinstance(node.op, Reduce)
    op = node.op
    (x,) = node.inputs
    t = x.type
    if op.kind != "sum" or op.keepdims or not isinstance(t, TensorType) or t.dtype[:5] != "float":
        return None
    axes = tuple(range(t.ndim)) if op.axis is None else op.axis
    if not axes or all(t.shape[a] == 1 for a in axes):
        return None
    kept = tuple(d for d in range(t.ndim) if d not in axes)

    def squeeze(v: Variable) -> Variable:
        return DimShuffle(kept)(v) if v.type.ndim else v  # type: ignore[attr-defined]

    def reduce(v: Variable) -> Variable:
        return Reduce("sum", op.axis)(v)

    inv: list[Term] = []
    plain: list[Term] = []
    lifted: list[tuple[Variable, int, Variable | None, Variable | None]] = []
    for v, s in terms(x):
        if _invariant(v, axes):
            inv.append((v, s))
            continue
        fs = factors(v)
        in_fs = [f for f in fs if _invariant(f[0], axes)]
        if not in_fs:
            plain.append((v, s))
            continue
        num, den = _product([f for f in fs if not _invariant(f[0], axes)])
        row = num if num is not None else None
        if row is None or not spans(row, t.shape, axes):
            return None  # only invariant factors, but the term is data-sized: keep
        if den is not None:
            row = elemwise("true_div", row, den)
        inum, iden = _product(in_fs, squeeze)
        lifted.append((reduce(row), s, inum, iden))
    if not inv and not lifted:
        return None
    parts: list[Term] = []
    if plain:
        total, sign = plain[0][0], plain[0][1]
        for v, s in plain[1:]:
            total = elemwise("add" if s == sign else "sub", total, v)
        if not spans(total, t.shape, axes):
            return None
        parts.append((reduce(total), sign))
    for summed, s, inum, iden in lifted:
        piece = summed if inum is None else elemwise("mul", inum, summed)
        parts.append((piece if iden is None else elemwise("true_div", piece, iden), s))
    if inv:
        n = _count(x, axes, t.dtype)
        const = squeeze(inv[0][0])
        sign = inv[0][1]
        for v, s in inv[1:]:
            const = elemwise("add" if s == sign else "sub", const, squeeze(v))
        parts.append((elemwise("mul", n, const), sign))
    first, sign = parts[0]
    res = first if sign > 0 else elemwise("neg", first)
    for v, s in parts[1:]:
        res = elemwise("add" if s > 0 else "sub", res, v)
    assert isinstance(res, TensorVariable)
    return res


REDUCTIONS: list[Rule] = collect(
    [
        # sum(a + x) -> n * a + sum(x); sum(a * x) -> a * sum(x); sum(x / a) -> sum(x) / a;
        # sum(square(x / a)) -> sum(square(x)) / square(a), for a broadcast along the sum
        Rule("lift_out_of_sum", ("Reduce", ...), _lift_sum),
    ]
)

__all__ = ["REDUCTIONS", "factors", "spans", "terms"]
