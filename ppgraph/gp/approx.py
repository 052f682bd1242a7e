"""Sparse GP regression with inducing points, ``gp.MarginalApprox`` (PyMC's
name and arguments): ``y ~ N(m(X), Q_ff + Lambda)`` with
``Q_ff = K_fu K_uu^-1 K_uf`` the Nystrom approximation through the inducing
inputs ``Xu`` (Quinonero-Candela & Rasmussen, 2005; Titsias, 2009):

- ``"DTC"``: ``Lambda = sigma^2 I``;
- ``"FITC"``: ``Lambda = diag(K_ff - Q_ff) + sigma^2 I`` (the exact variances);
- ``"VFE"`` (default): DTC's density minus ``tr(K_ff - Q_ff) / (2 sigma^2)``,
  the variational lower bound.

Cost O(n m^2) for m inducing points, by the matrix inversion lemma on
``B = I + A Lambda^-1 A^T`` with ``A = L_uu^-1 K_uf`` (whitened), never an n x n
matrix.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.gp.gp import Base, Marginal
from ppgraph.gp.util import (
    add_jitter,
    as_float,
    diagonal,
    eye_like,
    guarded_cholesky,
    pd_check,
    static_rows,
)
from ppgraph.model.vars import Potential
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import cholesky, matmul, solve_triangular
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.type import TensorVariable

APPROXIMATIONS = ("FITC", "VFE", "DTC")


class MarginalApprox(Base):
    """A GP with a Gaussian likelihood, integrated out under a sparse (inducing
    point) approximation ``approx`` of ``"VFE"`` (default), ``"FITC"`` or ``"DTC"``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> X = np.linspace(0, 1, 50)[:, None]
        >>> with pg.Model() as model:
        ...     gp = pg.gp.MarginalApprox(cov_func=pg.gp.cov.ExpQuad(1, ls=0.3), approx="FITC")
        ...     ll = gp.marginal_likelihood("y", X=X, Xu=X[::10], y=np.sin(3 * X[:, 0]), sigma=0.1)
        >>> [p.name for p in model.potentials]
        ['marginalapprox_loglik_y']
    """

    def __init__(self, approx: str = "VFE", *, mean_func: Any = None, cov_func: Any = None) -> None:
        if approx not in APPROXIMATIONS:
            raise ValueError(
                f"MarginalApprox: approx must be one of {APPROXIMATIONS}, got {approx!r}"
            )
        self.approx = approx
        super().__init__(mean_func=mean_func, cov_func=cov_func)

    def _parts(
        self, X: Any, Xu: Any, y: Any, sigma: Any, jitter: float
    ) -> tuple[tuple[Any, ...], TensorVariable]:
        """``((L_uu, L_B, c, Lambda, r, A), ok)``: the approximation's pieces and
        whether ``K_uu`` was positive definite."""
        s2 = m.square(as_float(sigma))
        Luu, ok = guarded_cholesky(add_jitter(self.cov_func(Xu), jitter))
        A = solve_triangular(Luu, self.cov_func(Xu, X), lower=True)  # m x n
        if self.approx == "FITC":
            lam = m.clip(self.cov_func.diag(X) - sum_(m.square(A), axis=0), 0.0, np.inf) + s2
        else:
            lam = s2 + 0.0 * A[0]
        r = y - self.mean_func(X)
        n_u = static_rows(Luu, "MarginalApprox: Xu")
        B = eye_like(n_u, A.dtype) + matmul(A / lam, A.T)
        LB = cholesky(B)  # B >= I: positive definite whenever A is finite
        c = solve_triangular(LB, matmul(A, r / lam), lower=True)
        return (Luu, LB, c, lam, r, A), ok

    def marginal_likelihood(
        self,
        name: str,
        X: Any,
        Xu: Any,
        y: Any,
        sigma: Any,
        jitter: float | None = None,
        **kwargs: Any,
    ) -> TensorVariable:
        """The approximate log marginal likelihood of the observed ``y`` at ``X``
        with inducing inputs ``Xu`` and noise standard deviation ``sigma``,
        added to the model as the potential ``marginalapprox_loglik_{name}``
        (as PyMC does)."""
        X, Xu, y = as_float(X), as_float(Xu), as_float(y)
        self.X, self.Xu, self.y, self.sigma = X, Xu, y, sigma
        (_, LB, c, lam, r, A), ok = self._parts(X, Xu, y, sigma, self._jitter(jitter, X))
        n = float(static_rows(X, "MarginalApprox: X"))
        logdet = 0.5 * sum_(m.log(lam)) + sum_(m.log(diagonal(LB)))
        quad = 0.5 * (sum_(r * r / lam) - sum_(m.square(c)))
        loglik = -(0.5 * n * np.log(2.0 * np.pi) + logdet + quad)
        if self.approx == "VFE":
            s2 = m.square(as_float(sigma))
            loglik = loglik - (sum_(self.cov_func.diag(X)) - sum_(m.square(A))) / (2.0 * s2)
        return Potential(f"marginalapprox_loglik_{name}", pd_check(loglik, ok, name), **kwargs)

    def _build_conditional(
        self, Xnew: Any, pred_noise: bool, diag: bool, given: dict[str, Any] | None, jitter: Any
    ) -> tuple[TensorVariable, TensorVariable, TensorVariable]:
        given = given or {}
        if not all(k in given for k in ("X", "Xu", "y", "sigma")) and not hasattr(self, "X"):
            raise ValueError(
                "MarginalApprox: call marginal_likelihood first, or give given= with "
                "'X', 'Xu', 'y' and 'sigma'"
            )
        X = as_float(given.get("X", getattr(self, "X", None)))
        Xu = as_float(given.get("Xu", getattr(self, "Xu", None)))
        y = as_float(given.get("y", getattr(self, "y", None)))
        sigma = given.get("sigma", getattr(self, "sigma", None))
        Xnew = as_float(Xnew)
        jitter = self._jitter(jitter, X)
        (Luu, LB, c, _, _, _), ok = self._parts(X, Xu, y, sigma, jitter)
        As = solve_triangular(Luu, self.cov_func(Xu, Xnew), lower=True)
        mu = self.mean_func(Xnew) + matmul(As.T, solve_triangular(LB, c, lower=True, trans=1))
        C = solve_triangular(LB, As, lower=True)
        s2 = m.square(as_float(sigma))
        if diag:
            var = self.cov_func.diag(Xnew) - sum_(m.square(As), axis=0) + sum_(m.square(C), axis=0)
            return mu, var + s2 if pred_noise else var, ok
        cov = self.cov_func(Xnew) - matmul(As.T, As) + matmul(C.T, C)
        n_new = static_rows(Xnew, "MarginalApprox: Xnew")
        if pred_noise:
            return mu, cov + s2 * eye_like(n_new, cov.dtype), ok
        return mu, add_jitter(cov, jitter), ok

    # The conditional given the data and its NumPy evaluation, from the
    # approximation's own ``_build_conditional``.
    conditional = Marginal.conditional
    predict = Marginal.predict
