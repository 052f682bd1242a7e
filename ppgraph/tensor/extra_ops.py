"""PyTensor's ``pytensor.tensor.extra_ops``: cumulative sums and products, ``diff``,
``repeat``, ``squeeze``, ``bincount`` and friends.

Usable as ``pt.extra_ops.cumsum`` (as PyTensor users import them) and as
``pt.cumsum``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from ppgraph.graph.basic import Apply, Op
from ppgraph.tensor.construct import static_count
from ppgraph.tensor.reduction import normalize_axis
from ppgraph.tensor.shape import broadcast_to, squeeze
from ppgraph.tensor.type import TensorType, TensorVariable, as_tensor_variable

__all__ = [
    "CumOp",
    "Repeat",
    "SearchSorted",
    "Sort",
    "Tile",
    "argsort",
    "broadcast_to",
    "cumprod",
    "cumsum",
    "diff",
    "repeat",
    "searchsorted",
    "sort",
    "squeeze",
    "tile",
]


def _accumulate_dtype(dtype: str) -> str:
    """NumPy's: bools and small ints accumulate in the platform int (int64)."""
    kind = np.dtype(dtype).kind
    if kind == "b" or (kind == "i" and np.dtype(dtype).itemsize < 8):
        return "int64"
    if kind == "u" and np.dtype(dtype).itemsize < 8:
        return "uint64"
    return dtype


@dataclasses.dataclass(frozen=True)
class CumOp(Op):
    """The running sum (``mode="add"``) or product (``"mul"``) along ``axis``; with
    ``axis=None`` along the flattened input (NumPy's and PyTensor's meaning).
    Printed ``CumOp{axis, mode}`` as PyTensor prints it."""

    axis: int | None = None
    mode: str = "add"

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        if self.mode not in ("add", "mul"):
            raise ValueError(f"CumOp: mode must be 'add' or 'mul', got {self.mode!r}")
        if self.axis is None:
            shape: tuple[int | None, ...] = (_flat_size(x.type.shape),)
        else:
            shape = x.type.shape
        return Apply(self, [x], [TensorType(_accumulate_dtype(x.dtype), shape)])


def _cum(x: Any, axis: int | None, mode: str) -> TensorVariable:
    x = as_tensor_variable(x)
    if axis is not None:
        if x.ndim == 0:
            raise ValueError(
                f"cum{'sum' if mode == 'add' else 'prod'}: axis={axis} given for "
                f"the 0-d {x!r}; use axis=None"
            )
        (axis,) = normalize_axis(axis, x.ndim) or (0,)
    out = CumOp(axis, mode)(x)
    assert isinstance(out, TensorVariable)
    return out


def cumsum(x: Any, axis: int | None = None) -> TensorVariable:
    """The cumulative sum along ``axis`` (of the flattened ``x`` when None).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.cumsum(pt.constant([[1.0, 2.0], [3.0, 4.0]]), axis=0).eval()
        array([[1., 2.],
               [4., 6.]])
    """
    return _cum(x, axis, "add")


def cumprod(x: Any, axis: int | None = None) -> TensorVariable:
    """The cumulative product along ``axis`` (of the flattened ``x`` when None).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.cumprod(pt.constant([1.0, 2.0, 3.0])).eval()
        array([1., 2., 6.])
    """
    return _cum(x, axis, "mul")


def _along(ndim: int, axis: int, item: slice) -> tuple[slice, ...]:
    return (slice(None),) * axis + (item,) + (slice(None),) * (ndim - axis - 1)


def diff(x: Any, n: int = 1, axis: int = -1) -> TensorVariable:
    """The ``n``-th discrete difference along ``axis``: ``x[1:] - x[:-1]``, ``n``
    times (NumPy's ``diff``; for booleans, ``x[1:] != x[:-1]``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.diff(pt.constant([1.0, 4.0, 9.0, 16.0])).eval()
        array([3., 5., 7.])
        >>> pt.diff(pt.constant([1.0, 4.0, 9.0, 16.0]), n=2).eval()
        array([2., 2.])
    """
    from ppgraph.tensor.math import neq

    x = as_tensor_variable(x)
    if x.ndim == 0:
        raise ValueError(f"diff needs at least one dimension, got the 0-d {x!r}")
    if int(n) != n or n < 0:
        raise ValueError(f"diff: n must be a non-negative int, got {n!r}")
    (ax,) = normalize_axis(axis, x.ndim) or (0,)
    for _ in range(int(n)):
        hi, lo = x[_along(x.ndim, ax, slice(1, None))], x[_along(x.ndim, ax, slice(None, -1))]
        x = neq(hi, lo) if x.dtype == "bool" else hi - lo
    return x


def _flat_size(shape: tuple[int | None, ...]) -> int | None:
    sizes = [s for s in shape if s is not None]
    return math.prod(sizes) if len(sizes) == len(shape) else None


def _one_axis(axis: int | None, x: TensorVariable, fn: str) -> int | None:
    if axis is None:
        return None
    if x.ndim == 0:
        raise ValueError(f"{fn}: axis={axis} given for the 0-d {x!r}; use axis=None")
    (ax,) = normalize_axis(axis, x.ndim) or (0,)
    return ax


