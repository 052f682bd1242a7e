"""Continuous distributions of the normal family: parameters as PyMC names
them, maths beside each; and the helpers the continuous modules share.

The other continuous families are in ``continuous_heavy.py`` (Student's t and
Cauchy), ``continuous_real.py`` (the real line, Flat), ``continuous_positive.py``
and ``continuous_bounded.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.distribution import Continuous, resolve_alternative
from ppgraph.distributions.normal_tail import truncated_normal_icdf
from ppgraph.logprob.utils import (
    bound,
    check_parameters,
    icdf_bound,
    log_normal_mass,
    safe_standardize,
)
from ppgraph.random.basic import HalfNormalRV, NormalRV
from ppgraph.random.continuous import (
    LogitNormalRV,
    LogNormalRV,
    SkewNormalRV,
    TruncatedNormalRV,
)
from ppgraph.tensor import math as m
from ppgraph.tensor.check import check
from ppgraph.tensor.type import TensorVariable

LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
SQRT2 = np.sqrt(2.0)


def sigma_from(dist: str, sigma: Any, tau: Any, precision: str = "tau") -> Any:
    """``sigma``, or ``tau ** -0.5`` when the precision is given instead (1 if neither).

    A precision given as a graph is checked (``Check{tau > 0}``), since its sign
    is lost on the way to ``sigma``.
    """
    name, value = resolve_alternative(dist, [("sigma", sigma), (precision, tau)], default=1.0)
    if name == "sigma":
        return value
    return check(m.pow(value, -0.5), value > 0, msg=f"{precision} > 0")


def one_parametrization(dist: str, options: Sequence[Sequence[str]], given: dict[str, Any]) -> int:
    """The index of the one option (a set of parameter names) that was given.

    Anything else (a mix, a partial set, nothing) is a TypeError listing the options.
    """
    names = {k for k, v in given.items() if v is not None}
    for i, option in enumerate(options):
        if names == set(option):
            return i
    choices = " or ".join(f"({', '.join(o)})" for o in options)
    got = ", ".join(sorted(names)) or "none of them"
    raise TypeError(f"{dist}: give {choices}; got {got}")


def normal_logpdf(z: Any, sigma: Any) -> TensorVariable:
    """``log N(z; 0, 1) - log sigma``: a normal log-density at a standardized value."""
    return -0.5 * z * z - LOG_SQRT_2PI - m.log(sigma)


class Normal(Continuous):
    r"""The normal distribution.

    .. math:: \log p(x) = -\tfrac12 \left(\tfrac{x - \mu}{\sigma}\right)^2 - \log\sigma
              - \tfrac12 \log 2\pi

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Normal.dist(0.0, 1.0), 1.25).eval()), 8)
        -1.70018853
    """

    rv_op = NormalRV
    print_name: ClassVar[tuple[str, str]] = ("N", r"\operatorname{N}")

    @classmethod
    def parametrize(cls, mu: Any = 0.0, sigma: Any = None, *, tau: Any = None) -> list[Any]:
        return [mu, sigma_from("Normal", sigma, tau)]

    @staticmethod
    def support_point(mu: Any, sigma: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu

    @staticmethod
    def logp(value: Any, mu: Any, sigma: Any) -> TensorVariable:
        res = normal_logpdf((value - mu) / sigma, sigma)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value: Any, mu: Any, sigma: Any) -> TensorVariable:
        return check_parameters(m.log_ndtr((value - mu) / sigma), sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(q: Any, mu: Any, sigma: Any) -> TensorVariable:
        res = icdf_bound(mu + sigma * m.ndtri(q), q)
        return check_parameters(res, sigma > 0, msg="sigma > 0")


class HalfNormal(Continuous):
    r"""The half-normal distribution on :math:`[0, \infty)`.

    .. math:: \log p(x) = \tfrac12\log\tfrac{2}{\pi} - \log\sigma - \tfrac{x^2}{2\sigma^2},
              \quad x \ge 0

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.HalfNormal.dist(sigma=3.0), 1.0).eval()), 8)
        -1.3799592
    """

    rv_op = HalfNormalRV
    print_name: ClassVar[tuple[str, str]] = ("N**+", r"\operatorname{N^{+}}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(cls, sigma: Any = None, *, tau: Any = None) -> list[Any]:
        return [0.0, sigma_from("HalfNormal", sigma, tau)]

    @staticmethod
    def support_point(loc: Any, sigma: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return loc + sigma

    @staticmethod
    def logp(value: Any, loc: Any, sigma: Any) -> TensorVariable:
        z = (value - loc) / sigma
        res = 0.5 * np.log(2.0 / np.pi) - m.log(sigma) - 0.5 * z * z
        return check_parameters(bound(res, value >= loc), sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value: Any, loc: Any, sigma: Any) -> TensorVariable:
        # erf(z) = 1 - erfc(z): the log of the complement keeps the upper tail.
        z = m.maximum(value - loc, 0.0) / (sigma * SQRT2)
        res = m.where(z < 1.0, m.log(m.erf(z)), m.log1p(-m.erfc(z)))
        return check_parameters(bound(res, value >= loc), sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(q: Any, loc: Any, sigma: Any) -> TensorVariable:
        # q = erf(z / sqrt 2): erfinv is precise for small q, -ndtri((1 - q) / 2) near 1.
        z = m.where(q < 0.5, SQRT2 * m.erfinv(q), -m.ndtri(0.5 - 0.5 * q))
        return check_parameters(icdf_bound(loc + sigma * z, q), sigma > 0, msg="sigma > 0")


class TruncatedNormal(Continuous):
    r"""The normal distribution restricted to :math:`[l, u]` (either bound may be omitted).

    .. math:: \log p(x) = \log \operatorname{N}(x; \mu, \sigma)
              - \log\left(\Phi(\tfrac{u - \mu}{\sigma}) - \Phi(\tfrac{l - \mu}{\sigma})\right),
              \quad l \le x \le u

    Example:
        >>> import ppgraph as pg
        >>> x = pg.TruncatedNormal.dist(mu=0.0, sigma=1.0, lower=-1.0, upper=2.0)
        >>> round(float(pg.logp(x, 0.5).eval()), 8)  # scipy.stats.truncnorm(-1, 2).logpdf(0.5)
        -0.84377224
    """

    rv_op = TruncatedNormalRV
    print_name: ClassVar[tuple[str, str]] = ("TruncatedN", r"\operatorname{TruncatedN}")
    support: ClassVar[str] = "interval"
    default_transform: ClassVar[str | None] = "interval"

    @classmethod
    def parametrize(
        cls,
        mu: Any = 0.0,
        sigma: Any = None,
        *,
        tau: Any = None,
        lower: Any = None,
        upper: Any = None,
    ) -> list[Any]:
        lower = -np.inf if lower is None else lower
        upper = np.inf if upper is None else upper
        return [mu, sigma_from("TruncatedNormal", sigma, tau), lower, upper]

    @staticmethod
    def bounds(mu: Any, sigma: Any, lower: Any, upper: Any) -> tuple[Any, Any]:
        """The support's bounds, for the interval transform."""
        return lower, upper

    @staticmethod
    def _log_mass(mu: Any, sigma: Any, lower: Any, upper: Any) -> TensorVariable:
        a, b = safe_standardize(lower, mu, sigma), safe_standardize(upper, mu, sigma)
        diff = upper - lower  # exact for close bounds, unlike b - a
        return log_normal_mass(a, b, m.where(m.isfinite(diff), diff, 1.0) / sigma)

    @staticmethod
    def support_point(mu: Any, sigma: Any, lower: Any, upper: Any) -> Any:
        """Where the model layer starts it (PyMC's; always inside): ``mu`` if
        unbounded, one unit inside a single bound, the midpoint of two."""
        no_lower = m.where(m.isinf(upper), mu, upper - 1.0)
        lower_only = m.where(m.isinf(upper), lower + 1.0, 0.5 * (lower + upper))
        return m.where(m.isinf(lower), no_lower, lower_only)

    @staticmethod
    def logp(value: Any, mu: Any, sigma: Any, lower: Any, upper: Any) -> TensorVariable:
        log_z = TruncatedNormal._log_mass(mu, sigma, lower, upper)
        res = normal_logpdf((value - mu) / sigma, sigma) - log_z
        res = bound(res, value >= lower, value <= upper)
        return check_parameters(res, sigma > 0, lower < upper, msg="sigma > 0, lower < upper")

    @staticmethod
    def logcdf(value: Any, mu: Any, sigma: Any, lower: Any, upper: Any) -> TensorVariable:
        # The smaller of the masses below and above x gives the precise tail;
        # together they are the normalizing mass.
        inside = m.and_(value > lower, value < upper)
        x = m.where(inside, value, TruncatedNormal.support_point(mu, sigma, lower, upper))
        below = TruncatedNormal._log_mass(mu, sigma, lower, x)
        above = TruncatedNormal._log_mass(mu, sigma, x, upper)
        log_z = m.logaddexp(below, above)
        res = m.where(above < below, m.log1mexp(above - log_z), below - log_z)
        res = m.where(inside, res, m.where(value >= upper, 0.0, -np.inf))
        return check_parameters(res, sigma > 0, lower < upper, msg="sigma > 0, lower < upper")

    @staticmethod
    def icdf(q: Any, mu: Any, sigma: Any, lower: Any, upper: Any) -> TensorVariable:
        # in log space: bounds far in a tail (lower = 39 sigma) keep their quantiles
        res = icdf_bound(truncated_normal_icdf(q, mu, sigma, lower, upper), q)
        return check_parameters(res, sigma > 0, lower < upper, msg="sigma > 0, lower < upper")


