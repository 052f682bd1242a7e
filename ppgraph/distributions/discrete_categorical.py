"""Distributions over categories ``0, ..., K - 1``: Categorical and OrderedLogistic.

Their number of categories is the static size of a parameter's last axis (XLA
compiles for static shapes); the log-mass picks a category with a one-hot mask.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.config import config
from ppgraph.distributions.discrete_math import (
    as_float,
    cdf_bound,
    integer_value,
    log_cdf_sf,
    searched_icdf,
)
from ppgraph.distributions.distribution import Discrete, resolve_alternative
from ppgraph.logprob.utils import bound, check_parameters, icdf_bound
from ppgraph.random import discrete as rv
from ppgraph.tensor import math as m
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.reduction import logsumexp
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import arange, expand_dims
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

SUM_TOL = 1e-5  # |sum(p) - 1| allowed, as numpy.isclose


def n_categories(x: TensorVariable, dist: str, what: str, extra: int = 0) -> int:
    """The static size of ``x``'s last axis (plus ``extra``), or a clear error."""
    k = x.type.shape[-1] if x.ndim else None
    if k is None:
        raise ValueError(
            f"{dist}: the length of {what} (the number of categories) must be known when "
            f"the graph is built; got {x!r} of type {x.type}"
        )
    return k + extra


def pick(x: Any, table: Any, k: int) -> TensorVariable:
    """``table[..., x]`` for a (float) index ``x`` in ``0..k-1`` (0 elsewhere), by a
    one-hot mask over the last axis."""
    hot = m.eq(expand_dims(x, -1), arange(k, dtype=config.floatX))
    return sum_(m.where(hot, table, 0.0), axis=-1)


def softmax(logits: Any) -> TensorVariable:
    """``exp(logits)`` normalized over the last axis."""
    return m.exp(logits - expand_dims(logsumexp(logits, axis=-1), -1))


def _check_p(res: Any, p: Any) -> TensorVariable:
    total_ok = m.abs(sum_(p, axis=-1) - 1.0) <= SUM_TOL
    return check_parameters(res, p >= 0, p <= 1, total_ok, msg="0 <= p <= 1, sum(p) = 1")


