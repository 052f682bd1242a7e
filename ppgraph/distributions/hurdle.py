r"""Hurdle distributions, as PyMC defines them: 0 with probability :math:`1 - \psi`,
else a draw of the base family conditioned on being positive (PyMC's mixture of
``DiracDelta(0)`` and the base truncated below at 1 for counts, at machine
epsilon for continuous families; the same truncation here, so the numbers match).

.. math:: P(0) = 1 - \psi, \qquad
          p(x) = \psi \frac{p_{base}(x)}{1 - F_{base}(\ell)},\; x \ge \ell

with :math:`\ell = 1` for counts (so :math:`F_{base}(\ell^-) = P_{base}(0)`) and
:math:`\ell = \epsilon` for the continuous families.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.config import config
from ppgraph.distributions.continuous import LOG_SQRT_2PI, sigma_from
from ppgraph.distributions.continuous_positive import Gamma, gamma_logcdf, gamma_logpdf
from ppgraph.distributions.discrete import nbinom_params
from ppgraph.distributions.discrete_math import (
    LOG_HALF,
    as_float,
    integer_value,
    nbinom_logcdf,
    nbinom_logpmf,
    poisson_logcdf,
    poisson_logpmf,
)
from ppgraph.distributions.distribution import Continuous, Discrete
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random import extra as rv
from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


def hurdle_logp(x: Any, psi: Any, base_logp: Any, log_below: Any) -> TensorVariable:
    """``log(1 - psi)`` at 0, ``log psi + base_logp - log(1 - F_below)`` elsewhere
    (the caller bounds the support); ``log_below`` is ``log F_base`` at the cut."""
    positive = m.log(psi) + base_logp - m.log1mexp(m.minimum(log_below, 0.0))
    return m.where(m.eq(x, 0), m.log1p(-psi), positive)


def hurdle_logcdf(x: Any, psi: Any, base_logcdf: Any, log_below: Any, lower: Any) -> TensorVariable:
    """``log((1 - psi) + psi (F(x) - F_below) / (1 - F_below))`` from ``lower`` on,
    ``log(1 - psi)`` in ``[0, lower)``, -inf below 0. Near 1 it is
    ``log1p(-psi (1 - F(x)) / (1 - F_below))``, which keeps the upper tail."""
    log_below = m.minimum(log_below, 0.0)
    high = m.log1p(-psi * m.expm1(m.minimum(base_logcdf, 0.0)) / m.expm1(log_below))
    gain = base_logcdf + m.log1mexp(m.minimum(log_below - base_logcdf, 0.0))
    low = m.logaddexp(m.log1p(-psi), m.log(psi) + gain - m.log1mexp(log_below))
    res = m.where(x >= lower, m.where(high < LOG_HALF, low, high), m.log1p(-psi))
    return m.where(x < 0, -np.inf, m.where(m.isnan(x), np.nan, res))


def _eps(value: Any) -> float:
    """The continuous families' cut: machine epsilon of the value's float type
    (floatX for an integer value), as PyMC's truncation at ``finfo(floatX).eps``."""
    dtype = as_tensor_variable(value).dtype
    return float(np.finfo(dtype if dtype.startswith("float") else config.floatX).eps)


def _psi_ok(psi: Any) -> list[Any]:
    return [psi >= 0, psi <= 1]


