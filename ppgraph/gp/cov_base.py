"""The covariance-function base: input slicing, sums and products, constants.

A covariance function is a Python object that builds graphs: ``cov(X)`` is the
matrix ``K[i, j] = k(X[i], X[j])``, ``cov(X, Xs)`` the cross matrix and
``cov(X, diag=True)`` (or ``cov.diag(X)``) its diagonal, as PyMC has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ppgraph.gp.util import as_float, as_inputs, diagonal, eye_like, static_rows
from ppgraph.tensor.shape import full
from ppgraph.tensor.type import TensorVariable


class Covariance:
    """Base of the covariance functions over ``input_dim`` columns of ``X``, of
    which ``active_dims`` (all by default) are used.

    Subclasses implement ``full(X, Xs)`` and ``diag(X)`` on sliced inputs.
    Covariances add and multiply with each other, with numbers and with
    tensors: ``eta**2 * ExpQuad(1, ls=ell)`` is a scaled kernel.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.ExpQuad(1, ls=1.0) + pg.gp.cov.WhiteNoise(0.1)
        >>> k(np.array([[0.0], [1.0]])).eval().round(4)
        array([[1.01  , 0.6065],
               [0.6065, 1.01  ]])
    """

    # a tensor on the left defers to this class's operators (eta**2 * cov)
    __ppgraph_operand__ = True

    def __init__(self, input_dim: int, active_dims: Sequence[int] | None = None) -> None:
        name = type(self).__name__
        if not isinstance(input_dim, int) or input_dim < 1:
            raise ValueError(f"{name}: input_dim must be a positive int, got {input_dim!r}")
        dims = list(range(input_dim)) if active_dims is None else [int(d) for d in active_dims]
        if not dims or max(dims) >= input_dim or min(dims) < 0:
            raise ValueError(
                f"{name}: active_dims {list(dims)} do not fit input_dim={input_dim} "
                f"(each must be in 0..{input_dim - 1})"
            )
        self.input_dim = input_dim
        self.active_dims = dims

    @property
    def n_dims(self) -> int:
        """The number of input columns the kernel uses."""
        return len(self.active_dims)

    def __call__(self, X: Any, Xs: Any = None, diag: bool = False) -> TensorVariable:
        if diag:
            return self.diag(X)
        return self.full(X, Xs)

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        """The covariance matrix between the rows of ``X`` and of ``Xs`` (``X`` if None)."""
        raise NotImplementedError

    def diag(self, X: Any) -> TensorVariable:
        """The diagonal of ``full(X)``, without building the matrix."""
        return diagonal(self.full(X))

    def _slice(self, X: Any, Xs: Any = None) -> tuple[TensorVariable, TensorVariable | None]:
        """The active columns of ``X`` and ``Xs``, after checking their width."""
        out: list[TensorVariable | None] = []
        for what, x in (("X", X), ("Xs", Xs)):
            if x is None:
                out.append(None)
                continue
            x = as_inputs(x, self._label())
            width = x.type.shape[1]
            if width is not None and width != self.input_dim:
                raise ValueError(
                    f"{self._label()}: {what} has shape {x.type.shape}, but the kernel was "
                    f"built for input_dim={self.input_dim} columns (active_dims="
                    f"{self.active_dims}); give X with {self.input_dim} columns"
                )
            if self.active_dims != list(range(self.input_dim)):
                x = x[:, self.active_dims]
            out.append(x)
        assert out[0] is not None
        return out[0], out[1]

    def _label(self) -> str:
        return f"{type(self).__name__}(input_dim={self.input_dim})"

    def __add__(self, other: Any) -> Add:
        return Add([self, other])

    __radd__ = __add__

    def __mul__(self, other: Any) -> Prod:
        return Prod([self, other])

    __rmul__ = __mul__

    def power_spectral_density(self, omega: Any) -> TensorVariable:
        """The spectral density at frequencies ``omega`` (one row per frequency,
        one column per active dim), for the HSGP approximation."""
        raise NotImplementedError(
            f"{type(self).__name__} has no power spectral density: HSGP needs a stationary "
            "kernel such as ExpQuad, Matern52, Matern32 or Matern12, scaled or summed"
        )


class _Unsliced(Covariance):
    """A kernel that reads no input column (only the number of rows)."""

    def __init__(self) -> None:
        self.input_dim = 0
        self.active_dims = []

    def _rows(self, X: Any) -> TensorVariable:
        X = as_float(X)
        if X.ndim not in (1, 2):
            raise ValueError(f"{type(self).__name__}: X must be a matrix, got {X.type.shape}")
        return X

    def _label(self) -> str:
        return type(self).__name__


class Constant(_Unsliced):
    """``k(x, x') = c``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> pg.gp.cov.Constant(2.0)(np.zeros((2, 1))).eval()
        array([[2., 2.],
               [2., 2.]])
    """

    def __init__(self, c: Any) -> None:
        super().__init__()
        self.c = as_float(c)

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        X = self._rows(X)
        Xs = X if Xs is None else self._rows(Xs)
        return full((X.shape[0], Xs.shape[0]), self.c)

    def diag(self, X: Any) -> TensorVariable:
        return full((self._rows(X).shape[0],), self.c)


class WhiteNoise(_Unsliced):
    """``k(x, x') = sigma^2`` where ``x`` and ``x'`` are the same point, else 0:
    ``sigma**2 * I`` for ``cov(X)``, zeros for ``cov(X, Xs)`` (as PyMC).

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> pg.gp.cov.WhiteNoise(0.5)(np.zeros((2, 1))).eval()
        array([[0.25, 0.  ],
               [0.  , 0.25]])
    """

    def __init__(self, sigma: Any) -> None:
        super().__init__()
        self.sigma = as_float(sigma)

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        X = self._rows(X)
        if Xs is None:
            n = static_rows(X, "WhiteNoise")
            return self.sigma**2 * eye_like(n, X.dtype)
        Xs = self._rows(Xs)
        return full((X.shape[0], Xs.shape[0]), 0.0 * self.sigma)

    def diag(self, X: Any) -> TensorVariable:
        return full((self._rows(X).shape[0],), self.sigma**2)


class Combination(Covariance):
    """Sums and products of covariances, numbers and tensors (a tensor factor
    is a scalar or a matrix of the right shape)."""

    def __init__(self, factors: Sequence[Any]) -> None:
        self.factors: list[Any] = []
        for f in factors:
            if isinstance(f, type(self)):
                self.factors.extend(f.factors)  # (a + b) + c is one flat sum
            else:
                self.factors.append(f if isinstance(f, Covariance) else as_float(f))
        kernels = [f for f in self.factors if isinstance(f, Covariance)]
        self.input_dim = max((k.input_dim for k in kernels), default=0)
        self.active_dims = sorted({d for k in kernels for d in k.active_dims})

    def _parts(self, X: Any, Xs: Any, diag: bool) -> list[TensorVariable]:
        parts = []
        for f in self.factors:
            if isinstance(f, Covariance):
                parts.append(f.diag(X) if diag else f.full(X, Xs))
            else:
                parts.append(diagonal(f) if diag and f.ndim == 2 else f)
        return parts

    def _combine(self, parts: list[TensorVariable]) -> TensorVariable:
        raise NotImplementedError

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        return self._combine(self._parts(X, Xs, False))

    def diag(self, X: Any) -> TensorVariable:
        return self._combine(self._parts(X, None, True))


class Add(Combination):
    """The sum of covariance functions (``k1 + k2``)."""

    def _combine(self, parts: list[TensorVariable]) -> TensorVariable:
        out = parts[0]
        for p in parts[1:]:
            out = out + p
        return out

    def power_spectral_density(self, omega: Any) -> TensorVariable:
        """The sum of the terms' spectral densities."""
        psds = [f.power_spectral_density(omega) for f in self.factors]
        return self._combine(psds)


class Prod(Combination):
    """The product of covariance functions (``k1 * k2``), or a scaled one."""

    def _combine(self, parts: list[TensorVariable]) -> TensorVariable:
        out = parts[0]
        for p in parts[1:]:
            out = out * p
        return out

    def power_spectral_density(self, omega: Any) -> TensorVariable:
        """A scaled kernel's density: the scale times the kernel's (one kernel only)."""
        kernels = [f for f in self.factors if isinstance(f, Covariance)]
        scales = [f for f in self.factors if not isinstance(f, Covariance)]
        if len(kernels) != 1 or any(s.ndim != 0 for s in scales):
            raise NotImplementedError(
                "the power spectral density of a product is known only for one stationary "
                "kernel times scalars (e.g. eta**2 * ExpQuad(...))"
            )
        return self._combine([*scales, kernels[0].power_spectral_density(omega)])
