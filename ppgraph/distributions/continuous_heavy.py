"""Heavy-tailed continuous distributions: Student's t and Cauchy, and their
halves on the positive half-line. Parameters as PyMC names them, maths beside each."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.continuous import sigma_from
from ppgraph.distributions.distribution import Continuous
from ppgraph.logprob.utils import bound, check_parameters, icdf_bound
from ppgraph.random.continuous import CauchyRV, HalfCauchyRV, HalfStudentTRV, StudentTRV
from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorVariable


def studentt_log_tail(z: Any, nu: Any) -> TensorVariable:
    """``log P(T <= -|z|)`` for Student's t with ``nu`` degrees of freedom:
    ``I_x(nu/2, 1/2) / 2`` with ``x = nu / (nu + z^2)`` (Abramowitz & Stegun 26.7.1)."""
    return np.log(0.5) + m.log(m.betainc(0.5 * nu, 0.5, nu / (nu + z * z)))


def studentt_abs_quantile(p2: Any, d: Any, nu: Any) -> TensorVariable:
    """``z >= 0`` with ``P(|T| > z) = p2`` for Student's t (``d = 1 - p2``, given
    at full precision): ``z^2 = nu (1 - t) / t`` where ``I_t(nu/2, 1/2) = p2``,
    with ``1 - t`` solved for directly (``I_{1-t}(1/2, nu/2) = d``) where ``t``
    is near 1."""
    t = m.betaincinv(0.5 * nu, 0.5, p2)
    s = m.betaincinv(0.5, 0.5 * nu, d)
    ratio = m.where(p2 < 0.5, (1.0 - t) / t, s / (1.0 - s))
    return m.sqrt(nu * ratio)


def studentt_logpdf(z: Any, nu: Any, sigma: Any) -> TensorVariable:
    """The Student t log-density at a standardized value ``z``."""
    norm = m.gammaln(0.5 * (nu + 1.0)) - m.gammaln(0.5 * nu) - 0.5 * m.log(np.pi * nu)
    return norm - m.log(sigma) - 0.5 * (nu + 1.0) * m.log1p(z * z / nu)


class StudentT(Continuous):
    r"""Student's t distribution (``lam`` the precision, as an alternative to ``sigma``).

    .. math:: \log p(x) = \log\Gamma(\tfrac{\nu+1}{2}) - \log\Gamma(\tfrac{\nu}{2})
              - \tfrac12\log(\nu\pi) - \log\sigma
              - \tfrac{\nu+1}{2}\log\left(1 + \tfrac{(x-\mu)^2}{\nu\sigma^2}\right)

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.StudentT.dist(nu=3.0, mu=1.0, sigma=2.0), 0.0).eval()), 8)
        -1.85412145
    """

    rv_op = StudentTRV
    print_name: ClassVar[tuple[str, str]] = ("StudentT", r"\operatorname{StudentT}")

    @classmethod
    def parametrize(
        cls, nu: Any, mu: Any = 0.0, sigma: Any = None, *, lam: Any = None
    ) -> list[Any]:
        return [nu, mu, sigma_from("StudentT", sigma, lam, "lam")]

    @staticmethod
    def support_point(nu: Any, mu: Any, sigma: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu

    @staticmethod
    def logp(value: Any, nu: Any, mu: Any, sigma: Any) -> TensorVariable:
        res = studentt_logpdf((value - mu) / sigma, nu, sigma)
        return check_parameters(res, nu > 0, sigma > 0, msg="nu > 0, sigma > 0")

    @staticmethod
    def logcdf(value: Any, nu: Any, mu: Any, sigma: Any) -> TensorVariable:
        z = (value - mu) / sigma
        tail = studentt_log_tail(z, nu)
        res = m.where(z < 0, tail, m.log1mexp(tail))
        return check_parameters(res, nu > 0, sigma > 0, msg="nu > 0, sigma > 0")

    @staticmethod
    def icdf(q: Any, nu: Any, mu: Any, sigma: Any) -> TensorVariable:
        # the two-sided tail 2 min(q, 1 - q) and its complement |2q - 1|
        z = studentt_abs_quantile(2.0 * m.minimum(q, 1.0 - q), m.abs(2.0 * q - 1.0), nu)
        res = icdf_bound(mu + sigma * m.where(q < 0.5, -z, z), q)
        return check_parameters(res, nu > 0, sigma > 0, msg="nu > 0, sigma > 0")


class HalfStudentT(Continuous):
    r"""The half Student t distribution on :math:`[0, \infty)` (``lam`` the
    precision, as an alternative to ``sigma``).

    .. math:: \log p(x) = \log 2 + \log \operatorname{StudentT}(x; \nu, 0, \sigma), \quad x \ge 0

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.HalfStudentT.dist(nu=3.0, sigma=2.0), 1.0).eval()), 8)
        -1.16097426
    """

    rv_op = HalfStudentTRV
    print_name: ClassVar[tuple[str, str]] = ("HalfStudentT", r"\operatorname{HalfStudentT}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(cls, nu: Any = 1.0, sigma: Any = None, *, lam: Any = None) -> list[Any]:
        return [nu, sigma_from("HalfStudentT", sigma, lam, "lam")]

    @staticmethod
    def support_point(nu: Any, sigma: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return sigma

    @staticmethod
    def logp(value: Any, nu: Any, sigma: Any) -> TensorVariable:
        res = bound(np.log(2.0) + studentt_logpdf(value / sigma, nu, sigma), value >= 0)
        return check_parameters(res, nu > 0, sigma > 0, msg="nu > 0, sigma > 0")

    @staticmethod
    def logcdf(value: Any, nu: Any, sigma: Any) -> TensorVariable:
        # F = 1 - 2 P(T < -z) = I_t(1/2, nu/2) with t = z^2 / (nu + z^2): the
        # direct form near 0, the complement in the upper tail.
        z = m.maximum(value, 0.0) / sigma
        t = z * z / (nu + z * z)
        direct = m.log(m.betainc(0.5, 0.5 * nu, t))
        res = m.where(t < 0.5, direct, m.log1mexp(np.log(2.0) + studentt_log_tail(z, nu)))
        res = bound(res, value > 0)
        return check_parameters(res, nu > 0, sigma > 0, msg="nu > 0, sigma > 0")

    @staticmethod
    def icdf(q: Any, nu: Any, sigma: Any) -> TensorVariable:
        res = icdf_bound(sigma * studentt_abs_quantile(1.0 - q, q, nu), q)
        return check_parameters(res, nu > 0, sigma > 0, msg="nu > 0, sigma > 0")


class Cauchy(Continuous):
    r"""The Cauchy distribution, location ``alpha`` and scale ``beta``.

    .. math:: \log p(x) = -\log\pi - \log\beta - \log\left(1 + \tfrac{(x-\alpha)^2}{\beta^2}\right)

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Cauchy.dist(alpha=1.0, beta=2.0), 4.0).eval()), 8)
        -3.01653206
    """

    rv_op = CauchyRV
    print_name: ClassVar[tuple[str, str]] = ("Cauchy", r"\operatorname{Cauchy}")

    @classmethod
    def parametrize(cls, alpha: Any, beta: Any) -> list[Any]:
        return [alpha, beta]

    @staticmethod
    def support_point(alpha: Any, beta: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return alpha

    @staticmethod
    def logp(value: Any, alpha: Any, beta: Any) -> TensorVariable:
        z = (value - alpha) / beta
        res = -np.log(np.pi) - m.log(beta) - m.log1p(z * z)
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def logcdf(value: Any, alpha: Any, beta: Any) -> TensorVariable:
        # F = arctan2(1, -z) / pi keeps the lower tail's precision (it is arctan(1/|z|) there).
        z = (value - alpha) / beta
        res = m.where(
            z < 0,
            m.log(m.arctan2(1.0, -z)) - np.log(np.pi),
            m.log1p(-m.arctan2(1.0, z) / np.pi),
        )
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def icdf(q: Any, alpha: Any, beta: Any) -> TensorVariable:
        # tan(pi (q - 1/2)) = -1 / tan(pi q): the cotangent keeps small q precise.
        z = m.where(q < 0.5, -1.0 / m.tan(np.pi * q), 1.0 / m.tan(np.pi * (1.0 - q)))
        return check_parameters(icdf_bound(alpha + beta * z, q), beta > 0, msg="beta > 0")


class HalfCauchy(Continuous):
    r"""The half-Cauchy distribution on :math:`[0, \infty)`, scale ``beta``.

    .. math:: \log p(x) = \log 2 - \log\pi - \log\beta - \log(1 + x^2/\beta^2), \quad x \ge 0

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.HalfCauchy.dist(beta=2.0), 1.0).eval()), 8)
        -1.36787344
    """

    rv_op = HalfCauchyRV
    print_name: ClassVar[tuple[str, str]] = ("C**+", r"\operatorname{C^{+}}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(cls, beta: Any) -> list[Any]:
        return [0.0, beta]

    @staticmethod
    def support_point(loc: Any, beta: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return loc + beta

    @staticmethod
    def logp(value: Any, loc: Any, beta: Any) -> TensorVariable:
        z = (value - loc) / beta
        res = bound(np.log(2.0 / np.pi) - m.log(beta) - m.log1p(z * z), value >= loc)
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def logcdf(value: Any, loc: Any, beta: Any) -> TensorVariable:
        # F = (2 / pi) arctan z = 1 - (2 / pi) arctan(1 / z).
        z = m.maximum(value - loc, 0.0) / beta
        upper = m.log1p(-2.0 / np.pi * m.arctan2(1.0, z))
        res = m.where(z < 1.0, np.log(2.0 / np.pi) + m.log(m.arctan(z)), upper)
        return check_parameters(bound(res, value >= loc), beta > 0, msg="beta > 0")

    @staticmethod
    def icdf(q: Any, loc: Any, beta: Any) -> TensorVariable:
        z = m.where(q < 0.5, m.tan(0.5 * np.pi * q), 1.0 / m.tan(0.5 * np.pi * (1.0 - q)))
        return check_parameters(icdf_bound(loc + beta * z, q), beta > 0, msg="beta > 0")


__all__ = ["Cauchy", "HalfCauchy", "HalfStudentT", "StudentT"]
