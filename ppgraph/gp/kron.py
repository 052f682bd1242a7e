"""``gp.LatentKron``: a latent GP on a full grid ``cartesian(*Xs)`` whose kernel
is a product of kernels, one per grid factor, so that the covariance is the
Kronecker product ``K = K_1 (x) K_2 (x) ...`` and its Cholesky factor the
product of the factors' (PyMC's names and arguments).

A product ``(A_1 (x) ... (x) A_d) v`` is never formed: ``v`` is read as an
``n_1 x ... x n_d`` array and each ``A_i`` applied along its axis, O(N sum n_i)
instead of O(N^2) (Saatci, 2012).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ppgraph.distributions.continuous import Normal
from ppgraph.distributions.multivariate import MvNormal
from ppgraph.gp.cov_base import Covariance
from ppgraph.gp.gp import Base
from ppgraph.gp.mean import Mean
from ppgraph.gp.util import (
    add_jitter,
    as_float,
    diagonal,
    eye_like,
    guarded_cholesky,
    pd_check,
    static_rows,
)
from ppgraph.model.vars import Deterministic, Potential
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import matmul, solve_triangular
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import reshape
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


def cartesian(*arrays: Any) -> np.ndarray:
    """All combinations of the rows of ``arrays`` (the first varies slowest), one
    row per grid point, as PyMC's ``pm.math.cartesian``.

    Example:
        >>> from ppgraph.gp.kron import cartesian
        >>> cartesian([[0], [1]], [[5], [6], [7]]).tolist()[:4]
        [[0, 5], [0, 6], [0, 7], [1, 5]]
    """
    mats = [np.asarray(a).reshape(len(a), -1) for a in arrays]
    idx = np.indices([len(a) for a in mats]).reshape(len(mats), -1)
    return np.hstack([a[i] for a, i in zip(mats, idx, strict=True)])


def kron_apply(
    mats: Sequence[TensorVariable],
    x: TensorVariable,
    op: Callable[[TensorVariable, TensorVariable], TensorVariable] = matmul,
) -> TensorVariable:
    """``(A_1 (x) ... (x) A_d) x`` with ``op(A, b) = A @ b`` (or a solve: then
    the inverse of the product), for ``x`` of ``prod(n_i)`` rows and
    optionally columns: each step applies one factor to the leading axis and
    moves that axis last.

    Example:
        >>> import numpy as np, ppgraph.tensor as pt
        >>> from ppgraph.gp.kron import kron_apply
        >>> A, B = np.array([[1.0, 2.0], [0.0, 1.0]]), np.diag([1.0, 2.0, 3.0])
        >>> x = np.arange(6.0)
        >>> bool(np.allclose(kron_apply([pt.constant(A), pt.constant(B)], pt.constant(x)).eval(),
        ...                  np.kron(A, B) @ x))
        True
    """
    n = static_rows(x, "kron_apply")
    vector = x.ndim == 1
    k = 1 if vector else x.type.shape[1]
    for A in mats:
        x = op(A, reshape(x, (static_rows(A, "kron_apply"), -1))).T
    return reshape(x, (n,)) if vector else reshape(x, (k, n)).T


def _lower_solve(L: TensorVariable, b: TensorVariable) -> TensorVariable:
    return solve_triangular(L, b, lower=True)


class _Kron(Base):
    """What the Kronecker GPs share: one covariance function per grid factor."""

    def __init__(self, *, mean_func: Mean | None = None, cov_funcs: Any = None) -> None:
        covs = list(cov_funcs) if isinstance(cov_funcs, list | tuple) else [cov_funcs]
        if not covs or not all(isinstance(c, Covariance) for c in covs):
            raise TypeError(
                f"{type(self).__name__}: cov_funcs must be a list of covariance functions, "
                f"got {cov_funcs!r}"
            )
        self.cov_funcs = covs
        super().__init__(mean_func=mean_func, cov_func=covs[0])

    def _factors(self, Xs: Sequence[Any], jitter: float | None) -> tuple[list[Any], Any]:
        if len(Xs) != len(self.cov_funcs):
            raise ValueError(
                f"{type(self).__name__}: {len(self.cov_funcs)} covariance functions but "
                f"{len(Xs)} inputs Xs"
            )
        Xs = [as_float(np.asarray(X).reshape(len(X), -1)) for X in Xs]
        jitter = self._jitter(jitter, Xs[0])
        chols = [
            guarded_cholesky(add_jitter(c(X), jitter))
            for c, X in zip(self.cov_funcs, Xs, strict=True)
        ]
        ok = all_(as_tensor_variable([flag for _, flag in chols]))
        return [L for L, _ in chols], ok

    def _set_widths(self, Xs: Sequence[Any]) -> None:
        self._widths = [np.asarray(X).reshape(len(X), -1).shape[1] for X in Xs]

    def full_cov(self, X: Any, Xs: Any = None) -> TensorVariable:
        """The product kernel between points of full rows (each factor reads its
        columns, in order): ``prod_i k_i(X[:, cols_i], Xs[:, cols_i])``."""
        X = as_float(X)
        Xs = X if Xs is None else as_float(Xs)
        out: Any = None
        start = 0
        for c, width in zip(self.cov_funcs, self._widths, strict=True):
            cols = slice(start, start + width)
            k = c(X[:, cols], Xs[:, cols])
            out = k if out is None else out * k
            start += width
        return out


class LatentKron(_Kron):
    """A latent GP on the grid ``cartesian(*Xs)`` with the product kernel of
    ``cov_funcs`` (one per grid factor, each reading its own columns).

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> Xs = [np.linspace(0, 1, 4)[:, None], np.linspace(0, 2, 3)[:, None]]
        >>> covs = [pg.gp.cov.ExpQuad(1, ls=0.5), pg.gp.cov.Matern52(1, ls=1.0)]
        >>> with pg.Model() as model:
        ...     f = pg.gp.LatentKron(cov_funcs=covs).prior("f", Xs=Xs)
        >>> [v.name for v in model.free_RVs], f.type.shape
        (['f_rotated_'], (12,))
    """

    def prior(
        self, name: str, Xs: Sequence[Any], jitter: float | None = None, **kwargs: Any
    ) -> TensorVariable:
        """The GP's values on the grid ``cartesian(*Xs)``, named ``name``:
        ``mean + (L_1 (x) L_2 (x) ...) v`` with ``v = {name}_rotated_ ~ N(0, 1)``."""
        self._set_widths(Xs)
        chols, ok = self._factors(Xs, jitter)
        self.Xs, self.X = Xs, as_float(cartesian(*Xs))
        n = static_rows(self.X, f"{name}: LatentKron.prior")
        dims = kwargs.pop("dims", None)
        v = Normal(f"{name}_rotated_", mu=0.0, sigma=1.0, size=n, **kwargs)
        Potential(f"{name}_cov_pd", pd_check(as_float(0.0), ok, name))
        self.f = Deterministic(name, self.mean_func(self.X) + kron_apply(chols, v), dims=dims)
        return self.f

    def conditional(
        self, name: str, Xnew: Any, jitter: float | None = None, **kwargs: Any
    ) -> TensorVariable:
        """The GP's values at the points ``Xnew`` (full rows, any layout) given
        its values on the grid, an ``MvNormal`` named ``name``."""
        if not hasattr(self, "f"):
            raise ValueError("LatentKron.conditional: call prior(name, Xs) first")
        chols, ok = self._factors(self.Xs, jitter)
        Xnew = as_float(Xnew)
        A = kron_apply(chols, self.full_cov(self.X, Xnew), _lower_solve)
        v = kron_apply(chols, self.f - self.mean_func(self.X), _lower_solve)
        mu = self.mean_func(Xnew) + matmul(A.T, v)
        cov = add_jitter(self.full_cov(Xnew) - matmul(A.T, A), self._jitter(jitter, Xnew))
        return MvNormal(name, mu=mu, cov=pd_check(cov, ok, name), **kwargs)


class MarginalKron(_Kron):
    """A GP on the grid ``cartesian(*Xs)`` with the product kernel of
    ``cov_funcs`` and white noise, integrated out: ``y ~ KroneckerNormal(mean,
    covs, sigma)`` (PyMC's ``MarginalKron``; no jitter, as PyMC). Its
    ``conditional`` and ``predict`` form the dense grid covariance (O(N^3)).

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> Xs = [np.linspace(0, 1, 4)[:, None], np.linspace(0, 2, 3)[:, None]]
        >>> covs = [pg.gp.cov.ExpQuad(1, ls=0.5), pg.gp.cov.Matern52(1, ls=1.0)]
        >>> with pg.Model() as model:
        ...     gp = pg.gp.MarginalKron(cov_funcs=covs)
        ...     y = gp.marginal_likelihood("y", Xs=Xs, y=np.zeros(12), sigma=0.1)
        >>> [v.name for v in model.observed_RVs]
        ['y']
    """

    def marginal_likelihood(
        self, name: str, Xs: Sequence[Any], y: Any, sigma: Any, **kwargs: Any
    ) -> TensorVariable:
        """The observed ``y`` on the grid ``cartesian(*Xs)`` (in its row order)
        as a ``KroneckerNormal`` with the factors' covariances and noise
        standard deviation ``sigma``."""
        from ppgraph.distributions.multivariate_matrix import KroneckerNormal

        if len(Xs) != len(self.cov_funcs):
            raise ValueError(
                f"MarginalKron: {len(self.cov_funcs)} covariance functions but {len(Xs)} inputs Xs"
            )
        self._set_widths(Xs)
        self.Xs, self.X, self.y, self.sigma = Xs, as_float(cartesian(*Xs)), y, sigma
        mats = [as_float(np.asarray(X).reshape(len(X), -1)) for X in Xs]
        covs = [c(X) for c, X in zip(self.cov_funcs, mats, strict=True)]
        return KroneckerNormal(
            name, mu=self.mean_func(self.X), covs=covs, sigma=sigma, observed=y, **kwargs
        )

    def _build_conditional(
        self, Xnew: Any, pred_noise: bool, diag: bool, jitter: float | None
    ) -> tuple[TensorVariable, TensorVariable, TensorVariable]:
        if not hasattr(self, "X"):
            raise ValueError("MarginalKron: call marginal_likelihood first")
        Xnew = as_float(Xnew)
        s2 = m.square(as_float(self.sigma))
        n = static_rows(self.X, "MarginalKron: the grid")
        L, ok = guarded_cholesky(self.full_cov(self.X) + s2 * eye_like(n, self.X.dtype))
        A = solve_triangular(L, self.full_cov(self.X, Xnew), lower=True)
        v = solve_triangular(L, as_float(self.y) - self.mean_func(self.X), lower=True)
        mu = self.mean_func(Xnew) + matmul(A.T, v)
        if diag:
            var = diagonal(self.full_cov(Xnew)) - sum_(m.square(A), axis=0)
            return mu, var + s2 if pred_noise else var, ok
        cov = self.full_cov(Xnew) - matmul(A.T, A)
        n_new = static_rows(Xnew, "MarginalKron: Xnew")
        if pred_noise:
            return mu, cov + s2 * eye_like(n_new, cov.dtype), ok
        return mu, add_jitter(cov, self._jitter(jitter, Xnew)), ok

    def conditional(
        self,
        name: str,
        Xnew: Any,
        pred_noise: bool = False,
        jitter: float | None = None,
        **kwargs: Any,
    ) -> TensorVariable:
        """The GP at the points ``Xnew`` (full rows) given the data
        (``pred_noise=True`` adds the noise), an ``MvNormal`` named ``name``."""
        mu, cov, ok = self._build_conditional(Xnew, pred_noise, False, jitter)
        return MvNormal(name, mu=mu, cov=pd_check(cov, ok, name), **kwargs)

    def predict(
        self,
        Xnew: Any,
        point: dict[str, Any] | None = None,
        diag: bool = False,
        pred_noise: bool = False,
        jitter: float | None = None,
        model: Any = None,
    ) -> tuple[Any, Any]:
        """The conditional mean and covariance (``diag=True``: variances) at
        ``Xnew`` as NumPy arrays, the model's variables set to ``point``."""
        from ppgraph.gp.predict import evaluate_at_point

        mu, cov, _ = self._build_conditional(Xnew, pred_noise, diag, jitter)
        return evaluate_at_point([mu, cov], point or {}, model)
