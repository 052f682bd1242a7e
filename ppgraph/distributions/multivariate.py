"""Multivariate distributions: parameters as PyMC names them, maths beside each.

A log-density here is over the batch shape: the core dims of the value are
summed (or checked) away. The LKJ families are in ``multivariate_lkj.py``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.discrete_math import as_float, integer_value
from ppgraph.distributions.distribution import Continuous, Discrete, resolve_alternative
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random import multivariate as rv
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import cholesky, inv, matmul, slogdet, solve_triangular
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import expand_dims, transpose
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

LOG_2PI = float(np.log(2 * np.pi))
SUM_TOL = 1e-5  # |sum(p) - 1| allowed for probabilities, as numpy.isclose


def matrix_t(x: Any) -> TensorVariable:
    """``x`` with its last two axes swapped."""
    x = as_tensor_variable(x)
    return transpose(x, (*range(x.ndim - 2), x.ndim - 1, x.ndim - 2))


def cov_from(dist: str, pairs: list[tuple[str, Any]], lower: bool) -> Any:
    """The covariance (or scale) matrix from exactly one of the alternatives in
    ``pairs``: a matrix itself, or ``tau`` (its inverse), or ``chol`` (its Cholesky
    factor, upper when not ``lower``)."""
    name, value = resolve_alternative(dist, pairs)
    value = as_float(value)
    if value.ndim < 2:
        raise ValueError(f"{dist}: {name} must be a matrix (or a batch of them), got {value.type}")
    if name == "tau":
        return inv(value)
    if name == "chol":
        return matmul(value, matrix_t(value)) if lower else matmul(matrix_t(value), value)
    return value


def broadcast_mu(mu: Any, cov: Any) -> TensorVariable:
    """A scalar ``mu`` repeated along the matrix's last axis (as PyMC broadcasts it)."""
    mu = as_float(mu)
    return mu + 0.0 * cov[..., -1] if mu.ndim == 0 else mu


def log_diag_sum(chol: TensorVariable) -> TensorVariable:
    """``sum(log(diag(chol)))``, i.e. ``log det`` of a Cholesky factor."""
    n = chol.type.shape[-1]
    if n is None:
        return slogdet(chol)[1]
    eye = as_tensor_variable(np.eye(n, dtype=bool))
    return sum_(m.log(sum_(m.where(eye, chol, 0.0), axis=-1)), axis=-1)


def mahalanobis(value: Any, mu: Any, cov: Any) -> tuple[TensorVariable, Any, Any, Any]:
    """``(|L^-1 (value - mu)|^2, log det L, n, positive-definite flag)``, L = chol(cov)."""
    chol = cholesky(cov)
    z = solve_triangular(chol, expand_dims(value - mu, -1), lower=True)
    quad = sum_(m.square(z), axis=(-2, -1))
    ok = all_(m.isfinite(chol))
    n = as_tensor_variable(value).type.shape[-1] or cov.type.shape[-1]
    if n is None:
        raise ValueError("the dimension of a multivariate value must be known statically")
    return quad, log_diag_sum(chol), float(n), ok


class MvNormal(Continuous):
    r"""The multivariate normal distribution.

    .. math:: \log p(x) = -\tfrac12 (x - \mu)^T \Sigma^{-1} (x - \mu)
              - \tfrac12 \log\det\Sigma - \tfrac{n}{2}\log 2\pi

    Give the covariance ``cov``, its Cholesky factor ``chol`` (``lower=False`` for
    an upper one) or the precision ``tau``; ``mu`` broadcasts against it.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.MvNormal.dist(mu=[0.0, 0.0], cov=[[1.0, 0.3], [0.3, 2.0]])
        >>> round(float(pg.logp(x, [0.5, -0.2]).eval()), 8)  # stats.multivariate_normal
        -2.31849675
    """

    rv_op = rv.MvNormalRV
    print_name: ClassVar[tuple[str, str]] = ("MvNormal", r"\operatorname{MvNormal}")

    @classmethod
    def parametrize(
        cls,
        mu: Any = 0.0,
        cov: Any = None,
        *,
        tau: Any = None,
        chol: Any = None,
        lower: bool = True,
    ) -> list[Any]:
        cov_ = cov_from("MvNormal", [("cov", cov), ("tau", tau), ("chol", chol)], lower)
        return [broadcast_mu(mu, cov_), cov_]

    @staticmethod
    def logp(value: Any, mu: Any, cov: Any) -> TensorVariable:
        quad, logdet, n, ok = mahalanobis(value, mu, cov)
        res = -0.5 * quad - logdet - 0.5 * n * LOG_2PI
        return check_parameters(res, ok, msg="cov positive definite")