class LogNormal(Continuous):
    r"""The log-normal distribution: :math:`\log x \sim \operatorname{N}(\mu, \sigma)`.

    .. math:: \log p(x) = -\log x - \log\sigma - \tfrac12\log 2\pi
              - \tfrac{(\log x - \mu)^2}{2\sigma^2}, \quad x > 0

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.LogNormal.dist(mu=0.5, sigma=2.0), 3.0).eval()), 8)
        -2.75549009
    """

    rv_op = LogNormalRV
    print_name: ClassVar[tuple[str, str]] = ("LogN", r"\operatorname{LogN}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(cls, mu: Any = 0.0, sigma: Any = None, *, tau: Any = None) -> list[Any]:
        return [mu, sigma_from("LogNormal", sigma, tau)]

    @staticmethod
    def support_point(mu: Any, sigma: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return m.exp(mu + 0.5 * sigma * sigma)

    @staticmethod
    def logp(value: Any, mu: Any, sigma: Any) -> TensorVariable:
        log_x = m.log(value)
        res = bound(normal_logpdf((log_x - mu) / sigma, sigma) - log_x, value > 0)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value: Any, mu: Any, sigma: Any) -> TensorVariable:
        res = bound(m.log_ndtr((m.log(value) - mu) / sigma), value > 0)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(q: Any, mu: Any, sigma: Any) -> TensorVariable:
        res = icdf_bound(m.exp(mu + sigma * m.ndtri(q)), q)
        return check_parameters(res, sigma > 0, msg="sigma > 0")


class LogitNormal(Continuous):
    r"""The logit-normal distribution: :math:`\operatorname{logit} x` is
    :math:`\operatorname{N}(\mu, \sigma)`.

    .. math:: \log p(x) = -\log x - \log(1 - x) - \log\sigma - \tfrac12\log 2\pi
              - \tfrac{(\operatorname{logit} x - \mu)^2}{2\sigma^2}, \quad 0 < x < 1

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.LogitNormal.dist(mu=0.5, sigma=2.0), 0.25).eval()), 8)
        -0.25755444
    """

    rv_op = LogitNormalRV
    print_name: ClassVar[tuple[str, str]] = ("LogitN", r"\operatorname{LogitN}")
    support: ClassVar[str] = "unit"
    default_transform: ClassVar[str | None] = "logodds"

    @classmethod
    def parametrize(cls, mu: Any = 0.0, sigma: Any = None, *, tau: Any = None) -> list[Any]:
        return [mu, sigma_from("LogitNormal", sigma, tau)]

    @staticmethod
    def support_point(mu: Any, sigma: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return m.sigmoid(mu)

    @staticmethod
    def logp(value: Any, mu: Any, sigma: Any) -> TensorVariable:
        log_x, log_1mx = m.log(value), m.log1p(-value)
        res = normal_logpdf((log_x - log_1mx - mu) / sigma, sigma) - log_x - log_1mx
        return check_parameters(bound(res, value > 0, value < 1), sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value: Any, mu: Any, sigma: Any) -> TensorVariable:
        x = m.clip(value, 0.0, 1.0)
        res = m.log_ndtr((m.log(x) - m.log1p(-x) - mu) / sigma)
        return check_parameters(bound(res, value >= 0), sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(q: Any, mu: Any, sigma: Any) -> TensorVariable:
        res = icdf_bound(m.sigmoid(mu + sigma * m.ndtri(q)), q)
        return check_parameters(res, sigma > 0, msg="sigma > 0")


class SkewNormal(Continuous):
    r"""The skew-normal distribution of Azzalini (1985); ``alpha`` sets the skewness.

    .. math:: \log p(x) = \log 2 + \log\operatorname{N}(x; \mu, \sigma)
              + \log\Phi\left(\alpha\tfrac{x - \mu}{\sigma}\right)

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.SkewNormal.dist(alpha=3.0, mu=1.0, sigma=2.0), 0.5).eval()), 8)
        -2.43463676
    """

    rv_op = SkewNormalRV
    print_name: ClassVar[tuple[str, str]] = ("SkewNormal", r"\operatorname{SkewNormal}")

    @classmethod
    def parametrize(
        cls, alpha: Any = 1.0, mu: Any = 0.0, sigma: Any = None, *, tau: Any = None
    ) -> list[Any]:
        return [mu, sigma_from("SkewNormal", sigma, tau), alpha]

    @staticmethod
    def support_point(mu: Any, sigma: Any, alpha: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu + sigma * np.sqrt(2.0 / np.pi) * alpha / m.sqrt(1.0 + alpha * alpha)

    @staticmethod
    def logp(value: Any, mu: Any, sigma: Any, alpha: Any) -> TensorVariable:
        z = (value - mu) / sigma
        res = np.log(2.0) + normal_logpdf(z, sigma) + m.log_ndtr(alpha * z)
        return check_parameters(res, sigma > 0, msg="sigma > 0")


__all__ = [
    "HalfNormal",
    "LogNormal",
    "LogitNormal",
    "Normal",
    "SkewNormal",
    "TruncatedNormal",
]
