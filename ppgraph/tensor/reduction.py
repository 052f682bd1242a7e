"""Reductions over axes: sum, prod, max, min, mean, logsumexp, all, any, argmax, argmin."""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import Apply, Op
from ppgraph.tensor.type import TensorType, TensorVariable, as_tensor_variable

REDUCTIONS = ("sum", "prod", "max", "min", "mean", "logsumexp", "all", "any", "argmax", "argmin")
Axis = int | Sequence[int] | None


def normalize_axis(axis: Axis, ndim: int, what: str = "axis") -> tuple[int, ...] | None:
    """Axes as a sorted tuple of non-negative ints (None stays None: all axes)."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= int(a) < builtins.max(ndim, 1) or (ndim == 0 and a not in (0, -1)):
            raise ValueError(f"{what} {a} is out of range for a {ndim}-d tensor")
        out.append(int(a) % builtins.max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"repeated {what} in {axes}")
    return tuple(sorted(out)) if ndim else ()


def _reduce_dtype(kind: str, dtype: str) -> str:
    kind_char = np.dtype(dtype).kind
    if kind in ("all", "any"):
        return "bool"
    if kind in ("argmax", "argmin"):
        return "int64"
    if kind in ("mean", "logsumexp"):
        return dtype if kind_char in "fc" else config.floatX
    if kind in ("sum", "prod") and kind_char in "biu":
        return "uint64" if kind_char == "u" else "int64"
    return dtype


@dataclasses.dataclass(frozen=True)
class Reduce(Op):
    """Reduce ``x`` over ``axis`` (None: all axes) with ``kind`` from REDUCTIONS.

    Printed as the seed's ``All`` or ``Sum{axis=(0,)}``.
    """

    kind: str
    axis: tuple[int, ...] | None = None
    keepdims: bool = False

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        if self.kind not in REDUCTIONS:
            raise ValueError(f"unknown reduction {self.kind!r}; known: {REDUCTIONS}")
        axes = range(x.ndim) if self.axis is None else self.axis
        if builtins.any(a >= x.ndim for a in axes) and x.ndim:
            raise ValueError(f"{self}: axis out of range for {x!r} of type {x.type}")
        if self.kind in ("argmax", "argmin") and self.axis is not None and len(self.axis) > 1:
            raise ValueError(f"{self.kind} takes one axis or None, got {self.axis}")
        if self.kind in ("max", "min", "argmax", "argmin"):
            empty = [a for a in axes if x.type.shape[a] == 0]
            if empty:
                raise ValueError(f"{self.kind} of {x!r} over its empty axis {empty[0]}")
        out_shape = tuple(
            1 if d in axes else s
            for d, s in enumerate(x.type.shape)
            if self.keepdims or d not in axes
        )
        return Apply(self, [x], [TensorType(_reduce_dtype(self.kind, x.dtype), out_shape)])

    def __str__(self) -> str:
        name = self.kind.capitalize() if self.kind != "logsumexp" else "LogSumExp"
        props = []
        if self.axis is not None:
            props.append(f"axis={self.axis}")
        if self.keepdims:
            props.append("keepdims")
        return f"{name}{{{', '.join(props)}}}" if props else name

    __repr__ = __str__


def _reduce(kind: str, x: Any, axis: Axis, keepdims: bool) -> TensorVariable:
    x = as_tensor_variable(x)
    axes = normalize_axis(axis, x.ndim)
    if axes is not None and (len(axes) == x.ndim):
        axes = None  # reducing every axis: print and match as the full reduction
    out = Reduce(kind, axes, keepdims)(x)
    assert isinstance(out, TensorVariable)
    return out


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> TensorVariable:
    """The sum over ``axis`` (all axes by default).

    Example:
        >>> import ppgraph.tensor as pt
        >>> float(pt.sum(pt.constant([1.0, 2.0])).eval())
        3.0
    """
    return _reduce("sum", x, axis, keepdims)


def prod(x: Any, axis: Axis = None, keepdims: bool = False) -> TensorVariable:
    """The product over ``axis``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> float(pt.prod(pt.constant([2.0, 3.0])).eval())
        6.0
    """
    return _reduce("prod", x, axis, keepdims)


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> TensorVariable:
    """The maximum over ``axis``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> float(pt.max(pt.constant([2.0, 3.0])).eval())
        3.0
    """
    return _reduce("max", x, axis, keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> TensorVariable:
    """The minimum over ``axis``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> float(pt.min(pt.constant([2.0, 3.0])).eval())
        2.0
    """
    return _reduce("min", x, axis, keepdims)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> TensorVariable:
    """The arithmetic mean over ``axis``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> float(pt.mean(pt.constant([2.0, 3.0])).eval())
        2.5
    """
    return _reduce("mean", x, axis, keepdims)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> TensorVariable:
    """``log(sum(exp(x)))`` over ``axis``, without overflow.

    Example:
        >>> import ppgraph.tensor as pt
        >>> round(float(pt.logsumexp(pt.constant([1000.0, 1000.0])).eval()) - 1000.0, 6)
        0.693147
    """
    return _reduce("logsumexp", x, axis, keepdims)


def all(x: Any, axis: Axis = None, keepdims: bool = False) -> TensorVariable:
    """True where every element over ``axis`` is true.

    Example:
        >>> import ppgraph.tensor as pt
        >>> bool(pt.all(pt.constant([True, False])).eval())
        False
    """
    return _reduce("all", x, axis, keepdims)


def any(x: Any, axis: Axis = None, keepdims: bool = False) -> TensorVariable:
    """True where some element over ``axis`` is true.

    Example:
        >>> import ppgraph.tensor as pt
        >>> bool(pt.any(pt.constant([True, False])).eval())
        True
    """
    return _reduce("any", x, axis, keepdims)


def argmax(x: Any, axis: int | None = None) -> TensorVariable:
    """The index of the maximum (over the flattened array when ``axis`` is None).

    Example:
        >>> import ppgraph.tensor as pt
        >>> int(pt.argmax(pt.constant([2.0, 3.0])).eval())
        1
    """
    return _reduce("argmax", x, axis, False)


def argmin(x: Any, axis: int | None = None) -> TensorVariable:
    """The index of the minimum.

    Example:
        >>> import ppgraph.tensor as pt
        >>> int(pt.argmin(pt.constant([2.0, 3.0])).eval())
        0
    """
    return _reduce("argmin", x, axis, False)


def var(x: Any, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> TensorVariable:
    """The variance over ``axis`` with ``ddof`` degrees of freedom removed.

    Example:
        >>> import ppgraph.tensor as pt
        >>> float(pt.var(pt.constant([1.0, 3.0])).eval())
        1.0
    """
    x = as_tensor_variable(x)
    centered = x - mean(x, axis=axis, keepdims=True)
    squares = sum(centered * centered, axis=axis, keepdims=keepdims)
    return squares / _count(x, axis, ddof, squares.dtype)


def _count(x: TensorVariable, axis: Axis, ddof: int, dtype: str) -> Any:
    """The number of elements reduced over ``axis``, less ``ddof``: a Python int
    when the sizes are static, else a graph of ``dtype`` (so that dividing by it
    keeps a float32 sum float32)."""
    from ppgraph.tensor.elemwise import cast
    from ppgraph.tensor.shape import shape

    axes = normalize_axis(axis, x.ndim)
    static = 1
    dynamic: list[Any] = []
    for a in range(x.ndim) if axes is None else axes:
        size = x.type.shape[a]
        if size is None:
            dynamic.append(shape(x)[a])
        else:
            static *= size
    if not dynamic:
        return static - ddof
    count = dynamic[0]
    for d in dynamic[1:]:
        count = count * d
    return cast(count * static - ddof, dtype)


def std(x: Any, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> TensorVariable:
    """The standard deviation over ``axis``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> float(pt.std(pt.constant([1.0, 3.0])).eval())
        1.0
    """
    from ppgraph.tensor.math import sqrt

    return sqrt(var(x, axis=axis, keepdims=keepdims, ddof=ddof))
