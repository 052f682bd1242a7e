"""Zero-inflated count distributions: the base family with probability ``psi``,
else 0 (PyMC's convention: ``psi`` is the weight of the base distribution).

.. math:: P(0) = (1 - \\psi) + \\psi P_{base}(0), \\quad P(x) = \\psi P_{base}(x),\\; x > 0
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.discrete import nbinom_params
from ppgraph.distributions.discrete_math import (
    LOG_HALF,
    as_float,
    binom_logcdf,
    binom_logpmf,
    cdf_bound,
    integer_value,
    nbinom_logcdf,
    nbinom_logpmf,
    poisson_logcdf,
    poisson_logpmf,
    searched_icdf,
    xlog,
)
from ppgraph.distributions.distribution import Discrete
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random import discrete as rv
from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorVariable


def inflated_logp(x: Any, psi: Any, base_logpmf: Any, base_at_zero: Any) -> TensorVariable:
    """``log((1 - psi) [x == 0] + psi P_base(x))`` from the base log-masses."""
    log_psi = m.log(psi)
    zero = m.logaddexp(m.log1p(-psi), log_psi + base_at_zero)
    return m.where(m.eq(x, 0), zero, log_psi + base_logpmf)


def inflated_logcdf(x: Any, psi: Any, base_logcdf: Any) -> TensorVariable:
    """``log((1 - psi) + psi F_base(x))`` for ``x >= 0``, -inf below; as
    ``log1p(-psi (1 - F_base))`` where F_base is near 1, which keeps the right tail."""
    low = m.logaddexp(m.log1p(-psi), m.log(psi) + base_logcdf)
    high = m.log1p(psi * m.expm1(m.minimum(base_logcdf, 0.0)))
    return cdf_bound(m.where(base_logcdf < LOG_HALF, low, high), x, 0)


def _psi_ok(psi: Any) -> list[Any]:
    return [psi >= 0, psi <= 1]


class ZeroInflatedPoisson(Discrete):
    r"""Poisson(:math:`\mu`) with probability :math:`\psi`, else 0.

    .. math:: P(0) = 1 - \psi + \psi e^{-\mu}, \quad
              P(x) = \psi \frac{\mu^x e^{-\mu}}{x!},\; x > 0

    Example:
        >>> import ppgraph as pg
        >>> x = pg.ZeroInflatedPoisson.dist(psi=0.7, mu=3.0)
        >>> round(float(pg.logp(x, 2).eval()), 8)  # log(0.7) + stats.poisson.logpmf(2, 3)
        -1.85259755
    """

    rv_op = rv.ZeroInflatedPoissonRV
    print_name: ClassVar[tuple[str, str]] = ("ZeroInflatedPois", r"\operatorname{ZeroInflatedPois}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, psi: Any, mu: Any) -> list[Any]:
        return [psi, mu]

    @staticmethod
    def logp(value: Any, psi: Any, mu: Any) -> TensorVariable:
        x, ok = integer_value(value)
        res = inflated_logp(x, psi, poisson_logpmf(x, mu), -mu)
        res = bound(res, *ok, x >= 0)
        return check_parameters(res, *_psi_ok(psi), mu >= 0, msg="0 <= psi <= 1, mu >= 0")

    @staticmethod
    def logcdf(value: Any, psi: Any, mu: Any) -> TensorVariable:
        x = as_float(value)
        res = inflated_logcdf(x, psi, poisson_logcdf(x, mu))
        return check_parameters(res, *_psi_ok(psi), mu >= 0, msg="0 <= psi <= 1, mu >= 0")

    @staticmethod
    def icdf(q: Any, psi: Any, mu: Any) -> TensorVariable:
        logcdf = ZeroInflatedPoisson.logcdf
        return searched_icdf("ZeroInflatedPoisson", logcdf, q, 0.0, np.inf, psi, mu)


class ZeroInflatedBinomial(Discrete):
    r"""Binomial(:math:`n, p`) with probability :math:`\psi`, else 0.

    .. math:: P(0) = 1 - \psi + \psi (1 - p)^n, \quad
              P(x) = \psi \binom{n}{x} p^x (1 - p)^{n - x},\; 0 < x \le n

    Example:
        >>> import ppgraph as pg
        >>> x = pg.ZeroInflatedBinomial.dist(psi=0.7, n=10, p=0.4)
        >>> round(float(pg.logp(x, 3).eval()), 8)  # log(0.7) + stats.binom.logpmf(3, 10, 0.4)
        -1.89383476
    """

    rv_op = rv.ZeroInflatedBinomialRV
    print_name: ClassVar[tuple[str, str]] = (
        "ZeroInflatedBinom",
        r"\operatorname{ZeroInflatedBinom}",
    )
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, psi: Any, n: Any, p: Any) -> list[Any]:
        return [psi, n, p]

    @staticmethod
    def logp(value: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
        x, ok = integer_value(value)
        nf = as_float(n)
        res = inflated_logp(x, psi, binom_logpmf(x, nf, p), xlog(nf, m.log1p(-p)))
        res = bound(res, *ok, x >= 0, x <= nf)
        return _zib_check(res, psi, n, p)

    @staticmethod
    def logcdf(value: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
        x = as_float(value)
        res = inflated_logcdf(x, psi, binom_logcdf(x, as_float(n), p))
        return _zib_check(res, psi, n, p)

    @staticmethod
    def icdf(q: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
        logcdf = ZeroInflatedBinomial.logcdf
        return searched_icdf("ZeroInflatedBinomial", logcdf, q, 0.0, n, psi, n, p)


def _zib_check(res: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
    return check_parameters(
        res, *_psi_ok(psi), n >= 0, p >= 0, p <= 1, msg="0 <= psi <= 1, n >= 0, 0 <= p <= 1"
    )


class ZeroInflatedNegativeBinomial(Discrete):
    r"""NegativeBinomial with probability :math:`\psi`, else 0; as NegativeBinomial,
    give ``mu`` and ``alpha``, or ``n`` and ``p``.

    .. math:: P(0) = 1 - \psi + \psi p^n, \quad
              P(x) = \psi \frac{\Gamma(x + n)}{x!\,\Gamma(n)} p^n (1 - p)^x,\; x > 0

    Example:
        >>> import ppgraph as pg
        >>> x = pg.ZeroInflatedNegativeBinomial.dist(psi=0.7, mu=3.0, alpha=2.0)
        >>> round(float(pg.logp(x, 4).eval()), 8)  # log(0.7) + stats.nbinom.logpmf(4, 2, 0.4)
        -2.62312099
    """

    rv_op = rv.ZeroInflatedNegativeBinomialRV
    print_name: ClassVar[tuple[str, str]] = ("ZeroInflatedNB", r"\operatorname{ZeroInflatedNB}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(
        cls, psi: Any, mu: Any = None, alpha: Any = None, *, p: Any = None, n: Any = None
    ) -> list[Any]:
        return [psi, *nbinom_params("ZeroInflatedNegativeBinomial", mu, alpha, p, n)]

    @staticmethod
    def logp(value: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
        x, ok = integer_value(value)
        res = inflated_logp(x, psi, nbinom_logpmf(x, n, p), n * m.log(p))
        return _zinb_check(bound(res, *ok, x >= 0), psi, n, p)

    @staticmethod
    def logcdf(value: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
        x = as_float(value)
        return _zinb_check(inflated_logcdf(x, psi, nbinom_logcdf(x, n, p)), psi, n, p)

    @staticmethod
    def icdf(q: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
        logcdf = ZeroInflatedNegativeBinomial.logcdf
        return searched_icdf("ZeroInflatedNegativeBinomial", logcdf, q, 0.0, np.inf, psi, n, p)


def _zinb_check(res: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
    return check_parameters(
        res, *_psi_ok(psi), n > 0, p > 0, p <= 1, msg="0 <= psi <= 1, n > 0, 0 < p <= 1"
    )


__all__ = ["ZeroInflatedBinomial", "ZeroInflatedNegativeBinomial", "ZeroInflatedPoisson"]