class HurdlePoisson(Discrete):
    r"""0 with probability :math:`1 - \psi`, else Poisson(:math:`\mu`) given :math:`x \ge 1`.

    .. math:: P(0) = 1 - \psi, \quad
              P(x) = \psi \frac{\mu^x e^{-\mu} / x!}{1 - e^{-\mu}},\; x \ge 1

    Example:
        >>> import ppgraph as pg
        >>> x = pg.HurdlePoisson.dist(psi=0.7, mu=3.0)
        >>> round(float(pg.logp(x, 2).eval()), 8)  # log(0.7 poisson(3).pmf(2) / (1 - e^-3))
        -1.80152837
    """

    rv_op = rv.HurdlePoissonRV
    print_name: ClassVar[tuple[str, str]] = ("HurdlePois", r"\operatorname{HurdlePois}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, psi: Any, mu: Any) -> list[Any]:
        return [psi, mu]

    @staticmethod
    def support_point(psi: Any, mu: Any) -> Any:
        """PyMC's mixture support point: ``round(psi * m)``, ``m`` the truncated
        Poisson's (``floor(mu)``, or 2 when that is below 1)."""
        base = m.floor(mu)
        return m.round(psi * m.where(base >= 1, base, 2.0))

    @staticmethod
    def logp(value: Any, psi: Any, mu: Any) -> TensorVariable:
        x, ok = integer_value(value)
        res = bound(hurdle_logp(x, psi, poisson_logpmf(x, mu), -mu), *ok, x >= 0)
        return check_parameters(res, *_psi_ok(psi), mu > 0, msg="0 <= psi <= 1, mu > 0")

    @staticmethod
    def logcdf(value: Any, psi: Any, mu: Any) -> TensorVariable:
        x = m.floor(as_float(value))
        res = hurdle_logcdf(x, psi, poisson_logcdf(x, mu), -mu, 1.0)
        return check_parameters(res, *_psi_ok(psi), mu > 0, msg="0 <= psi <= 1, mu > 0")


class HurdleNegativeBinomial(Discrete):
    r"""0 with probability :math:`1 - \psi`, else NegativeBinomial given :math:`x \ge 1`;
    as NegativeBinomial, give ``mu`` and ``alpha``, or ``n`` and ``p``.

    .. math:: P(0) = 1 - \psi, \quad
              P(x) = \psi \frac{\operatorname{NB}(x; n, p)}{1 - p^n},\; x \ge 1

    Example:
        >>> import ppgraph as pg
        >>> x = pg.HurdleNegativeBinomial.dist(psi=0.7, mu=3.0, alpha=2.0)
        >>> round(float(pg.logp(x, 4).eval()), 8)  # log(0.7 nbinom(2, 0.4).pmf(4) / (1 - 0.4^2))
        -2.4487676
    """

    rv_op = rv.HurdleNegativeBinomialRV
    print_name: ClassVar[tuple[str, str]] = ("HurdleNB", r"\operatorname{HurdleNB}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(
        cls, psi: Any, mu: Any = None, alpha: Any = None, *, p: Any = None, n: Any = None
    ) -> list[Any]:
        return [psi, *nbinom_params("HurdleNegativeBinomial", mu, alpha, p, n)]

    @staticmethod
    def support_point(psi: Any, n: Any, p: Any) -> Any:
        """PyMC's mixture support point (as HurdlePoisson's, ``mu = n (1 - p) / p``)."""
        base = m.floor(n * (1.0 - p) / p)
        return m.round(psi * m.where(base >= 1, base, 2.0))

    @staticmethod
    def logp(value: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
        x, ok = integer_value(value)
        res = hurdle_logp(x, psi, nbinom_logpmf(x, n, p), n * m.log(p))
        return _nb_check(bound(res, *ok, x >= 0), psi, n, p)

    @staticmethod
    def logcdf(value: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
        x = m.floor(as_float(value))
        res = hurdle_logcdf(x, psi, nbinom_logcdf(x, n, p), n * m.log(p), 1.0)
        return _nb_check(res, psi, n, p)


def _nb_check(res: Any, psi: Any, n: Any, p: Any) -> TensorVariable:
    return check_parameters(
        res, *_psi_ok(psi), n > 0, p > 0, p < 1, msg="0 <= psi <= 1, n > 0, 0 < p < 1"
    )


class HurdleGamma(Continuous):
    r"""0 with probability :math:`1 - \psi`, else Gamma (shape ``alpha``, rate
    ``beta``, or ``mu`` and ``sigma``) above machine epsilon :math:`\epsilon`.

    .. math:: P(0) = 1 - \psi, \quad
              p(x) = \psi \frac{\operatorname{Gamma}(x; \alpha, \beta)}{1 - F(\epsilon)},
              \; x \ge \epsilon

    Example:
        >>> import ppgraph as pg
        >>> x = pg.HurdleGamma.dist(psi=0.7, alpha=2.0, beta=3.0)
        >>> round(float(pg.logp(x, 0.5).eval()), 8)  # log(0.7) + stats.gamma(2, 0, 1/3).logpdf(.5)
        -0.35259755
    """

    rv_op = rv.HurdleGammaRV
    print_name: ClassVar[tuple[str, str]] = ("HurdleGamma", r"\operatorname{HurdleGamma}")
    support: ClassVar[str] = "nonnegative"

    @classmethod
    def parametrize(
        cls,
        psi: Any,
        alpha: Any = None,
        beta: Any = None,
        *,
        mu: Any = None,
        sigma: Any = None,
    ) -> list[Any]:
        return [psi, *Gamma.parametrize(alpha, beta, mu=mu, sigma=sigma)]

    @staticmethod
    def support_point(psi: Any, alpha: Any, beta: Any) -> Any:
        """PyMC's mixture support point: ``psi`` times the gamma mean."""
        return psi * alpha / beta

    @staticmethod
    def logp(value: Any, psi: Any, alpha: Any, beta: Any) -> TensorVariable:
        eps = _eps(value)
        below = _gamma_log_below(eps, alpha, beta)
        res = hurdle_logp(value, psi, gamma_logpdf(value, alpha, beta), below)
        res = bound(res, m.or_(m.eq(value, 0), value >= eps))
        return _gamma_check(res, psi, alpha, beta)

    @staticmethod
    def logcdf(value: Any, psi: Any, alpha: Any, beta: Any) -> TensorVariable:
        eps = _eps(value)
        below = _gamma_log_below(eps, alpha, beta)
        res = hurdle_logcdf(value, psi, gamma_logcdf(value, alpha, beta), below, eps)
        return _gamma_check(res, psi, alpha, beta)


def _gamma_log_below(eps: float, alpha: Any, beta: Any) -> TensorVariable:
    """``log F(eps)``: far below the mean, the direct ``log P(alpha, beta eps)``
    (gamma_logcdf's select would send a NaN gradient from its upper-tail branch)."""
    return m.log(m.gammainc(alpha, beta * eps))


def _gamma_check(res: Any, psi: Any, alpha: Any, beta: Any) -> TensorVariable:
    return check_parameters(
        res, *_psi_ok(psi), alpha > 0, beta > 0, msg="0 <= psi <= 1, alpha > 0, beta > 0"
    )


class HurdleLogNormal(Continuous):
    r"""0 with probability :math:`1 - \psi`, else LogNormal(:math:`\mu, \sigma`)
    above machine epsilon :math:`\epsilon` (``tau`` the precision, as an
    alternative to ``sigma``).

    .. math:: P(0) = 1 - \psi, \quad
              p(x) = \psi \frac{\operatorname{LogNormal}(x; \mu, \sigma)}{1 - F(\epsilon)},
              \; x \ge \epsilon

    Example:
        >>> import ppgraph as pg
        >>> x = pg.HurdleLogNormal.dist(psi=0.7, mu=0.5, sigma=2.0)
        >>> round(float(pg.logp(x, 3.0).eval()), 8)  # log .7 + lognorm(2, 0, e^.5).logpdf(3)
        -3.11216503
    """

    rv_op = rv.HurdleLogNormalRV
    print_name: ClassVar[tuple[str, str]] = ("HurdleLogN", r"\operatorname{HurdleLogN}")
    support: ClassVar[str] = "nonnegative"

    @classmethod
    def parametrize(
        cls, psi: Any, mu: Any = 0.0, sigma: Any = None, *, tau: Any = None
    ) -> list[Any]:
        return [psi, mu, sigma_from("HurdleLogNormal", sigma, tau)]

    @staticmethod
    def support_point(psi: Any, mu: Any, sigma: Any) -> Any:
        """PyMC's mixture support point: ``psi`` times the log-normal mean."""
        return psi * m.exp(mu + 0.5 * sigma * sigma)

    @staticmethod
    def _log_below(eps: float, mu: Any, sigma: Any) -> TensorVariable:
        return m.log_ndtr((np.log(eps) - mu) / sigma)

    @staticmethod
    def logp(value: Any, psi: Any, mu: Any, sigma: Any) -> TensorVariable:
        eps = _eps(value)
        log_x = m.log(m.maximum(value, eps))
        z = (log_x - mu) / sigma
        base = -0.5 * z * z - LOG_SQRT_2PI - m.log(sigma) - log_x
        res = hurdle_logp(value, psi, base, HurdleLogNormal._log_below(eps, mu, sigma))
        res = bound(res, m.or_(m.eq(value, 0), value >= eps))
        return _lognormal_check(res, psi, sigma)

    @staticmethod
    def logcdf(value: Any, psi: Any, mu: Any, sigma: Any) -> TensorVariable:
        eps = _eps(value)
        base = m.log_ndtr((m.log(m.maximum(value, eps)) - mu) / sigma)
        below = HurdleLogNormal._log_below(eps, mu, sigma)
        return _lognormal_check(hurdle_logcdf(value, psi, base, below, eps), psi, sigma)


def _lognormal_check(res: Any, psi: Any, sigma: Any) -> TensorVariable:
    return check_parameters(res, *_psi_ok(psi), sigma > 0, msg="0 <= psi <= 1, sigma > 0")


__all__ = ["HurdleGamma", "HurdleLogNormal", "HurdleNegativeBinomial", "HurdlePoisson"]
