"""Exact Gaussian processes: ``Latent`` (a GP prior on a function of the model)
and ``Marginal`` (the GP integrated out of a Gaussian likelihood).

Numerics: every solve goes through the Cholesky factor of the jittered
covariance (two triangular solves, never an inverse); the jitter depends on
the dtype (``gp.util.JITTER``). A covariance that is not positive definite at
a point makes the log-density -inf (check mode "-inf", what samplers use) or
raises ``ParameterValueError`` naming the variable (mode "raise"), never NaN.
"""

from __future__ import annotations

from typing import Any

from ppgraph.distributions.continuous import Normal
from ppgraph.distributions.multivariate import MvNormal
from ppgraph.gp.cov_base import Constant, Covariance, WhiteNoise
from ppgraph.gp.mean import Mean, Zero
from ppgraph.gp.util import (
    add_jitter,
    as_float,
    default_jitter,
    guarded_cholesky,
    pd_check,
    static_rows,
)
from ppgraph.model.vars import Deterministic, Potential
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import matmul, solve_triangular
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.type import TensorVariable


class Base:
    """Shared parts of the GP implementations: a mean and a covariance function."""

    def __init__(self, *, mean_func: Mean | None = None, cov_func: Any = None) -> None:
        self.mean_func = Zero() if mean_func is None else mean_func
        self.cov_func = Constant(0.0) if cov_func is None else cov_func
        if not isinstance(self.cov_func, Covariance):
            raise TypeError(
                f"{type(self).__name__}: cov_func must be a covariance function "
                f"(pg.gp.cov.*), got {self.cov_func!r}"
            )
        if not isinstance(self.mean_func, Mean):
            raise TypeError(
                f"{type(self).__name__}: mean_func must be a mean function "
                f"(pg.gp.mean.*), got {self.mean_func!r}"
            )

    def _jitter(self, jitter: float | None, X: TensorVariable) -> float:
        return default_jitter(X.dtype) if jitter is None else float(jitter)


def _conditional_moments(
    cov_func: Covariance,
    mean_func: Mean,
    X: TensorVariable,
    r: TensorVariable,
    Xnew: TensorVariable,
    Kxx: TensorVariable,
    diag: bool,
) -> tuple[TensorVariable, TensorVariable, TensorVariable]:
    """``(mean, cov or var, ok)`` of the GP at ``Xnew`` given the residual ``r``
    at ``X`` and the (noisy, jittered) covariance ``Kxx`` of the observations:
    ``mean = m(Xnew) + A^T L^-1 r``, ``cov = k(Xnew) - A^T A``, ``A = L^-1 k(X, Xnew)``."""
    L, ok = guarded_cholesky(Kxx)
    A = solve_triangular(L, cov_func(X, Xnew), lower=True)
    v = solve_triangular(L, r, lower=True)
    mu = mean_func(Xnew) + matmul(A.T, v)
    if diag:
        return mu, cov_func.diag(Xnew) - sum_(m.square(A), axis=0), ok
    return mu, cov_func(Xnew) - matmul(A.T, A), ok


class Latent(Base):
    """A latent GP ``f ~ GP(mean_func, cov_func)``: its values at ``X`` are model
    variables, for any likelihood.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> X = np.linspace(0, 1, 5)[:, None]
        >>> with pg.Model() as model:
        ...     gp = pg.gp.Latent(cov_func=pg.gp.cov.ExpQuad(1, ls=0.3))
        ...     f = gp.prior("f", X=X)
        >>> [v.name for v in model.free_RVs]
        ['f_rotated_']
    """

    def prior(
        self,
        name: str,
        X: Any,
        reparameterize: bool = True,
        jitter: float | None = None,
        **kwargs: Any,
    ) -> TensorVariable:
        """The GP's values at ``X``, named ``name``. Reparameterized (default), they
        are ``mean + L @ v`` for ``v = {name}_rotated_ ~ N(0, 1)`` and ``L`` the
        Cholesky factor of the covariance, with a potential ``{name}_cov_pd``
        (0, or -inf where the covariance is not positive definite); else an
        ``MvNormal``."""
        X = as_float(X)
        jitter = self._jitter(jitter, X)
        mu, K = self.mean_func(X), add_jitter(self.cov_func(X), jitter)
        if reparameterize:
            dims = kwargs.pop("dims", None)
            f = Deterministic(name, mu + self._rotated(name, K, kwargs), dims=dims)
        else:
            f = MvNormal(name, mu=mu, cov=K, **kwargs)
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
        """The GP's values at ``Xnew`` given its values ``f`` at ``X`` (from
        ``prior``, or ``given={"X": ..., "f": ...}``), an ``MvNormal`` named ``name``."""
        X, f, Xnew, jitter, Kxx = self._given_inputs(given, Xnew, jitter)
        mu, cov, ok = _conditional_moments(
            self.cov_func, self.mean_func, X, f - self.mean_func(X), Xnew, Kxx, False
        )
        return MvNormal(name, mu=mu, cov=add_jitter(pd_check(cov, ok, name), jitter), **kwargs)

    def _rotated(self, name: str, K: Any, kwargs: dict[str, Any]) -> Any:
        """``L v`` with ``v`` the standard-normal ``{name}_rotated_`` and ``L`` the
        Cholesky factor of ``K``; where ``K`` is not positive definite ``L`` is
        zeroed and the potential ``{name}_cov_pd`` makes the log-density -inf
        (or raises, naming ``name``)."""
        n = static_rows(K, f"{name}: {type(self).__name__}.prior")
        v = Normal(f"{name}_rotated_", mu=0.0, sigma=1.0, size=n, **kwargs)
        L, ok = guarded_cholesky(K)
        Potential(f"{name}_cov_pd", pd_check(as_float(0.0), ok, name))
        return matmul(L, v)

    def _given_inputs(
        self, given: dict[str, Any] | None, Xnew: Any, jitter: float | None
    ) -> tuple[Any, Any, Any, float, Any]:
        """``X`` and ``f`` (from ``given`` or the prior), ``Xnew``, the jitter and
        the jittered ``K(X, X)``, for a conditional."""
        given = given or {}
        X = as_float(given["X"]) if "X" in given else self._prior_attr("X")
        f = as_float(given["f"]) if "f" in given else self._prior_attr("f")
        Xnew = as_float(Xnew)
        jitter = self._jitter(jitter, Xnew)
        return X, f, Xnew, jitter, add_jitter(self.cov_func(X), jitter)

    def _prior_attr(self, attr: str) -> Any:
        if not hasattr(self, attr):
            raise ValueError(
                f"{type(self).__name__}.conditional: call prior(name, X) first, "
                f"or give given={{'X': ..., 'f': ...}}"
            )
        return getattr(self, attr)


