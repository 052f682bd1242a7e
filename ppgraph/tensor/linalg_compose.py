"""Linear algebra composed from the ops of ``ppgraph.tensor.linalg`` (no new ops):
``outer``, ``kron``, ``trace``, ``matrix_dot``, ``block_diag``, ``matrix_power``,
``cho_solve``. All are reachable as ``pt.linalg.<name>``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.tensor.elemwise import as_tensors, cast
from ppgraph.tensor.linalg import _square, dot, inv, matmul, solve_triangular
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

__all__ = ["block_diag", "cho_solve", "kron", "matrix_dot", "matrix_power", "outer", "trace"]


def outer(x: Any, y: Any) -> TensorVariable:
    """The outer product of ``x`` and ``y``, flattened first as in NumPy.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.outer(pt.constant([1.0, 2.0]), pt.constant([1.0, 10.0])).eval()
        array([[ 1., 10.],
               [ 2., 20.]])
    """
    from ppgraph.tensor.shape import flatten

    x, y = as_tensors(x, y)
    return flatten(x)[:, None] * flatten(y)[None, :]


def kron(a: Any, b: Any) -> TensorVariable:
    """The Kronecker product of two tensors of at least one dimension (NumPy's
    ``kron``: the lower-rank one gets leading axes of length 1).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.kron(pt.eye(2), pt.constant([[1.0, 2.0]])).eval()
        array([[1., 2., 0., 0.],
               [0., 0., 1., 2.]])
    """
    from ppgraph.tensor.shape import expand_dims, reshape, shape

    a, b = as_tensors(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"kron needs tensors of at least 1 dimension, got {a.type} and {b.type}")
    ndim = max(a.ndim, b.ndim)
    a = expand_dims(a, tuple(range(ndim - a.ndim))) if a.ndim < ndim else a
    b = expand_dims(b, tuple(range(ndim - b.ndim))) if b.ndim < ndim else b
    # interleave: a's axis i at 2i, b's at 2i + 1, then merge each pair
    prod = expand_dims(a, tuple(range(1, 2 * ndim, 2))) * expand_dims(
        b, tuple(range(0, 2 * ndim, 2))
    )
    sizes = [
        m * n if m is not None and n is not None else shape(a)[i] * shape(b)[i]
        for i, (m, n) in enumerate(zip(a.type.shape, b.type.shape, strict=True))
    ]
    return reshape(prod, sizes)


def trace(x: Any, offset: int = 0) -> TensorVariable:
    """The sum of the ``offset`` diagonal over the last two axes.

    Example:
        >>> import ppgraph.tensor as pt
        >>> float(pt.linalg.trace(pt.constant([[1.0, 2.0], [3.0, 4.0]])).eval())
        5.0
    """
    from ppgraph.tensor.construct import diagonal
    from ppgraph.tensor.reduction import sum

    x = as_tensor_variable(x)
    if x.ndim < 2:
        raise ValueError(f"trace needs a matrix (or a batch of them), got {x!r} of type {x.type}")
    return sum(diagonal(x, offset, -2, -1), axis=-1)


def matrix_dot(*args: Any) -> TensorVariable:
    """The product ``args[0] @ args[1] @ ...`` (Theano's and PyMC's ``matrix_dot``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.linalg.matrix_dot(pt.eye(2), pt.eye(2), pt.constant([1.0, 2.0])).eval()
        array([1., 2.])
    """
    if not args:
        raise TypeError("matrix_dot needs at least one argument")
    out = as_tensor_variable(args[0])
    for a in args[1:]:
        out = dot(out, a)
    return out


def block_diag(*matrices: Any) -> TensorVariable:
    """The block-diagonal matrix with ``matrices`` on its diagonal (SciPy's ``block_diag``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.linalg.block_diag(pt.ones((1, 1)), 2 * pt.ones((1, 2))).eval()
        array([[1., 0., 0.],
               [0., 2., 2.]])
    """
    from ppgraph.tensor.shape import concatenate, zeros

    ms = [as_tensor_variable(m) for m in matrices]
    if not ms:
        raise TypeError("block_diag needs at least one matrix")
    for m in ms:
        if m.ndim != 2:
            raise ValueError(f"block_diag takes matrices, got {m!r} of type {m.type}")
    dtype = str(np.result_type(*[m.dtype for m in ms]))
    rows = [
        concatenate(
            [
                cast(m, dtype) if j == i else zeros((m.shape[0], other.shape[1]), dtype)
                for j, other in enumerate(ms)
            ],
            axis=1,
        )
        for i, m in enumerate(ms)
    ]
    return concatenate(rows, axis=0)


def matrix_power(m: Any, n: int) -> TensorVariable:
    """``m @ m @ ... @ m`` (``n`` times; ``n`` a static int, negative for the inverse's power).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.linalg.matrix_power(pt.constant([[1.0, 1.0], [0.0, 1.0]]), 3).eval()
        array([[1., 3.],
               [0., 1.]])
    """
    from ppgraph.tensor.construct import eye, static_count

    m = as_tensor_variable(m)
    _square(m, "matrix_power")
    k = static_count(n, "n", "matrix_power")
    if k == 0:
        size = m.type.shape[-1]
        if size is None:
            raise ValueError(f"matrix_power(m, 0) needs the static size of {m!r}")
        return eye(size, dtype=m.dtype) + 0 * m
    base = inv(m) if k < 0 else m
    result, power = None, base
    for bit in bin(abs(k))[:1:-1]:  # square-and-multiply, lowest bit first
        if bit == "1":
            result = power if result is None else matmul(result, power)
        power = matmul(power, power)
    assert result is not None
    return result


def cho_solve(c_and_lower: tuple[Any, bool], b: Any) -> TensorVariable:
    """The solution of ``a @ x = b`` given the Cholesky factor ``c`` of ``a`` (SciPy's
    ``cho_solve((c, lower), b)``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> L = pt.cholesky(pt.constant([[4.0, 2.0], [2.0, 3.0]]))
        >>> pt.linalg.cho_solve((L, True), pt.constant([6.0, 5.0])).eval()
        array([1., 1.])
    """
    c, lower = c_and_lower
    # a = c c^T (lower) or c^T c (upper): two triangular solves, the transposed one second or first
    y = solve_triangular(c, b, lower=lower, trans=0 if lower else 1)
    return solve_triangular(c, y, lower=lower, trans=1 if lower else 0)
