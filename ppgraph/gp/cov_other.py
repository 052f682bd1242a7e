"""Non-stationary covariance functions and kernels built from other kernels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ppgraph.gp.cov_base import Covariance
from ppgraph.gp.util import as_float, diagonal
from ppgraph.tensor import math as m
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.linalg import matmul
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.type import TensorVariable


class Linear(Covariance):
    """The linear kernel ``k = (x - c) . (x' - c)``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> pg.gp.cov.Linear(1, c=1.0)(np.array([[0.0], [3.0]])).eval()
        array([[ 1., -2.],
               [-2.,  4.]])
    """

    def __init__(self, input_dim: int, c: Any, active_dims: Sequence[int] | None = None) -> None:
        super().__init__(input_dim, active_dims)
        self.c = as_float(c)

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        X, Xs = self._slice(X, Xs)
        A = X - self.c
        B = A if Xs is None else Xs - self.c
        return matmul(A, B.T)

    def diag(self, X: Any) -> TensorVariable:
        X, _ = self._slice(X)
        return sum_(m.square(X - self.c), axis=-1)


class Polynomial(Linear):
    """The polynomial kernel ``k = ((x - c) . (x' - c) + offset)^d``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.Polynomial(1, c=0.0, d=2, offset=1.0)
        >>> k(np.array([[1.0], [2.0]])).eval()
        array([[ 4.,  9.],
               [ 9., 25.]])
    """

    def __init__(
        self,
        input_dim: int,
        c: Any,
        d: Any,
        offset: Any,
        active_dims: Sequence[int] | None = None,
    ) -> None:
        super().__init__(input_dim, c, active_dims)
        self.d = as_float(d)
        self.offset = as_float(offset)

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        return m.pow(super().full(X, Xs) + self.offset, self.d)

    def diag(self, X: Any) -> TensorVariable:
        return m.pow(super().diag(X) + self.offset, self.d)


class ScaledCov(Covariance):
    """``k(x, x') = s(x) k_base(x, x') s(x')`` for a scaling function
    ``s = scaling_func(X, *args)`` of one value per row.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> base = pg.gp.cov.Constant(1.0)
        >>> k = pg.gp.cov.ScaledCov(1, base, lambda X, a: a * X[:, 0], (2.0,))
        >>> k(np.array([[1.0], [2.0]])).eval()
        array([[ 4.,  8.],
               [ 8., 16.]])
    """

    def __init__(
        self,
        input_dim: int,
        cov_func: Covariance,
        scaling_func: Callable[..., Any],
        args: Sequence[Any] = (),
        active_dims: Sequence[int] | None = None,
    ) -> None:
        super().__init__(input_dim, active_dims)
        if not isinstance(cov_func, Covariance):
            raise TypeError(f"ScaledCov: cov_func must be a Covariance, got {cov_func!r}")
        self.cov_func = cov_func
        self.scaling_func = scaling_func
        self.args = tuple(args)

    def _scale(self, X: TensorVariable) -> TensorVariable:
        s = as_float(self.scaling_func(X, *self.args))
        return s[:, 0] if s.ndim == 2 else s

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        X, Xs = self._slice(X, Xs)
        sx = self._scale(X)
        ss = sx if Xs is None else self._scale(Xs)
        return sx[:, None] * self.cov_func(X, Xs) * ss[None, :]

    def diag(self, X: Any) -> TensorVariable:
        X, _ = self._slice(X)
        return m.square(self._scale(X)) * self.cov_func.diag(X)


class WarpedInput(Covariance):
    """``k(x, x') = k_base(w(x), w(x'))`` for a warping ``w = warp_func(X, *args)``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> base = pg.gp.cov.ExpQuad(1, ls=1.0)
        >>> k = pg.gp.cov.WarpedInput(1, base, lambda X, a: a * X, (0.0,))
        >>> k(np.array([[0.0], [5.0]])).eval()  # every point warped to 0
        array([[1., 1.],
               [1., 1.]])
    """

    def __init__(
        self,
        input_dim: int,
        cov_func: Covariance,
        warp_func: Callable[..., Any],
        args: Sequence[Any] = (),
        active_dims: Sequence[int] | None = None,
    ) -> None:
        super().__init__(input_dim, active_dims)
        if not isinstance(cov_func, Covariance):
            raise TypeError(f"WarpedInput: cov_func must be a Covariance, got {cov_func!r}")
        self.cov_func = cov_func
        self.warp_func = warp_func
        self.args = tuple(args)

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        X, Xs = self._slice(X, Xs)
        wx = self.warp_func(X, *self.args)
        return self.cov_func(wx, None if Xs is None else self.warp_func(Xs, *self.args))

    def diag(self, X: Any) -> TensorVariable:
        X, _ = self._slice(X)
        return self.cov_func.diag(self.warp_func(X, *self.args))


class Coregion(Covariance):
    """The coregionalization kernel of a task index column: ``k(i, j) = B[i, j]``,
    ``B = W W^T + diag(kappa)`` (or ``B`` given); ``X`` holds task indices.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> k = pg.gp.cov.Coregion(1, W=np.array([[1.0], [2.0]]), kappa=np.array([0.5, 0.5]))
        >>> k(np.array([[0.0], [1.0]])).eval()
        array([[1.5, 2. ],
               [2. , 4.5]])
    """

    def __init__(
        self,
        input_dim: int,
        W: Any = None,
        kappa: Any = None,
        B: Any = None,
        active_dims: Sequence[int] | None = None,
    ) -> None:
        super().__init__(input_dim, active_dims)
        if self.n_dims != 1:
            raise ValueError(f"Coregion: one active dim (the task index), got {self.active_dims}")
        if B is None:
            if W is None or kappa is None:
                raise ValueError("Coregion: give W and kappa, or B")
            W, kappa = as_float(W), as_float(kappa)
            n = W.type.shape[0]
            if n is None:
                raise ValueError("Coregion: the number of tasks (rows of W) must be static")
            B = matmul(W, W.T) + kappa * np.eye(n, dtype=W.dtype)
        self.B = as_float(B)
        if self.B.ndim != 2 or self.B.type.shape[0] is None:
            raise ValueError(f"Coregion: B must be a matrix of static size, got {self.B.type}")

    def _one_hot(self, X: TensorVariable) -> TensorVariable:
        tasks = np.arange(int(self.B.type.shape[0] or 0))
        index = cast(m.round(X[:, 0]), "int64")
        return cast(m.eq(index[:, None], tasks[None, :]), self.B.dtype)

    def full(self, X: Any, Xs: Any = None) -> TensorVariable:
        X, Xs = self._slice(X, Xs)
        A = self._one_hot(X)
        C = A if Xs is None else self._one_hot(Xs)
        return matmul(matmul(A, self.B), C.T)

    def diag(self, X: Any) -> TensorVariable:
        X, _ = self._slice(X)
        A = self._one_hot(X)
        return matmul(A, diagonal(self.B))
