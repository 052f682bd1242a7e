"""Hilbert-space GP approximations (Solin & Särkkä 2020; Riutort-Mayol et al.
2023): a GP as a linear model on fixed basis functions.

``HSGP``: on ``[-L, L]`` per active dim, the Laplacian's eigenfunctions
``phi_j(x) = L^-1/2 sin(sqrt(lambda_j) (x + L))``, ``lambda_j = (pi j / (2L))^2``,
and ``f = phi @ (beta * sqrt(S(sqrt(lambda))))`` for the kernel's spectral
density ``S`` and ``beta ~ N(0, 1)``: O(n m) per evaluation instead of O(n^3).
``HSGPPeriodic``: the cosine series of the periodic kernel (the paper's appendix B).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ppgraph.distributions.continuous import Normal
from ppgraph.gp.cov_base import Covariance
from ppgraph.gp.gp import Base
from ppgraph.gp.mean import Mean
from ppgraph.gp.stationary import Periodic
from ppgraph.gp.util import as_float, fixed_value
from ppgraph.graph.traversal import graph_inputs
from ppgraph.model.vars import Deterministic
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import matmul
from ppgraph.tensor.reduction import max as max_
from ppgraph.tensor.reduction import min as min_
from ppgraph.tensor.type import TensorVariable


def _center(X: TensorVariable, what: str) -> np.ndarray:
    """The midpoint of the training inputs, fixed once (later data, e.g. from
    ``pg.set_data``, are centred by the training midpoint, as PyMC does)."""
    if any(
        v.owner is None and not hasattr(v, "data") and not hasattr(v, "get_value")
        for v in graph_inputs([X])
    ):
        raise ValueError(f"{what}: X must be data (an array or pg.Data), not a model variable")
    return np.asarray((max_(X, axis=0) + min_(X, axis=0)).eval() / 2)


def _eigvals(L: Any, m_: Sequence[int]) -> TensorVariable:
    """``(prod(m), D)``: the Laplacian eigenvalues of every basis function, per dim,
    in PyMC's order (NumPy's default ``meshgrid`` flattened: the first dim
    varies fastest in 2-D), so that coefficients line up with a PyMC model's."""
    L = as_float(L)
    grids = np.meshgrid(*[np.arange(1, k + 1) for k in m_])
    S = np.stack([g.ravel() for g in grids], axis=1).astype(L.dtype)
    return m.square(np.pi * S / (2.0 * L))


def _eigvecs(Xs: TensorVariable, L: Any, eigvals: TensorVariable) -> TensorVariable:
    """``(n, prod(m))``: the basis functions at the centred inputs."""
    L = as_float(L)
    phi = m.sin(m.sqrt(eigvals)[None, :, :] * (Xs[:, None, :] + L)) / m.sqrt(L)
    out = phi[:, :, 0]
    for d in range(1, eigvals.type.shape[1] or 1):
        out = out * phi[:, :, d]
    return out