class Marginal(Base):
    """A GP with a Gaussian likelihood, integrated out:
    ``y ~ MvNormal(m(X), k(X, X) + noise)``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> X = np.linspace(0, 1, 5)[:, None]
        >>> with pg.Model() as model:
        ...     gp = pg.gp.Marginal(cov_func=pg.gp.cov.ExpQuad(1, ls=0.3))
        ...     y = gp.marginal_likelihood("y", X=X, y=np.sin(3 * X[:, 0]), sigma=0.1)
        >>> mu, var = gp.predict(np.array([[0.5]]), diag=True)
        >>> round(float(mu[0]), 2), bool(var[0] < 0.01)
        (1.0, True)
    """

    def _noise(self, sigma: Any, noise: Any) -> Covariance:
        value = sigma if sigma is not None else noise
        if value is None:
            raise ValueError("Marginal.marginal_likelihood: give sigma (a number or a kernel)")
        return value if isinstance(value, Covariance) else WhiteNoise(value)

    def marginal_likelihood(
        self,
        name: str,
        X: Any,
        y: Any,
        sigma: Any = None,
        noise: Any = None,
        jitter: float | None = None,
        is_observed: bool = True,
        **kwargs: Any,
    ) -> TensorVariable:
        """The observed ``y`` at ``X`` as ``MvNormal(m(X), k(X) + noise(X))``; the
        noise is ``sigma`` (a standard deviation, or a covariance function;
        ``noise=`` is PyMC's older name)."""
        X = as_float(X)
        self.X, self.y, self.sigma = X, y, self._noise(sigma, noise)
        jitter = self._jitter(jitter, X)
        K = add_jitter(self.cov_func(X) + self.sigma(X), jitter)
        observed = y if is_observed else None
        return MvNormal(name, mu=self.mean_func(X), cov=K, observed=observed, **kwargs)

    def _given(self, given: dict[str, Any] | None) -> tuple[Any, Any, Covariance]:
        given = given or {}
        missing = [k for k in ("X", "y", "sigma") if k not in given and not hasattr(self, k)]
        if missing:
            raise ValueError(
                "Marginal: call marginal_likelihood first, or give given= with "
                f"'X', 'y' and 'sigma' (missing {missing})"
            )
        X = as_float(given.get("X", getattr(self, "X", None)))
        y = as_float(given.get("y", getattr(self, "y", None)))
        noise = given.get("sigma", given.get("noise", getattr(self, "sigma", None)))
        return X, y, noise if isinstance(noise, Covariance) else WhiteNoise(noise)

    def _build_conditional(
        self,
        Xnew: Any,
        pred_noise: bool,
        diag: bool,
        given: dict[str, Any] | None,
        jitter: float | None,
    ) -> tuple[TensorVariable, TensorVariable, TensorVariable]:
        X, y, noise = self._given(given)
        Xnew = as_float(Xnew)
        jitter = self._jitter(jitter, X)
        Kxx = add_jitter(self.cov_func(X) + noise(X), jitter)
        mu, cov, ok = _conditional_moments(
            self.cov_func, self.mean_func, X, y - self.mean_func(X), Xnew, Kxx, diag
        )
        if pred_noise:
            return mu, cov + (noise.diag(Xnew) if diag else noise(Xnew)), ok
        # as PyMC: a noise-free covariance matrix gets the jitter, variances do not
        return mu, cov if diag else add_jitter(cov, jitter), ok

    def conditional(
        self,
        name: str,
        Xnew: Any,
        pred_noise: bool = False,
        given: dict[str, Any] | None = None,
        jitter: float | None = None,
        **kwargs: Any,
    ) -> TensorVariable:
        """The GP's values at ``Xnew`` given the data (``pred_noise=True`` adds the
        noise: new observations), an ``MvNormal`` named ``name``."""
        mu, cov, ok = self._build_conditional(Xnew, pred_noise, False, given, jitter)
        return MvNormal(name, mu=mu, cov=pd_check(cov, ok, name), **kwargs)

    def predict(
        self,
        Xnew: Any,
        point: dict[str, Any] | None = None,
        diag: bool = False,
        pred_noise: bool = False,
        given: dict[str, Any] | None = None,
        jitter: float | None = None,
        model: Any = None,
    ) -> tuple[Any, Any]:
        """The conditional mean and covariance (``diag=True``: variances) at
        ``Xnew`` as NumPy arrays, with the model's variables set to ``point``
        (a dict of values by variable name, e.g. a posterior draw). As in PyMC,
        a covariance matrix without ``pred_noise`` includes the jitter."""
        from ppgraph.gp.predict import evaluate_at_point

        mu, cov, _ = self._build_conditional(Xnew, pred_noise, diag, given, jitter)
        return evaluate_at_point([mu, cov], point or {}, model)
