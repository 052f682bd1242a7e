"""PyTensor's ``pytensor.tensor.special``: ``softmax`` and ``log_softmax`` along an
axis, and the scalar special functions under their SciPy names.

``log(softmax(x))`` is rewritten to ``log_softmax(x)`` (``ppgraph/rewrite/stability.py``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ppgraph.graph.basic import Apply, Op
from ppgraph.tensor.elemwise import _float_of, cast
from ppgraph.tensor.math import (
    betaln,
    digamma,
    erf,
    erfc,
    erfcx,
    erfinv,
    expit,
    gammaln,
    i0,
    i0e,
    i1,
    i1e,
    log1mexp,
    log_ndtr,
    logit,
    ndtr,
    ndtri,
    sigmoid,
    softplus,
    xlog1py,
    xlogy,
)
from ppgraph.tensor.reduction import logsumexp, normalize_axis
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

__all__ = [
    "LogSoftmax",
    "Softmax",
    "betaln",
    "digamma",
    "erf",
    "erfc",
    "erfcx",
    "erfinv",
    "expit",
    "gammaln",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "log1mexp",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "ndtr",
    "ndtri",
    "sigmoid",
    "softmax",
    "softplus",
    "xlog1py",
    "xlogy",
]


@dataclasses.dataclass(frozen=True)
class Softmax(Op):
    """``exp(x) / sum(exp(x))`` along ``axis`` (all axes when None), without overflow."""

    axis: int | None = None

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        x = cast(x, _float_of(x.dtype))
        return Apply(self, [x], [x.type])


@dataclasses.dataclass(frozen=True)
class LogSoftmax(Softmax):
    """``x - logsumexp(x)`` along ``axis``: the log of ``Softmax``, finite where it underflows."""


def _softmax(op: type[Softmax], x: Any, axis: int | None) -> TensorVariable:
    x = as_tensor_variable(x)
    ax = None
    if axis is not None:
        if x.ndim == 0:
            raise ValueError(f"softmax: axis={axis} given for the 0-d {x!r}; use axis=None")
        (ax,) = normalize_axis(axis, x.ndim) or (0,)
    out = op(ax)(x)
    assert isinstance(out, TensorVariable)
    return out


def softmax(c: Any, axis: int | None = None) -> TensorVariable:
    """``exp(c) / sum(exp(c), axis)``, computed without overflow (PyTensor's and
    SciPy's default ``axis=None`` normalizes over every axis).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.softmax(pt.constant([0.0, 0.0]), axis=-1).eval()
        array([0.5, 0.5])
    """
    return _softmax(Softmax, c, axis)


def log_softmax(c: Any, axis: int | None = None) -> TensorVariable:
    """``c - logsumexp(c, axis)``: finite where ``log(softmax(c))`` underflows.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.log_softmax(pt.constant([0.0, -1000.0]), axis=-1).eval()
        array([    0., -1000.])
    """
    return _softmax(LogSoftmax, c, axis)