class HSGP(Base):
    """The Hilbert-space approximate GP: ``m`` basis functions per active dim on
    ``[-L, L]`` (give ``L``, or ``c`` with ``L = c * max|X - centre|``).

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> X = np.linspace(0, 10, 200)[:, None]
        >>> with pg.Model() as model:
        ...     gp = pg.gp.HSGP(m=[20], c=1.5, cov_func=pg.gp.cov.ExpQuad(1, ls=2.0))
        ...     f = gp.prior("f", X=X)
        >>> [v.name for v in model.free_RVs], f.type.shape
        (['f_hsgp_coeffs'], (200,))
    """

    def __init__(
        self,
        m: Sequence[int],
        L: Sequence[float] | None = None,
        c: float | None = None,
        drop_first: bool = False,
        parametrization: str = "noncentered",
        *,
        mean_func: Mean | None = None,
        cov_func: Covariance,
    ) -> None:
        super().__init__(mean_func=mean_func, cov_func=cov_func)
        n_dims = cov_func.n_dims
        if not isinstance(m, Sequence) or len(m) != n_dims:
            raise ValueError(
                f"HSGP: m must be a sequence with one int per active dim of the kernel "
                f"({n_dims}), got {m!r}"
            )
        if (L is None) == (c is None):
            raise ValueError("HSGP: give exactly one of L and c")
        if L is not None and (not isinstance(L, Sequence) or len(L) != n_dims):
            raise ValueError(f"HSGP: L must have one boundary per active dim ({n_dims}), got {L!r}")
        if c is not None and c < 1.2:
            warnings.warn(
                "HSGP: c >= 1.2 is recommended for an adequate approximation",
                UserWarning,
                stacklevel=2,
            )
        p = parametrization.lower().replace("-", "").replace("_", "")
        if p not in ("centered", "noncentered"):
            raise ValueError(
                f"HSGP: parametrization must be 'centered' or 'noncentered', "
                f"got {parametrization!r}"
            )
        self._m, self._L, self._c = tuple(int(k) for k in m), L, c
        self._drop_first, self._parametrization = drop_first, p
        self._X_center: np.ndarray | None = None

    @property
    def n_basis_vectors(self) -> int:
        """The number of basis functions, ``prod(m)``."""
        return int(np.prod(self._m))

    @property
    def L(self) -> Any:
        """The boundary per active dim (set from ``c`` by the first ``prior_linearized``)."""
        if self._L is None:
            raise RuntimeError("HSGP: the boundary L is set by prior_linearized/prior from c")
        return self._L

    def prior_linearized(self, X: Any) -> tuple[TensorVariable, TensorVariable]:
        """``(phi, sqrt_psd)``: the basis (one row per point, one column per basis
        function) and the square roots of the spectral density, so that
        ``phi @ (beta * sqrt_psd)`` with ``beta ~ N(0, 1)`` is the GP."""
        X = as_float(X)
        if self._X_center is None:
            self._X_center = _center(X, "HSGP")
        Xs, _ = self.cov_func._slice(X - self._X_center.astype(X.dtype))
        if self._L is None:
            assert self._c is not None
            self._L = list(self._c * np.abs(Xs.eval()).max(axis=0))
        eigvals = _eigvals(np.asarray(self._L, dtype=X.dtype), self._m)
        i = int(self._drop_first)
        phi = _eigvecs(Xs, np.asarray(self._L, dtype=X.dtype), eigvals)[:, i:]
        psd = self.cov_func.power_spectral_density(m.sqrt(eigvals))
        # inputs that never change (an array): the basis is computed once, as data
        return fixed_value(phi, "hsgp_phi"), m.sqrt(psd[i:])

    def prior(
        self, name: str, X: Any, dims: Any = None, hsgp_coeffs_dims: Any = None
    ) -> TensorVariable:
        """The approximate GP at ``X``: coefficients ``{name}_hsgp_coeffs`` and the
        deterministic ``name``."""
        phi, sqrt_psd = self.prior_linearized(X)
        n = self.n_basis_vectors - int(self._drop_first)
        self._sqrt_psd = sqrt_psd
        if self._parametrization == "noncentered":
            self._beta = Normal(
                f"{name}_hsgp_coeffs", mu=0.0, sigma=1.0, size=n, dims=hsgp_coeffs_dims
            )
            f = self.mean_func(X) + matmul(phi, self._beta * sqrt_psd)
        else:
            self._beta = Normal(
                f"{name}_hsgp_coeffs", mu=0.0, sigma=sqrt_psd, size=n, dims=hsgp_coeffs_dims
            )
            f = self.mean_func(X) + matmul(phi, self._beta)
        self.f = Deterministic(name, f, dims=dims)
        return self.f

    def conditional(self, name: str, Xnew: Any, dims: Any = None) -> TensorVariable:
        """The approximate GP at ``Xnew`` from the prior's coefficients (a deterministic)."""
        if not hasattr(self, "_beta"):
            raise ValueError("HSGP.conditional: call prior(name, X) first")
        phi, sqrt_psd = self.prior_linearized(Xnew)
        w = self._beta * sqrt_psd if self._parametrization == "noncentered" else self._beta
        return Deterministic(name, self.mean_func(as_float(Xnew)) + matmul(phi, w), dims=dims)


