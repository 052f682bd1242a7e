"""Arrays built from others: ``eye``, ``diag``/``diagonal``, ``tril``/``triu``, and
the ``*_like`` fills.

Matrix functions act on the last two axes and batch over leading ones (NumPy's
``tril`` convention), except ``diagonal``, which takes ``axis1``/``axis2``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import Apply, Op, Variable
from ppgraph.tensor.reduction import normalize_axis
from ppgraph.tensor.type import TensorType, TensorVariable, as_tensor_variable, constant

__all__ = [
    "AllocDiag",
    "Diagonal",
    "Tri",
    "diag",
    "diagonal",
    "eye",
    "full_like",
    "ones_like",
    "static_count",
    "tril",
    "triu",
    "zeros_like",
]


def static_count(value: Any, what: str, fn: str) -> int:
    """``value`` as a Python int known when the graph is built: XLA compiles for
    static shapes, so a size argument cannot be a symbolic variable."""
    from ppgraph.tensor.shape import static_int

    if isinstance(value, Variable):
        known = static_int(value)
        if known is None:
            raise TypeError(
                f"{fn}: {what} is the symbolic variable {value!r}; it sets a shape, "
                "which XLA needs when the graph is built: give a Python int"
            )
        return known
    if isinstance(value, bool) or int(value) != value:
        raise TypeError(f"{fn}: {what} must be an int, got {value!r}")
    return int(value)


def _diag_len(n: int | None, m: int | None, k: int) -> int | None:
    if n is None or m is None:
        return None
    return max(0, min(n, m - k) if k >= 0 else min(n + k, m))


@dataclasses.dataclass(frozen=True)
class Diagonal(Op):
    """The ``offset`` diagonal of ``x`` over ``axis1``/``axis2``, appended as its last axis."""

    offset: int = 0
    axis1: int = 0
    axis2: int = 1

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        s = x.type.shape
        rest = tuple(d for i, d in enumerate(s) if i not in (self.axis1, self.axis2))
        n = _diag_len(s[self.axis1], s[self.axis2], self.offset)
        return Apply(self, [x], [TensorType(x.dtype, (*rest, n))])


@dataclasses.dataclass(frozen=True)
class AllocDiag(Op):
    """A (batch of) square matrix with the last axis of ``x`` on its ``offset`` diagonal."""

    offset: int = 0

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        n = x.type.shape[-1]
        size = None if n is None else n + abs(self.offset)
        return Apply(self, [x], [TensorType(x.dtype, (*x.type.shape[:-1], size, size))])


@dataclasses.dataclass(frozen=True)
class Tri(Op):
    """``x`` with the entries above (``lower``) or below the ``k``-th diagonal zeroed."""

    k: int = 0
    lower: bool = True

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type])

    def props_str(self) -> str:
        return f"{'lower' if self.lower else 'upper'}, k={self.k}"


def _apply(op: Op, x: Any) -> TensorVariable:
    out = op(x)
    assert isinstance(out, TensorVariable)
    return out


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> TensorVariable:
    """The ``offset`` diagonal over ``axis1`` and ``axis2`` (NumPy's ``diagonal``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.diagonal(pt.constant([[1.0, 2.0], [3.0, 4.0]])).eval()
        array([1., 4.])
    """
    a = as_tensor_variable(a)
    if a.ndim < 2:
        raise ValueError(f"diagonal needs at least 2 dimensions, got {a!r} of type {a.type}")
    axes = normalize_axis(axis1, a.ndim, "axis1"), normalize_axis(axis2, a.ndim, "axis2")
    (ax1,), (ax2,) = axes[0] or (0,), axes[1] or (1,)
    if ax1 == ax2:
        raise ValueError(f"diagonal: axis1 and axis2 are both {ax1}")
    return _apply(Diagonal(static_count(offset, "offset", "diagonal"), ax1, ax2), a)


def diag(v: Any, k: int = 0) -> TensorVariable:
    """A vector gives the square matrix with ``v`` on its ``k``-th diagonal; a
    matrix gives its ``k``-th diagonal (NumPy's ``diag``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.diag(pt.constant([1.0, 2.0])).eval()
        array([[1., 0.],
               [0., 2.]])
    """
    v = as_tensor_variable(v)
    k = static_count(k, "k", "diag")
    if v.ndim == 1:
        return _apply(AllocDiag(k), v)
    if v.ndim == 2:
        return diagonal(v, k)
    raise ValueError(f"diag takes a vector or a matrix, got {v!r} of type {v.type}")


def _tri(m: Any, k: int, lower: bool) -> TensorVariable:
    m = as_tensor_variable(m)
    fn = "tril" if lower else "triu"
    if m.ndim < 2:
        raise ValueError(f"{fn} needs a matrix (or a batch of them), got {m!r} of type {m.type}")
    return _apply(Tri(static_count(k, "k", fn), lower), m)


def tril(m: Any, k: int = 0) -> TensorVariable:
    """``m`` with the entries above its ``k``-th diagonal zeroed.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.tril(pt.constant([[1.0, 2.0], [3.0, 4.0]])).eval()
        array([[1., 0.],
               [3., 4.]])
    """
    return _tri(m, k, True)


def triu(m: Any, k: int = 0) -> TensorVariable:
    """``m`` with the entries below its ``k``-th diagonal zeroed.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.triu(pt.constant([[1.0, 2.0], [3.0, 4.0]])).eval()
        array([[1., 2.],
               [0., 4.]])
    """
    return _tri(m, k, False)


def eye(n: Any, m: Any = None, k: int = 0, dtype: str | None = None) -> TensorVariable:
    """The ``n`` x ``m`` matrix with ones on its ``k``-th diagonal (a constant:
    its sizes must be known when the graph is built).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.eye(2).eval()
        array([[1., 0.],
               [0., 1.]])
    """
    rows = static_count(n, "n", "eye")
    cols = rows if m is None else static_count(m, "m", "eye")
    diag_k = static_count(k, "k", "eye")
    return constant(np.eye(rows, cols, diag_k, dtype=dtype or config.floatX))


def full_like(x: Any, fill_value: Any, dtype: str | None = None) -> TensorVariable:
    """An array of ``x``'s shape filled with ``fill_value`` (``x``'s dtype by default).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.full_like(pt.constant([1.0, 2.0]), 7.0).eval()
        array([7., 7.])
    """
    from ppgraph.tensor.shape import full, shape

    x = as_tensor_variable(x)
    return full(shape(x) if x.ndim else (), fill_value, dtype or x.dtype)


def zeros_like(x: Any, dtype: str | None = None) -> TensorVariable:
    """Zeros of ``x``'s shape and (by default) dtype.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.zeros_like(pt.constant([1.0, 2.0])).eval()
        array([0., 0.])
    """
    return full_like(x, 0, dtype)


def ones_like(x: Any, dtype: str | None = None) -> TensorVariable:
    """Ones of ``x``'s shape and (by default) dtype.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.ones_like(pt.constant([1.0, 2.0])).eval()
        array([1., 1.])
    """
    return full_like(x, 1, dtype)