class MvStudentT(Continuous):
    r"""The multivariate Student's t distribution with ``nu`` degrees of freedom.

    .. math:: \log p(x) = \log\Gamma\left(\tfrac{\nu + n}{2}\right)
              - \log\Gamma\left(\tfrac{\nu}{2}\right) - \tfrac{n}{2}\log(\nu\pi)
              - \tfrac12\log\det\Sigma
              - \tfrac{\nu + n}{2}\log\left(1 + \tfrac{(x - \mu)^T\Sigma^{-1}(x - \mu)}{\nu}\right)

    Give the scale matrix ``scale`` (PyMC's older ``Sigma``, or ``cov``), its
    Cholesky factor ``chol`` or its inverse ``tau``.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.MvStudentT.dist(nu=4.0, mu=[0.0, 0.0], scale=[[1.0, 0.3], [0.3, 2.0]])
        >>> round(float(pg.logp(x, [0.5, -0.2]).eval()), 8)  # stats.multivariate_t
        -2.38823691
    """

    rv_op = rv.MvStudentTRV
    print_name: ClassVar[tuple[str, str]] = ("MvStudentT", r"\operatorname{MvStudentT}")

    @classmethod
    def parametrize(
        cls,
        nu: Any,
        Sigma: Any = None,
        mu: Any = 0.0,
        *,
        scale: Any = None,
        cov: Any = None,
        tau: Any = None,
        chol: Any = None,
        lower: bool = True,
    ) -> list[Any]:
        alternatives = [("scale", scale), ("Sigma", Sigma), ("cov", cov)]
        scale_ = cov_from("MvStudentT", [*alternatives, ("tau", tau), ("chol", chol)], lower)
        return [nu, broadcast_mu(mu, scale_), scale_]

    @staticmethod
    def logp(value: Any, nu: Any, mu: Any, scale: Any) -> TensorVariable:
        quad, logdet, n, ok = mahalanobis(value, mu, scale)
        half = 0.5 * (nu + n)
        res = m.gammaln(half) - m.gammaln(0.5 * nu) - 0.5 * n * m.log(nu * np.pi) - logdet
        res = res - half * m.log1p(quad / nu)
        return check_parameters(res, nu > 0, ok, msg="nu > 0, scale positive definite")


class Dirichlet(Continuous):
    r"""The Dirichlet distribution on the simplex :math:`\sum_i x_i = 1`, :math:`x_i \ge 0`.

    .. math:: \log p(x) = \sum_i (a_i - 1)\log x_i - \sum_i \log\Gamma(a_i)
              + \log\Gamma\left(\sum_i a_i\right)

    Example:
        >>> import ppgraph as pg
        >>> x = pg.Dirichlet.dist(a=[1.5, 2.0, 3.0])
        >>> round(float(pg.logp(x, [0.2, 0.3, 0.5]).eval()), 8)  # stats.dirichlet
        1.695211
    """

    rv_op = rv.DirichletRV
    print_name: ClassVar[tuple[str, str]] = ("Dir", r"\operatorname{Dir}")
    support: ClassVar[str] = "simplex"
    default_transform: ClassVar[str | None] = "simplex"

    @classmethod
    def parametrize(cls, a: Any) -> list[Any]:
        return [a]

    @staticmethod
    def support_point(a: Any) -> Any:
        """The mean :math:`a / \\sum_i a_i`, as PyMC."""
        return a / sum_(a, axis=-1, keepdims=True)

    @staticmethod
    def logp(value: Any, a: Any) -> TensorVariable:
        res = sum_(m.xlogy(a - 1.0, value) - m.gammaln(a), axis=-1)
        res = res + m.gammaln(sum_(a, axis=-1))
        tol = float(np.sqrt(np.finfo(value.dtype).eps))  # the simplex up to rounding
        on_simplex = [all_(value >= 0, axis=-1), m.abs(sum_(value, axis=-1) - 1.0) <= tol]
        return check_parameters(bound(res, *on_simplex), a > 0, msg="a > 0")


