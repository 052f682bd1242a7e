r"""PyMC's zero-sum transform (ZeroSumNormal's default): arrays that sum to zero
along each of the last ``k`` axes, from unconstrained arrays one entry shorter
along each of them (the value variable ``{name}_zerosum__``).

Along one axis of final length :math:`n`, ``backward`` takes
:math:`y \in \mathbb{R}^{n-1}` with sum :math:`s` to

.. math:: x = (y_1, \dots, y_{n-1}, c - s/\sqrt{n}) - c, \qquad c = \frac{s}{n + \sqrt{n}},

a Householder reflection of :math:`(y, 0)`: it maps :math:`\mathbb{R}^{n-1}`
isometrically onto the zero-sum hyperplane, so :math:`\log|J| = 0` (against the
hyperplane's own Lebesgue measure, the one ZeroSumNormal's density uses).
``forward`` inverts it: :math:`s = -\sqrt{n}\,x_n`, :math:`y_i = x_i + c`.

Example:
    >>> import ppgraph.tensor as pt
    >>> from ppgraph.logprob.transforms_zerosum import ZeroSumTransform
    >>> y = pt.tensor("float64", shape=(2,), name="y")
    >>> x = ZeroSumTransform((-1,)).backward(y)
    >>> round(float(x.sum().eval({y: [1.0, 2.0]})), 12)
    0.0
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from ppgraph.logprob.transforms import Transform, register_transform
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import concatenate, zeros
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

__all__ = ["ZeroSumTransform", "zerosum"]


def _index(axis: int, part: slice) -> tuple[Any, ...]:
    """``x[..., part, :, ..., :]`` with ``part`` on the negative ``axis``."""
    return (Ellipsis, part, *([slice(None)] * (-axis - 1)))


def _size(x: TensorVariable, axis: int) -> int:
    size = x.type.shape[axis]
    if size is None:
        raise ValueError(
            f"the zerosum transform needs a static size along axis {axis} of {x!r} "
            f"({x.type}); give the variable a shape or dims"
        )
    return int(size)


def extend_axis(y: Any, axis: int) -> TensorVariable:
    """Unconstrained (length n - 1 along ``axis``) -> zero-sum (length n)."""
    y = as_tensor_variable(y)
    rt = np.sqrt(_size(y, axis) + 1.0)
    s = sum_(y, axis=axis, keepdims=True)
    c = s / (rt * rt + rt)
    return concatenate([y, c - s / rt], axis=axis) - c


def extend_axis_rev(x: Any, axis: int) -> TensorVariable:
    """Zero-sum (length n along ``axis``) -> unconstrained (length n - 1)."""
    x = as_tensor_variable(x)
    rt = np.sqrt(float(_size(x, axis)))
    s = -rt * x[_index(axis, slice(-1, None))]
    return x[_index(axis, slice(None, -1))] + s / (rt * rt + rt)


@dataclasses.dataclass(frozen=True)
class ZeroSumTransform(Transform):
    """Zero sums along ``zerosum_axes`` (negative axes, PyMC's argument).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms_zerosum import ZeroSumTransform
        >>> x = pt.tensor("float64", shape=(3,), name="x")
        >>> ZeroSumTransform((-1,)).forward(x).type
        TensorType(float64, shape=(2,))
    """

    name: ClassVar[str] = "zerosum"

    zerosum_axes: tuple[int, ...] = (-1,)

    def __post_init__(self) -> None:
        axes = tuple(int(a) for a in self.zerosum_axes)
        if not axes or any(a >= 0 for a in axes):
            raise ValueError(f"ZeroSumTransform: zerosum_axes must be negative axes, got {axes}")
        object.__setattr__(self, "zerosum_axes", axes)

    @property
    def ndim_supp(self) -> int:  # type: ignore[override]
        return -min(self.zerosum_axes)

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        out = as_tensor_variable(value)
        for axis in self.zerosum_axes:
            out = extend_axis_rev(out, axis)
        return out

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        out = as_tensor_variable(value)
        for axis in self.zerosum_axes:
            out = extend_axis(out, axis)
        return out

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        value = as_tensor_variable(value)
        batch = value.type.shape[: value.ndim - self.ndim_supp]
        if None in batch:
            return sum_(value * 0.0, axis=tuple(range(-self.ndim_supp, 0)))
        return zeros(tuple(int(s) for s in batch), dtype=value.dtype)


zerosum = ZeroSumTransform((-1,))
register_transform("zerosum", lambda distribution: zerosum)
