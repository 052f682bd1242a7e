"""Continuous distributions on the positive half-line (HalfNormal and LogNormal
are in ``continuous.py``, HalfStudentT and HalfCauchy in ``continuous_heavy.py``):
parameters as PyMC names them, maths beside each. Wald is in ``continuous_wald.py``
(re-exported here)."""

from __future__ import annotations

from typing import Any, ClassVar

from ppgraph.distributions.continuous import one_parametrization
from ppgraph.distributions.continuous_wald import Wald
from ppgraph.distributions.distribution import Continuous, resolve_alternative
from ppgraph.distributions.gamma_math import (
    gamma_kernel,
    log_gammainc_lower,
    log_gammainc_upper,
)
from ppgraph.logprob.utils import (
    bound,
    check_parameters,
    icdf_bound,
    times_log,
)
from ppgraph.random.continuous import (
    ChiSquaredRV,
    ExponentialRV,
    GammaRV,
    InverseGammaRV,
    ParetoRV,
    WeibullRV,
)
from ppgraph.tensor import math as m

# Pareto's parameter is PyMC's ``m`` (error messages name it): the maths as ``tm`` there
from ppgraph.tensor import math as tm
from ppgraph.tensor.check import check
from ppgraph.tensor.type import TensorVariable


def gamma_logpdf(x: Any, alpha: Any, beta: Any) -> TensorVariable:
    """``alpha log beta - log Gamma(alpha) + (alpha - 1) log x - beta x`` for ``x >= 0``."""
    res = alpha * m.log(beta) - m.gammaln(alpha) + times_log(alpha - 1.0, x) - beta * x
    return bound(res, x >= 0)


def gamma_logcdf(x: Any, alpha: Any, beta: Any) -> TensorVariable:
    """``log P(alpha, beta x)`` (see ``log_gammainc_lower``: a series at small
    ``beta x``, ``log(1 - Q)`` above the mean, finite gradients throughout)."""
    y = beta * m.maximum(x, 0.0)
    return bound(log_gammainc_lower(alpha, y), x > 0)


