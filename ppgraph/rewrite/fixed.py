"""Conditions on fixed data, decided once at compile time.

A variable is *fixed* when it is a constant, or a shared variable tagged
``fixed`` (a model's private copy of observed data: no call, and no
``pg.set_data``, ever changes it; ``pg.Data`` containers are not fixed). A
``where`` condition or a ``Check`` condition computed from fixed variables
only (no random variable, no input of the compiled function) has the same
value at every call, so it is evaluated once, op by op (comparisons, logical
ops, casts and ``all`` in NumPy; any other op on the JAX backend, as constant
folding does), and:

- ``where(cond, a, b) -> a`` (broadcast to the output) when every element of
  ``cond`` is True;
- ``Check{...}(value, ..., cond, ...)`` loses ``cond`` when it is all True
  (and becomes ``value`` when no condition is left).

A condition with any False element is left alone: no value ever changes.
This takes the support checks on observed data (``x >= 0``, ``x`` an integer,
``x`` finite) out of every log-density call.

Likewise the terms of a ``sum`` computed from fixed variables only are summed
once: ``sum(x * log(mu) - gammaln(y + 1)) -> sum(x * log(mu)) - c`` with ``c``
the constant ``sum(gammaln(y + 1))`` (a Poisson's normalizing term on observed
counts), when the sum's result has at most ``FOLD_MAX_SIZE`` elements.

And a Cholesky factor of a fixed matrix that is not itself a constant (a GP's
kernel matrix computed from fixed inputs and hyperparameters, or from fixed
data), whatever its size, is computed once and held as fixed
data: an argument of the compiled function, not a constant
baked into the program, and not refactored at every call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import Any

import numpy as np

from ppgraph.graph.basic import FIXED, Constant, SharedVariable, Variable, is_fixed
from ppgraph.graph.traversal import graph_inputs
from ppgraph.rewrite.engine import FOLD_MAX_SIZE
from ppgraph.rewrite.fold import NOT_FOLDED, _dimshuffle, eval_node
from ppgraph.rewrite.guards import nan_exact_sign
from ppgraph.rewrite.pattern import Bindings, Rule, fits
from ppgraph.rewrite.reductions import factors, spans, terms
from ppgraph.tensor.check import Check
from ppgraph.tensor.elemwise import Cast, DimShuffle, Elemwise, cast, elemwise
from ppgraph.tensor.reduction import Reduce
from ppgraph.tensor.shape import broadcast_to
from ppgraph.tensor.type import TensorConstant, TensorType, shared

_UNKNOWN = object()  # not fixed, or not evaluable


def has_fixed_data(outputs: Collection[Variable]) -> bool:
    """True when some leaf of the graph is a shared variable tagged as fixed
    (the only case where ``fixed_rules`` can decide a condition that constant
    folding did not)."""
    return any(not isinstance(v, Constant) and is_fixed(v) for v in graph_inputs(outputs))


class FixedValues:
    """The values of variables computed from fixed variables only (memoized);
    ``blocked`` variables (inputs of the compiled function) are never fixed."""

    def __init__(self, blocked: Collection[Variable] = ()) -> None:
        self.blocked = set(blocked)
        self.memo: dict[Variable, Any] = {}

    def value(self, var: Variable) -> Any:
        """The NumPy value of ``var``, or ``_UNKNOWN``."""
        stack = [var]
        while stack:
            v = stack[-1]
            if v in self.memo:
                stack.pop()
                continue
            node = v.owner
            if v in self.blocked or (node is None and not is_fixed(v)):
                self.memo[v] = _UNKNOWN
            elif isinstance(v, Constant):
                self.memo[v] = np.asarray(v.data)
            elif isinstance(v, SharedVariable):
                self.memo[v] = np.asarray(v.get_value())
            elif node is None or isinstance(node.op, NOT_FOLDED):
                self.memo[v] = _UNKNOWN
            else:
                todo = [i for i in node.inputs if i not in self.memo]
                if todo:
                    stack.extend(todo)
                    continue
                self._evaluate(node)
            stack.pop()
        return self.memo[var]

    def _evaluate(self, node: Any) -> None:
        args = [self.memo[i] for i in node.inputs]
        results: list[Any] = [_UNKNOWN] * len(node.outputs)
        if not any(a is _UNKNOWN for a in args):
            try:
                quick = _numpy_value(node.op, args)
                if quick is not None:
                    results = [quick]
                else:
                    results = [np.asarray(r) for r in eval_node(node, args)]
            except Exception:  # not decidable here: left to run time
                pass
        for o, r in zip(node.outputs, results, strict=True):
            self.memo[o] = r

    def all_true(self, cond: Variable) -> bool:
        """True when ``cond`` is fixed and every element of it is True."""
        if isinstance(cond, Constant):
            return False  # constant conditions are the algebra rules' business
        v = self.value(cond)
        return v is not _UNKNOWN and v.dtype == np.bool_ and bool(np.all(v))


# The ops support conditions are made of, in NumPy (same values as JAX's, and
# no eager JAX compile per op and data shape); the others go through the backend.
_NUMPY_ROWS: dict[str, Any] = {
    "ge": np.greater_equal, "gt": np.greater, "le": np.less_equal, "lt": np.less,
    "eq": np.equal, "neq": np.not_equal, "and": np.bitwise_and, "or": np.bitwise_or,
    "invert": np.invert, "isnan": np.isnan, "isinf": np.isinf, "isfinite": np.isfinite,
    "floor": np.floor, "ceil": np.ceil, "round": np.round, "identity": lambda x: x,
}  # fmt: skip


def _numpy_value(op: Any, args: list[Any]) -> np.ndarray | None:
    """The value of a support-check op computed with NumPy, or None."""
    if isinstance(op, DimShuffle):
        return _dimshuffle(op, args[0])
    if isinstance(op, Cast):  # not float -> int: NumPy and JAX differ at NaN and inf
        ok = np.dtype(op.dtype).kind in "bf" or args[0].dtype.kind in "biu"
        return args[0].astype(op.dtype) if ok else None
    if isinstance(op, Reduce) and op.kind in ("all", "any"):
        fn = np.all if op.kind == "all" else np.any
        return np.asarray(fn(args[0], axis=op.axis, keepdims=op.keepdims))
    row = _NUMPY_ROWS.get(op.scalar_op) if isinstance(op, Elemwise) else None
    if row is None or len({a.dtype for a in args}) != 1 or args[0].dtype.kind not in "biuf":
        return None  # mixed dtypes: JAX's promotion, not NumPy's
    return np.asarray(row(*args))


def _as_output(x: Variable, out: Variable, cond_shape: tuple[int, ...]) -> Variable | None:
    """``x`` cast and broadcast to ``out``'s type; a dim unknown statically takes
    the fixed condition's size when that is not 1 (else None: not rewritten)."""
    t = out.type
    assert isinstance(t, TensorType)
    if x.type.dtype != t.dtype:  # type: ignore[attr-defined]
        x = cast(x, t.dtype)
    if fits(x, out):
        return x
    padded = (1,) * (t.ndim - len(cond_shape)) + cond_shape
    dims = [s if s is not None else c for s, c in zip(t.shape, padded, strict=True)]
    if any(s is None and c == 1 for s, c in zip(t.shape, padded, strict=True)):
        return None
    return broadcast_to(x, [int(d) for d in dims])