@dataclasses.dataclass(frozen=True)
class Repeat(Op):
    """Each element repeated ``repeats`` times (one count, or one per element)
    along ``axis`` (the flattened input when None). The counts are static: they
    set the output's length."""

    repeats: int | tuple[int, ...]
    axis: int | None = None

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        shape = list(x.type.shape) if self.axis is not None else [_flat_size(x.type.shape)]
        ax = self.axis or 0
        n = shape[ax]
        if isinstance(self.repeats, tuple):
            if n is not None and len(self.repeats) != n:
                raise ValueError(
                    f"repeat: {len(self.repeats)} counts for an axis of length {n} of {x!r}"
                )
            shape[ax] = sum(self.repeats)
        else:
            shape[ax] = None if n is None else n * self.repeats
        return Apply(self, [x], [TensorType(x.dtype, tuple(shape))])


def repeat(x: Any, repeats: Any, axis: int | None = None) -> TensorVariable:
    """NumPy's ``repeat``: each element ``repeats`` times along ``axis`` (of the
    flattened ``x`` when None). ``repeats`` is an int or one int per element,
    known when the graph is built (it sets the output's length).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.repeat(pt.constant([1.0, 2.0]), 2).eval()
        array([1., 1., 2., 2.])
        >>> pt.repeat(pt.constant([1.0, 2.0]), [1, 3]).eval()
        array([1., 2., 2., 2.])
    """
    x = as_tensor_variable(x)
    ax = _one_axis(axis, x, "repeat")
    reps = np.asarray(repeats.data if hasattr(repeats, "data") else repeats)
    if reps.ndim == 0:
        count: int | tuple[int, ...] = static_count(repeats, "repeats", "repeat")
    elif reps.ndim == 1 and reps.dtype.kind in "iu":
        count = tuple(int(r) for r in reps)
    else:
        raise TypeError(f"repeat: repeats must be an int or a 1-d list of ints, got {repeats!r}")
    if min(np.atleast_1d(reps)) < 0:
        raise ValueError(f"repeat: repeats must be >= 0, got {repeats!r}")
    out = Repeat(count, ax)(x)
    assert isinstance(out, TensorVariable)
    return out


@dataclasses.dataclass(frozen=True)
class Tile(Op):
    """``x`` repeated ``reps`` times along each axis (NumPy's ``tile``)."""

    reps: tuple[int, ...]

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        ndim = max(x.ndim, len(self.reps))
        shape = (1,) * (ndim - x.ndim) + x.type.shape
        reps = (1,) * (ndim - len(self.reps)) + self.reps
        out = tuple(None if s is None else s * r for s, r in zip(shape, reps, strict=True))
        return Apply(self, [x], [TensorType(x.dtype, out)])


def tile(x: Any, reps: Any) -> TensorVariable:
    """``x`` repeated ``reps`` times along each axis; ``reps`` are static ints.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.tile(pt.constant([1.0, 2.0]), 2).eval()
        array([1., 2., 1., 2.])
    """
    seq = reps if isinstance(reps, list | tuple) else [reps]
    counts = tuple(static_count(r, "reps", "tile") for r in seq)
    if any(r < 0 for r in counts):
        raise ValueError(f"tile: reps must be >= 0, got {reps!r}")
    out = Tile(counts)(x)
    assert isinstance(out, TensorVariable)
    return out


@dataclasses.dataclass(frozen=True)
class Sort(Op):
    """Sorted values (or, with ``arg``, the indices that sort) along ``axis``;
    the flattened input when None."""

    axis: int | None = -1
    arg: bool = False

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        shape = x.type.shape if self.axis is not None else (_flat_size(x.type.shape),)
        return Apply(self, [x], [TensorType("int64" if self.arg else x.dtype, shape)])


def _sort(a: Any, axis: int | None, arg: bool) -> TensorVariable:
    a = as_tensor_variable(a)
    out = Sort(_one_axis(axis, a, "argsort" if arg else "sort"), arg)(a)
    assert isinstance(out, TensorVariable)
    return out


def sort(a: Any, axis: int | None = -1) -> TensorVariable:
    """``a`` sorted along ``axis`` (the flattened ``a`` when None), NaNs last.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.sort(pt.constant([3.0, 1.0, 2.0])).eval()
        array([1., 2., 3.])
    """
    return _sort(a, axis, False)


def argsort(a: Any, axis: int | None = -1) -> TensorVariable:
    """The int64 indices that sort ``a`` along ``axis`` (stable).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.argsort(pt.constant([3.0, 1.0, 2.0])).eval()
        array([1, 2, 0])
    """
    return _sort(a, axis, True)


@dataclasses.dataclass(frozen=True)
class SearchSorted(Op):
    """The indices where ``v`` would be inserted into the sorted vector ``x``."""

    side: str = "left"

    def make_node(self, x: Any, v: Any) -> Apply:
        x, v = as_tensor_variable(x), as_tensor_variable(v)
        if x.ndim != 1:
            raise ValueError(f"searchsorted: x must be a sorted vector, got {x!r} of type {x.type}")
        return Apply(self, [x, v], [TensorType("int64", v.type.shape)])


def searchsorted(x: Any, v: Any, side: str = "left") -> TensorVariable:
    """The int64 indices at which inserting ``v`` keeps the sorted vector ``x``
    sorted (NumPy's ``searchsorted``; ``side`` "left" or "right").

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.extra_ops.searchsorted(pt.constant([1.0, 2.0, 3.0]), [2.0, 2.5]).eval()
        array([1, 2])
    """
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    out = SearchSorted(side)(x, v)
    assert isinstance(out, TensorVariable)
    return out
