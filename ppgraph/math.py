"""``pg.math``: PyMC's ``pm.math`` names for ``ppgraph.tensor`` functions.

A name that ``ppgraph.tensor`` has is the very same function object here (a
re-export, never a second implementation); PyMC's own helpers (``logdiffexp``,
``probit``, ``expand_packed_triangular``, ...) are written once, on top of
``pt``. Any other ``pt`` name is reachable too (``pg.math.cholesky``); a PyMC
name that ppgraph does not have is an ``AttributeError`` that says so.

Example:
    >>> import ppgraph as pg
    >>> import ppgraph.tensor as pt
    >>> pg.math.switch is pt.switch, pg.math.invlogit is pt.sigmoid
    (True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import ppgraph.tensor as pt
from ppgraph._math_kron import (
    flat_outer,
    kron_diag,
    kron_dot,
    kron_solve_lower,
    kron_solve_upper,
    kronecker,
)
from ppgraph.tensor import (
    abs,
    and_,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctanh,
    as_tensor,
    broadcast_to,
    ceil,
    clip,
    concatenate,
    constant,
    cos,
    cosh,
    cumprod,
    cumsum,
    det,
    diff,
    dot,
    eq,
    erf,
    erfc,
    erfcinv,
    erfinv,
    exp,
    expm1,
    flatten,
    floor,
    full,
    full_like,
    gammaln,
    ge,
    gt,
    invlogit,
    kron,
    le,
    log,
    log1mexp,
    log1p,
    log_softmax,
    logaddexp,
    logit,
    logsumexp,
    lt,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    neq,
    ones,
    ones_like,
    or_,
    prod,
    round,
    sigmoid,
    sin,
    sinh,
    softmax,
    sqrt,
    stack,
    sum,
    switch,
    tan,
    tanh,
    where,
    zeros,
    zeros_like,
)
from ppgraph.tensor import inv as matrix_inverse
from ppgraph.tensor import sign as sgn
from ppgraph.tensor import softplus as log1pexp
from ppgraph.tensor import square as sqr
from ppgraph.tensor.construct import AllocDiag, diagonal
from ppgraph.tensor.linalg import block_diag, matrix_dot, trace
from ppgraph.tensor.type import TensorVariable

__all__ = [
    "abs",
    "and_",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctanh",
    "as_tensor",
    "batched_diag",
    "block_diagonal",
    "broadcast_to",
    "cartesian",
    "ceil",
    "clip",
    "concatenate",
    "constant",
    "cos",
    "cosh",
    "cumprod",
    "cumsum",
    "det",
    "diff",
    "dot",
    "eq",
    "erf",
    "erfc",
    "erfcinv",
    "erfinv",
    "exp",
    "expand_packed_triangular",
    "expm1",
    "flat_outer",
    "flatten",
    "flatten_list",
    "floor",
    "full",
    "full_like",
    "gammaln",
    "ge",
    "gt",
    "invlogit",
    "invprobit",
    "kron",
    "kron_diag",
    "kron_dot",
    "kron_solve_lower",
    "kron_solve_upper",
    "kronecker",
    "le",
    "log",
    "log1mexp",
    "log1p",
    "log1pexp",
    "log_softmax",
    "logaddexp",
    "logbern",
    "logdet",
    "logdiffexp",
    "logit",
    "logsumexp",
    "lt",
    "matmul",
    "matrix_dot",
    "matrix_inverse",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "neq",
    "ones",
    "ones_like",
    "or_",
    "probit",
    "prod",
    "round",
    "sgn",
    "sigmoid",
    "sin",
    "sinh",
    "softmax",
    "sqr",
    "sqrt",
    "stack",
    "sum",
    "switch",
    "tan",
    "tanh",
    "trace",
    "where",
    "zeros",
    "zeros_like",
]


def logdiffexp(a: Any, b: Any) -> TensorVariable:
    """``log(exp(a) - exp(b))`` for ``a >= b``, as ``a + log1mexp(b - a)``.

    Example:
        >>> import ppgraph as pg
        >>> print(f"{float(pg.math.logdiffexp(2.0, 1.0).eval()):.6f}")  # log(e^2 - e)
        1.541325
    """
    a, b = pt.as_tensor(a), pt.as_tensor(b)
    return a + log1mexp(b - a)


def probit(p: Any) -> TensorVariable:
    """The standard normal quantile of ``p`` (``-sqrt(2) * erfcinv(2 p)``).

    Example:
        >>> import ppgraph as pg
        >>> float(pg.math.probit(0.5).eval())
        0.0
    """
    return pt.ndtri(p)


def invprobit(x: Any) -> TensorVariable:
    """The standard normal cdf of ``x`` (``erfc(-x / sqrt(2)) / 2``).

    Example:
        >>> import ppgraph as pg
        >>> float(pg.math.invprobit(0.0).eval())
        0.5
    """
    return pt.ndtr(x)


def logdet(m: Any) -> TensorVariable:
    """``log |det m|`` without over- or underflow of the determinant.

    Example:
        >>> import ppgraph as pg, numpy as np
        >>> print(f"{float(pg.math.logdet(np.diag([2.0, 4.0])).eval()):.6f}")  # log 8
        2.079442
    """
    return pt.slogdet(m)[1]


def flatten_list(tensors: Sequence[Any]) -> TensorVariable:
    """Every tensor flattened, then concatenated into one vector.

    Example:
        >>> import ppgraph as pg, numpy as np
        >>> pg.math.flatten_list([np.ones((2, 2)), np.zeros(1)]).eval()
        array([1., 1., 1., 1., 0.])
    """
    return concatenate([flatten(pt.as_tensor(t)) for t in tensors])


def batched_diag(C: Any) -> TensorVariable:
    """A batch of vectors (a matrix) gives the batch of diagonal matrices; a batch
    of matrices (3-d) gives the batch of their diagonals.

    Example:
        >>> import ppgraph as pg, numpy as np
        >>> pg.math.batched_diag(np.array([[1.0, 2.0]])).eval()
        array([[[1., 0.],
                [0., 2.]]])
    """
    C = pt.as_tensor(C)
    if C.ndim == 2:
        out = AllocDiag()(C)
        assert isinstance(out, TensorVariable)
        return out
    if C.ndim == 3:
        return diagonal(C, axis1=1, axis2=2)
    raise ValueError(f"batched_diag takes a 2-d or 3-d tensor, got {C!r} of type {C.type}")


def block_diagonal(matrices: Sequence[Any], sparse: bool = False, format: str = "csr") -> Any:
    """``pt.linalg.block_diag(*matrices)``, PyMC's older spelling (dense; ``sparse``
    is not supported).

    Example:
        >>> import ppgraph as pg, numpy as np
        >>> pg.math.block_diagonal([np.ones((1, 1)), 2 * np.ones((1, 2))]).eval()
        array([[1., 0., 0.],
               [0., 2., 2.]])
    """
    if sparse:
        raise NotImplementedError(
            "block_diagonal: ppgraph has no sparse matrices; use sparse=False"
        )
    return block_diag(*matrices)


def expand_packed_triangular(
    n: int, packed: Any, lower: bool = True, diagonal_only: bool = False
) -> TensorVariable:
    """The ``n`` x ``n`` triangular matrix whose non-zero entries, row by row, are
    the vector ``packed``; or (``diagonal_only``) just its diagonal.

    Example:
        >>> import ppgraph as pg, numpy as np
        >>> pg.math.expand_packed_triangular(2, np.array([1.0, 2.0, 3.0])).eval()
        array([[1., 0.],
               [2., 3.]])
    """
    packed = pt.as_tensor(packed)
    if packed.ndim != 1:
        raise ValueError(f"expand_packed_triangular: packed must be a vector, got {packed.type}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"expand_packed_triangular: n must be an int, got {n!r}")
    size = packed.type.shape[0]
    if size is not None and size != n * (n + 1) // 2:
        raise ValueError(
            f"expand_packed_triangular: packed has {size} entries, a {n} x {n} "
            f"triangle has {n * (n + 1) // 2}"
        )
    rows, cols = np.tril_indices(n) if lower else np.triu_indices(n)
    if diagonal_only:
        return packed[np.flatnonzero(rows == cols)]
    return pt.set_subtensor(pt.zeros((n, n), packed.dtype)[rows, cols], packed)


def cartesian(*arrays: Any) -> np.ndarray:
    """The Cartesian product of NumPy arrays, one row per combination, earlier
    arrays varying slowest (a NumPy helper, as in PyMC).

    Example:
        >>> import ppgraph as pg
        >>> pg.math.cartesian([1, 2], [3, 4]).tolist()
        [[1, 3], [1, 4], [2, 3], [2, 4]]
    """
    cols = [np.asarray(a) for a in arrays]
    cols = [c[:, None] if c.ndim == 1 else c for c in cols]
    grids = np.meshgrid(*[np.arange(len(c)) for c in cols], indexing="ij")
    index = np.stack(grids, -1).reshape(-1, len(cols))
    return np.concatenate([c[index[:, k]] for k, c in enumerate(cols)], axis=-1)


def logbern(log_p: float, rng: np.random.Generator | None = None) -> bool:
    """A Bernoulli draw with probability ``exp(log_p)`` (a NumPy helper, as in PyMC).

    Example:
        >>> import ppgraph as pg, numpy as np
        >>> pg.math.logbern(0.0, np.random.default_rng(0))
        True
    """
    if np.isnan(log_p):
        raise FloatingPointError("logbern: log_p is NaN")
    return bool(np.log((rng or np.random.default_rng()).uniform()) < log_p)


# PyMC (and older PyMC3/Theano) math names that ppgraph spells differently or lacks.
_RENAMED = {
    "abs_": "abs",
    "tround": "round",
    "extract_diag": "pt.diagonal (or pg.math.batched_diag)",
    "erfcx": "pt.erfcx",
}


def __getattr__(name: str) -> Any:
    # Called only for names not defined above: any other pt name is the pt function;
    # a PyMC name ppgraph lacks says so.
    if not name.startswith("__") and hasattr(pt, name):
        return getattr(pt, name)
    hint = _RENAMED.get(name)
    if hint is not None:
        raise AttributeError(
            f"pg.math.{name} is not in ppgraph (a PyMC/Theano name); use pg.math.{hint}"
            if "." not in hint
            else f"pg.math.{name} is not in ppgraph (a PyMC/Theano name); use {hint}"
        )
    raise AttributeError(
        f"module 'ppgraph.math' has no attribute {name!r}: pm.math.{name} is not in "
        "ppgraph yet (see pg.math.__all__ and ppgraph.tensor for what there is)"
    )