def fixed_rules(blocked: Collection[Variable] = ()) -> list[Rule]:
    """The rules deciding ``where`` and ``Check`` conditions on fixed data, sharing
    one memo of evaluated values (make one list per compilation).

    Example:
        >>> import numpy as np, ppgraph.tensor as pt
        >>> from ppgraph.rewrite.engine import rewrite_fixed_point
        >>> from ppgraph.rewrite.fixed import FIXED, fixed_rules
        >>> y, mu = pt.shared(np.array([0.0, 2.0])), pt.vector("mu")
        >>> y.tag[FIXED] = True
        >>> [out] = rewrite_fixed_point([pt.where(y >= 0, mu - y, -np.inf)], fixed_rules([mu]))
        >>> str(out.owner.op)  # the support condition holds for every row: gone
        'Elemwise{sub}'
    """
    facts = FixedValues(blocked)

    def where_fixed(b: Bindings) -> Variable | None:
        # where(cond, a, b) -> a, when fixed cond is all True
        out = b["_"]
        assert out.owner is not None
        cond, a, _ = out.owner.inputs
        if not facts.all_true(cond):
            return None
        return _as_output(a, out, np.shape(facts.value(cond)))

    def check_fixed(b: Bindings) -> Variable | None:
        # Check{...}(value, c1, c2, ...) -> Check{...}(value, the ci not known all True)
        node = b["_"].owner
        assert node is not None and isinstance(node.op, Check)
        value, *conds = node.inputs
        keep = [not facts.all_true(c) for c in conds]
        if all(keep):
            return None
        if not any(keep):
            return value
        n_main = len(conds) - len(node.op.nan)
        nan = tuple(p for p, k in zip(node.op.nan, keep[n_main:], strict=True) if k)
        op = dataclasses.replace(node.op, nan=nan)
        return op(value, *[c for c, k in zip(conds, keep, strict=True) if k])

    def sum_fixed(b: Bindings) -> Variable | None:
        # sum(x + f) -> sum(x) + c, c = sum(f) computed now, for fixed terms f
        return _sum_fixed_terms(b["_"], facts)

    def cholesky_fixed(b: Bindings) -> Variable | None:
        # cholesky(K) -> L held as fixed data, for K fixed (any size)
        return _held(b["_"], facts)

    def nan_by_sum(b: Bindings) -> Variable | None:
        # Check(v, all(~isnan(r))) -> Check(v, ~isnan(s)), s = sum(square(d - r)) in v
        return _nan_flag_by_sum(b["_"], facts)

    return [
        Rule("where_fixed_true", ("where", ...), where_fixed),
        Rule("check_fixed_true", ("Check", ...), check_fixed),
        Rule("sum_fixed_terms", ("Reduce", ...), sum_fixed),
        Rule("check_nan_by_sum", ("Check", ...), nan_by_sum),
        Rule("cholesky_fixed", ("Cholesky", ...), cholesky_fixed),
    ]


