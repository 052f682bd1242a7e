"""Stationary covariance functions: functions of the scaled distance
``r = |x - x'| / ls`` (one length scale per active dim, or one for all).

The spectral densities (what HSGP needs) are those of Rasmussen & Williams
(2006), eq. 4.15 and 4.20, with one length scale per dim, ``q = sum_d ls_d^2 w_d^2``:

- ExpQuad: ``S(w) = (2 pi)^(D/2) prod(ls) exp(-q / 2)``
- Matern(nu): ``S(w) = 2^D pi^(D/2) Gamma(nu + D/2) (2 nu)^nu / Gamma(nu)
  * prod(ls) * (2 nu + q)^-(nu + D/2)``
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ppgraph.gp.cov_base import Covariance
from ppgraph.gp.util import as_float, safe_sqrt
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import matmul
from ppgraph.tensor.reduction import prod
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import full
from ppgraph.tensor.type import TensorVariable


class Stationary(Covariance):
    """Base of the kernels of ``r = |x - x'| / ls``; give ``ls`` or ``ls_inv``."""

    def __init__(
        self,
        input_dim: int,
        ls: Any = None,
        ls_inv: Any = None,
        active_dims: Sequence[int] | None = None,
    ) -> None:
        super().__init__(input_dim, active_dims)
        name = type(self).__name__
        if (ls is None) == (ls_inv is None):
            raise ValueError(f"{name}: give exactly one of ls and ls_inv")
        ls = 1.0 / as_float(ls_inv) if ls is None else as_float(ls)
        if ls.ndim > 1 or (ls.ndim == 1 and ls.type.shape[0] not in (None, 1, self.n_dims)):
            raise ValueError(
                f"{name}: ls must be a scalar or have one entry per active dim "
                f"({self.n_dims}), got shape {ls.type.shape}"
            )
        self.ls = ls

    def square_dist(self, X: Any, Xs: Any = None) -> TensorVariable:
        """``r^2`` between the rows of ``X`` and ``Xs``: differences, not
        ``|x|^2 + |x'|^2 - 2 x.x'`` (no cancellation for close points)."""
        X, Xs = self._slice(X, Xs)
        X = X / self.ls
        Xs = X if Xs is None else Xs / self.ls
        return sum_(m.square(X[:, None, :] - Xs[None, :, :]), axis=-1)

    def euclidean_dist(self, X: Any, Xs: Any = None) -> TensorVariable:
        """``r`` between the rows of ``X`` and ``Xs`` (gradient 0 at ``r = 0``)."""
        return safe_sqrt(self.square_dist(X, Xs))

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        return self.of_r2(self.square_dist(X, Xs))

    def diag(self, X: Any) -> TensorVariable:
        X, _ = self._slice(X)
        return full((X.shape[0],), 1.0, X.dtype)  # k(x, x) = 1 for every kernel here

    def of_r2(self, r2: TensorVariable) -> TensorVariable:
        """The kernel as a function of the squared scaled distance."""
        raise NotImplementedError

    def _ls_terms(self, omega: Any) -> tuple[TensorVariable, TensorVariable, int]:
        """``(prod_d ls_d, sum_d ls_d^2 omega_d^2, D)`` for rows of frequencies."""
        omega = as_float(omega)
        if omega.ndim == 1:
            omega = omega[:, None]
        D = self.n_dims
        ls = self.ls * np.ones(D, dtype=self.ls.dtype) if self.ls.ndim == 0 else self.ls
        return prod(ls), sum_(m.square(ls * omega), axis=-1), D


class ExpQuad(Stationary):
    """The exponentiated quadratic (squared exponential, RBF) kernel
    ``k = exp(-r^2 / 2)``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.ExpQuad(1, ls=2.0)
        >>> float(k(np.array([[0.0], [2.0]])).eval()[0, 1])  # exp(-1/2)
        0.6065306597126334
    """

    def of_r2(self, r2: TensorVariable) -> TensorVariable:
        return m.exp(-0.5 * r2)

    def power_spectral_density(self, omega: Any) -> TensorVariable:
        """``(2 pi)^(D/2) prod(ls) exp(-sum(ls^2 omega^2) / 2)``."""
        ls_prod, q, D = self._ls_terms(omega)
        return (2.0 * np.pi) ** (D / 2) * ls_prod * m.exp(-0.5 * q)


class RatQuad(Stationary):
    """The rational quadratic kernel ``k = (1 + r^2 / (2 alpha))^(-alpha)``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.RatQuad(1, alpha=2.0, ls=1.0)
        >>> float(k(np.array([[0.0], [2.0]])).eval()[0, 1])  # (1 + 4/4)^-2
        0.25
    """

    def __init__(
        self,
        input_dim: int,
        alpha: Any,
        ls: Any = None,
        ls_inv: Any = None,
        active_dims: Sequence[int] | None = None,
    ) -> None:
        super().__init__(input_dim, ls, ls_inv, active_dims)
        self.alpha = as_float(alpha)

    def of_r2(self, r2: TensorVariable) -> TensorVariable:
        return m.pow(1.0 + r2 / (2.0 * self.alpha), -self.alpha)


class _Matern(Stationary):
    nu: float = 0.5

    def power_spectral_density(self, omega: Any) -> TensorVariable:
        """Rasmussen & Williams eq. 4.15 with one length scale per dim."""
        ls_prod, q, D = self._ls_terms(omega)
        nu = self.nu
        const = 2.0**D * np.pi ** (D / 2) * math.gamma(nu + D / 2) * (2 * nu) ** nu / math.gamma(nu)
        return const * ls_prod * m.pow(2.0 * nu + q, -(nu + D / 2))


