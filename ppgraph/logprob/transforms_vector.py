r"""The transforms of vectors, whose Jacobian couples the last axis: ``Simplex``
(PyMC's ``simplex``) and ``Ordered`` (re-exported by ``ppgraph.logprob.transforms``)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from ppgraph.logprob.transforms_base import Transform
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import matmul
from ppgraph.tensor.reduction import logsumexp
from ppgraph.tensor.reduction import max as max_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import concatenate
from ppgraph.tensor.type import TensorVariable, as_tensor_variable, constant

__all__ = ["Ordered", "Simplex"]


@dataclasses.dataclass(frozen=True)
class Simplex(Transform):
    r"""The simplex, as PyMC's ``simplex`` transform (not stick-breaking): the
    value :math:`y \in \mathbb{R}^{K-1}` is completed with :math:`y_K = -\sum y`
    and mapped by softmax; forward is the centred log of the first K-1 parts.

    .. math:: \log|J| = \log K + K \textstyle\sum_k y_k
              - K \log\bigl(1 + \sum_k e^{y_k + \sum_j y_j}\bigr)

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms import simplex
        >>> y = pt.vector("y")
        >>> simplex.backward(y).eval({y: [0.0, 0.0]})
        array([0.33333333, 0.33333333, 0.33333333])
    """

    name: ClassVar[str] = "simplex"
    ndim_supp: ClassVar[int] = 1

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        log_value = m.log(value)
        shift = sum_(log_value, axis=-1, keepdims=True) / _last_size(log_value)
        return log_value[..., :-1] - shift

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        value = as_tensor_variable(value)
        full = concatenate([value, -sum_(value, axis=-1, keepdims=True)], axis=-1)
        e = m.exp(full - max_(full, axis=-1, keepdims=True))
        return e / sum_(e, axis=-1, keepdims=True)

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        value = as_tensor_variable(value)
        n = _last_size(value) + 1.0
        total = sum_(value, axis=-1, keepdims=True)
        expanded = concatenate([value + total, m.mul(total, 0.0)], axis=-1)
        res = m.log(n) + n * total - n * logsumexp(expanded, axis=-1, keepdims=True)
        return sum_(res, axis=-1)


def _last_size(x: TensorVariable) -> Any:
    """The last dim's size as a float (a constant when static)."""
    size = x.type.shape[-1]
    if size is not None:
        return constant(float(size), dtype=x.dtype)
    from ppgraph.tensor.elemwise import cast

    return cast(x.shape[-1], x.dtype)


@dataclasses.dataclass(frozen=True)
class Ordered(Transform):
    r"""Increasing vectors (opt-in, ``transform="ordered"``): :math:`y_0 = x_0`,
    :math:`y_i = \log(x_i - x_{i-1})`; :math:`\log|J| = \sum_{i>0} y_i`.
    The last axis must have a static size.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.logprob.transforms import ordered
        >>> y = pt.tensor("float64", shape=(3,), name="y")
        >>> ordered.backward(y).eval({y: [1.0, 0.0, 0.0]})
        array([1., 2., 3.])
    """

    name: ClassVar[str] = "ordered"
    ndim_supp: ClassVar[int] = 1

    def forward(self, value: Any, *params: Any) -> TensorVariable:
        x = as_tensor_variable(value)
        return concatenate([x[..., :1], m.log(x[..., 1:] - x[..., :-1])], axis=-1)

    def backward(self, value: Any, *params: Any) -> TensorVariable:
        y = as_tensor_variable(value)
        k = y.type.shape[-1]
        if k is None:
            raise ValueError(
                f"the ordered transform needs a static size for the last dim of {y!r} "
                f"({y.type}); give the variable a shape"
            )
        steps = concatenate([y[..., :1], m.exp(y[..., 1:])], axis=-1)
        # cumulative sum along the last axis: x_j = sum_{i <= j} steps_i
        return matmul(steps, constant(np.triu(np.ones((k, k))), dtype=y.dtype))

    def log_jac_det(self, value: Any, *params: Any) -> TensorVariable:
        y = as_tensor_variable(value)
        return sum_(y[..., 1:], axis=-1)
