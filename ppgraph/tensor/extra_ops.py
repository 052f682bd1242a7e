"""PyTensor's ``pytensor.tensor.extra_ops``: cumulative sums and products, ``diff``,
``repeat``, ``squeeze``, ``bincount`` and friends.

Usable as ``pt.extra_ops.cumsum`` (as PyTensor users import them) and as
``pt.cumsum``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ppgraph.graph.basic import Apply, Op
from ppgraph.tensor.reduction import normalize_axis
from ppgraph.tensor.type import TensorType, TensorVariable, as_tensor_variable

__all__ = ["CumOp", "cumprod", "cumsum", "diff"]


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
            size = int(np.prod(x.type.shape)) if None not in x.type.shape else None
            shape: tuple[int | None, ...] = (size,)
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
