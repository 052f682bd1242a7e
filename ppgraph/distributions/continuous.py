"""Continuous distributions: parameters as PyMC names them, maths beside each."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.distribution import Continuous, resolve_alternative
from ppgraph.logprob.utils import bound, check_parameters, icdf_bound
from ppgraph.random.basic import HalfNormalRV, NormalRV
from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorVariable

LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
SQRT2 = np.sqrt(2.0)


def sigma_from(dist: str, sigma: Any, tau: Any) -> Any:
    """``sigma``, or ``tau ** -0.5`` when the precision is given instead."""
    name, value = resolve_alternative(dist, [("sigma", sigma), ("tau", tau)], default=1.0)
    return value if name == "sigma" else m.pow(value, -0.5)


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
    def logp(value: Any, mu: Any, sigma: Any) -> TensorVariable:
        res = -0.5 * ((value - mu) / sigma) ** 2 - LOG_SQRT_2PI - m.log(sigma)
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
    def logp(value: Any, loc: Any, sigma: Any) -> TensorVariable:
        z = (value - loc) / sigma
        res = 0.5 * np.log(2.0 / np.pi) - m.log(sigma) - 0.5 * z * z
        return check_parameters(bound(res, value >= loc), sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value: Any, loc: Any, sigma: Any) -> TensorVariable:
        z = m.maximum(value - loc, 0.0) / (sigma * SQRT2)
        res = bound(m.log(m.erf(z)), value >= loc)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(q: Any, loc: Any, sigma: Any) -> TensorVariable:
        res = icdf_bound(loc + sigma * SQRT2 * m.erfinv(q), q)
        return check_parameters(res, sigma > 0, msg="sigma > 0")


__all__ = ["HalfNormal", "Normal"]
