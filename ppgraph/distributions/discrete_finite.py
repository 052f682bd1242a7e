"""Discrete distributions on a finite support bounded by a parameter, BetaBinomial
and HyperGeometric (re-exported by ``discrete.py``, whose conventions they follow).

Their logcdf sums the log-masses over the support: a static sum for a constant
``n``, a run-time loop (``summed_logcdf``, with its own gradient) otherwise; their
icdf searches that support with the logcdf.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.config import config
from ppgraph.distributions.discrete_math import (
    as_float,
    betaln,
    binomln,
    cdf_bound,
    integer_value,
    lse_cdf,
    searched_icdf,
    static_max,
)
from ppgraph.distributions.distribution import Discrete
from ppgraph.logprob.cumulative import summed_logcdf
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random import discrete as rv
from ppgraph.tensor import math as m
from ppgraph.tensor.shape import arange, expand_dims
from ppgraph.tensor.type import TensorConstant, TensorVariable, as_tensor_variable


class BetaBinomial(Discrete):
    r"""The beta-binomial distribution: Binomial(n, p) with :math:`p \sim Beta(\alpha, \beta)`.

    .. math:: \log P(x) = \log\binom{n}{x} + \log B(x + \alpha, n - x + \beta)
              - \log B(\alpha, \beta), \quad x \in \{0, \dots, n\}

    Example:
        >>> import ppgraph as pg
        >>> x = pg.BetaBinomial.dist(alpha=2.0, beta=3.0, n=10)
        >>> round(float(pg.logp(x, 4).eval()), 8)  # stats.betabinom
        -1.96711236
    """

    rv_op = rv.BetaBinomialRV
    print_name: ClassVar[tuple[str, str]] = ("BetaBinom", r"\operatorname{BetaBinom}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, alpha: Any, beta: Any, n: Any) -> list[Any]:
        return [n, alpha, beta]

    @staticmethod
    def logp(value: Any, n: Any, alpha: Any, beta: Any) -> TensorVariable:
        x, ok = integer_value(value)
        res = bound(_betabinom_logpmf(x, as_float(n), alpha, beta), *ok, x >= 0, x <= n)
        return _betabinom_check(res, n, alpha, beta)

    @staticmethod
    def logcdf(value: Any, n: Any, alpha: Any, beta: Any) -> TensorVariable:
        """The log-masses summed over ``0..n``: a static sum for a constant ``n``,
        a loop over the run-time support otherwise (its gradient a second loop)."""
        x = as_float(value)
        if isinstance(n, TensorConstant):
            k = arange(static_max(n, "BetaBinomial", "logcdf") + 1, dtype=config.floatX)
            nf, a, b = (expand_dims(as_float(t), -1) for t in (n, alpha, beta))
            logpmf = m.where(k <= nf, _betabinom_logpmf(k, nf, a, b), -np.inf)
            res = lse_cdf(logpmf, x, k)
        else:
            nf = as_float(n)
            res = summed_logcdf("BetaBinomial", x, _betabinom_logpmf, 0.0, nf, nf, alpha, beta)
        return _betabinom_check(cdf_bound(res, x, 0, n), n, alpha, beta)

    @staticmethod
    def icdf(q: Any, n: Any, alpha: Any, beta: Any) -> TensorVariable:
        """By a search over ``0..n`` with the logcdf."""
        return searched_icdf("BetaBinomial", BetaBinomial.logcdf, q, 0.0, n, n, alpha, beta)


def _betabinom_logpmf(x: Any, n: Any, alpha: Any, beta: Any) -> TensorVariable:
    return binomln(n, x) + betaln(x + alpha, n - x + beta) - betaln(alpha, beta)


def _betabinom_check(res: Any, n: Any, alpha: Any, beta: Any) -> TensorVariable:
    return check_parameters(res, n >= 0, alpha > 0, beta > 0, msg="n >= 0, alpha > 0, beta > 0")


class HyperGeometric(Discrete):
    r"""The hypergeometric distribution: successes among :math:`n` draws without
    replacement from :math:`N` items of which :math:`k` are successes.

    .. math:: \log P(x) = \log\binom{k}{x} + \log\binom{N - k}{n - x} - \log\binom{N}{n},
              \quad \max(0, n - N + k) \le x \le \min(k, n)

    Example:
        >>> import ppgraph as pg
        >>> x = pg.HyperGeometric.dist(N=20, k=7, n=5)
        >>> round(float(pg.logp(x, 2).eval()), 8)  # stats.hypergeom(20, 7, 5)
        -0.94833909
    """

    rv_op = rv.HyperGeometricRV
    print_name: ClassVar[tuple[str, str]] = ("HyperGeom", r"\operatorname{HyperGeom}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, N: Any, k: Any, n: Any) -> list[Any]:
        k = as_tensor_variable(k)
        return [k, as_tensor_variable(N) - k, n]

    @staticmethod
    def logp(value: Any, good: Any, bad: Any, n: Any) -> TensorVariable:
        x, ok = integer_value(value)
        g, b, nf = as_float(good), as_float(bad), as_float(n)
        res = bound(_hypergeom_logpmf(x, g, b, nf), *ok, x >= 0, x >= nf - b, x <= g, x <= nf)
        return _hypergeom_check(res, g, b, nf)

    @staticmethod
    def logcdf(value: Any, good: Any, bad: Any, n: Any) -> TensorVariable:
        """The log-masses summed over the support: a static sum over ``0..n`` for a
        constant ``n``, a loop over the run-time support otherwise (no
        reverse-mode gradient)."""
        g, b, nf = as_float(good), as_float(bad), as_float(n)
        lower, upper = m.maximum(nf - b, 0.0), m.minimum(g, nf)
        x = as_float(value)
        if isinstance(n, TensorConstant):
            k = arange(static_max(n, "HyperGeometric", "logcdf") + 1, dtype=config.floatX)
            ge, be, ne = (expand_dims(t, -1) for t in (g, b, nf))
            inside = m.and_(m.and_(k >= ne - be, k <= ge), k <= ne)
            logpmf = m.where(inside, _hypergeom_logpmf(k, ge, be, ne), -np.inf)
            res = lse_cdf(logpmf, x, k)
        else:
            res = summed_logcdf("HyperGeometric", x, _hypergeom_logpmf, lower, upper, g, b, nf)
        return _hypergeom_check(cdf_bound(res, x, lower, upper), g, b, nf)

    @staticmethod
    def icdf(q: Any, good: Any, bad: Any, n: Any) -> TensorVariable:
        """By a search over the support with the logcdf."""
        g, b, nf = as_float(good), as_float(bad), as_float(n)
        lower, upper = m.maximum(nf - b, 0.0), m.minimum(g, nf)
        return searched_icdf("HyperGeometric", HyperGeometric.logcdf, q, lower, upper, good, bad, n)


def _hypergeom_logpmf(x: Any, good: Any, bad: Any, n: Any) -> TensorVariable:
    return binomln(good, x) + binomln(bad, n - x) - binomln(good + bad, n)


def _hypergeom_check(res: Any, good: Any, bad: Any, n: Any) -> TensorVariable:
    return check_parameters(
        res, good >= 0, bad >= 0, n >= 0, n <= good + bad, msg="0 <= k <= N, 0 <= n <= N"
    )


__all__ = ["BetaBinomial", "HyperGeometric"]
