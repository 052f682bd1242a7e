"""The Wald (inverse Gaussian) distribution, shifted by ``alpha``: its four
parametrizations as PyMC names them, a log-cdf through the normal cdf kept in log
space, and an icdf by a bracketed search (``positive_quantile``). Re-exported by
``continuous_positive.py``."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.continuous import one_parametrization
from ppgraph.distributions.distribution import Continuous
from ppgraph.logprob.quantile import positive_quantile
from ppgraph.logprob.utils import bound, check_parameters, icdf_bound, logdiffexp
from ppgraph.random.continuous import WaldRV
from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorVariable


class Wald(Continuous):
    r"""The Wald (inverse Gaussian) distribution, shifted by ``alpha``: give ``mu``
    (then ``lam`` = 1), ``mu`` and ``lam``, ``mu`` and ``phi`` = ``lam / mu``, or
    ``lam`` and ``phi``.

    .. math:: \log p(x) = \tfrac12\log\tfrac{\lambda}{2\pi} - \tfrac32\log y
              - \tfrac{\lambda (y - \mu)^2}{2 \mu^2 y}, \quad y = x - \alpha > 0

    Example:
        >>> import ppgraph as pg
        >>> round(float(pg.logp(pg.Wald.dist(mu=2.0, lam=3.0), 1.5).eval()), 8)
        -1.04033005
    """

    rv_op = WaldRV
    print_name: ClassVar[tuple[str, str]] = ("Wald", r"\operatorname{Wald}")
    support: ClassVar[str] = "interval"
    default_transform: ClassVar[str | None] = "interval"

    @classmethod
    def parametrize(
        cls, mu: Any = None, lam: Any = None, phi: Any = None, alpha: Any = 0.0
    ) -> list[Any]:
        given = {"mu": mu, "lam": lam, "phi": phi}
        options = [("mu",), ("mu", "lam"), ("mu", "phi"), ("lam", "phi")]
        choice = one_parametrization("Wald", options, given)
        if choice == 0:
            return [mu, 1.0, alpha]
        if choice == 2:
            return [mu, mu * phi, alpha]
        if choice == 3:
            return [lam / phi, lam, alpha]
        return [mu, lam, alpha]

    @staticmethod
    def bounds(mu: Any, lam: Any, alpha: Any) -> tuple[Any, Any]:
        """The support's bounds, for the interval transform (no upper bound)."""
        return alpha, None

    @staticmethod
    def _ab(y: Any, mu: Any, lam: Any) -> tuple[Any, Any]:
        r = m.sqrt(lam / y)
        return r * (y / mu - 1.0), -r * (y / mu + 1.0)

    @staticmethod
    def support_point(mu: Any, lam: Any, alpha: Any) -> Any:
        """Where the model layer starts it (PyMC's choice)."""
        return mu + alpha

    @staticmethod
    def logp(value: Any, mu: Any, lam: Any, alpha: Any) -> TensorVariable:
        y = m.where(value > alpha, value - alpha, 1.0)
        res = 0.5 * m.log(lam / (2.0 * np.pi)) - 1.5 * m.log(y)
        res = res - 0.5 * lam / y * ((y - mu) / mu) ** 2
        res = bound(res, value > alpha)
        msg = "mu > 0, lam > 0, alpha >= 0"
        return check_parameters(res, mu > 0, lam > 0, alpha >= 0, msg=msg)

    @staticmethod
    def logcdf(value: Any, mu: Any, lam: Any, alpha: Any) -> TensorVariable:
        # F = Phi(a) + exp(2 lam / mu) Phi(b) (Chhikara & Folks 1989); its
        # complement Phi(-a) - exp(2 lam / mu) Phi(b) gives the upper tail.
        y = m.where(value > alpha, value - alpha, mu)
        a, b = Wald._ab(y, mu, lam)
        second = 2.0 * lam / mu + m.log_ndtr(b)
        log_sf = logdiffexp(m.log_ndtr(-a), m.minimum(second, m.log_ndtr(-a)))
        lower = m.logaddexp(m.log_ndtr(a), second)
        res = m.where(log_sf < np.log(0.5), m.log1mexp(log_sf), lower)
        res = bound(m.where(m.isinf(value), 0.0, res), value > alpha)
        msg = "mu > 0, lam > 0, alpha >= 0"
        return check_parameters(res, mu > 0, lam > 0, alpha >= 0, msg=msg)

    @staticmethod
    def icdf(q: Any, mu: Any, lam: Any, alpha: Any) -> TensorVariable:
        # no closed form: y = x - alpha by a search on log y from the mean
        unshifted = lambda y_, m_, l_: Wald.logcdf(y_, m_, l_, 0.0)  # noqa: E731
        y = positive_quantile("Wald", q, unshifted, mu, mu, lam)
        y = m.where(q > 0, m.where(q < 1, y, np.inf), 0.0)
        msg = "mu > 0, lam > 0, alpha >= 0"
        return check_parameters(icdf_bound(alpha + y, q), mu > 0, lam > 0, alpha >= 0, msg=msg)


__all__ = ["Wald"]