class Matern52(_Matern):
    """The Matérn kernel with ``nu = 5/2``: ``(1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r)``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.Matern52(1, ls=1.0)
        >>> round(float(k(np.array([[0.0], [1.0]])).eval()[0, 1]), 6)
        0.523994
    """

    nu = 2.5

    def of_r2(self, r2: TensorVariable) -> TensorVariable:
        r = safe_sqrt(5.0 * r2)
        return (1.0 + r + r2 * (5.0 / 3.0)) * m.exp(-r)


class Matern32(_Matern):
    """The Matérn kernel with ``nu = 3/2``: ``(1 + sqrt3 r) exp(-sqrt3 r)``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.Matern32(1, ls=1.0)
        >>> round(float(k(np.array([[0.0], [1.0]])).eval()[0, 1]), 6)
        0.483358
    """

    nu = 1.5

    def of_r2(self, r2: TensorVariable) -> TensorVariable:
        r = safe_sqrt(3.0 * r2)
        return (1.0 + r) * m.exp(-r)


class Matern12(_Matern):
    """The Matérn kernel with ``nu = 1/2`` (Ornstein-Uhlenbeck): ``exp(-r)``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.Matern12(1, ls=1.0)
        >>> round(float(k(np.array([[0.0], [1.0]])).eval()[0, 1]), 6)
        0.367879
    """

    nu = 0.5

    def of_r2(self, r2: TensorVariable) -> TensorVariable:
        return m.exp(-safe_sqrt(r2))


class Exponential(Stationary):
    """PyMC's exponential kernel ``k = exp(-r / 2)`` (Matern12 with ``2 ls``).

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.Exponential(1, ls=1.0)
        >>> round(float(k(np.array([[0.0], [2.0]])).eval()[0, 1]), 6)
        0.367879
    """

    def of_r2(self, r2: TensorVariable) -> TensorVariable:
        return m.exp(-0.5 * safe_sqrt(r2))


class Cosine(Stationary):
    """The cosine kernel ``k = cos(2 pi r)``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.Cosine(1, ls=4.0)
        >>> round(float(k(np.array([[0.0], [1.0]])).eval()[0, 1]), 6)  # cos(pi/2)
        0.0
    """

    def of_r2(self, r2: TensorVariable) -> TensorVariable:
        return m.cos(2.0 * np.pi * safe_sqrt(r2))


class Periodic(Stationary):
    """The periodic kernel ``k = exp(-sum_d (sin(pi |x_d - x'_d| / period) / ls_d)^2 / 2)``
    (PyMC's form, with ``1/2`` in the exponent).

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.Periodic(1, period=1.0, ls=1.0)
        >>> round(float(k(np.array([[0.0], [3.0]])).eval()[0, 1]), 6)  # a whole period
        1.0
    """

    def __init__(
        self,
        input_dim: int,
        period: Any,
        ls: Any = None,
        ls_inv: Any = None,
        active_dims: Sequence[int] | None = None,
    ) -> None:
        super().__init__(input_dim, ls, ls_inv, active_dims)
        self.period = as_float(period)

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        X, Xs = self._slice(X, Xs)
        Xs = X if Xs is None else Xs
        s = m.sin(np.pi * (X[:, None, :] - Xs[None, :, :]) / self.period) / self.ls
        return m.exp(-0.5 * sum_(m.square(s), axis=-1))

    def of_r2(self, r2: TensorVariable) -> TensorVariable:
        return m.exp(-0.5 * r2)

    def power_spectral_density_approx(self, J: Any) -> TensorVariable:
        """The variances ``q_j^2`` of the cosine series of the kernel in
        ``tau = x - x'`` (for HSGPPeriodic): with ``a = 1 / (4 ls^2)``,
        ``k = exp(-a) exp(a cos(w0 tau)) = sum_j q_j^2 cos(j w0 tau)`` with
        ``q_0^2 = I_0(a) e^-a`` and ``q_j^2 = 2 I_j(a) e^-a`` (the Bessel
        generating function), ``j = 0..m-1`` for ``J = arange(m)``."""
        J = np.asarray(J)
        a = 0.25 / m.square(self.ls if self.ls.ndim == 0 else self.ls[0])
        ive = bessel_ive(J, a)
        return np.where(J > 0, 2.0, 1.0).astype(ive.dtype) * ive


def bessel_ive(J: np.ndarray, a: Any, extra: int = 256) -> TensorVariable:
    """``I_j(a) exp(-a)`` for integer orders ``J`` and ``a >= 0``, as the Fourier
    coefficients ``(1/pi) int_0^pi exp(a (cos t - 1)) cos(j t) dt``, by the
    trapezoidal rule on ``K = max(J) + extra`` intervals: the integrand is
    smooth and periodic, so the only error is aliasing from order ``2K - j``,
    negligible while ``a`` is small against ``K^2`` (``ls`` above ~0.05 periods).
    The exponent is never positive: no overflow for large ``a``."""
    K = int(np.max(J)) + extra
    theta = np.pi * np.arange(K + 1) / K
    w = np.full(K + 1, 1.0 / K)
    w[[0, -1]] = 0.5 / K
    basis = w[:, None] * np.cos(np.outer(theta, J))  # (K + 1, len(J)), a constant
    a = as_float(a)
    e = m.exp(a * (np.cos(theta) - 1.0))
    return matmul(e, basis.astype(e.dtype))
