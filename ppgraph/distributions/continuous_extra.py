"""PyMC's rarer continuous distributions: Rice, Jones and Faddy's skew t, the
interpolated density, and the ``Lognormal`` alias PyMC keeps. Parameters as
PyMC names them, maths beside each."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.continuous import LogNormal, sigma_from
from ppgraph.distributions.discrete_math import as_float, betaln
from ppgraph.distributions.distribution import Continuous, resolve_alternative
from ppgraph.logprob.utils import bound, check_parameters, icdf_bound
from ppgraph.random import extra as rv
from ppgraph.tensor import math as m
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import expand_dims
from ppgraph.tensor.type import TensorVariable

Lognormal = LogNormal  # PyMC keeps both spellings; the same class


class Rice(Continuous):
    r"""The Rice distribution: the length of a 2-d normal vector with standard
    deviation :math:`\sigma` per axis, centred at distance :math:`\nu` from 0.
    Give ``nu``, or ``b`` (:math:`= \nu / \sigma`); ``sigma`` defaults to 1.

    .. math:: \log p(x) = \log\tfrac{x}{\sigma^2} - \tfrac{x^2 + \nu^2}{2\sigma^2}
              + \log I_0\left(\tfrac{x\nu}{\sigma^2}\right), \quad x \ge 0

    computed with the scaled Bessel function
    :math:`I_0(z) = e^{z}\,\mathrm{i0e}(z)` so it neither overflows nor cancels.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.Rice.dist(nu=2.0, sigma=1.5)
        >>> round(float(pg.logp(x, 2.5).eval()), 8)  # stats.rice(2 / 1.5, scale=1.5).logpdf(2.5)
        -1.18954681
    """

    rv_op = rv.RiceRV
    print_name: ClassVar[tuple[str, str]] = ("Rice", r"\operatorname{Rice}")
    support: ClassVar[str] = "positive"
    default_transform: ClassVar[str | None] = "log"

    @classmethod
    def parametrize(cls, nu: Any = None, sigma: Any = None, *, b: Any = None) -> list[Any]:
        sigma = 1.0 if sigma is None else sigma
        name, value = resolve_alternative("Rice", [("nu", nu), ("b", b)])
        return [value if name == "nu" else value * sigma, sigma]

    @staticmethod
    def support_point(nu: Any, sigma: Any) -> Any:
        """The mean, PyMC's choice: :math:`\\sigma\\sqrt{\\pi/2}\\,L_{1/2}(-\\nu^2/2\\sigma^2)`,
        with the Laguerre function written through the scaled Bessel functions."""
        h = 0.25 * (nu / sigma) ** 2  # -x / 2 for x = -nu^2 / (2 sigma^2)
        laguerre = (1.0 + 2.0 * h) * m.i0e(h) + 2.0 * h * m.i1e(h)
        return sigma * np.sqrt(np.pi / 2.0) * laguerre

    @staticmethod
    def logp(value: Any, nu: Any, sigma: Any) -> TensorVariable:
        x, b = value / sigma, nu / sigma
        res = m.log(x) - 0.5 * (x - b) ** 2 + m.log(m.i0e(x * b)) - m.log(sigma)
        res = bound(res, value >= 0)
        return check_parameters(res, nu >= 0, sigma > 0, msg="nu >= 0, sigma > 0")


def _skew_t_parts(z: Any, a: Any, b: Any) -> tuple[TensorVariable, TensorVariable, TensorVariable]:
    """``(log(s + z), log(s - z), log s)`` with ``s = sqrt(a + b + z^2)``; the smaller
    of ``s ± z`` as ``(a + b) / (s ∓ z)``, free of cancellation in the tails."""
    s = m.sqrt(a + b + z * z)
    big = m.log(s + m.abs(z))
    small = m.log(a + b) - big
    return m.where(z >= 0, big, small), m.where(z >= 0, small, big), m.log(s)


class SkewStudentT(Continuous):
    r"""Jones and Faddy's (2003) skew t: ``a > b`` skews right, ``a = b`` is Student's
    t with :math:`2a` degrees of freedom; ``lam`` (a precision) is an alternative
    to ``sigma``.
    With :math:`t = (x - \mu)/\sigma`:

    .. math:: \log p(x) = (a + \tfrac12)\log\left(1 + \tfrac{t}{\sqrt{a + b + t^2}}\right)
              + (b + \tfrac12)\log\left(1 - \tfrac{t}{\sqrt{a + b + t^2}}\right)
              - (a + b - 1)\log 2 - \log B(a, b) - \tfrac12\log(a + b) - \log\sigma

    Example:
        >>> import ppgraph as pg
        >>> x = pg.SkewStudentT.dist(a=3.0, b=1.5, mu=0.5, sigma=2.0)
        >>> round(float(pg.logp(x, 1.0).eval()), 8)  # stats.jf_skew_t(3, 1.5, 0.5, 2).logpdf(1)
        -1.85139099
    """

    rv_op = rv.SkewStudentTRV
    print_name: ClassVar[tuple[str, str]] = ("SkewStudentT", r"\operatorname{SkewStudentT}")

    @classmethod
    def parametrize(
        cls, a: Any, b: Any, *, mu: Any = 0.0, sigma: Any = None, lam: Any = None
    ) -> list[Any]:
        return [a, b, mu, sigma_from("SkewStudentT", sigma, lam, "lam")]

    @staticmethod
    def support_point(a: Any, b: Any, mu: Any, sigma: Any) -> Any:
        """The mean where it exists (``a, b > 1/2``), else ``mu``. (PyMC's formula
        leaves out the factor ``sigma``; this one keeps it.)"""
        ok = m.and_(a > 0.5, b > 0.5)
        a_s, b_s = m.where(ok, a, 1.0), m.where(ok, b, 1.0)
        log_ratio = m.gammaln(a_s - 0.5) + m.gammaln(b_s - 0.5) - m.gammaln(a_s) - m.gammaln(b_s)
        mean_t = 0.5 * (a_s - b_s) * m.sqrt(a_s + b_s) * m.exp(log_ratio)
        return mu + sigma * m.where(ok, mean_t, 0.0)

    @staticmethod
    def logp(value: Any, a: Any, b: Any, mu: Any, sigma: Any) -> TensorVariable:
        log_plus, log_minus, log_s = _skew_t_parts((value - mu) / sigma, a, b)
        norm = (a + b - 1.0) * np.log(2.0) + betaln(a, b) + 0.5 * m.log(a + b) + m.log(sigma)
        res = (a + 0.5) * (log_plus - log_s) + (b + 0.5) * (log_minus - log_s) - norm
        return _skew_t_check(res, a, b, sigma)

    @staticmethod
    def logcdf(value: Any, a: Any, b: Any, mu: Any, sigma: Any) -> TensorVariable:
        # F = I_y(a, b) at y = (1 + t / s) / 2 = (s + t) / 2s; 1 - F = I_{1-y}(b, a).
        log_plus, log_minus, log_s = _skew_t_parts((value - mu) / sigma, a, b)
        y = m.exp(log_plus - log_s - np.log(2.0))
        one_minus_y = m.exp(log_minus - log_s - np.log(2.0))
        res = m.where(y < 0.5, m.log(m.betainc(a, b, y)), m.log1p(-m.betainc(b, a, one_minus_y)))
        return _skew_t_check(res, a, b, sigma)

    @staticmethod
    def icdf(q: Any, a: Any, b: Any, mu: Any, sigma: Any) -> TensorVariable:
        # y = I^-1_q(a, b), c = 1 - y (solved for directly above the median)
        upper = q > 0.5
        y_low = m.betaincinv(a, b, m.where(upper, 0.5, q))
        c_high = m.betaincinv(b, a, m.where(upper, 1.0 - q, 0.5))
        y = m.where(upper, 1.0 - c_high, y_low)
        c = m.where(upper, c_high, 1.0 - y_low)
        t = m.sqrt(a + b) * (y - c) / (2.0 * m.sqrt(y * c))
        return _skew_t_check(icdf_bound(mu + sigma * t, q), a, b, sigma)


def _skew_t_check(res: Any, a: Any, b: Any, sigma: Any) -> TensorVariable:
    return check_parameters(res, a > 0, b > 0, sigma > 0, msg="a > 0, b > 0, sigma > 0")


def _segments(value: Any, xs: Any, ps: Any) -> tuple[Any, ...]:
    """Per segment (last axis): whether ``value`` falls in it, the offset into it,
    its left density, slope and area."""
    v = expand_dims(value, -1)
    x0, x1, p0, p1 = xs[..., :-1], xs[..., 1:], ps[..., :-1], ps[..., 1:]
    width = x1 - x0
    last = m.eq(x1, xs[..., -1:])
    inside = m.and_(v >= x0, m.or_(v < x1, m.and_(last, m.eq(v, x1))))
    return inside, v - x0, p0, (p1 - p0) / width, 0.5 * (p0 + p1) * width, v >= x1


class Interpolated(Continuous):
    r"""The density through the points ``(x_points, pdf_points)``, linear between
    them, normalized by its trapezoid area :math:`Z`; 0 outside
    ``[x_points[0], x_points[-1]]``. ``x_points`` increasing, ``pdf_points >= 0``,
    both with a static length.

    .. math:: \log p(x) = \log\left(p_i + \tfrac{p_{i+1} - p_i}{x_{i+1} - x_i}(x - x_i)\right)
              - \log Z, \quad x_i \le x \le x_{i+1}

    Example:
        >>> import ppgraph as pg
        >>> x = pg.Interpolated.dist(x_points=[0.0, 1.0, 3.0], pdf_points=[0.0, 2.0, 0.0])
        >>> round(float(pg.logp(x, 0.5).eval()), 8)  # log(1 / 3): density 1 over area 3
        -1.09861229
    """

    rv_op = rv.InterpolatedRV
    print_name: ClassVar[tuple[str, str]] = ("Interpolated", r"\operatorname{Interpolated}")
    support: ClassVar[str] = "interval"
    default_transform: ClassVar[str | None] = "interval"

    @classmethod
    def parametrize(cls, x_points: Any, pdf_points: Any) -> list[Any]:
        xs, ps = as_float(x_points), as_float(pdf_points)
        for name, v in (("x_points", xs), ("pdf_points", ps)):
            if v.ndim < 1 or v.type.shape[-1] is None or v.type.shape[-1] < 2:
                raise ValueError(
                    f"Interpolated: {name} must be a vector of at least 2 points with a "
                    f"static length, got {v.type}"
                )
        return [xs, ps]

    @staticmethod
    def bounds(x_points: Any, pdf_points: Any) -> tuple[Any, Any]:
        """The support's bounds, for the interval transform."""
        return x_points[..., 0], x_points[..., -1]

    @staticmethod
    def _area(xs: Any, ps: Any) -> TensorVariable:
        return sum_(0.5 * (ps[..., 1:] + ps[..., :-1]) * (xs[..., 1:] - xs[..., :-1]), axis=-1)

    @staticmethod
    def support_point(x_points: Any, pdf_points: Any) -> Any:
        """The mean (PyMC's choice): per segment :math:`\\int x p = w (p_0 (2x_0 + x_1)
        + p_1 (x_0 + 2x_1)) / 6`, summed over the area."""
        x0, x1 = x_points[..., :-1], x_points[..., 1:]
        p0, p1 = pdf_points[..., :-1], pdf_points[..., 1:]
        moment = sum_((x1 - x0) * (p0 * (2.0 * x0 + x1) + p1 * (x0 + 2.0 * x1)), axis=-1) / 6.0
        return moment / Interpolated._area(x_points, pdf_points)

    @staticmethod
    def logp(value: Any, x_points: Any, pdf_points: Any) -> TensorVariable:
        inside, d, p0, slope, _, _ = _segments(value, x_points, pdf_points)
        density = sum_(m.where(inside, p0 + slope * d, 0.0), axis=-1)
        res = m.log(density) - m.log(Interpolated._area(x_points, pdf_points))
        res = bound(res, value >= x_points[..., 0], value <= x_points[..., -1])
        return _interp_check(res, x_points, pdf_points)

    @staticmethod
    def logcdf(value: Any, x_points: Any, pdf_points: Any) -> TensorVariable:
        inside, d, p0, slope, area, past = _segments(value, x_points, pdf_points)
        partial = m.where(inside, d * (p0 + 0.5 * slope * d), 0.0)
        below = sum_(m.where(past, area, partial), axis=-1)
        res = m.log(below) - m.log(Interpolated._area(x_points, pdf_points))
        res = m.where(value >= x_points[..., -1], 0.0, res)
        return _interp_check(bound(res, value >= x_points[..., 0]), x_points, pdf_points)


def _interp_check(res: Any, xs: Any, ps: Any) -> TensorVariable:
    increasing = all_(xs[..., 1:] > xs[..., :-1])
    return check_parameters(
        res, increasing, all_(ps >= 0), msg="x_points increasing, pdf_points >= 0"
    )


__all__ = ["Interpolated", "Lognormal", "Rice", "SkewStudentT"]
