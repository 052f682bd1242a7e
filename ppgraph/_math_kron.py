"""``pg.math``'s Kronecker helpers (PyMC's): products, and products and solves with a
Kronecker product that is never formed."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import ppgraph.tensor as pt
from ppgraph.tensor.linalg import kron, outer, solve_triangular
from ppgraph.tensor.shape import flatten
from ppgraph.tensor.type import TensorVariable

__all__ = [
    "flat_outer",
    "kron_diag",
    "kron_dot",
    "kron_solve_lower",
    "kron_solve_upper",
    "kronecker",
]


def kronecker(*Ks: Any) -> TensorVariable:
    """The Kronecker product ``K_1 (x) K_2 (x) ... (x) K_D``.

    Example:
        >>> import ppgraph as pg, numpy as np
        >>> pg.math.kronecker(np.eye(2), np.ones((1, 2))).eval()
        array([[1., 1., 0., 0.],
               [0., 0., 1., 1.]])
    """
    if not Ks:
        raise TypeError("kronecker needs at least one matrix")
    return functools.reduce(kron, Ks[1:], pt.as_tensor(Ks[0]))


def _kron_apply(krons: Sequence[Any], m: Any, lower: bool | None) -> TensorVariable:
    # (A_1 (x) ... (x) A_D) m, or its triangular solve, one factor at a time: with
    # m's rows indexed (i_1, ..., i_D), each factor acts on its own index, so the
    # Kronecker product is never formed.
    m = pt.as_tensor(m)
    out = m[:, None] if m.ndim == 1 else m  # a vector is one column, as in PyMC
    cols = out.shape[1]
    for a in krons:
        a = pt.as_tensor(a)
        rows = pt.reshape(out, (a.shape[1], -1))  # this factor's index first
        done = a @ rows if lower is None else solve_triangular(a, rows, lower=lower)
        # rotate: this factor's index moves last, the next factor's comes first
        out = pt.reshape(
            pt.transpose(pt.reshape(done, (a.shape[0], -1, cols)), (1, 0, 2)), (-1, cols)
        )
    return out


def kron_dot(krons: Sequence[Any], m: Any) -> TensorVariable:
    """``kronecker(*krons) @ m`` without forming the Kronecker product (a vector
    ``m`` is one column, and the result a matrix, as in PyMC).

    Example:
        >>> import ppgraph as pg, numpy as np
        >>> A, B = np.diag([1.0, 2.0]), np.diag([1.0, 10.0])
        >>> pg.math.kron_dot([A, B], np.ones(4)).eval()[:, 0]
        array([ 1., 10.,  2., 20.])
    """
    return _kron_apply(krons, m, None)


def kron_solve_lower(krons: Sequence[Any], m: Any) -> TensorVariable:
    """The solution ``x`` of ``kronecker(*krons) @ x = m`` for lower-triangular factors.

    Example:
        >>> import ppgraph as pg, numpy as np
        >>> A, B = np.diag([1.0, 2.0]), np.diag([1.0, 10.0])
        >>> pg.math.kron_solve_lower([A, B], np.array([1.0, 10.0, 2.0, 20.0])).eval()[:, 0]
        array([1., 1., 1., 1.])
    """
    return _kron_apply(krons, m, True)


def kron_solve_upper(krons: Sequence[Any], m: Any) -> TensorVariable:
    """The solution ``x`` of ``kronecker(*krons) @ x = m`` for upper-triangular factors.

    Example:
        >>> import ppgraph as pg, numpy as np
        >>> A, B = np.diag([1.0, 2.0]), np.diag([1.0, 10.0])
        >>> pg.math.kron_solve_upper([A, B], np.array([1.0, 10.0, 2.0, 20.0])).eval()[:, 0]
        array([1., 1., 1., 1.])
    """
    return _kron_apply(krons, m, False)


def flat_outer(a: Any, b: Any) -> TensorVariable:
    """The outer product of ``a`` and ``b``, flattened.

    Example:
        >>> import ppgraph as pg
        >>> pg.math.flat_outer([1.0, 2.0], [1.0, 10.0]).eval()
        array([ 1., 10.,  2., 20.])
    """
    return flatten(outer(a, b))


def kron_diag(*diags: Any) -> TensorVariable:
    """The diagonal of the Kronecker product of diagonal matrices given by their diagonals.

    Example:
        >>> import ppgraph as pg
        >>> pg.math.kron_diag([1.0, 2.0], [1.0, 10.0]).eval()
        array([ 1., 10.,  2., 20.])
    """
    return functools.reduce(flat_outer, diags[1:], flatten(pt.as_tensor(diags[0])))