class Categorical(Discrete):
    r"""The categorical distribution: category :math:`k` with probability :math:`p_k`.

    .. math:: \log P(x) = \log p_x, \quad x \in \{0, \dots, K - 1\}

    Give ``p`` (summing to 1 over its last axis) or ``logit_p`` (log-probabilities
    up to a constant: ``p = softmax(logit_p)``).

    Example:
        >>> import ppgraph as pg
        >>> x = pg.Categorical.dist(p=[0.2, 0.5, 0.3])
        >>> round(float(pg.logp(x, 1).eval()), 8)  # log 0.5
        -0.69314718
    """

    rv_op = rv.CategoricalRV
    print_name: ClassVar[tuple[str, str]] = ("Cat", r"\operatorname{Cat}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, p: Any = None, *, logit_p: Any = None) -> list[Any]:
        name, value = resolve_alternative("Categorical", [("p", p), ("logit_p", logit_p)])
        value = as_float(value)
        n_categories(value, "Categorical", name)
        return [value if name == "p" else softmax(value)]

    @staticmethod
    def logp(value: Any, p: Any) -> TensorVariable:
        k = n_categories(p, "Categorical", "p")
        x, ok = integer_value(value)
        res = bound(pick(x, m.log(p), k), *ok, x >= 0, x <= k - 1)
        return _check_p(res, p)

    @staticmethod
    def logcdf(value: Any, p: Any) -> TensorVariable:
        k = n_categories(p, "Categorical", "p")
        x = m.floor(as_float(value))
        below = m.le(arange(k, dtype=config.floatX), expand_dims(x, -1))
        cdf = sum_(m.where(below, p, 0.0), axis=-1)
        sf = sum_(m.where(below, 0.0, p), axis=-1)
        return _check_p(cdf_bound(log_cdf_sf(cdf, sf), x, 0, k - 1), p)

    @staticmethod
    def icdf(q: Any, p: Any) -> TensorVariable:
        k = n_categories(p, "Categorical", "p")
        # cdf[..., j] = sum(p[..., :j + 1]) through a constant lower-triangular mask
        tri = as_tensor_variable(np.tri(k, dtype=bool))
        cdf = sum_(m.where(tri, expand_dims(p, -2), 0.0), axis=-1)
        count = sum_(m.where(cdf < expand_dims(q, -1), 1.0, 0.0), axis=-1)
        res = icdf_bound(m.where(q > 0, m.minimum(count, k - 1.0), -1.0), q)
        return _check_p(res, p)


class OrderedLogistic(Discrete):
    r"""The ordered logistic distribution: the number of ``cutpoints`` below a latent
    :math:`\eta + \mathrm{Logistic}(0, 1)`, in :math:`\{0, \dots, K - 1\}` for
    :math:`K - 1` increasing cutpoints :math:`c`.

    .. math:: P(x = k) = \sigma(\eta - c_{k-1}) - \sigma(\eta - c_k),
              \quad c_{-1} = -\infty,\; c_{K-1} = \infty

    computed in log space as
    :math:`\log\sigma(\eta - c_{k-1}) + \log\sigma(c_k - \eta) + \log(1 - e^{c_{k-1} - c_k})`.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.OrderedLogistic.dist(eta=0.0, cutpoints=[-1.0, 1.0])
        >>> round(float(pg.logp(x, 0).eval()), 8)  # log(1 - sigmoid(1))
        -1.31326169
    """

    rv_op = rv.OrderedLogisticRV
    print_name: ClassVar[tuple[str, str]] = ("OrderedLogistic", r"\operatorname{OrderedLogistic}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, eta: Any, cutpoints: Any) -> list[Any]:
        cutpoints = as_tensor_variable(cutpoints)
        n_categories(cutpoints, "OrderedLogistic", "cutpoints", 1)
        return [eta, cutpoints]

    @staticmethod
    def logp(value: Any, eta: Any, cutpoints: Any) -> TensorVariable:
        k = n_categories(cutpoints, "OrderedLogistic", "cutpoints", 1)
        x, ok = integer_value(value)
        lo = m.where(m.eq(x, 0), -np.inf, pick(x - 1.0, cutpoints, k - 1))
        hi = m.where(m.eq(x, k - 1.0), np.inf, pick(x, cutpoints, k - 1))
        res = m.log_sigmoid(eta - lo) + m.log_sigmoid(hi - eta) + m.log1mexp(lo - hi)
        return _check_cutpoints(bound(res, *ok, x >= 0, x <= k - 1), cutpoints)

    @staticmethod
    def logcdf(value: Any, eta: Any, cutpoints: Any) -> TensorVariable:
        k = n_categories(cutpoints, "OrderedLogistic", "cutpoints", 1)
        x = m.floor(as_float(value))
        res = m.log_sigmoid(pick(x, cutpoints, k - 1) - eta)
        return _check_cutpoints(cdf_bound(res, x, 0, k - 1), cutpoints)

    @staticmethod
    def icdf(q: Any, eta: Any, cutpoints: Any) -> TensorVariable:
        k = n_categories(cutpoints, "OrderedLogistic", "cutpoints", 1)
        logcdf = OrderedLogistic.logcdf
        return searched_icdf("OrderedLogistic", logcdf, q, 0.0, k - 1.0, eta, cutpoints)


def _check_cutpoints(res: Any, cutpoints: Any) -> TensorVariable:
    increasing = all_(cutpoints[..., 1:] > cutpoints[..., :-1])
    return check_parameters(res, increasing, msg="cutpoints increasing")


__all__ = ["Categorical", "OrderedLogistic"]
