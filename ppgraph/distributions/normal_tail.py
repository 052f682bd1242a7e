"""The normal quantile of a log-probability, and the truncated normal's quantile
through it, so that bounds far in a tail (``lower = 39`` standard deviations
above the mean, where ``Phi(-39) = 1e-333`` underflows float64) keep their
quantiles.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorVariable

HALF_LOG_2PI = float(0.5 * np.log(2 * np.pi))
LOG_HALF = float(np.log(0.5))
TAIL = -20.0  # below this log p, Newton steps on log_ndtr from an asymptotic start
NEWTON_STEPS = 4


def ndtri_exp(log_p: Any) -> TensorVariable:
    r"""The standard normal quantile :math:`\Phi^{-1}(e^{\log p})` (SciPy's
    ``ndtri_exp``), finite for any finite ``log_p <= 0``.

    Near 1 it uses ``-ndtri(-expm1(log p))``; in the far left tail, where ``p``
    underflows, it starts from :math:`z \approx -\sqrt{2L - \log(4\pi L)}`,
    :math:`L = -\log p`, and takes Newton steps on ``log_ndtr(z) = log p``.

    Example:
        >>> from ppgraph.distributions.normal_tail import ndtri_exp
        >>> round(float(ndtri_exp(-1000.0).eval()), 9)  # scipy.special.ndtri_exp(-1000)
        -44.615747732
    """
    mid = m.maximum(log_p, TAIL)
    central = m.where(mid > LOG_HALF, -m.ndtri(-m.expm1(mid)), m.ndtri(m.exp(mid)))
    big_l = -m.minimum(m.where(m.isfinite(log_p), log_p, TAIL), TAIL)
    z = -m.sqrt(2.0 * big_l - m.log(4.0 * np.pi * big_l))
    for _ in range(NEWTON_STEPS):
        log_cdf = m.log_ndtr(z)
        slope = m.exp(-0.5 * m.square(z) - HALF_LOG_2PI - log_cdf)  # d log Phi / dz
        z = z - (log_cdf + big_l) / slope
    return m.where(log_p > TAIL, central, m.where(m.isfinite(log_p), z, -np.inf))


def truncated_normal_icdf(q: Any, mu: Any, sigma: Any, lower: Any, upper: Any) -> TensorVariable:
    r"""The quantile of N(mu, sigma) truncated to [lower, upper] at ``q``, from
    :math:`\log\left[(1 - q)\Phi(\alpha) + q\,\Phi(\beta)\right]` in log space
    (both bounds above the mean: the mirror image, in the lower tail).

    Example:
        >>> from ppgraph.distributions.normal_tail import truncated_normal_icdf
        >>> round(float(truncated_normal_icdf(0.5, 0.0, 1.0, 39.0, 42.0).eval()), 10)  # mpmath
        39.0177573052
    """
    a, b = (lower - mu) / sigma, (upper - mu) / sigma
    flip = a > 0
    lo, hi = m.where(flip, -b, a), m.where(flip, -a, b)
    log_q, log_1mq = m.log(q), m.log1p(-q)
    w_lo, w_hi = m.where(flip, log_q, log_1mq), m.where(flip, log_1mq, log_q)
    log_p = m.logaddexp(m.log_ndtr(lo) + w_lo, m.log_ndtr(hi) + w_hi)
    z = ndtri_exp(m.minimum(log_p, 0.0))
    return m.clip(mu + sigma * m.where(flip, -z, z), lower, upper)