def _counts_support(value: Any, n: Any) -> tuple[TensorVariable, list[Any]]:
    """The counts as floats, and the conditions (over the batch) that they are
    non-negative integers summing to ``n``."""
    x, ok = integer_value(value)
    conds = [all_(c, axis=-1) for c in [*ok, x >= 0]]
    return x, [*conds, m.eq(sum_(x, axis=-1), as_float(n))]


class Multinomial(Discrete):
    r"""The multinomial distribution: counts of :math:`n` draws over categories of
    probabilities :math:`p` (summing to 1 over the last axis).

    .. math:: \log P(x) = \log n! - \sum_i \log x_i! + \sum_i x_i \log p_i,
              \quad \sum_i x_i = n

    Example:
        >>> import ppgraph as pg
        >>> x = pg.Multinomial.dist(n=6, p=[0.2, 0.3, 0.5])
        >>> round(float(pg.logp(x, [1, 2, 3]).eval()), 8)  # stats.multinomial
        -2.0024805
    """

    rv_op = rv.MultinomialRV
    print_name: ClassVar[tuple[str, str]] = ("Multinom", r"\operatorname{Multinom}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, n: Any, p: Any) -> list[Any]:
        return [n, as_float(p)]

    @staticmethod
    def logp(value: Any, n: Any, p: Any) -> TensorVariable:
        x, support = _counts_support(value, n)
        res = m.gammaln(as_float(n) + 1.0) + sum_(m.xlogy(x, p) - m.gammaln(x + 1.0), axis=-1)
        total_ok = m.abs(sum_(p, axis=-1) - 1.0) <= SUM_TOL
        return check_parameters(
            bound(res, *support), p >= 0, p <= 1, total_ok, n >= 0,
            msg="0 <= p <= 1, sum(p) = 1, n >= 0",
        )  # fmt: skip


class DirichletMultinomial(Discrete):
    r"""The Dirichlet-multinomial distribution: Multinomial(n, p) with
    :math:`p \sim Dirichlet(a)`; :math:`A = \sum_i a_i`.

    .. math:: \log P(x) = \log n! + \log\Gamma(A) - \log\Gamma(n + A)
              + \sum_i \left[\log\Gamma(x_i + a_i) - \log\Gamma(a_i) - \log x_i!\right]

    Example:
        >>> import ppgraph as pg
        >>> x = pg.DirichletMultinomial.dist(n=6, a=[1.5, 2.0, 3.0])
        >>> round(float(pg.logp(x, [1, 2, 3]).eval()), 8)  # stats.dirichlet_multinomial
        -2.68587175
    """

    rv_op = rv.DirichletMultinomialRV
    print_name: ClassVar[tuple[str, str]] = ("DirMult", r"\operatorname{DirMult}")
    support: ClassVar[str] = "nonnegative_int"

    @classmethod
    def parametrize(cls, n: Any, a: Any) -> list[Any]:
        return [n, as_float(a)]

    @staticmethod
    def logp(value: Any, n: Any, a: Any) -> TensorVariable:
        x, support = _counts_support(value, n)
        nf, total = as_float(n), sum_(a, axis=-1)
        res = m.gammaln(nf + 1.0) + m.gammaln(total) - m.gammaln(nf + total)
        res = res + sum_(m.gammaln(x + a) - m.gammaln(a) - m.gammaln(x + 1.0), axis=-1)
        return check_parameters(bound(res, *support), a > 0, n >= 0, msg="a > 0, n >= 0")


__all__ = ["Dirichlet", "DirichletMultinomial", "MvNormal", "MvStudentT", "Multinomial"]
