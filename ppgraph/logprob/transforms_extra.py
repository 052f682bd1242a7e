r"""PyMC's remaining transforms: ``sum_to_1``, ``log_exp_m1`` and ``ZeroSumTransform``.

``ZeroSumTransform(zerosum_axes)`` is the default transform of
``ZeroSumNormal``: along each axis in ``zerosum_axes`` a value of size
:math:`n` that sums to zero is stored as :math:`n - 1` free numbers. The map
back is an isometry onto the zero-sum subspace (a Householder-like reflection:
with :math:`s = \sum_i y_i` and :math:`c = \sqrt n`,
:math:`x_i = y_i - s / (n + c)` for :math:`i < n` and :math:`x_n = -s / c`), so
its log-Jacobian, measured on that subspace, is zero. Value variables are named
``{name}_zerosum__`` as in PyMC.

Example:
    >>> import ppgraph.tensor as pt
    >>> from ppgraph.logprob.transforms_extra import ZeroSumTransform
    >>> y = pt.tensor("float64", shape=(2,), name="y")
    >>> x = ZeroSumTransform((-1,)).backward(y).eval({y: [1.0, 2.0]})
    >>> x.shape, bool(abs(x.sum()) < 1e-12)
    ((3,), True)
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from ppgraph.logprob.transforms import Transform, register_transform
from ppgraph.tensor import math as m
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import concatenate
from ppgraph.tensor.type import TensorVariable, as_tensor_variable, constant

__all__ = ["LogExpM1", "SumTo1", "ZeroSumTransform", "log_exp_m1", "sum_to_1"]


@dataclasses.dataclass(frozen=True)
class SumTo1(Transform):
    r"""Vectors summing to one, stored without their last entry:
    :math:`y = x_{:K-1}`, :math:`x = (y, 1 - \sum y)`; :math:`\log|J| = 0`.
    Unlike ``simplex`` it does not keep the entries positive.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms_extra import sum_to_1
        >>> y = pt.vector("y")
        >>> sum_to_1.backward(y).eval({y: [0.2, 0.3]})
        array([0.2, 0.3, 0.5])
    """

    name: ClassVar[str] = "sumto1"
    ndim_supp: ClassVar[int] = 1

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        return as_tensor_variable(value)[..., :-1]

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        y = as_tensor_variable(value)
        return concatenate([y, 1.0 - sum_(y, axis=-1, keepdims=True)], axis=-1)

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        return sum_(m.mul(value, 0.0), axis=-1)


@dataclasses.dataclass(frozen=True)
class LogExpM1(Transform):
    r"""Positive reals through the softplus: :math:`x = \log(1 + e^y)`,
    :math:`y = \log(e^x - 1)`; :math:`\log|J| = \log\sigma(y) = -\operatorname{softplus}(-y)`.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms_extra import log_exp_m1
        >>> y = pt.scalar("y")
        >>> round(float(log_exp_m1.backward(y).eval({y: 0.0})), 6)
        0.693147
    """

    name: ClassVar[str] = "log_exp_m1"

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        return m.log(m.expm1(value))

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        return m.softplus(value)

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        return m.log_sigmoid(value)


def _axis_index(axis: int, index: slice) -> tuple[slice, ...]:
    return (*(slice(None),) * axis, index)


@dataclasses.dataclass(frozen=True)
class ZeroSumTransform(Transform):
    """Zero sums along ``zerosum_axes`` (negative axes, as PyMC's ``n_zerosum_axes``
    gives them): the value has one entry less along each. The axes must have
    static sizes.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms_extra import ZeroSumTransform
        >>> t = ZeroSumTransform([-1])
        >>> x = pt.tensor("float64", shape=(3,), name="x")
        >>> t.forward(x).eval({x: [1.0, -3.0, 2.0]}).shape
        (2,)
    """

    name: ClassVar[str] = "zerosum"

    zerosum_axes: tuple[int, ...] = (-1,)

    def __post_init__(self) -> None:
        axes = tuple(int(a) for a in np.atleast_1d(np.asarray(self.zerosum_axes)))
        if not axes or any(a >= 0 for a in axes):
            raise ValueError(
                f"ZeroSumTransform: zerosum_axes are negative axes (-1, -2, ...), got "
                f"{self.zerosum_axes!r}"
            )
        object.__setattr__(self, "zerosum_axes", axes)

    @property
    def ndim_supp(self) -> int:  # type: ignore[override]
        return len(self.zerosum_axes)

    def _size(self, x: TensorVariable, axis: int, extra: int) -> TensorVariable:
        size = x.type.shape[axis]
        if size is None:
            raise ValueError(
                f"ZeroSumTransform needs a static size along axis {axis} of {x!r} ({x.type})"
            )
        return constant(float(size + extra), dtype=x.dtype)

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        x = as_tensor_variable(value)
        for axis in self.zerosum_axes:
            ax = x.ndim + axis
            n = self._size(x, ax, 0)
            last = x[_axis_index(ax, slice(-1, None))]
            # y_i = x_i + s / (n + sqrt n), with s = -sqrt(n) x_n
            shift = -last * m.sqrt(n) / (n + m.sqrt(n))
            x = x[_axis_index(ax, slice(None, -1))] + shift
        return x

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        y = as_tensor_variable(value)
        for axis in self.zerosum_axes:
            ax = y.ndim + axis
            n = self._size(y, ax, 1)
            s = sum_(y, axis=ax, keepdims=True)
            head = y - s / (n + m.sqrt(n))
            y = concatenate([head, -s / m.sqrt(n)], axis=ax)
        return y

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        y = as_tensor_variable(value)
        return sum_(m.mul(y, 0.0), axis=tuple(y.ndim + a for a in self.zerosum_axes))


sum_to_1 = SumTo1()
log_exp_m1 = LogExpM1()

register_transform("sumto1", lambda distribution: sum_to_1)
register_transform("log_exp_m1", lambda distribution: log_exp_m1)
