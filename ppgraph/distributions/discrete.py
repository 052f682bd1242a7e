"""Discrete distributions: parameters as PyMC names them, maths beside each.

Every log-mass is exactly -inf at a value outside the support, including a
non-integer one (a float value is checked with ``floor(x) == x``); every logcdf
is the cdf of ``floor(x)``: -inf below the support and 0 above it.

BetaBinomial and HyperGeometric, whose cdf sums a support bounded by a parameter,
are in ``discrete_finite.py`` (re-exported here).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.discrete_finite import BetaBinomial, HyperGeometric
from ppgraph.distributions.discrete_math import (
    as_float,
    binom_logcdf,
    binom_logpmf,
    cdf_bound,
    integer_value,
    log_p_and_q,
    log_p_or_q,
    nbinom_logcdf,
    nbinom_logpmf,
    p_from,
    poisson_logcdf,
    poisson_logpmf,
    searched_icdf,
    xlog,
)
from ppgraph.distributions.distribution import Discrete, resolve_alternative
from ppgraph.logprob.utils import bound, check_parameters, icdf_bound
from ppgraph.random import discrete as rv
from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorVariable


class Bernoulli(Discrete):
    r"""The Bernoulli distribution: 1 with probability :math:`p`, else 0.

    .. math:: \log P(x) = x \log p + (1 - x) \log(1 - p), \quad x \in \{0, 1\}

    Give ``p`` or ``logit_p`` (the log-odds).

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Bernoulli.dist(p=0.3), 1).eval()), 8)  # stats.bernoulli
        -1.2039728
    """

    rv_op = rv.BernoulliRV
    print_name: ClassVar[tuple[str, str]] = ("Bern", r"\operatorname{Bern}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, p: Any = None, *, logit_p: Any = None) -> list[Any]:
        return [p_from("Bernoulli", p, logit_p)]

    @staticmethod
    def logp(value: Any, p: Any) -> TensorVariable:
        x, ok = integer_value(value)
        res = bound(log_p_or_q(m.eq(x, 1), p), *ok, x >= 0, x <= 1)
        return check_parameters(res, p >= 0, p <= 1, msg="0 <= p <= 1")

    @staticmethod
    def logcdf(value: Any, p: Any) -> TensorVariable:
        x = as_float(value)
        res = cdf_bound(log_p_and_q(p)[1], x, 0, 1)
        return check_parameters(res, p >= 0, p <= 1, msg="0 <= p <= 1")

    @staticmethod
    def icdf(q: Any, p: Any) -> TensorVariable:
        res = icdf_bound(m.where(q <= 1.0 - p, m.where(q > 0, 0.0, -1.0), 1.0), q)
        return check_parameters(res, p >= 0, p <= 1, msg="0 <= p <= 1")


class Binomial(Discrete):
    r"""The binomial distribution: successes in :math:`n` trials of probability :math:`p`.

    .. math:: \log P(x) = \log\binom{n}{x} + x \log p + (n - x) \log(1 - p),
              \quad x \in \{0, \dots, n\}

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Binomial.dist(n=10, p=0.4), 3).eval()), 8)  # stats.binom
        -1.53715982
    """

    rv_op = rv.BinomialRV
    print_name: ClassVar[tuple[str, str]] = ("Binom", r"\operatorname{Binom}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, n: Any, p: Any = None, *, logit_p: Any = None) -> list[Any]:
        return [n, p_from("Binomial", p, logit_p)]

    @staticmethod
    def logp(value: Any, n: Any, p: Any) -> TensorVariable:
        x, ok = integer_value(value)
        res = bound(binom_logpmf(x, as_float(n), p), *ok, x >= 0, x <= n)
        return check_parameters(res, n >= 0, p >= 0, p <= 1, msg="n >= 0, 0 <= p <= 1")

    @staticmethod
    def logcdf(value: Any, n: Any, p: Any) -> TensorVariable:
        res = binom_logcdf(as_float(value), as_float(n), p)
        return check_parameters(res, n >= 0, p >= 0, p <= 1, msg="n >= 0, 0 <= p <= 1")

    @staticmethod
    def icdf(q: Any, n: Any, p: Any) -> TensorVariable:
        return searched_icdf("Binomial", Binomial.logcdf, q, 0.0, n, n, p)


class Poisson(Discrete):
    r"""The Poisson distribution with rate :math:`\mu`.

    .. math:: \log P(x) = x \log\mu - \mu - \log x!, \quad x \in \{0, 1, \dots\}

    Unlike PyMC's, the log-mass at a non-integer value is -inf.

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Poisson.dist(mu=3.0), 2).eval()), 8)  # stats.poisson
        -1.4959226
    """

    rv_op = rv.PoissonRV
    print_name: ClassVar[tuple[str, str]] = ("Pois", r"\operatorname{Pois}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, mu: Any) -> list[Any]:
        return [mu]

    @staticmethod
    def logp(value: Any, mu: Any) -> TensorVariable:
        x, ok = integer_value(value)
        res = bound(poisson_logpmf(x, mu), *ok, x >= 0)
        return check_parameters(res, mu >= 0, msg="mu >= 0")

    @staticmethod
    def logcdf(value: Any, mu: Any) -> TensorVariable:
        res = cdf_bound(poisson_logcdf(as_float(value), mu), as_float(value), 0)
        return check_parameters(res, mu >= 0, msg="mu >= 0")

    @staticmethod
    def icdf(q: Any, mu: Any) -> TensorVariable:
        return searched_icdf("Poisson", Poisson.logcdf, q, 0.0, np.inf, mu)


class NegativeBinomial(Discrete):
    r"""The negative binomial distribution: failures before the :math:`n`-th success.

    .. math:: \log P(x) = \log\frac{\Gamma(x + n)}{x!\,\Gamma(n)} + n \log p
              + x \log(1 - p), \quad x \in \{0, 1, \dots\}

    Give ``mu`` (the mean) and ``alpha`` (the shape, ``n = alpha``,
    ``p = alpha / (mu + alpha)``), or ``n`` and ``p``.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.NegativeBinomial.dist(mu=3.0, alpha=2.0)
        >>> round(float(pg.logp(x, 4).eval()), 8)  # stats.nbinom(2, 0.4)
        -2.26644605
    """

    rv_op = rv.NegativeBinomialRV
    print_name: ClassVar[tuple[str, str]] = ("NB", r"\operatorname{NB}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(
        cls, mu: Any = None, alpha: Any = None, *, p: Any = None, n: Any = None
    ) -> list[Any]:
        return nbinom_params("NegativeBinomial", mu, alpha, p, n)

    @staticmethod
    def logp(value: Any, n: Any, p: Any) -> TensorVariable:
        x, ok = integer_value(value)
        res = bound(nbinom_logpmf(x, n, p), *ok, x >= 0)
        return check_parameters(res, n > 0, p > 0, p <= 1, msg="n > 0, 0 < p <= 1")

    @staticmethod
    def logcdf(value: Any, n: Any, p: Any) -> TensorVariable:
        res = cdf_bound(nbinom_logcdf(as_float(value), n, p), as_float(value), 0)
        return check_parameters(res, n > 0, p > 0, p <= 1, msg="n > 0, 0 < p <= 1")

    @staticmethod
    def icdf(q: Any, n: Any, p: Any) -> TensorVariable:
        return searched_icdf("NegativeBinomial", NegativeBinomial.logcdf, q, 0.0, np.inf, n, p)


def nbinom_params(dist: str, mu: Any, alpha: Any, p: Any, n: Any) -> list[Any]:
    """``[n, p]`` from ``mu``/``alpha`` or ``n``/``p`` (one of each pair, as PyMC)."""
    _, n_ = resolve_alternative(dist, [("alpha", alpha), ("n", n)])
    which, p_ = resolve_alternative(dist, [("mu", mu), ("p", p)])
    n_ = as_float(n_)
    return [n_, n_ / (as_float(p_) + n_) if which == "mu" else p_]


class Geometric(Discrete):
    r"""The geometric distribution: the trial of the first success, on 1, 2, ...

    .. math:: \log P(x) = \log p + (x - 1)\log(1 - p), \quad x \in \{1, 2, \dots\}

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Geometric.dist(p=0.25), 3).eval()), 8)  # stats.geom
        -1.96165851
    """

    rv_op = rv.GeometricRV
    print_name: ClassVar[tuple[str, str]] = ("Geom", r"\operatorname{Geom}")
    support: ClassVar[str] = "positive_int"

    @classmethod
    def parametrize(cls, p: Any) -> list[Any]:
        return [p]

    @staticmethod
    def logp(value: Any, p: Any) -> TensorVariable:
        x, ok = integer_value(value)
        res = bound(m.log(p) + xlog(x - 1.0, m.log1p(-p)), *ok, x >= 1)
        return check_parameters(res, p >= 0, p <= 1, msg="0 <= p <= 1")

    @staticmethod
    def logcdf(value: Any, p: Any) -> TensorVariable:
        k = m.maximum(m.floor(as_float(value)), 1.0)
        res = cdf_bound(m.log1mexp(k * m.log1p(-p)), as_float(value), 1)
        return check_parameters(res, p >= 0, p <= 1, msg="0 <= p <= 1")

    @staticmethod
    def icdf(q: Any, p: Any) -> TensorVariable:
        res = icdf_bound(m.ceil(m.log1p(-q) / m.log1p(-p)), q)
        return check_parameters(res, p >= 0, p <= 1, msg="0 <= p <= 1")


class DiscreteUniform(Discrete):
    r"""The uniform distribution on the integers :math:`lower, \dots, upper`.

    .. math:: \log P(x) = -\log(upper - lower + 1)

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.DiscreteUniform.dist(1, 6), 2).eval()), 8)  # stats.randint
        -1.79175947
    """

    rv_op = rv.DiscreteUniformRV
    print_name: ClassVar[tuple[str, str]] = ("DiscreteU", r"\operatorname{DiscreteU}")

    @classmethod
    def parametrize(cls, lower: Any, upper: Any) -> list[Any]:
        return [lower, upper]

    @staticmethod
    def logp(value: Any, lower: Any, upper: Any) -> TensorVariable:
        x, ok = integer_value(value)
        lo, hi = as_float(lower), as_float(upper)
        res = bound(-m.log(hi - lo + 1.0) + 0.0 * x, *ok, x >= lo, x <= hi)
        return check_parameters(res, lo <= hi, msg="lower <= upper")

    @staticmethod
    def logcdf(value: Any, lower: Any, upper: Any) -> TensorVariable:
        lo, hi = as_float(lower), as_float(upper)
        k = m.floor(as_float(value))
        res = cdf_bound(m.log(k - lo + 1.0) - m.log(hi - lo + 1.0), k, lo, hi)
        return check_parameters(res, lo <= hi, msg="lower <= upper")

    @staticmethod
    def icdf(q: Any, lower: Any, upper: Any) -> TensorVariable:
        lo, hi = as_float(lower), as_float(upper)
        res = icdf_bound(lo - 1.0 + m.ceil(q * (hi - lo + 1.0)), q)
        return check_parameters(res, lo <= hi, msg="lower <= upper")


__all__ = [
    "Bernoulli",
    "BetaBinomial",
    "Binomial",
    "DiscreteUniform",
    "Geometric",
    "HyperGeometric",
    "NegativeBinomial",
    "Poisson",
]