def _held(out: Variable, facts: FixedValues) -> Variable | None:
    """``out`` computed now and held in a shared variable tagged fixed, when its
    inputs are fixed but not all constants (constant folding, under
    ``pg.config.fold_max_size``, decides those)."""
    node = out.owner
    assert node is not None
    if all(isinstance(i, Constant) for i in node.inputs):
        return None
    # decided on the leaves first: no eager evaluation of the fixed parts of a
    # matrix that also depends on parameters (an n x n distance matrix, say)
    leaves = graph_inputs(node.inputs)
    if any(v in facts.blocked or not (isinstance(v, Constant) or is_fixed(v)) for v in leaves):
        return None
    value = facts.value(out)
    if value is _UNKNOWN:
        return None
    t = out.type
    assert isinstance(t, TensorType)
    held = shared(np.asarray(value, dtype=t.dtype), name=out.name or "fixed", static_shape=True)
    held.tag[FIXED] = True
    return held if fits(held, out) else None


def _nan_flag_by_sum(out: Variable, facts: FixedValues) -> Variable | None:
    """A Check's ``all(~isnan(r))`` over rows as one scalar test, when the checked
    value is a sum of terms one of which is ``s = sum(L)``, ``L`` NaN exactly
    where ``r`` is and of one sign elsewhere (``guards.nan_exact_sign``: the
    Normal's ``square(y - r) / s ** 2`` with ``y`` and ``s`` fixed, a logistic
    regression's ``log_sigmoid(where(y == 1, r, -r))``): ``s`` is NaN exactly
    when some element of ``r`` is (no ``inf - inf``), so testing ``s`` is the
    same condition, for free."""
    node = out.owner
    assert node is not None and isinstance(node.op, Check)
    value, *conds = node.inputs

    def known(v: Variable) -> Any:  # constants included: they are fixed
        found = facts.value(v)
        return None if found is _UNKNOWN else found

    sums = []  # the scalar sums among the value's terms (and their factors)
    for term, _ in terms(value):
        for f, _ in factors(term):
            red = f.owner
            if red is None or not isinstance(red.op, Reduce) or red.op.kind != "sum":
                continue
            inner = red.inputs[0].type
            if f.type.ndim == 0 and 0 not in inner.shape:  # type: ignore[attr-defined]
                sums.append(f)  # an empty sum is 0 whatever r is
    if not sums:
        return None
    new = list(conds)
    for i, c in enumerate(conds):
        red = c.owner
        if red is None or not isinstance(red.op, Reduce) or red.op.kind != "all":
            continue
        inv = red.inputs[0].owner
        if inv is None or not isinstance(inv.op, Elemwise) or inv.op.scalar_op != "invert":
            continue
        isnan = inv.inputs[0].owner
        if isnan is None or not isinstance(isnan.op, Elemwise) or isnan.op.scalar_op != "isnan":
            continue
        if c.type.ndim != 0:  # type: ignore[attr-defined]
            continue
        r = isnan.inputs[0]
        for s in sums:
            assert s.owner is not None
            if nan_exact_sign(s.owner.inputs[0], r, known) in (1, -1):
                new[i] = elemwise("invert", elemwise("isnan", s))
                break
    if all(a is b for a, b in zip(new, conds, strict=True)):
        return None
    return node.op(value, *new)


def _sum_fixed_terms(out: Variable, facts: FixedValues) -> Variable | None:
    node = out.owner
    assert node is not None and isinstance(node.op, Reduce)
    op, (x,) = node.op, node.inputs
    t, ot = x.type, out.type
    if op.kind != "sum" or op.keepdims or not isinstance(t, TensorType):
        return None
    assert isinstance(ot, TensorType)
    if (
        t.dtype[:5] != "float"
        or None in ot.shape
        or int(np.prod([s or 0 for s in ot.shape])) > FOLD_MAX_SIZE
    ):
        return None
    axes = tuple(range(t.ndim)) if op.axis is None else op.axis
    fixed: list[tuple[Any, int]] = []
    rest: list[tuple[Variable, int]] = []
    for v, sign in terms(x):
        value: Any = facts.value(v) if not isinstance(v, Constant) else _UNKNOWN
        if value is _UNKNOWN or not spans(v, t.shape, axes) or np.ndim(value) != t.ndim:
            rest.append((v, sign))
        else:
            fixed.append((value, sign))
    if not fixed:
        return None
    const = sum(s * np.sum(np.asarray(v, dtype="float64"), axis=axes) for v, s in fixed)
    c = TensorConstant(TensorType(ot.dtype, np.shape(const)), np.asarray(const, dtype=ot.dtype))
    if not rest:
        return c if fits(c, out) else None
    total, sign = rest[0]
    for v, s in rest[1:]:
        total = elemwise("add" if s == sign else "sub", total, v)
    if not spans(total, t.shape, axes):
        return None
    summed = Reduce("sum", op.axis)(total)
    return elemwise("add" if sign > 0 else "sub", c, summed)


__all__ = ["FIXED", "FixedValues", "fixed_rules", "has_fixed_data", "is_fixed"]
