"""PyMC's rarer discrete distributions: DiracDelta, DiscreteWeibull,
OrderedProbit and OrderedMultinomial. Parameters as PyMC names them, maths
beside each; every log-mass is exactly -inf off the support (non-integers too).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.discrete_categorical import _check_cutpoints, n_categories, pick
from ppgraph.distributions.discrete_math import as_float, cdf_bound, integer_value
from ppgraph.distributions.distribution import Discrete
from ppgraph.distributions.multivariate import Multinomial
from ppgraph.logprob.utils import bound, check_parameters, icdf_bound, log_normal_mass
from ppgraph.random import extra as rv
from ppgraph.tensor import math as m
from ppgraph.tensor.reduction import argmax
from ppgraph.tensor.shape import concatenate, expand_dims
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


class DiracDelta(Discrete):
    r"""All its mass at the constant ``c``; its dtype is ``c``'s (an int ``c``
    gives integer draws, a float ``c`` floatX ones).

    .. math:: \log P(x) = 0 \text{ if } x = c, \text{ else } -\infty

    Example:
        >>> import ppgraph as pg
        >>> x = pg.DiracDelta.dist(c=3)
        >>> float(pg.logp(x, 3).eval()), float(pg.logp(x, 2).eval())
        (0.0, -inf)
    """

    rv_op = rv.DiracDeltaRV
    print_name: ClassVar[tuple[str, str]] = ("DiracDelta", r"\operatorname{DiracDelta}")
    support: ClassVar[str] = "point"

    @classmethod
    def parametrize(cls, c: Any) -> list[Any]:
        return [c]

    @classmethod
    def dist(cls, c: Any = None, *args: Any, dtype: str | None = None, **kwargs: Any) -> Any:
        """A Dirac delta outside any model; the dtype follows ``c`` unless given.

        Example:
            >>> import ppgraph as pg
            >>> pg.DiracDelta.dist(2).dtype, pg.DiracDelta.dist(2.5).dtype
            ('int64', 'float64')
        """
        if "c" in kwargs:
            c = kwargs.pop("c")
        if c is None:
            raise TypeError("DiracDelta: c is required")
        if dtype is None:
            own = as_tensor_variable(c).dtype
            dtype = "floatX" if own.startswith("float") else own
        return super().dist(c, *args, dtype=dtype, **kwargs)

    @staticmethod
    def support_point(c: Any) -> Any:
        """Where the model layer starts it: ``c``."""
        return c

    @staticmethod
    def logp(value: Any, c: Any) -> TensorVariable:
        return m.where(m.eq(value, c), 0.0, -np.inf)

    @staticmethod
    def logcdf(value: Any, c: Any) -> TensorVariable:
        return m.where(value < c, -np.inf, 0.0)


def _weibull_check(res: Any, q: Any, beta: Any) -> TensorVariable:
    return check_parameters(res, q > 0, q < 1, beta > 0, msg="0 < q < 1, beta > 0")


class DiscreteWeibull(Discrete):
    r"""The discrete Weibull distribution of Nakagawa and Osaki (1975):
    :math:`P(X \ge x) = q^{x^\beta}` on :math:`0, 1, 2, \dots`.

    .. math:: \log P(x) = x^\beta \log q + \log\left(1 - q^{(x+1)^\beta - x^\beta}\right)

    Example:
        >>> import ppgraph as pg
        >>> x = pg.DiscreteWeibull.dist(q=0.6, beta=1.3)
        >>> round(float(pg.logp(x, 2).eval()), 8)  # log(0.6 ** 2 ** 1.3 - 0.6 ** 3 ** 1.3)
        -1.79860759
    """

    rv_op = rv.DiscreteWeibullRV
    print_name: ClassVar[tuple[str, str]] = ("dWeibull", r"\operatorname{dWeibull}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, q: Any, beta: Any) -> list[Any]:
        return [q, beta]

    @staticmethod
    def support_point(q: Any, beta: Any) -> Any:
        """The median, ``ceil((log 1/2 / log q)^(1/beta) - 1)``."""
        return m.maximum(m.ceil((np.log(0.5) / m.log(q)) ** (1.0 / beta) - 1.0), 0.0)

    @staticmethod
    def logp(value: Any, q: Any, beta: Any) -> TensorVariable:
        x, ok = integer_value(value)
        xs = m.maximum(x, 0.0)
        lo, hi = xs**beta, (xs + 1.0) ** beta
        log_q = m.log(q)
        res = bound(lo * log_q + m.log1mexp((hi - lo) * log_q), *ok, x >= 0)
        return _weibull_check(res, q, beta)

    @staticmethod
    def logcdf(value: Any, q: Any, beta: Any) -> TensorVariable:
        k = m.floor(as_float(value))
        res = m.log1mexp((m.maximum(k, 0.0) + 1.0) ** beta * m.log(q))
        return _weibull_check(cdf_bound(res, k, 0), q, beta)

    @staticmethod
    def icdf(q_: Any, q: Any, beta: Any) -> TensorVariable:
        # the smallest x with 1 - q^((x + 1)^beta) >= u
        x = m.ceil((m.log1p(-q_) / m.log(q)) ** (1.0 / beta) - 1.0)
        res = icdf_bound(m.where(q_ > 0, m.maximum(x, 0.0), -1.0), q_)
        return _weibull_check(res, q, beta)


def _probit_bounds(x: Any, eta: Any, cutpoints: Any, sigma: Any, k: int) -> tuple[Any, Any]:
    """The standardized cutpoints below and above category ``x`` (±inf at the ends)."""
    lo = m.where(m.eq(x, 0), -np.inf, (pick(x - 1.0, cutpoints, k - 1) - eta) / sigma)
    hi = m.where(m.eq(x, k - 1.0), np.inf, (pick(x, cutpoints, k - 1) - eta) / sigma)
    return lo, hi


def ordered_probit_p(eta: Any, cutpoints: Any, sigma: Any) -> TensorVariable:
    """The probabilities of the categories (last axis), from the log-masses."""
    z = (as_float(cutpoints) - expand_dims(eta, -1)) / expand_dims(sigma, -1)
    edge = 0.0 * z[..., :1]
    lo = concatenate([edge - np.inf, z], axis=-1)
    hi = concatenate([z, edge + np.inf], axis=-1)
    return m.exp(log_normal_mass(lo, hi))


class OrderedProbit(Discrete):
    r"""The ordered probit distribution: the number of ``cutpoints`` below a latent
    :math:`\eta + \sigma Z`, :math:`Z \sim N(0, 1)`, in :math:`\{0, \dots, K - 1\}`
    for :math:`K - 1` increasing cutpoints :math:`c`.

    .. math:: P(x = k) = \Phi\left(\tfrac{c_k - \eta}{\sigma}\right)
              - \Phi\left(\tfrac{c_{k-1} - \eta}{\sigma}\right),
              \quad c_{-1} = -\infty,\; c_{K-1} = \infty

    computed in log space from whichever tail keeps the difference precise.
    Inside a model, ``compute_p=True`` (PyMC's default) also records the
    probabilities as the Deterministic ``{name}_probs``.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.OrderedProbit.dist(eta=0.0, cutpoints=[-1.0, 1.0])
        >>> round(float(pg.logp(x, 0).eval()), 8)  # stats.norm.logcdf(-1)
        -1.84102165
    """

    rv_op = rv.OrderedProbitRV
    print_name: ClassVar[tuple[str, str]] = ("OrderedProbit", r"\operatorname{OrderedProbit}")
    support: ClassVar[str] = "nonnegative_int"

    def __new__(cls, name: str, *args: Any, compute_p: bool = True, **kwargs: Any) -> Any:
        out = super().__new__(cls, name, *args, **kwargs)
        if compute_p:
            from ppgraph.model.vars import Deterministic

            Deterministic(f"{name}_probs", ordered_probit_p(*out.owner.inputs[2:]))
        return out

    @classmethod
    def parametrize(cls, eta: Any, cutpoints: Any, sigma: Any = 1.0) -> list[Any]:
        cutpoints = as_float(cutpoints)
        n_categories(cutpoints, "OrderedProbit", "cutpoints", 1)
        return [eta, cutpoints, sigma]

    @staticmethod
    def support_point(eta: Any, cutpoints: Any, sigma: Any) -> Any:
        """The most probable category (PyMC's choice for a categorical)."""
        return argmax(ordered_probit_p(eta, cutpoints, sigma), axis=-1)

    @staticmethod
    def logp(value: Any, eta: Any, cutpoints: Any, sigma: Any) -> TensorVariable:
        k = n_categories(cutpoints, "OrderedProbit", "cutpoints", 1)
        x, ok = integer_value(value)
        lo, hi = _probit_bounds(x, eta, cutpoints, sigma, k)
        res = bound(log_normal_mass(lo, hi), *ok, x >= 0, x <= k - 1)
        return _probit_check(res, cutpoints, sigma)

    @staticmethod
    def logcdf(value: Any, eta: Any, cutpoints: Any, sigma: Any) -> TensorVariable:
        k = n_categories(cutpoints, "OrderedProbit", "cutpoints", 1)
        x = m.floor(as_float(value))
        res = m.log_ndtr((pick(x, cutpoints, k - 1) - eta) / sigma)
        return _probit_check(cdf_bound(res, x, 0, k - 1), cutpoints, sigma)


def _probit_check(res: Any, cutpoints: Any, sigma: Any) -> TensorVariable:
    return check_parameters(_check_cutpoints(res, cutpoints), sigma > 0, msg="sigma > 0")


def ordered_logistic_p(eta: Any, cutpoints: Any) -> TensorVariable:
    """``P(k) = sigmoid(eta - c_{k-1}) - sigmoid(eta - c_k)`` over the last axis."""
    s = m.sigmoid(expand_dims(eta, -1) - as_float(cutpoints))
    edge = 0.0 * s[..., :1]
    return concatenate([edge + 1.0, s], axis=-1) - concatenate([s, edge], axis=-1)


class OrderedMultinomial(Multinomial):
    r"""Counts of ``n`` ordered-logistic draws over :math:`K` categories: a
    Multinomial whose probabilities are those of ``OrderedLogistic(eta, cutpoints)``.

    .. math:: p_k = \sigma(\eta - c_{k-1}) - \sigma(\eta - c_k), \quad
              \log P(x) = \log n! - \sum_k \log x_k! + \sum_k x_k \log p_k

    Inside a model, ``compute_p=True`` (PyMC's default) also records ``p`` as the
    Deterministic ``{name}_probs``.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.OrderedMultinomial.dist(eta=0.0, cutpoints=[-1.0, 1.0], n=4)
        >>> round(float(pg.logp(x, [1, 2, 1]).eval()), 8)  # stats.multinomial
        -1.68549039
    """

    print_name: ClassVar[tuple[str, str]] = (
        "OrderedMultinomial",
        r"\operatorname{OrderedMultinomial}",
    )

    def __new__(cls, name: str, *args: Any, compute_p: bool = True, **kwargs: Any) -> Any:
        out = super().__new__(cls, name, *args, **kwargs)
        if compute_p:
            from ppgraph.model.vars import Deterministic

            Deterministic(f"{name}_probs", out.owner.inputs[-1])
        return out

    @classmethod
    def parametrize(cls, eta: Any, cutpoints: Any, n: Any) -> list[Any]:  # type: ignore[override]
        cutpoints = as_float(cutpoints)
        n_categories(cutpoints, "OrderedMultinomial", "cutpoints", 1)
        return [n, ordered_logistic_p(eta, cutpoints)]


__all__ = ["DiracDelta", "DiscreteWeibull", "OrderedMultinomial", "OrderedProbit"]
