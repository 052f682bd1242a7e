"""Gamma-type log-densities without cancellation at large shape.

``a log y - y - log Gamma(a)`` is a difference of terms of size ``a log a`` whose
result is of size ``log a``: at ``a = 1e8`` float32 keeps none of its digits.
Written with Stirling's remainder and ``t - log1p(t)``, ``t = y / a - 1``, each
term has the size of the result (Loader 2000, "Fast and accurate computation of
binomial probabilities").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.tensor import math as m
from ppgraph.tensor.type import TensorVariable

HALF_LOG_2PI = float(0.5 * np.log(2 * np.pi))
# t - log1p(t) = sum_{k >= 2} (-1)^k t^k / k, used for |t| < SERIES_T
SERIES_T, SERIES_TERMS = 0.1, 14


def stirlerr(a: Any) -> TensorVariable:
    r"""Stirling's remainder :math:`\log\Gamma(a) - (a - \tfrac12)\log a + a - \tfrac12\log 2\pi`,
    by its asymptotic series for ``a > 10`` (five terms: error below 1e-16).

    Example:
        >>> from ppgraph.distributions.gamma_math import stirlerr
        >>> round(float(stirlerr(20.0).eval()), 12)  # mpmath: 0.00416631969199692...
        0.004166319692
    """
    big = a > 10.0
    x = m.where(big, a, 11.0)
    inv, inv2 = 1.0 / x, 1.0 / (x * x)
    series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))))
    small = m.where(big, 1.0, a)
    direct = m.gammaln(small) - (small - 0.5) * m.log(small) + small - HALF_LOG_2PI
    return m.where(big, series, direct)


def t_minus_log1p(t: Any) -> TensorVariable:
    """``t - log1p(t)`` for ``t > -1``, accurate where it is near zero (a series there).

    Example:
        >>> from ppgraph.distributions.gamma_math import t_minus_log1p
        >>> float(t_minus_log1p(1e-5).eval())  # mpmath: 4.99996666691666466...e-11
        4.9999666669166655e-11
    """
    near = m.abs(t) < SERIES_T
    s = m.where(near, t, 0.0)
    series: Any = 0.0
    for k in range(SERIES_TERMS + 1, 1, -1):  # Horner from the highest power
        series = (series + (-1.0) ** k / k) * s
    series = series * s
    far = m.where(near, 1.0, t)
    return m.where(near, series, far - m.log1p(far))


def gamma_kernel(y: Any, a: Any) -> TensorVariable:
    r""":math:`a\log y - y - \log\Gamma(a)` for ``y > 0``, written as
    :math:`-a\,(t - \log(1 + t)) + \tfrac12\log\tfrac{a}{2\pi} - \mathrm{stirlerr}(a)`,
    :math:`t = y/a - 1`.

    Example:
        >>> import math
        >>> from ppgraph.distributions.gamma_math import gamma_kernel
        >>> round(float(gamma_kernel(2.0, 3.0).eval()), 10)  # 3 log 2 - 2 - log 2
        -0.6137056389
    """
    t = y / a - 1.0
    # away from t = 0, log(1 + t) as log y - log a: t + 1 loses a tiny y / a
    far = t - (m.log(y) - m.log(a))
    dev = m.where(m.abs(t) < SERIES_T, t_minus_log1p(t), far)
    return -a * dev + 0.5 * m.log(a) - HALF_LOG_2PI - stirlerr(a)


# the lower series of P(a, y) runs where each term ratio y / (a + k) < SMALL_Y_RATIO
SMALL_Y_RATIO, SMALL_Y_TERMS = 0.3, 32


def log_gammainc_lower(a: Any, y: Any) -> TensorVariable:
    r"""``log P(a, y)``, the log of the regularized lower incomplete gamma function,
    for ``a > 0``, ``y >= 0``, with finite gradients everywhere in ``y > 0``.

    Three regions, each evaluated at a safe stand-in where it is not selected (a
    plain select would send NaN gradients from the others, ``log(0)`` or
    ``log1p(-1)``):

    - :math:`y < 0.3 (a + 1)`: the series
      :math:`a\log y - y - \log\Gamma(a + 1) + \log \sum_k y^k / ((a+1)\cdots(a+k))`
      (``gammainc`` underflows to 0 there long before its log does);
    - up to the mean ``a``: ``log(gammainc(a, y))``;
    - above it: ``log1p(-gammaincc(a, y))``, which keeps the upper tail.

    Example:
        >>> import math
        >>> from ppgraph.distributions.gamma_math import log_gammainc_lower
        >>> float(log_gammainc_lower(2.0, 1e-200).eval())  # 2 log(1e-200) - log 2
        -921.7271843781782
    """
    pos = y > 0
    small = m.and_(pos, y < SMALL_Y_RATIO * (a + 1.0))
    ys = m.where(small, y, 0.1)  # 0.1 < 0.3 (a + 1): inside the series' own region
    series: Any = 1.0
    for k in range(SMALL_Y_TERMS, 0, -1):  # 1 + y/(a+1) (1 + y/(a+2) (1 + ...))
        series = 1.0 + ys / (a + k) * series
    low = a * m.log(ys) - ys - m.gammaln(a + 1.0) + m.log(series)
    upper = y >= a
    mid = m.and_(m.and_(pos, m.invert(small)), m.invert(upper))
    y_mid = m.where(mid, y, a)
    y_up = m.where(upper, y, a + 1.0)
    res = m.where(mid, m.log(m.gammainc(a, y_mid)), m.log1p(-m.gammaincc(a, y_up)))
    res = m.where(small, low, res)
    return m.where(pos, res, -np.inf)


# the continued fraction of Q(a, y) is used for y > CF_FROM * (a + 1), to CF_DEPTH levels
CF_FROM, CF_DEPTH = 2.0, 40


def log_gammainc_upper(a: Any, y: Any) -> TensorVariable:
    r"""``log Q(a, y)``, the log of the regularized upper incomplete gamma function,
    for ``a > 0``, ``y >= 0``, with finite gradients where it is finite.

    Far in the upper tail (``y > 2 (a + 1)``), where ``gammaincc`` underflows, by
    Legendre's continued fraction,

    .. math:: a\log y - y - \log\Gamma(a)
              - \log\Bigl(y + 1 - a - \frac{1(1-a)}{y + 3 - a - \cdots}\Bigr),

    evaluated from its 40th level up; below the mean ``log1p(-gammainc)``, between
    them ``log(gammaincc)``, each at a stand-in where it is not selected.

    Example:
        >>> from ppgraph.distributions.gamma_math import log_gammainc_upper
        >>> round(float(log_gammainc_upper(2.0, 1000.0).eval()), 6)  # log(1001 e^-1000)
        -993.091245
    """
    far = y > CF_FROM * (a + 1.0)
    yf = m.where(far, y, CF_FROM * (a + 1.0) + 1.0)
    t: Any = 0.0
    for k in range(CF_DEPTH, 0, -1):
        t = k * (k - a) / (yf + (2 * k + 1) - a - t)
    cf = a * m.log(yf) - yf - m.gammaln(a) - m.log(yf + 1.0 - a - t)
    lower = y < a
    y_low = m.where(lower, y, 0.5 * a)
    y_mid = m.where(m.or_(lower, far), a + 0.5, y)
    res = m.where(lower, m.log1p(-m.gammainc(a, y_low)), m.log(m.gammaincc(a, y_mid)))
    return m.where(far, cf, res)
