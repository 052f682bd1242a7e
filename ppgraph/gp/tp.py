"""The Student-t process ``gp.TP``: a latent function whose values at any inputs
are multivariate Student-t (Shah, Wilson & Ghahramani, 2014)."""

from __future__ import annotations

from typing import Any

from ppgraph.distributions.continuous_positive import ChiSquared
from ppgraph.distributions.multivariate import MvStudentT
from ppgraph.gp.cov_base import Covariance
from ppgraph.gp.gp import Latent, _conditional_moments
from ppgraph.gp.mean import Mean
from ppgraph.gp.util import add_jitter, as_float, guarded_cholesky, pd_check, static_rows
from ppgraph.model.vars import Deterministic
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import solve_triangular
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.type import TensorVariable


class TP(Latent):
    """A Student-t process with ``nu`` degrees of freedom and scale function
    ``scale_func`` (PyMC's older name: ``cov_func``).

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> X = np.linspace(0, 1, 5)[:, None]
        >>> with pg.Model() as model:
        ...     tp = pg.gp.TP(scale_func=pg.gp.cov.ExpQuad(1, ls=0.3), nu=5.0)
        ...     f = tp.prior("f", X=X)
        >>> [v.name for v in model.free_RVs]
        ['f_rotated_', 'f_chi2_']
    """

    def __init__(
        self,
        *,
        mean_func: Mean | None = None,
        scale_func: Covariance | None = None,
        cov_func: Covariance | None = None,
        nu: Any = None,
    ) -> None:
        if nu is None:
            raise ValueError("TP: give the degrees of freedom nu")
        super().__init__(mean_func=mean_func, cov_func=scale_func or cov_func)
        self.nu = as_float(nu)

    def prior(
        self,
        name: str,
        X: Any,
        reparameterize: bool = True,
        jitter: float | None = None,
        **kwargs: Any,
    ) -> TensorVariable:
        """The process at ``X``: ``mean + L @ v * sqrt(nu / chi2)`` with
        ``{name}_rotated_ ~ N(0, 1)`` and ``{name}_chi2_ ~ ChiSquared(nu)`` (exactly
        ``MvStudentT(nu, mean, K)``), or an ``MvStudentT`` when not reparameterized."""
        X = as_float(X)
        jitter = self._jitter(jitter, X)
        mu, K = self.mean_func(X), add_jitter(self.cov_func(X), jitter)
        if reparameterize:
            dims = kwargs.pop("dims", None)
            Lv = self._rotated(name, K, kwargs)
            chi2 = ChiSquared(f"{name}_chi2_", nu=self.nu)
            f = Deterministic(name, mu + Lv * m.sqrt(self.nu / chi2), dims=dims)
        else:
            f = MvStudentT(name, nu=self.nu, mu=mu, scale=K, **kwargs)
        self.X, self.f = X, f
        return f

    def conditional(
        self,
        name: str,
        Xnew: Any,
        given: dict[str, Any] | None = None,
        jitter: float | None = None,
        **kwargs: Any,
    ) -> TensorVariable:
        """The process at ``Xnew`` given its values ``f`` at ``X``: an
        ``MvStudentT`` with ``nu + n`` degrees of freedom and the Gaussian
        conditional scale times ``(nu + beta - 2) / (nu + n - 2)``,
        ``beta = (f - m)^T K^-1 (f - m)``."""
        X, f, Xnew, jitter, Kxx = self._given_inputs(given, Xnew, jitter)
        r = f - self.mean_func(X)
        mu, cov, ok = _conditional_moments(self.cov_func, self.mean_func, X, r, Xnew, Kxx, False)
        L, _ = guarded_cholesky(Kxx)
        beta = sum_(m.square(solve_triangular(L, r, lower=True)))
        n = float(static_rows(Kxx, f"{name}: TP.conditional"))
        scale = (self.nu + beta - 2.0) / (self.nu + n - 2.0) * cov
        scale = add_jitter(pd_check(scale, ok, name), jitter)
        return MvStudentT(name, nu=self.nu + n, mu=mu, scale=scale, **kwargs)
