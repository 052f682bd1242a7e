"""Mean functions, PyMC's names: ``Zero``, ``Constant``, ``Linear``, sums and products."""

from __future__ import annotations

from typing import Any

from ppgraph.gp.util import as_float
from ppgraph.tensor.linalg import matmul
from ppgraph.tensor.shape import full
from ppgraph.tensor.type import TensorVariable


class Mean:
    """Base of the mean functions: ``mean(X)`` is one value per row of ``X``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> mu = pg.gp.mean.Constant(1.0) + pg.gp.mean.Linear(coeffs=[2.0])
        >>> mu(np.array([[0.0], [1.0]])).eval()
        array([1., 3.])
    """

    # a tensor on the left defers to this class's operators (eta**2 * cov)
    __ppgraph_operand__ = True

    def __call__(self, X: Any) -> TensorVariable:
        raise NotImplementedError

    def __add__(self, other: Mean) -> Add:
        return Add(self, other)

    def __mul__(self, other: Mean) -> Prod:
        return Prod(self, other)


def _rows(X: Any) -> TensorVariable:
    X = as_float(X)
    if X.ndim != 2:
        raise ValueError(f"mean function: X must be a matrix (one row per point), got {X.type}")
    return X


class Zero(Mean):
    """The zero mean.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> pg.gp.mean.Zero()(np.ones((2, 1))).eval()
        array([0., 0.])
    """

    def __call__(self, X: Any) -> TensorVariable:
        X = _rows(X)
        return full((X.shape[0],), 0.0, X.dtype)


class Constant(Mean):
    """A constant mean ``c``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> pg.gp.mean.Constant(3.0)(np.ones((2, 1))).eval()
        array([3., 3.])
    """

    def __init__(self, c: Any = 0) -> None:
        self.c = as_float(c)

    def __call__(self, X: Any) -> TensorVariable:
        X = _rows(X)
        return full((X.shape[0],), self.c)


class Linear(Mean):
    """The linear mean ``X @ coeffs + intercept``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> pg.gp.mean.Linear(coeffs=[1.0, 2.0], intercept=1.0)(np.ones((1, 2))).eval()
        array([4.])
    """

    def __init__(self, coeffs: Any, intercept: Any = 0) -> None:
        self.b = as_float(intercept)
        self.A = as_float(coeffs)

    def __call__(self, X: Any) -> TensorVariable:
        X = _rows(X)
        out = matmul(X, self.A)
        return (out[:, 0] if out.ndim == 2 else out) + self.b


class Add(Mean):
    """The sum of two mean functions."""

    def __init__(self, first: Mean, second: Mean) -> None:
        self.m1, self.m2 = first, second

    def __call__(self, X: Any) -> TensorVariable:
        return self.m1(X) + self.m2(X)


class Prod(Mean):
    """The product of two mean functions."""

    def __init__(self, first: Mean, second: Mean) -> None:
        self.m1, self.m2 = first, second

    def __call__(self, X: Any) -> TensorVariable:
        return self.m1(X) * self.m2(X)


__all__ = ["Add", "Constant", "Linear", "Mean", "Prod", "Zero"]
