"""Continuous distributions on the real line (beyond the normal family and the
heavy-tailed ones), and the improper Flat and HalfFlat: parameters as PyMC
names them, maths beside each."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.continuous import LOG_SQRT_2PI, SQRT2
from ppgraph.distributions.distribution import Continuous, resolve_alternative
from ppgraph.logprob.utils import check_parameters, icdf_bound, logdiffexp
from ppgraph.random.continuous import (
    AsymmetricLaplaceRV,
    ExGaussianRV,
    FlatRV,
    GumbelRV,
    HalfFlatRV,
    LaplaceRV,
    LogisticRV,
    MoyalRV,
)
from ppgraph.tensor import math as m
from ppgraph.tensor.check import check
from ppgraph.tensor.type import TensorVariable


class Laplace(Continuous):
    r"""The Laplace (double exponential) distribution.

    .. math:: \log p(x) = -\log 2b - \tfrac{|x - \mu|}{b}

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Laplace.dist(mu=1.0, b=2.0), -2.0).eval()), 8)
        -2.88629436
    """

    rv_op = LaplaceRV
    print_name: ClassVar[tuple[str, str]] = ("Laplace", r"\operatorname{Laplace}")

    @classmethod
    def parametrize(cls, mu: Any, b: Any) -> list[Any]:
        return [mu, b]

    @staticmethod
    def support_point(mu: Any, b: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu

    @staticmethod
    def logp(value: Any, mu: Any, b: Any) -> TensorVariable:
        res = -np.log(2.0) - m.log(b) - m.abs(value - mu) / b
        return check_parameters(res, b > 0, msg="b > 0")

    @staticmethod
    def logcdf(value: Any, mu: Any, b: Any) -> TensorVariable:
        z = (value - mu) / b
        upper = m.log1p(-0.5 * m.exp(-m.maximum(z, 0.0)))
        res = m.where(z < 0, np.log(0.5) + z, upper)
        return check_parameters(res, b > 0, msg="b > 0")

    @staticmethod
    def icdf(q: Any, mu: Any, b: Any) -> TensorVariable:
        x = m.where(q < 0.5, mu + b * m.log(2.0 * q), mu - b * m.log(2.0 - 2.0 * q))
        return check_parameters(icdf_bound(x, q), b > 0, msg="b > 0")


class AsymmetricLaplace(Continuous):
    r"""The asymmetric Laplace distribution: rate ``b``, asymmetry ``kappa``
    (or the quantile ``q``, with :math:`\kappa = \sqrt{(1 - q) / q}`), location ``mu``.

    .. math:: \log p(x) = \log b - \log(\kappa + \kappa^{-1})
              - \begin{cases} b\kappa (x - \mu) & x \ge \mu \\
                              -b (x - \mu) / \kappa & x < \mu \end{cases}

    Example:
        >>> import ppgraph as pg
        >>> x = pg.AsymmetricLaplace.dist(kappa=2.0, mu=1.0, b=0.5)
        >>> round(float(pg.logp(x, 3.0).eval()), 8)  # scipy laplace_asymmetric(2, 1, 1/0.5)
        -3.60943791
    """

    rv_op = AsymmetricLaplaceRV
    print_name: ClassVar[tuple[str, str]] = ("AsymLaplace", r"\operatorname{AsymLaplace}")

    @classmethod
    def parametrize(
        cls, kappa: Any = None, mu: Any = 0.0, b: Any = None, *, q: Any = None
    ) -> list[Any]:
        if b is None:
            raise TypeError("AsymmetricLaplace: b (the rate) is required")
        name, value = resolve_alternative("AsymmetricLaplace", [("kappa", kappa), ("q", q)])
        if name == "q":
            value = check(m.sqrt((1.0 - value) / value), value > 0, value < 1, msg="0 < q < 1")
        return [b, value, mu]

    @staticmethod
    def support_point(b: Any, kappa: Any, mu: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu - (kappa - 1.0 / kappa) / b

    @staticmethod
    def logp(value: Any, b: Any, kappa: Any, mu: Any) -> TensorVariable:
        z = value - mu
        res = m.log(b) + m.log(kappa) - m.log1p(kappa * kappa)
        res = res + m.where(z >= 0, -b * kappa * z, b * z / kappa)
        return check_parameters(res, b > 0, kappa > 0, msg="b > 0, kappa > 0")

    @staticmethod
    def logcdf(value: Any, b: Any, kappa: Any, mu: Any) -> TensorVariable:
        z = value - mu
        k2 = kappa * kappa
        lower = 2.0 * m.log(kappa) - m.log1p(k2) + b * m.minimum(z, 0.0) / kappa
        upper = m.log1p(-m.exp(-b * kappa * m.maximum(z, 0.0)) / (1.0 + k2))
        res = m.where(z < 0, lower, upper)
        return check_parameters(res, b > 0, kappa > 0, msg="b > 0, kappa > 0")

    @staticmethod
    def icdf(q: Any, b: Any, kappa: Any, mu: Any) -> TensorVariable:
        k2 = kappa * kappa
        lower = mu + kappa / b * m.log(q * (1.0 + k2) / k2)
        upper = mu - m.log((1.0 - q) * (1.0 + k2)) / (b * kappa)
        x = m.where(q * (1.0 + k2) < k2, lower, upper)
        return check_parameters(icdf_bound(x, q), b > 0, kappa > 0, msg="b > 0, kappa > 0")


class Logistic(Continuous):
    r"""The logistic distribution.

    .. math:: \log p(x) = -z - \log s - 2\log(1 + e^{-z}), \quad z = \tfrac{x - \mu}{s}

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Logistic.dist(mu=1.0, s=2.0), 4.0).eval()), 8)
        -2.59597374
    """

    rv_op = LogisticRV
    print_name: ClassVar[tuple[str, str]] = ("Logistic", r"\operatorname{Logistic}")

    @classmethod
    def parametrize(cls, mu: Any = 0.0, s: Any = 1.0) -> list[Any]:
        return [mu, s]

    @staticmethod
    def support_point(mu: Any, s: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu

    @staticmethod
    def logp(value: Any, mu: Any, s: Any) -> TensorVariable:
        z = (value - mu) / s
        res = -z - m.log(s) - 2.0 * m.softplus(-z)
        return check_parameters(res, s > 0, msg="s > 0")

    @staticmethod
    def logcdf(value: Any, mu: Any, s: Any) -> TensorVariable:
        return check_parameters(-m.softplus(-(value - mu) / s), s > 0, msg="s > 0")

    @staticmethod
    def icdf(q: Any, mu: Any, s: Any) -> TensorVariable:
        x = mu + s * (m.log(q) - m.log1p(-q))
        return check_parameters(icdf_bound(x, q), s > 0, msg="s > 0")


class Gumbel(Continuous):
    r"""The Gumbel (type I extreme value) distribution of a maximum.

    .. math:: \log p(x) = -\log\beta - z - e^{-z}, \quad z = \tfrac{x - \mu}{\beta}

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Gumbel.dist(mu=1.0, beta=2.0), 4.0).eval()), 8)
        -2.41627734
    """

    rv_op = GumbelRV
    print_name: ClassVar[tuple[str, str]] = ("Gumbel", r"\operatorname{Gumbel}")

    @classmethod
    def parametrize(cls, mu: Any, beta: Any) -> list[Any]:
        return [mu, beta]

    @staticmethod
    def support_point(mu: Any, beta: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu + beta * np.euler_gamma

    @staticmethod
    def logp(value: Any, mu: Any, beta: Any) -> TensorVariable:
        z = (value - mu) / beta
        return check_parameters(-m.log(beta) - z - m.exp(-z), beta > 0, msg="beta > 0")

    @staticmethod
    def logcdf(value: Any, mu: Any, beta: Any) -> TensorVariable:
        return check_parameters(-m.exp(-(value - mu) / beta), beta > 0, msg="beta > 0")

    @staticmethod
    def icdf(q: Any, mu: Any, beta: Any) -> TensorVariable:
        x = mu - beta * m.log(-m.log(q))
        return check_parameters(icdf_bound(x, q), beta > 0, msg="beta > 0")


class Moyal(Continuous):
    r"""The Moyal distribution (an approximation of the Landau energy-loss law).

    .. math:: \log p(x) = -\tfrac12\left(z + e^{-z}\right) - \log\sigma - \tfrac12\log 2\pi,
              \quad z = \tfrac{x - \mu}{\sigma}

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Moyal.dist(mu=1.0, sigma=2.0), 4.0).eval()), 8)
        -2.47365079
    """

    rv_op = MoyalRV
    print_name: ClassVar[tuple[str, str]] = ("Moyal", r"\operatorname{Moyal}")

    @classmethod
    def parametrize(cls, mu: Any = 0.0, sigma: Any = 1.0) -> list[Any]:
        return [mu, sigma]

    @staticmethod
    def support_point(mu: Any, sigma: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu + sigma * (np.euler_gamma + np.log(2.0))

    @staticmethod
    def logp(value: Any, mu: Any, sigma: Any) -> TensorVariable:
        z = (value - mu) / sigma
        res = -0.5 * (z + m.exp(-z)) - m.log(sigma) - LOG_SQRT_2PI
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value: Any, mu: Any, sigma: Any) -> TensorVariable:
        # F = erfc(w), w = exp(-z / 2) / sqrt 2: log1p(-erf) for small w, erfcx for large.
        w = m.exp(-0.5 * (value - mu) / sigma) / SQRT2
        large = m.log(m.erfcx(m.maximum(w, 1.0))) - w * w
        res = m.where(w < 1.0, m.log1p(-m.erf(m.minimum(w, 1.0))), large)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(q: Any, mu: Any, sigma: Any) -> TensorVariable:
        # q = erfc(w) = 2 Phi(-w sqrt 2), so w sqrt 2 = -ndtri(q / 2).
        x = mu - 2.0 * sigma * m.log(-m.ndtri(0.5 * q))
        return check_parameters(icdf_bound(x, q), sigma > 0, msg="sigma > 0")


class ExGaussian(Continuous):
    r"""The exponentially modified Gaussian: Normal(mu, sigma) plus an
    independent exponential of mean ``nu``.

    .. math:: \log p(x) = -\log\nu + \tfrac{\mu - x}{\nu} + \tfrac{\sigma^2}{2\nu^2}
              + \log\Phi\left(\tfrac{x - \mu}{\sigma} - \tfrac{\sigma}{\nu}\right)

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.ExGaussian.dist(mu=1.0, sigma=2.0, nu=3.0), 4.0).eval()), 8)
        -2.10244834
    """

    rv_op = ExGaussianRV
    print_name: ClassVar[tuple[str, str]] = ("ExGaussian", r"\operatorname{ExGaussian}")

    @classmethod
    def parametrize(cls, mu: Any = 0.0, sigma: Any = None, nu: Any = None) -> list[Any]:
        if sigma is None or nu is None:
            raise TypeError("ExGaussian: sigma and nu are required")
        return [mu, sigma, nu]

    @staticmethod
    def _log_exp_term(z: Any, s: Any) -> TensorVariable:
        """``-z s + s^2 / 2 + log Phi(z - s)`` (with ``s = sigma / nu``): for
        ``t = s - z > 0`` it is ``-z^2/2 + log(erfcx(t / sqrt 2) / 2)``, free of
        the cancellation of the large terms."""
        t = s - z
        erfcx_form = -0.5 * z * z + m.log(0.5 * m.erfcx(m.maximum(t, 0.0) / SQRT2))
        direct = -z * s + 0.5 * s * s + m.log_ndtr(-m.minimum(t, 0.0))
        return m.where(t > 0, erfcx_form, direct)

    @staticmethod
    def support_point(mu: Any, sigma: Any, nu: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu + nu

    @staticmethod
    def logp(value: Any, mu: Any, sigma: Any, nu: Any) -> TensorVariable:
        z = (value - mu) / sigma
        res = ExGaussian._log_exp_term(z, sigma / nu) - m.log(nu)
        return check_parameters(res, sigma > 0, nu > 0, msg="sigma > 0, nu > 0")

    @staticmethod
    def logcdf(value: Any, mu: Any, sigma: Any, nu: Any) -> TensorVariable:
        # F = Phi(z) - exp(-z s + s^2/2) Phi(z - s).
        z = (value - mu) / sigma
        res = logdiffexp(m.log_ndtr(z), ExGaussian._log_exp_term(z, sigma / nu))
        res = m.where(m.eq(value, -np.inf), -np.inf, res)
        return check_parameters(res, sigma > 0, nu > 0, msg="sigma > 0, nu > 0")


class Flat(Continuous):
    r"""The improper uniform density on the real line: :math:`\log p(x) = 0`.

    It has no draws; the model layer starts it at 0.

    Example:
        >>> import ppgraph as pg
        >>> float(pg.logp(pg.Flat.dist(), 123.0).eval())
        0.0
    """

    rv_op = FlatRV
    print_name: ClassVar[tuple[str, str]] = ("Flat", r"\operatorname{Flat}")

    @classmethod
    def parametrize(cls) -> list[Any]:
        return []

    @staticmethod
    def support_point() -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return 0.0

    @staticmethod
    def logp(value: Any) -> TensorVariable:
        return m.where(m.isfinite(value), 0.0, -np.inf)

    @staticmethod
    def logcdf(value: Any) -> TensorVariable:
        # As PyMC: half the (infinite) mass lies below any finite point.
        finite = m.where(m.eq(value, -np.inf), -np.inf, -np.log(2.0))
        return m.where(m.eq(value, np.inf), 0.0, finite)


class HalfFlat(Continuous):
    r"""The improper uniform density on :math:`[0, \infty)`: :math:`\log p(x) = 0, x \ge 0`.

    Example:
        >>> import ppgraph as pg
        >>> float(pg.logp(pg.HalfFlat.dist(), -1.0).eval())
        -inf
    """

    rv_op = HalfFlatRV
    print_name: ClassVar[tuple[str, str]] = ("HalfFlat", r"\operatorname{HalfFlat}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(cls) -> list[Any]:
        return []

    @staticmethod
    def support_point() -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return 1.0

    @staticmethod
    def logp(value: Any) -> TensorVariable:
        return m.where(value >= 0, 0.0, -np.inf)

    @staticmethod
    def logcdf(value: Any) -> TensorVariable:
        # As PyMC: no finite point has any of the (infinite) mass below it.
        return m.where(m.eq(value, np.inf), 0.0, -np.inf)


__all__ = [
    "AsymmetricLaplace",
    "ExGaussian",
    "Flat",
    "Gumbel",
    "HalfFlat",
    "Laplace",
    "Logistic",
    "Moyal",
]
