"""The Polya-Gamma distribution PG(h, z) of Polson, Scott & Windle (2013), the
latent variable of logistic-regression Gibbs samplers.

Its density has no closed form: it is an alternating series,

.. math:: p(x \\mid h, 0) = \\frac{2^{h-1}}{\\Gamma(h)} \\sum_{n \\ge 0} (-1)^n
          \\frac{\\Gamma(n + h)}{n!} \\frac{2n + h}{\\sqrt{2\\pi x^3}}
          e^{-(2n + h)^2 / (8x)},

tilted by :math:`\\cosh(z/2)^h e^{-z^2 x / 2}` for :math:`z \\ne 0`. The series is
summed in log space over its first ``N_TERMS`` terms (positive and negative
terms each by a logsumexp) up to ``x = 1 + h/4``. Past that its terms cancel,
and the density comes from the pole of its Laplace transform
:math:`\\cosh(\\sqrt{t/2})^{-h}` at :math:`t = -\\pi^2/2` instead: an expansion in
powers of :math:`1/x` with 12 terms (for integer ``h <= 12`` it stops, and only the
other poles' terms, of relative size :math:`e^{-4\\pi^2 x}`, are left out).
Both agree with mpmath to about 1e-12 relative for ``h <= 10`` in float64; for
``h`` much larger than 12 the gap between the two forms widens.

Draws come from ``ppgraph/backend/jax/dispatch/random_polyagamma.py``: Devroye's
alternating-series rejection sampler for each unit of ``h`` (exact), and for a
non-integer ``h`` a gamma series for the fractional part (exact mean, variance
short by a relative ~1e-8).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.distribution import Continuous
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random import multivariate_extra as rv
from ppgraph.tensor import math as m
from ppgraph.tensor.reduction import logsumexp
from ppgraph.tensor.shape import expand_dims
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

N_TERMS = 128
# log(2 pi cosh(sqrt(t / 2)) / u) = sum_j TAIL_C[j - 1] u^j, u = t + pi^2 / 2: the Laplace
# transform cosh(sqrt(t / 2))^-h of PG(h, 0) about its pole nearest zero (Cauchy
# integrals in mpmath at 40 digits; the ratio of terms tends to 1 / (4 pi^2))
TAIL_C = (
    5.0660591821168885722e-2, -3.7197263959078144756e-4, 5.6513532614244904894e-6,
    -1.0428347042001914242e-7, 2.0944766307582721062e-9, -4.4085465887963404100e-11,
    9.5627749344751865402e-13, -2.1188419884141564157e-14, 4.7702590873166331786e-16,
    -1.0874517457824171154e-17, 2.5041057402051775325e-19, -5.8143708825927049630e-21,
)  # fmt: skip


def _alternating(log_terms: Any) -> TensorVariable:
    """``log sum_n (-1)^n exp(log_terms[..., n])`` for a convergent alternating series
    whose sum is positive (even terms minus odd terms, each by a logsumexp)."""
    pos = logsumexp(log_terms[..., 0::2], axis=-1)
    neg = logsumexp(log_terms[..., 1::2], axis=-1)
    return pos + m.log1mexp(m.minimum(neg - pos, 0.0))


def _series(x: Any, h: Any) -> TensorVariable:
    """``log p(x | h, 0)`` by the alternating series (accurate up to the right tail)."""
    n = as_tensor_variable(np.arange(N_TERMS, dtype=as_tensor_variable(x).dtype))
    xe, he = expand_dims(x, -1), expand_dims(h, -1)
    k = 2.0 * n + he
    terms = m.gammaln(n + he) - m.gammaln(n + 1.0) + m.log(k) - 0.5 * float(np.log(2 * np.pi))
    terms = terms - 1.5 * m.log(xe) - m.square(k) / (8.0 * xe)
    return (h - 1.0) * float(np.log(2.0)) - m.gammaln(h) + _alternating(terms)


def _tail(x: Any, h: Any) -> TensorVariable:
    r"""``log p(x | h, 0)`` in the right tail, from the pole of the Laplace transform at
    :math:`t_0 = -\pi^2/2`: :math:`(2\pi)^h e^{t_0 x} \sum_k b_k x^{h-1-k}/\Gamma(h-k)`
    with :math:`\sum_k b_k u^k = \exp(-h \sum_j c_j u^j)` (a finite sum for integer h)."""
    b: list[Any] = [1.0]
    for k in range(1, len(TAIL_C) + 1):
        b.append(sum(-j * TAIL_C[j - 1] * h * b[k - j] for j in range(1, k + 1)) / k)
    total: Any = 1.0
    ratio: Any = 1.0  # Gamma(h) / Gamma(h - k) = (h - 1) ... (h - k)
    for k in range(1, len(b)):
        ratio = ratio * (h - k)
        total = total + b[k] * ratio / x**k
    res = h * float(np.log(2 * np.pi)) - 0.5 * np.pi**2 * x + (h - 1.0) * m.log(x)
    return res - m.gammaln(h) + m.log(m.maximum(total, 1e-300))


def polyagamma_logpdf_z0(x: Any, h: Any) -> TensorVariable:
    """The log-density of PG(h, 0) at ``x > 0``: the alternating series up to
    ``x = 1 + h / 4`` (the mean plus one), the tail expansion past it."""
    tail = x > 1.0 + h / 4.0
    return m.where(tail, _tail(m.where(tail, x, 2.0 + h), h), _series(x, h))


def polyagamma_logcdf(x: Any, h: Any, z: Any) -> TensorVariable:
    r"""``log P(X <= x)`` for PG(h, z), ``x > 0``: the density's alternating series
    integrated term by term, each term an inverse-Gaussian-type integral,

    .. math:: F(x) = \frac{2^h \cosh(z/2)^h}{\Gamma(h)} \sum_{n \ge 0} (-1)^n
              \frac{\Gamma(n + h)}{n!} \Bigl[e^{-a|z|} \Phi\bigl(\tfrac{|z| x - a}{\sqrt x}\bigr)
              + e^{a|z|} \Phi\bigl(-\tfrac{|z| x + a}{\sqrt x}\bigr)\Bigr],
              \quad a = n + h/2,

    summed in log space over ``N_TERMS`` terms. The terms cancel more as ``x``
    grows: well past the mean the result keeps absolute (not relative) accuracy,
    so a log-cdf near 0 is accurate to about 1e-12 in float64.
    """
    n = as_tensor_variable(np.arange(N_TERMS, dtype=as_tensor_variable(x).dtype))
    xe, he, b = expand_dims(x, -1), expand_dims(h, -1), expand_dims(m.abs(z), -1)
    a = n + 0.5 * he
    rt = m.sqrt(xe)
    bracket = m.logaddexp(
        -a * b + m.log_ndtr((b * xe - a) / rt), a * b + m.log_ndtr(-(b * xe + a) / rt)
    )
    terms = m.gammaln(n + he) - m.gammaln(n + 1.0) + bracket
    res = h * float(np.log(2.0)) + h * _log_cosh(z / 2.0) - m.gammaln(h) + _alternating(terms)
    return m.minimum(res, 0.0)


def _log_cosh(y: Any) -> TensorVariable:
    a = m.abs(y)
    return a + m.log1p(m.exp(-2.0 * a)) - float(np.log(2.0))


class PolyaGamma(Continuous):
    r"""The Polya-Gamma distribution PG(h, z), :math:`h > 0`, on :math:`x > 0`:

    .. math:: p(x \mid h, z) = \cosh(z/2)^h \, e^{-z^2 x / 2} \, p(x \mid h, 0)

    with :math:`p(x \mid h, 0)` the alternating series of the module's docstring
    (its accuracy in the far right tail is discussed there); ``logcdf`` integrates
    that series term by term (``polyagamma_logcdf``). ``pg.draw`` is exact
    for integer ``h`` (Devroye's method); see the module docstring for other ``h``.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.PolyaGamma.dist(h=1.0, z=0.0)
        >>> round(float(pg.logp(x, 0.25).eval()), 8)  # mpmath of the other series
        0.60402133
    """

    rv_op = rv.PolyaGammaRV
    print_name: ClassVar[tuple[str, str]] = ("PG", r"\operatorname{PG}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(cls, h: Any = 1.0, z: Any = 0.0) -> list[Any]:
        return [h, z]

    @staticmethod
    def support_point(h: Any, z: Any) -> Any:
        """The mean, as PyMC: :math:`h/4` at :math:`z = 0`, else :math:`\\tanh(z/2)\\,h/(2z)`."""
        zero = m.eq(z, 0.0)
        safe_z = m.where(zero, 1.0, z)
        return m.where(zero, h / 4.0, m.tanh(safe_z / 2.0) * h / (2.0 * safe_z))

    @staticmethod
    def logp(value: Any, h: Any, z: Any) -> TensorVariable:
        x = m.where(value > 0, value, 1.0)
        res = polyagamma_logpdf_z0(x, h) + h * _log_cosh(z / 2.0) - 0.5 * m.square(z) * x
        res = bound(res, value > 0, m.isfinite(value))
        return check_parameters(res, h > 0, msg="h > 0")

    @staticmethod
    def logcdf(value: Any, h: Any, z: Any) -> TensorVariable:
        """The series of ``polyagamma_logcdf``: -inf at ``x <= 0``, 0 at ``+inf``."""
        x = m.where(m.and_(value > 0, m.isfinite(value)), value, 1.0)
        res = m.where(m.and_(m.isinf(value), value > 0), 0.0, polyagamma_logcdf(x, h, z))
        res = bound(res, value > 0, m.invert(m.isnan(value)))
        return check_parameters(res, h > 0, msg="h > 0")


__all__ = ["PolyaGamma"]