class Gamma(Continuous):
    r"""The gamma distribution: shape ``alpha`` and rate ``beta``, or mean ``mu``
    and standard deviation ``sigma`` (:math:`\alpha = \mu^2/\sigma^2, \beta = \mu/\sigma^2`).

    .. math:: \log p(x) = \alpha\log\beta - \log\Gamma(\alpha) + (\alpha - 1)\log x - \beta x

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Gamma.dist(alpha=2.0, beta=3.0), 0.5).eval()), 8)
        0.0040774
    """

    rv_op = GammaRV
    print_name: ClassVar[tuple[str, str]] = ("Gamma", r"\operatorname{Gamma}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(
        cls, alpha: Any = None, beta: Any = None, *, mu: Any = None, sigma: Any = None
    ) -> list[Any]:
        given = {"alpha": alpha, "beta": beta, "mu": mu, "sigma": sigma}
        if one_parametrization("Gamma", [("alpha", "beta"), ("mu", "sigma")], given) == 0:
            return [alpha, beta]
        ok = (mu > 0, sigma > 0)
        return [check(mu**2 / sigma**2, *ok, msg="mu > 0, sigma > 0"), mu / sigma**2]

    @staticmethod
    def support_point(alpha: Any, beta: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return alpha / beta

    @staticmethod
    def logp(value: Any, alpha: Any, beta: Any) -> TensorVariable:
        res = gamma_logpdf(value, alpha, beta)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def logcdf(value: Any, alpha: Any, beta: Any) -> TensorVariable:
        res = gamma_logcdf(value, alpha, beta)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def icdf(q: Any, alpha: Any, beta: Any) -> TensorVariable:
        # P(alpha, beta x) = q
        res = icdf_bound(m.gammaincinv(alpha, q) / beta, q)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")


class InverseGamma(Continuous):
    r"""The inverse gamma distribution: ``1 / Gamma(alpha, rate=beta)`` (``beta``
    defaults to 1), or by mean ``mu`` and standard deviation ``sigma``.

    .. math:: \log p(x) = \alpha\log\beta - \log\Gamma(\alpha) - (\alpha + 1)\log x - \beta / x

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.InverseGamma.dist(alpha=3.0, beta=2.0), 0.5).eval()), 8)
        0.15888308
    """

    rv_op = InverseGammaRV
    print_name: ClassVar[tuple[str, str]] = ("InvGamma", r"\operatorname{InvGamma}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(
        cls, alpha: Any = None, beta: Any = None, *, mu: Any = None, sigma: Any = None
    ) -> list[Any]:
        given = {"alpha": alpha, "beta": beta, "mu": mu, "sigma": sigma}
        options = [("alpha",), ("alpha", "beta"), ("mu", "sigma")]
        choice = one_parametrization("InverseGamma", options, given)
        if choice < 2:
            return [alpha, 1.0 if beta is None else beta]
        ratio = check(mu**2 / sigma**2, mu > 0, sigma > 0, msg="mu > 0, sigma > 0")
        return [ratio + 2.0, mu * (ratio + 1.0)]

    @staticmethod
    def support_point(alpha: Any, beta: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return m.where(alpha > 1, beta / (alpha - 1.0), beta / (alpha + 1.0))

    @staticmethod
    def logp(value: Any, alpha: Any, beta: Any) -> TensorVariable:
        # alpha log y - y - log Gamma(alpha) - log x with y = beta / x, without the
        # cancellation of its terms at large alpha (mu >> sigma gives alpha = 1e8)
        x = m.where(value > 0, value, 1.0)
        res = gamma_kernel(beta / x, alpha) - m.log(x)
        res = bound(res, value > 0)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def logcdf(value: Any, alpha: Any, beta: Any) -> TensorVariable:
        # F = Q(alpha, beta / x); below the mode of beta / x, log(1 - P) keeps the tail.
        y = beta / m.where(value > 0, value, 1.0)
        res = log_gammainc_upper(alpha, y)  # a continued fraction where Q underflows
        res = bound(res, value > 0)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def icdf(q: Any, alpha: Any, beta: Any) -> TensorVariable:
        # Q(alpha, beta / x) = q
        res = icdf_bound(beta / m.gammainccinv(alpha, q), q)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")


class Exponential(Continuous):
    r"""The exponential distribution, by rate ``lam`` or ``scale`` = 1 / ``lam``
    (``scale=1`` if neither is given).

    .. math:: \log p(x) = \log\lambda - \lambda x, \quad x \ge 0

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Exponential.dist(lam=2.0), 1.5).eval()), 8)
        -2.30685282
    """

    rv_op = ExponentialRV
    print_name: ClassVar[tuple[str, str]] = ("Exp", r"\operatorname{Exp}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(cls, lam: Any = None, *, scale: Any = None) -> list[Any]:
        name, value = resolve_alternative("Exponential", [("lam", lam), ("scale", scale)], 1.0)
        if name == "scale":
            return [check(1.0 / value, value > 0, msg="scale > 0")]
        return [value]

    @staticmethod
    def support_point(lam: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return 1.0 / lam

    @staticmethod
    def logp(value: Any, lam: Any) -> TensorVariable:
        res = bound(m.log(lam) - lam * value, value >= 0)
        return check_parameters(res, lam > 0, msg="lam > 0")

    @staticmethod
    def logcdf(value: Any, lam: Any) -> TensorVariable:
        res = bound(m.log1mexp(-lam * m.maximum(value, 0.0)), value >= 0)
        return check_parameters(res, lam > 0, msg="lam > 0")

    @staticmethod
    def icdf(q: Any, lam: Any) -> TensorVariable:
        return check_parameters(icdf_bound(-m.log1p(-q) / lam, q), lam > 0, msg="lam > 0")


class ChiSquared(Continuous):
    r"""The chi-squared distribution with ``nu`` degrees of freedom: Gamma(nu / 2, rate 1/2).

    .. math:: \log p(x) = -\tfrac{\nu}{2}\log 2 - \log\Gamma(\tfrac{\nu}{2})
              + (\tfrac{\nu}{2} - 1)\log x - \tfrac{x}{2}

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.ChiSquared.dist(nu=3.0), 2.0).eval()), 8)
        -1.57236494
    """

    rv_op = ChiSquaredRV
    print_name: ClassVar[tuple[str, str]] = ("ChiSquared", r"\chi^2")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(cls, nu: Any) -> list[Any]:
        return [nu]

    @staticmethod
    def support_point(nu: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return nu

    @staticmethod
    def logp(value: Any, nu: Any) -> TensorVariable:
        return check_parameters(gamma_logpdf(value, 0.5 * nu, 0.5), nu > 0, msg="nu > 0")

    @staticmethod
    def logcdf(value: Any, nu: Any) -> TensorVariable:
        return check_parameters(gamma_logcdf(value, 0.5 * nu, 0.5), nu > 0, msg="nu > 0")

    @staticmethod
    def icdf(q: Any, nu: Any) -> TensorVariable:
        res = icdf_bound(2.0 * m.gammaincinv(0.5 * nu, q), q)
        return check_parameters(res, nu > 0, msg="nu > 0")


class Weibull(Continuous):
    r"""The Weibull distribution: shape ``alpha``, scale ``beta``.

    .. math:: \log p(x) = \log\tfrac{\alpha}{\beta} + (\alpha - 1)\log\tfrac{x}{\beta}
              - \left(\tfrac{x}{\beta}\right)^\alpha, \quad x \ge 0

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Weibull.dist(alpha=1.5, beta=2.0), 1.0).eval()), 8)
        -0.98780905
    """

    rv_op = WeibullRV
    print_name: ClassVar[tuple[str, str]] = ("Weibull", r"\operatorname{Weibull}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(cls, alpha: Any, beta: Any) -> list[Any]:
        return [alpha, beta]

    @staticmethod
    def support_point(alpha: Any, beta: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return beta * m.exp(m.gammaln(1.0 + 1.0 / alpha))

    @staticmethod
    def logp(value: Any, alpha: Any, beta: Any) -> TensorVariable:
        z = m.maximum(value, 0.0) / beta
        res = m.log(alpha) - m.log(beta) + times_log(alpha - 1.0, z) - z**alpha
        res = bound(res, value >= 0)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def logcdf(value: Any, alpha: Any, beta: Any) -> TensorVariable:
        res = bound(m.log1mexp(-((m.maximum(value, 0.0) / beta) ** alpha)), value >= 0)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def icdf(q: Any, alpha: Any, beta: Any) -> TensorVariable:
        x = beta * (-m.log1p(-q)) ** (1.0 / alpha)
        return check_parameters(icdf_bound(x, q), alpha > 0, beta > 0, msg="alpha > 0, beta > 0")


class Pareto(Continuous):
    r"""The Pareto distribution: shape ``alpha``, scale (the support's lower bound) ``m``.

    .. math:: \log p(x) = \log\alpha + \alpha\log m - (\alpha + 1)\log x, \quad x \ge m

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Pareto.dist(alpha=3.0, m=2.0), 3.0).eval()), 8)
        -1.21639532
    """

    rv_op = ParetoRV
    print_name: ClassVar[tuple[str, str]] = ("Pareto", r"\operatorname{Pareto}")
    support: ClassVar[str] = "interval"
    default_transform: ClassVar[str | None] = "interval"

    @classmethod
    def parametrize(cls, alpha: Any, m: Any) -> list[Any]:
        return [alpha, m]

    @staticmethod
    def bounds(alpha: Any, m: Any) -> tuple[Any, Any]:
        """The support's bounds, for the interval transform (no upper bound)."""
        return m, None

    @staticmethod
    def support_point(alpha: Any, m: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return m * 2.0 ** (1.0 / alpha)

    @staticmethod
    def logp(value: Any, alpha: Any, m: Any) -> TensorVariable:
        x = tm.maximum(value, m)
        res = tm.log(alpha) + alpha * tm.log(m) - (alpha + 1.0) * tm.log(x)
        res = bound(res, value >= m)
        return check_parameters(res, alpha > 0, m > 0, msg="alpha > 0, m > 0")

    @staticmethod
    def logcdf(value: Any, alpha: Any, m: Any) -> TensorVariable:
        # log(x / m) as log1p((x - m) / m): exact just above m, where x - m is.
        x = tm.maximum(value, m)
        res = bound(tm.log1mexp(-alpha * tm.log1p((x - m) / m)), value >= m)
        return check_parameters(res, alpha > 0, m > 0, msg="alpha > 0, m > 0")

    @staticmethod
    def icdf(q: Any, alpha: Any, m: Any) -> TensorVariable:
        x = m * tm.exp(-tm.log1p(-q) / alpha)
        return check_parameters(icdf_bound(x, q), alpha > 0, m > 0, msg="alpha > 0, m > 0")


__all__ = [
    "ChiSquared",
    "Exponential",
    "Gamma",
    "InverseGamma",
    "Pareto",
    "Wald",
    "Weibull",
]
