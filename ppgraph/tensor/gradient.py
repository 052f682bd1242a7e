"""``grad`` and ``hessian``: derivatives as nodes that hold the graph they differentiate.

A ``Grad`` (or ``Hessian``) node keeps the scalar ``cost`` graph and the
variables it is a function of (``inputs``: first the ``wrt`` variables, then
every other free input and shared variable, so data still enters compiled
functions as arguments). The node's own inputs are those variables, so
``eval``/``function`` givens and ``clone_replace`` work on it like on any node.

Why an op and not symbolic differentiation in the IR: the JAX backend lowers
the held graph once and applies ``jax.grad`` / ``jax.hessian`` to it, which is
exact, covers every op the backend can lower (no per-op gradient table to keep
in step), and is what a hand-written JAX model would do; XLA then optimizes
the derivative. The held graph is rewritten (stabilized) when it is lowered.

The held graph's ``Check`` nodes are copied around the derivative, in the
outer graph (``carry_checks``), so a derivative at invalid parameters fails
as the value does, in whatever check mode the function is compiled with.

Example:
    >>> import ppgraph.tensor as pt
    >>> from ppgraph.tensor.gradient import grad
    >>> x = pt.vector("x")
    >>> g = grad(pt.sum(x ** 2), x)
    >>> g.eval({x: [1.0, 2.0]})
    array([2., 4.])
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from ppgraph.graph.basic import Apply, Constant, Op, Variable
from ppgraph.graph.traversal import graph_inputs, toposort
from ppgraph.tensor.check import Check
from ppgraph.tensor.type import TensorType, TensorVariable, as_tensor_variable

__all__ = ["Grad", "Hessian", "carry_checks", "grad", "hessian"]


@dataclasses.dataclass(frozen=True)
class _Derivative(Op):
    """Shared by Grad and Hessian: a held scalar graph and what it depends on."""

    cost: Variable
    inputs: tuple[Variable, ...]
    n_wrt: int

    def check_inputs(self, args: Sequence[Any]) -> list[Variable]:
        if len(args) != len(self.inputs):
            raise TypeError(f"{self}: expected {len(self.inputs)} inputs, got {len(args)}")
        out: list[Variable] = []
        for inner, arg in zip(self.inputs, args, strict=True):
            v = arg if isinstance(arg, Variable) else as_tensor_variable(arg)
            if not (inner.type.is_super(v.type) or v.type.is_super(inner.type)):
                raise TypeError(
                    f"{self}: input for {inner!r} must have type {inner.type}, got {v.type}"
                )
            out.append(v)
        return out

    def props_str(self) -> str:
        return "wrt=[" + ", ".join(repr(v) for v in self.inputs[: self.n_wrt]) + "]"

    @property
    def wrt(self) -> tuple[Variable, ...]:
        return self.inputs[: self.n_wrt]


@dataclasses.dataclass(frozen=True)
class Grad(_Derivative):
    """The gradient of ``cost`` with respect to ``inputs[:n_wrt]``: one output per
    variable, of its type; or with ``flat``, one vector of them all flattened and
    concatenated in order (what samplers and optimizers take)."""

    flat: bool = False

    default_output: ClassVar[int | None] = None

    def make_node(self, *args: Any) -> Apply:
        vs = self.check_inputs(args)
        if self.flat:
            return Apply(self, vs, [TensorType(_float_dtype(self.wrt), (_flat_size(self.wrt),))])
        return Apply(self, vs, [v.type for v in self.wrt])


def _flat_size(wrt: Sequence[Variable]) -> int | None:
    sizes = [_size(v.type.shape) if isinstance(v.type, TensorType) else None for v in wrt]
    return None if None in sizes else sum(s for s in sizes if s is not None)


def _size(shape: tuple[int | None, ...]) -> int | None:
    dims = [s for s in shape if s is not None]
    return math.prod(dims) if len(dims) == len(shape) else None


@dataclasses.dataclass(frozen=True)
class Hessian(_Derivative):
    """The Hessian of ``cost`` with respect to ``inputs[:n_wrt]``, flattened and
    concatenated in that order: one ``(n, n)`` matrix."""

    def make_node(self, *args: Any) -> Apply:
        vs = self.check_inputs(args)
        n = _flat_size(self.wrt)
        return Apply(self, vs, [TensorType(_float_dtype(self.wrt), (n, n))])


def _float_dtype(wrt: Sequence[Variable]) -> str:
    dtypes = [v.type.dtype for v in wrt if isinstance(v.type, TensorType)]
    return str(np.result_type(*dtypes)) if dtypes else "float64"


def _prepare(cost: Any, wrt: Variable | Sequence[Variable]) -> tuple[Variable, list[Variable]]:
    cost = as_tensor_variable(cost)
    if cost.ndim != 0:
        raise ValueError(f"grad: the cost must be a scalar, got {cost!r} of type {cost.type}")
    ws = [wrt] if isinstance(wrt, Variable) else list(wrt)
    if not ws:
        raise ValueError("grad: wrt is empty")
    for w in ws:
        if not isinstance(w, TensorVariable) or isinstance(w, Constant):
            raise TypeError(f"grad: wrt must be tensor variables (not constants), got {w!r}")
        if not w.dtype.startswith("float"):
            raise TypeError(f"grad: {w!r} has dtype {w.dtype}; only float variables have one")
    if len(set(ws)) != len(ws):
        raise ValueError(f"grad: a variable is given twice in wrt {ws}")
    return cost, ws


def _held_inputs(cost: Variable, ws: list[Variable]) -> tuple[Variable, ...]:
    others = [
        v for v in graph_inputs([cost], blockers=ws) if v not in ws and not isinstance(v, Constant)
    ]
    return (*ws, *others)


def carry_checks(value: Any, cost: Variable) -> TensorVariable:
    """``value`` guarded by copies of every ``Check`` in ``cost``'s graph.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.tensor.gradient import carry_checks
        >>> s = pt.scalar("s")
        >>> out = carry_checks(s * 2.0, pt.check(s, s > 0, msg="s > 0"))
        >>> str(out.owner.op)
        'Check{s > 0}'
    """
    out = as_tensor_variable(value)
    for node in toposort([cost]):
        if isinstance(node.op, Check):
            out = node.op.make_node(out, *node.inputs[1:]).outputs[0]  # type: ignore[assignment]
    return out


def grad(
    cost: Any, wrt: Variable | Sequence[Variable], checks: bool = True, flat: bool = False
) -> Any:
    """The gradient of a scalar ``cost``: a variable for one ``wrt``, a list for a
    list, or with ``flat`` one vector of them all, flattened and concatenated.

    ``wrt`` may be inputs or intermediate variables of the graph (the graph is
    then differentiated with respect to them as if they were inputs). With
    ``checks`` the cost's Checks guard each gradient (see ``carry_checks``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> a, b = pt.scalar("a"), pt.scalar("b")
        >>> from ppgraph.tensor.gradient import grad
        >>> ga, gb = grad(a * b + pt.exp(b), [a, b])
        >>> float(ga.eval({a: 2.0, b: 0.0})), float(gb.eval({a: 2.0, b: 0.0}))
        (0.0, 3.0)
    """
    cost, ws = _prepare(cost, wrt)
    inputs = _held_inputs(cost, ws)
    outs = Grad(cost, inputs, len(ws), flat)(*inputs)
    if checks:
        outs = [carry_checks(o, cost) for o in outs]
    return outs[0] if flat or isinstance(wrt, Variable) else list(outs)


def hessian(cost: Any, wrt: Variable | Sequence[Variable], checks: bool = True) -> TensorVariable:
    """The Hessian of a scalar ``cost`` as one ``(n, n)`` matrix over the
    flattened ``wrt`` variables, concatenated in order.

    Example:
        >>> import ppgraph.tensor as pt
        >>> x = pt.vector("x")
        >>> from ppgraph.tensor.gradient import hessian
        >>> hessian(pt.sum(x ** 3), x).eval({x: [1.0, 2.0]})
        array([[ 6.,  0.],
               [ 0., 12.]])
    """
    cost, ws = _prepare(cost, wrt)
    inputs = _held_inputs(cost, ws)
    out = Hessian(cost, inputs, len(ws))(*inputs)
    assert isinstance(out, TensorVariable)
    return carry_checks(out, cost) if checks else out
