"""Continuous distributions on bounded supports (LogitNormal and
TruncatedNormal are in ``continuous.py``): parameters as PyMC names them,
maths beside each."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.continuous import one_parametrization
from ppgraph.distributions.distribution import Continuous
from ppgraph.logprob.utils import bound, check_parameters, icdf_bound, times_log, times_log1p
from ppgraph.random.continuous import BetaRV, KumaraswamyRV, TriangularRV, UniformRV, VonMisesRV
from ppgraph.tensor import math as m
from ppgraph.tensor.check import check
from ppgraph.tensor.type import TensorVariable


def betaln(a: Any, b: Any) -> TensorVariable:
    """``log B(a, b)`` from ``gammaln`` (the backend's ``betaln`` is off by up to 1e-6)."""
    return m.gammaln(a) + m.gammaln(b) - m.gammaln(a + b)


class Uniform(Continuous):
    r"""The continuous uniform distribution on :math:`[l, u]`.

    .. math:: \log p(x) = -\log(u - l), \quad l \le x \le u

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Uniform.dist(lower=-1.0, upper=3.0), 0.5).eval()), 8)
        -1.38629436
    """

    rv_op = UniformRV
    print_name: ClassVar[tuple[str, str]] = ("U", r"\operatorname{U}")
    support: ClassVar[str] = "interval"
    default_transform: ClassVar[str | None] = "interval"

    @classmethod
    def parametrize(cls, lower: Any = 0.0, upper: Any = 1.0) -> list[Any]:
        return [lower, upper]

    @staticmethod
    def bounds(lower: Any, upper: Any) -> tuple[Any, Any]:
        """The support's bounds, for the interval transform."""
        return lower, upper

    @staticmethod
    def support_point(lower: Any, upper: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return 0.5 * (lower + upper)

    @staticmethod
    def logp(value: Any, lower: Any, upper: Any) -> TensorVariable:
        res = bound(-m.log(upper - lower), value >= lower, value <= upper)
        return check_parameters(res, lower < upper, msg="lower < upper")

    @staticmethod
    def logcdf(value: Any, lower: Any, upper: Any) -> TensorVariable:
        # Above the middle, log1p of minus the mass above keeps its precision.
        x = m.clip(value, lower, upper)
        width = upper - lower
        res = m.where(
            x - lower < upper - x, m.log((x - lower) / width), m.log1p((x - upper) / width)
        )
        return check_parameters(bound(res, value >= lower), lower < upper, msg="lower < upper")

    @staticmethod
    def icdf(q: Any, lower: Any, upper: Any) -> TensorVariable:
        res = icdf_bound(lower + q * (upper - lower), q)
        return check_parameters(res, lower < upper, msg="lower < upper")


class Beta(Continuous):
    r"""The beta distribution: ``alpha`` and ``beta``, or mean ``mu`` with
    standard deviation ``sigma`` or concentration ``nu`` (:math:`\alpha = \mu\nu,
    \beta = (1 - \mu)\nu`, with :math:`\nu = \mu(1 - \mu)/\sigma^2 - 1`).

    .. math:: \log p(x) = (\alpha - 1)\log x + (\beta - 1)\log(1 - x) - \log B(\alpha, \beta)

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Beta.dist(alpha=2.0, beta=3.0), 0.25).eval()), 8)
        0.52324814
    """

    rv_op = BetaRV
    print_name: ClassVar[tuple[str, str]] = ("Beta", r"\operatorname{Beta}")
    support: ClassVar[str] = "unit"
    default_transform: ClassVar[str | None] = "logodds"

    @classmethod
    def parametrize(
        cls,
        alpha: Any = None,
        beta: Any = None,
        *,
        mu: Any = None,
        sigma: Any = None,
        nu: Any = None,
    ) -> list[Any]:
        given = {"alpha": alpha, "beta": beta, "mu": mu, "sigma": sigma, "nu": nu}
        options = [("alpha", "beta"), ("mu", "sigma"), ("mu", "nu")]
        choice = one_parametrization("Beta", options, given)
        if choice == 0:
            return [alpha, beta]
        if choice == 1:
            ok = (mu > 0, mu < 1, sigma > 0, sigma * sigma < mu * (1.0 - mu))
            nu = check(mu * (1.0 - mu) / sigma**2 - 1.0, *ok, msg="0 < sigma**2 < mu * (1 - mu)")
        else:
            nu = check(nu, mu > 0, mu < 1, nu > 0, msg="0 < mu < 1, nu > 0")
        return [mu * nu, (1.0 - mu) * nu]

    @staticmethod
    def support_point(alpha: Any, beta: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return alpha / (alpha + beta)

    @staticmethod
    def logp(value: Any, alpha: Any, beta: Any) -> TensorVariable:
        x = m.clip(value, 0.0, 1.0)
        res = times_log(alpha - 1.0, x) + times_log1p(beta - 1.0, -x) - betaln(alpha, beta)
        res = bound(res, value >= 0, value <= 1)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def logcdf(value: Any, alpha: Any, beta: Any) -> TensorVariable:
        # I_x(a, b) = 1 - I_{1-x}(b, a): the complement keeps the upper tail.
        x = m.clip(value, 0.0, 1.0)
        upper = m.log1p(-m.betainc(beta, alpha, 1.0 - x))
        res = m.where(x * (alpha + beta) < alpha, m.log(m.betainc(alpha, beta, x)), upper)
        res = bound(res, value >= 0)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def icdf(q: Any, alpha: Any, beta: Any) -> TensorVariable:
        res = icdf_bound(m.betaincinv(alpha, beta, q), q)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")


class Kumaraswamy(Continuous):
    r"""The Kumaraswamy distribution on :math:`[0, 1]` (Kumaraswamy 1980; Jones 2009).

    .. math:: \log p(x) = \log a + \log b + (a - 1)\log x + (b - 1)\log(1 - x^a)

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Kumaraswamy.dist(a=2.0, b=3.0), 0.25).eval()), 8)
        0.27638807
    """

    rv_op = KumaraswamyRV
    print_name: ClassVar[tuple[str, str]] = ("Kumaraswamy", r"\operatorname{Kumaraswamy}")
    support: ClassVar[str] = "unit"
    default_transform: ClassVar[str | None] = "logodds"

    @classmethod
    def parametrize(cls, a: Any, b: Any) -> list[Any]:
        return [a, b]

    @staticmethod
    def support_point(a: Any, b: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        # The mean, b B(1 + 1/a, b).
        return b * m.exp(betaln(1.0 + 1.0 / a, b))

    @staticmethod
    def logp(value: Any, a: Any, b: Any) -> TensorVariable:
        # log(1 - x^a) = log1mexp(a log x) keeps its precision as x^a nears 1;
        # at x = 1 the term is (b - 1) log 0, which is 0 for b = 1.
        x = m.clip(value, 0.0, 1.0)
        below_1 = x < 1
        log_1m_xa = m.log1mexp(a * m.log(m.where(below_1, x, 0.5)))
        at_1 = m.where(m.eq(b, 1.0), 0.0, m.where(b > 1, -np.inf, np.inf))
        tail = m.where(below_1, (b - 1.0) * log_1m_xa, at_1)
        res = m.log(a) + m.log(b) + times_log(a - 1.0, x) + tail
        res = bound(res, value >= 0, value <= 1)
        return check_parameters(res, a > 0, b > 0, msg="a > 0, b > 0")

    @staticmethod
    def logcdf(value: Any, a: Any, b: Any) -> TensorVariable:
        # F = 1 - (1 - x^a)^b.
        x = m.clip(value, 0.0, 1.0)
        res = bound(m.log1mexp(b * m.log1mexp(a * m.log(x))), value >= 0)
        return check_parameters(res, a > 0, b > 0, msg="a > 0, b > 0")

    @staticmethod
    def icdf(q: Any, a: Any, b: Any) -> TensorVariable:
        x = m.exp(m.log(-m.expm1(m.log1p(-q) / b)) / a)
        return check_parameters(icdf_bound(x, q), a > 0, b > 0, msg="a > 0, b > 0")


class Triangular(Continuous):
    r"""The triangular distribution on :math:`[l, u]` with mode ``c``.

    .. math:: p(x) = \begin{cases} \tfrac{2 (x - l)}{(u - l)(c - l)} & l \le x < c \\
              \tfrac{2 (u - x)}{(u - l)(u - c)} & c \le x \le u \end{cases}

    Example:
        >>> import ppgraph as pg
        >>> x = pg.Triangular.dist(lower=0.0, upper=4.0, c=1.0)
        >>> round(float(pg.logp(x, 2.0).eval()), 8)  # scipy.stats.triang(0.25, 0, 4)
        -1.09861229
    """

    rv_op = TriangularRV
    print_name: ClassVar[tuple[str, str]] = ("Triangular", r"\operatorname{Triangular}")
    support: ClassVar[str] = "interval"
    default_transform: ClassVar[str | None] = "interval"

    @classmethod
    def parametrize(cls, lower: Any = 0.0, upper: Any = 1.0, c: Any = 0.5) -> list[Any]:
        return [lower, c, upper]

    @staticmethod
    def bounds(lower: Any, c: Any, upper: Any) -> tuple[Any, Any]:
        """The support's bounds, for the interval transform."""
        return lower, upper

    @staticmethod
    def _check(res: Any, lower: Any, c: Any, upper: Any) -> TensorVariable:
        ok = (lower <= c, c <= upper, lower < upper)
        return check_parameters(res, *ok, msg="lower <= c <= upper, lower < upper")

    @staticmethod
    def support_point(lower: Any, c: Any, upper: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return c

    @staticmethod
    def logp(value: Any, lower: Any, c: Any, upper: Any) -> TensorVariable:
        # Each side divides by its own width, which is 0 when c is a bound: the
        # width is replaced by 1 where its side is not used (no NaN in gradients).
        peak = np.log(2.0) - m.log(upper - lower)
        left = peak + m.log((value - lower) / m.where(value < c, c - lower, 1.0))
        right = peak + m.log((upper - value) / m.where(value > c, upper - c, 1.0))
        res = m.where(value < c, left, m.where(value > c, right, peak))
        res = bound(res, value >= lower, value <= upper)
        return Triangular._check(res, lower, c, upper)

    @staticmethod
    def logcdf(value: Any, lower: Any, c: Any, upper: Any) -> TensorVariable:
        x = m.clip(value, lower, upper)
        width = upper - lower
        left = 2.0 * m.log(x - lower) - m.log(width) - m.log(m.where(x < c, c - lower, 1.0))
        right_mass = (upper - x) ** 2 / (width * m.where(x < c, 1.0, upper - c))
        res = m.where(x < c, left, m.log1p(-right_mass))
        res = m.where(value >= upper, 0.0, bound(res, value > lower))
        return Triangular._check(res, lower, c, upper)

    @staticmethod
    def icdf(q: Any, lower: Any, c: Any, upper: Any) -> TensorVariable:
        width = upper - lower
        left = lower + m.sqrt(q * width * (c - lower))
        right = upper - m.sqrt((1.0 - q) * width * (upper - c))
        res = icdf_bound(m.where(q * width < c - lower, left, right), q)
        return Triangular._check(res, lower, c, upper)


class VonMises(Continuous):
    r"""The von Mises distribution of an angle on :math:`[-\pi, \pi]`: mean ``mu``,
    concentration ``kappa``.

    .. math:: \log p(x) = \kappa\cos(x - \mu) - \log 2\pi - \log I_0(\kappa)

    computed as :math:`\kappa(\cos(x - \mu) - 1) - \log 2\pi - \log(e^{-\kappa} I_0(\kappa))`,
    which stays finite for large ``kappa``.

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.VonMises.dist(mu=0.5, kappa=2.0), 1.0).eval()), 8)
        -0.90670548
    """

    rv_op = VonMisesRV
    print_name: ClassVar[tuple[str, str]] = ("VonMises", r"\operatorname{VonMises}")
    support: ClassVar[str] = "circular"
    default_transform: ClassVar[str | None] = "circular"

    @classmethod
    def parametrize(cls, mu: Any = 0.0, kappa: Any = None) -> list[Any]:
        if kappa is None:
            raise TypeError("VonMises: kappa (the concentration) is required")
        return [mu, kappa]

    @staticmethod
    def support_point(mu: Any, kappa: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu

    @staticmethod
    def logp(value: Any, mu: Any, kappa: Any) -> TensorVariable:
        res = kappa * (m.cos(value - mu) - 1.0) - np.log(2.0 * np.pi) - m.log(m.i0e(kappa))
        res = bound(res, value >= -np.pi, value <= np.pi)
        return check_parameters(res, kappa > 0, msg="kappa > 0")


__all__ = ["Beta", "Kumaraswamy", "Triangular", "Uniform", "VonMises"]
