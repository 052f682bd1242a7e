"""Shared pieces of the GP module: inputs as matrices, jitter, guarded Cholesky.

Everything here builds ``ppgraph.tensor`` graphs; nothing computes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import FIXED, Constant
from ppgraph.graph.traversal import graph_inputs
from ppgraph.tensor import math as m
from ppgraph.tensor.check import check
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.linalg import cholesky, solve_triangular
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.type import TensorVariable, as_tensor_variable, shared

# The jitter added to a covariance's diagonal before its Cholesky factor, by
# dtype: float32 rounds a kernel matrix at ~1e-7 relative, so its smallest
# eigenvalues need a larger floor than float64's.
JITTER: dict[str, float] = {"float64": 1e-6, "float32": 1e-4}


def default_jitter(dtype: str | None = None) -> float:
    """The diagonal jitter for ``dtype`` (``config.floatX`` by default).

    Example:
        >>> from ppgraph.gp.util import default_jitter
        >>> default_jitter("float64"), default_jitter("float32")
        (1e-06, 0.0001)
    """
    return JITTER.get(dtype or config.floatX, JITTER["float32"])


def as_float(x: Any) -> TensorVariable:
    """``x`` as a float tensor (ints cast to ``config.floatX``)."""
    x = as_tensor_variable(x)
    if not x.dtype.startswith("float"):
        x = cast(x, config.floatX)
    return x


def as_inputs(X: Any, owner: str) -> TensorVariable:
    """``X`` as a float matrix of inputs (one row per point).

    Example:
        >>> import numpy as np
        >>> from ppgraph.gp.util import as_inputs
        >>> as_inputs(np.zeros((3, 2)), "ExpQuad").type
        TensorType(float64, shape=(3, 2))
    """
    X = as_float(X)
    if X.ndim != 2:
        raise ValueError(
            f"{owner}: inputs X must be a matrix with one row per point, got shape "
            f"{X.type.shape}; a single input dimension is a column, X[:, None]"
        )
    return X


def eye_like(n: int, dtype: str) -> TensorVariable:
    """The identity matrix of static size ``n``, as ``arange(n)[:, None] ==
    arange(n)``: folded to a constant when small, and computed inside the fused
    kernel when large, rather than an n x n array baked into the program."""
    i = np.arange(n)
    return cast(m.eq(as_tensor_variable(i)[:, None], i[None, :]), dtype)


def fixed_value(x: TensorVariable, name: str) -> TensorVariable:
    """``x`` computed once now and held as fixed data (a shared variable tagged
    ``FIXED``: an argument of the compiled function, not a constant baked into
    it), when it depends on constants only; else ``x`` itself. For bases and
    matrices of fixed inputs too large for constant folding.

    Example:
        >>> import numpy as np, ppgraph.tensor as pt
        >>> from ppgraph.gp.util import fixed_value
        >>> type(fixed_value(pt.sin(pt.constant(np.zeros(3))), "phi")).__name__
        'TensorSharedVariable'
    """
    if not all(isinstance(v, Constant) for v in graph_inputs([x])):
        return x
    held = shared(np.asarray(x.eval(), dtype=x.dtype), name=name, static_shape=True)
    held.tag[FIXED] = True
    return held


def static_rows(X: TensorVariable, owner: str) -> int:
    """The number of rows of ``X``, which must be known when the graph is built."""
    n = X.type.shape[0]
    if n is None:
        raise ValueError(
            f"{owner}: the number of points must be known when the graph is built "
            f"(XLA compiles for static shapes), got X of shape {X.type.shape}"
        )
    return int(n)


def add_jitter(K: TensorVariable, jitter: float) -> TensorVariable:
    """``K + jitter * I`` for a square ``K`` of static size."""
    n = static_rows(K, "jitter")
    return K + jitter * eye_like(n, K.dtype) if jitter else K


def safe_sqrt(x: Any) -> TensorVariable:
    """``sqrt(x)`` for ``x >= 0`` whose gradient is 0, not NaN, at ``x = 0``
    (a distance on the diagonal of a kernel matrix)."""
    x = as_tensor_variable(x)
    pos = x > 0
    return m.where(pos, m.sqrt(m.where(pos, x, 1.0)), 0.0)


def guarded_cholesky(K: TensorVariable) -> tuple[TensorVariable, TensorVariable]:
    """``(L, ok)``: the lower Cholesky factor of ``K`` with its non-finite entries
    replaced by 0 (JAX's factor of a matrix that is not positive definite is NaN),
    and the flag saying whether ``K`` was positive definite. A ``K`` of fixed
    inputs and hyperparameters is factored once, here, and held as fixed data."""
    chol = fixed_value(cholesky(K), "gp_chol")
    ok = all_(m.isfinite(chol))
    return m.where(ok, chol, 0.0), ok


def pd_check(value: Any, ok: Any, name: str) -> TensorVariable:
    """``value`` guarded by "cov positive definite" for the variable ``name``."""
    return check(value, ok, msg="cov positive definite", var=name)


def chol_solve(L: TensorVariable, b: TensorVariable) -> TensorVariable:
    """``K^-1 b`` from the lower Cholesky factor ``L`` of ``K`` (two triangular solves)."""
    return solve_triangular(L, solve_triangular(L, b, lower=True), lower=True, trans=1)


def diagonal(K: TensorVariable) -> TensorVariable:
    """The diagonal of a square matrix of static size."""
    n = static_rows(K, "diagonal")
    return sum_(K * eye_like(n, K.dtype), axis=-1)
