r"""PyMC's ``sum_to_1`` and ``log_exp_m1`` transforms (``ZeroSumTransform`` is in
``transforms_zerosum.py``).

Example:
    >>> import ppgraph.tensor as pt
    >>> from ppgraph.logprob.transforms_extra import log_exp_m1
    >>> x = pt.scalar("x")
    >>> round(float(log_exp_m1.forward(x).eval({x: 1.0})), 6)
    0.541325
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from ppgraph.logprob.transforms import Transform, register_transform
from ppgraph.tensor import math as m
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import concatenate
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

__all__ = ["LogExpM1", "SumTo1", "log_exp_m1", "sum_to_1"]


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


sum_to_1 = SumTo1()
log_exp_m1 = LogExpM1()

register_transform("sumto1", lambda distribution: sum_to_1)
register_transform("log_exp_m1", lambda distribution: log_exp_m1)
