"""Matrix-variate and Kronecker-structured Gaussians, and the Wishart distribution.

MatrixNormal and KroneckerNormal keep their covariances as Cholesky factors (one
per factor), so a log-density never forms the full Kronecker product: a
triangular solve along each axis gives the Mahalanobis term, and
``log det(A kron B) = b log det A + a log det B`` the normalizer.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.discrete_math import as_float
from ppgraph.distributions.distribution import Continuous, resolve_alternative
from ppgraph.distributions.multivariate import LOG_2PI, log_diag_sum, matrix_t
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random import multivariate_extra as rv
from ppgraph.random.op import make_rv
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import cholesky, inv, matmul, solve_triangular
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import broadcast_to, expand_dims, reshape, transpose
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


def chol_from(dist: str, pairs: list[tuple[str, Any]]) -> TensorVariable:
    """The lower Cholesky factor from one of a covariance, its Cholesky factor or
    its inverse (``pairs`` in that order, as PyMC names them)."""
    name, value = resolve_alternative(dist, pairs)
    value = as_float(value)
    if value.ndim != 2:
        raise ValueError(f"{dist}: {name} must be a matrix, got {value.type}")
    if name == pairs[1][0]:
        return value
    return cholesky(inv(value) if name == pairs[2][0] else value)


def _static_size(x: TensorVariable, dist: str, what: str) -> int:
    n = x.type.shape[-1]
    if n is None:
        raise ValueError(f"{dist}: the size of {what} must be known when the graph is built")
    return int(n)


def _chol_ok(chol: Any) -> Any:
    return all_(m.isfinite(chol), axis=(-2, -1))


class MatrixNormal(Continuous):
    r"""The matrix normal distribution of m x n matrices: :math:`\operatorname{vec}(X)
    \sim \operatorname{N}(\operatorname{vec}(M), V \otimes U)`, U the m x m
    among-row covariance, V the n x n among-column one.

    .. math:: \log p(X) = -\tfrac12 \operatorname{tr}\left[V^{-1}(X - M)^T U^{-1}(X - M)\right]
              - \tfrac{n}{2}\log\det U - \tfrac{m}{2}\log\det V - \tfrac{mn}{2}\log 2\pi

    Give each covariance itself (``rowcov``, ``colcov``), its lower Cholesky factor
    (``rowchol``, ``colchol``) or its inverse (``rowtau``, ``coltau``).

    Example:
        >>> import ppgraph as pg
        >>> x = pg.MatrixNormal.dist(mu=0.0, rowcov=[[1.0, 0.5], [0.5, 2.0]], colcov=[[2.0]])
        >>> round(float(pg.logp(x, [[0.5], [-1.0]]).eval()), 8)  # stats.matrix_normal
        -3.09654643
    """

    rv_op = rv.MatrixNormalRV
    print_name: ClassVar[tuple[str, str]] = ("MatrixNormal", r"\operatorname{MatrixNormal}")

    @classmethod
    def parametrize(
        cls,
        mu: Any = 0.0,
        rowcov: Any = None,
        rowchol: Any = None,
        colcov: Any = None,
        colchol: Any = None,
        *,
        rowtau: Any = None,
        coltau: Any = None,
    ) -> list[Any]:
        dist = "MatrixNormal"
        row = chol_from(dist, [("rowcov", rowcov), ("rowchol", rowchol), ("rowtau", rowtau)])
        col = chol_from(dist, [("colcov", colcov), ("colchol", colchol), ("coltau", coltau)])
        shape = (_static_size(row, dist, "rowcov"), _static_size(col, dist, "colcov"))
        mu = as_float(mu)
        return [broadcast_to(mu, (*mu.type.shape[:-2], *shape)), row, col]

    @staticmethod
    def support_point(mu: Any, rowchol: Any, colchol: Any) -> Any:
        """The mean ``mu``, as PyMC."""
        return mu

    @staticmethod
    def logp(value: Any, mu: Any, rowchol: Any, colchol: Any) -> TensorVariable:
        delta = as_tensor_variable(value) - mu
        rows, cols = delta.type.shape[-2], delta.type.shape[-1]
        assert rows is not None and cols is not None
        a = solve_triangular(rowchol, delta, lower=True)  # U^-1/2 (X - M)
        b = solve_triangular(colchol, matrix_t(a), lower=True)  # V^-1/2 (X - M)^T U^-T/2
        quad = sum_(m.square(b), axis=(-2, -1))
        logdet = cols * log_diag_sum(rowchol) + rows * log_diag_sum(colchol)
        res = -0.5 * quad - logdet - 0.5 * rows * cols * LOG_2PI
        ok = m.and_(_chol_ok(rowchol), _chol_ok(colchol))
        return check_parameters(res, ok, msg="rowcov and colcov positive definite")


def _kron_solve(delta: TensorVariable, chols: list[TensorVariable]) -> TensorVariable:
    """``kron(L_1, ..., L_k)^-1 delta`` for vectors ``delta`` (last axis), one
    triangular solve per factor along its axis of the reshaped tensor."""
    sizes = [int(c.type.shape[-1]) for c in chols]  # type: ignore[arg-type]
    batch = delta.type.shape[:-1]
    if None in batch:
        raise ValueError("KroneckerNormal: the value's batch shape must be known statically")
    x = reshape(delta, (*batch, *sizes))
    nb = len(batch)
    for i, chol in enumerate(chols):
        # move factor i's axis to the front, solve against it, move it back
        order = [nb + i, *range(nb), *(nb + j for j in range(len(sizes)) if j != i)]
        moved = transpose(x, order)
        flat = reshape(moved, (sizes[i], -1))
        solved = reshape(solve_triangular(chol, flat, lower=True), moved.type.shape)
        x = transpose(solved, [int(j) for j in np.argsort(order)])
    return reshape(x, delta.type.shape)


class KroneckerNormal(Continuous):
    r"""The multivariate normal with a Kronecker-structured covariance
    :math:`K = K_1 \otimes \cdots \otimes K_k + \sigma^2 I`.

    .. math:: \log p(x) = -\tfrac12 (x - \mu)^T K^{-1} (x - \mu) - \tfrac12\log\det K
              - \tfrac{N}{2}\log 2\pi

    Give the factors as covariances ``covs``, lower Cholesky factors ``chols`` or
    eigendecompositions ``evds`` (pairs ``(eigenvalues, eigenvectors)``). Without
    noise (``sigma=0``, the default) the log-density works factor by factor; with
    noise it forms the dense N x N covariance.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.KroneckerNormal.dist(mu=0.0, covs=[[[1.0, 0.5], [0.5, 2.0]], [[2.0]]])
        >>> round(float(pg.logp(x, [0.5, -1.0]).eval()), 8)  # stats.multivariate_normal
        -3.09654643
    """

    rv_op = rv.KroneckerNormalRV
    print_name: ClassVar[tuple[str, str]] = ("KroneckerNormal", r"\operatorname{KroneckerNormal}")

    @classmethod
    def parametrize(
        cls, mu: Any = 0.0, covs: Any = None, chols: Any = None, evds: Any = None, sigma: Any = 0.0
    ) -> list[Any]:
        name, factors = resolve_alternative(
            "KroneckerNormal", [("covs", covs), ("chols", chols), ("evds", evds)]
        )
        if not isinstance(factors, list | tuple) or not factors:
            raise TypeError(f"KroneckerNormal: {name} must be a non-empty list, got {factors!r}")
        if name == "evds":
            factors = [
                matmul(as_float(vecs) * as_float(vals), matrix_t(as_float(vecs)))
                for vals, vecs in factors
            ]
        mats = [as_float(f) for f in factors]
        for f in mats:
            if f.ndim != 2:
                raise ValueError(f"KroneckerNormal: each of {name} must be a matrix, got {f.type}")
        chol_list = mats if name == "chols" else [cholesky(f) for f in mats]
        size = int(np.prod([_static_size(c, "KroneckerNormal", name) for c in chol_list]))
        mu = as_float(mu)
        mu = broadcast_to(mu, (size,)) if mu.ndim == 0 else mu
        return [mu, sigma, *chol_list]

    @classmethod
    def dist(cls, *args: Any, **kwargs: Any) -> TensorVariable:
        """A KroneckerNormal variable outside any model (one op per number of factors).

        Example:
            >>> import ppgraph as pg
            >>> pg.KroneckerNormal.dist(covs=[[[1.0]], [[1.0, 0.0], [0.0, 1.0]]]).type
            TensorType(float64, shape=(2,))
        """
        rv_kwargs = {k: kwargs.pop(k) for k in ("size", "shape", "rng", "dtype") if k in kwargs}
        params = cls.parametrize(*args, **kwargs)
        op = rv.KroneckerNormalRV(rv_kwargs.get("dtype") or "floatX", n_factors=len(params) - 2)
        size, shape = rv_kwargs.get("size"), rv_kwargs.get("shape")
        if shape is not None:
            size = tuple(np.atleast_1d(shape))[:-1]
        return make_rv(op, *params, size=size, rng=rv_kwargs.get("rng"))

    @staticmethod
    def support_point(mu: Any, sigma: Any, *chols: Any) -> Any:
        """The mean ``mu``, as PyMC."""
        return mu

    @staticmethod
    def logp(value: Any, mu: Any, sigma: Any, *chols: Any) -> TensorVariable:
        delta = as_tensor_variable(value) - mu
        size = int(np.prod([c.type.shape[-1] for c in chols]))
        # dense only when there is noise (a constant zero sigma keeps the Kronecker form)
        sigma_data = getattr(sigma, "data", None)
        if sigma_data is not None and np.all(sigma_data == 0):
            z = _kron_solve(delta, list(chols))
            # log det(A kron B) = b log det A + a log det B, a and b their sizes
            logdet: Any = 0.0
            for c in chols:
                logdet = logdet + log_diag_sum(c) * (size // int(c.type.shape[-1]))
            quad = sum_(m.square(z), axis=-1)
        else:
            cov = _dense_kron([matmul(c, matrix_t(c)) for c in chols])
            cov = cov + m.square(sigma) * as_tensor_variable(np.eye(size, dtype=cov.dtype))
            chol = cholesky(cov)
            z = solve_triangular(chol, transpose(reshape(delta, (-1, size)), (1, 0)), lower=True)
            quad = reshape(sum_(m.square(z), axis=0), delta.type.shape[:-1])
            logdet = log_diag_sum(chol)
            chols = (*chols, chol)
        res = -0.5 * quad - logdet - 0.5 * size * LOG_2PI
        ok = _chol_ok(chols[0])
        for c in chols[1:]:
            ok = m.and_(ok, _chol_ok(c))
        return check_parameters(res, ok, msg="covs positive definite")


def _dense_kron(mats: list[TensorVariable]) -> TensorVariable:
    """``kron(A_1, ..., A_k)`` of constant-shaped matrices, by broadcasting."""
    out = mats[0]
    for b in mats[1:]:
        p, q = out.type.shape
        r, s = b.type.shape
        prod = reshape(out, (p, 1, q, 1)) * reshape(b, (1, r, 1, s))
        out = reshape(prod, (p * r, q * s))  # type: ignore[operator]
    return out


def multigammaln(a: Any, p: int) -> TensorVariable:
    r"""The log of the multivariate gamma function,
    :math:`\tfrac{p(p-1)}{4}\log\pi + \sum_{j=0}^{p-1}\log\Gamma(a - j/2)`."""
    res = 0.25 * p * (p - 1) * float(np.log(np.pi))
    return res + sum(m.gammaln(a - 0.5 * j) for j in range(p))  # type: ignore[return-value]


class Wishart(Continuous):
    r"""The Wishart distribution of p x p positive definite matrices, with ``nu``
    degrees of freedom (:math:`\nu > p - 1`) and scale matrix ``V``.

    .. math:: \log p(X) = \tfrac{\nu - p - 1}{2}\log\det X - \tfrac12\operatorname{tr}(V^{-1}X)
              - \tfrac{\nu p}{2}\log 2 - \tfrac{\nu}{2}\log\det V - \log\Gamma_p(\tfrac{\nu}{2})

    As in PyMC, building one warns: a sampler moving X entry by entry almost never
    proposes a symmetric positive definite matrix; put ``LKJCholeskyCov`` or
    ``LKJCorr`` on a covariance instead.

    Example:
        >>> import warnings
        >>> import ppgraph as pg
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     x = pg.Wishart.dist(nu=4.0, V=[[1.0, 0.2], [0.2, 2.0]])
        >>> round(float(pg.logp(x, [[3.0, 0.5], [0.5, 5.0]]).eval()), 8)  # stats.wishart
        -5.97954087
    """

    rv_op = rv.WishartRV
    print_name: ClassVar[tuple[str, str]] = ("Wishart", r"\operatorname{Wishart}")

    @classmethod
    def parametrize(cls, nu: Any, V: Any) -> list[Any]:
        warnings.warn(
            "Wishart: MCMC almost never proposes a symmetric positive definite matrix, so "
            "this variable cannot be sampled as a free variable in practice; use "
            "pg.LKJCholeskyCov or pg.LKJCorr for a covariance prior instead",
            UserWarning,
            stacklevel=3,
        )
        v = as_float(V)
        if v.ndim < 2:
            raise ValueError(f"Wishart: V must be a matrix (or a batch of them), got {v.type}")
        return [nu, v]

    @staticmethod
    def support_point(nu: Any, V: Any) -> Any:
        """The mean ``nu V`` (positive definite)."""
        return expand_dims(nu, (-1, -2)) * V

    @staticmethod
    def logp(value: Any, nu: Any, V: Any) -> TensorVariable:
        x = as_float(value)
        p = _static_size(x, "Wishart", "the value")
        chol_x, chol_v = cholesky(x), cholesky(V)
        trace = sum_(m.square(solve_triangular(chol_v, chol_x, lower=True)), axis=(-2, -1))
        res = (nu - p - 1.0) * log_diag_sum(chol_x) - 0.5 * trace - nu * log_diag_sum(chol_v)
        res = res - 0.5 * nu * p * float(np.log(2.0)) - multigammaln(0.5 * nu, p)
        symmetric = all_(m.eq(x, matrix_t(x)), axis=(-2, -1))
        res = bound(res, _chol_ok(chol_x), symmetric)
        ok = _chol_ok(chol_v)
        return check_parameters(res, nu > p - 1, ok, msg="nu > p - 1, V positive definite")


__all__ = ["KroneckerNormal", "MatrixNormal", "Wishart"]