class HSGPPeriodic(Base):
    """The periodic kernel's cosine-series approximation with ``m`` terms;
    ``scale`` is the GP's standard deviation.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> X = np.linspace(0, 3, 50)[:, None]
        >>> with pg.Model() as model:
        ...     cov = pg.gp.cov.Periodic(1, period=1.0, ls=0.5)
        ...     f = pg.gp.HSGPPeriodic(m=10, cov_func=cov).prior("f", X=X)
        >>> [v.name for v in model.free_RVs]
        ['f_hsgp_coeffs_']
    """

    def __init__(
        self,
        m: int,
        scale: Any = 1.0,
        *,
        mean_func: Mean | None = None,
        cov_func: Periodic,
    ) -> None:
        if not isinstance(m, int) or m <= 0:
            raise ValueError(f"HSGPPeriodic: m must be a positive int, got {m!r}")
        if not isinstance(cov_func, Periodic):
            raise ValueError(
                "HSGPPeriodic: cov_func must be a Periodic kernel (scale with `scale`), "
                f"got {cov_func!r}"
            )
        if cov_func.n_dims != 1:
            raise ValueError("HSGPPeriodic: only one active dim is supported")
        super().__init__(mean_func=mean_func, cov_func=cov_func)
        self._m, self.scale = m, as_float(scale)
        self._X_center: np.ndarray | None = None

    def prior_linearized(
        self, X: Any
    ) -> tuple[tuple[TensorVariable, TensorVariable], TensorVariable]:
        """``((phi_cos, phi_sin), psd)``: cosine and sine bases at ``X`` (``m``
        columns each) and the coefficients' standard deviations ``scale * q_j``."""
        X = as_float(X)
        if self._X_center is None:
            self._X_center = _center(X, "HSGPPeriodic")
        Xs, _ = self.cov_func._slice(X - self._X_center.astype(X.dtype))
        assert isinstance(self.cov_func, Periodic)
        w0 = 2.0 * np.pi / self.cov_func.period
        mw0x = w0 * Xs[:, 0][:, None] * np.arange(self._m, dtype=X.dtype)[None, :]
        q2 = self.cov_func.power_spectral_density_approx(np.arange(self._m))
        bases = (fixed_value(m.cos(mw0x), "hsgp_phi_cos"), fixed_value(m.sin(mw0x), "hsgp_phi_sin"))
        return bases, self.scale * m.sqrt(q2)

    def _f(self, X: Any) -> TensorVariable:
        (phi_cos, phi_sin), psd = self.prior_linearized(X)
        k = self._m
        # the first sine function is 0: it has no coefficient
        return (
            self.mean_func(as_float(X))
            + matmul(phi_cos, psd * self._beta[:k])
            + matmul(phi_sin[:, 1:], psd[1:] * self._beta[k:])
        )

    def prior(
        self, name: str, X: Any, dims: Any = None, hsgp_coeffs_dims: Any = None
    ) -> TensorVariable:
        """The approximate periodic GP at ``X``: coefficients ``{name}_hsgp_coeffs_``."""
        self._beta = Normal(
            f"{name}_hsgp_coeffs_", mu=0.0, sigma=1.0, size=2 * self._m - 1, dims=hsgp_coeffs_dims
        )
        self.f = Deterministic(name, self._f(X), dims=dims)
        return self.f

    def conditional(self, name: str, Xnew: Any, dims: Any = None) -> TensorVariable:
        """The approximate GP at ``Xnew`` from the prior's coefficients."""
        if not hasattr(self, "_beta"):
            raise ValueError("HSGPPeriodic.conditional: call prior(name, X) first")
        return Deterministic(name, self._f(Xnew), dims=dims)
