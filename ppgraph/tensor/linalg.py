"""Linear algebra: matmul/dot, cholesky, solve, solve_triangular, det, slogdet, inv.

Matrix ops work on the last two axes and batch over leading ones, as NumPy does.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from ppgraph.graph.basic import Apply, Op
from ppgraph.tensor.elemwise import _float_of, as_tensors, broadcast_shapes, cast
from ppgraph.tensor.type import TensorType, TensorVariable, as_tensor_variable


def _common_float(*xs: TensorVariable) -> str:
    return _float_of(str(np.result_type(*[x.dtype for x in xs])))


def _square(x: TensorVariable, what: str) -> None:
    if x.ndim < 2:
        raise ValueError(f"{what} needs a matrix (or a batch of them), got {x!r} of type {x.type}")
    n, m = x.type.shape[-2:]
    if n is not None and m is not None and n != m:
        raise ValueError(f"{what} needs square matrices, got {x!r} of shape {x.type.shape}")


def _size(a: int | None, b: int | None, what: str, sa: Any, sb: Any) -> int | None:
    if a is not None and b is not None and a != b:
        raise ValueError(f"{what}: shapes {sa} and {sb} are not aligned ({a} != {b})")
    return a if a is not None else b


@dataclasses.dataclass(frozen=True)
class MatMul(Op):
    """NumPy's ``matmul`` (``@``): vectors, matrices and batches of matrices."""

    def make_node(self, a: Any, b: Any) -> Apply:
        a, b = as_tensors(a, b)
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul: scalars are not allowed ({a.type}, {b.type}); use *")
        sa, sb = a.type.shape, b.type.shape
        _size(sa[-1], sb[-2] if b.ndim > 1 else sb[0], "matmul", sa, sb)
        if a.ndim == 1 and b.ndim == 1:
            shape: tuple[int | None, ...] = ()
        elif a.ndim == 1:
            shape = (*sb[:-2], sb[-1])
        elif b.ndim == 1:
            shape = sa[:-1]
        else:
            batch = broadcast_shapes(sa[:-2], sb[:-2], context=f"matmul of {sa} and {sb}")
            shape = (*batch, sa[-2], sb[-1])
        dtype = str(np.result_type(a.dtype, b.dtype))
        return Apply(self, [a, b], [TensorType(dtype, shape)])


def matmul(a: Any, b: Any) -> TensorVariable:
    """``a @ b``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> (pt.matrix("A") @ pt.vector("x")).ndim
        1
    """
    out = MatMul()(a, b)
    assert isinstance(out, TensorVariable)
    return out


def dot(a: Any, b: Any) -> TensorVariable:
    """The dot product: ``matmul`` for vectors and matrices, ``*`` with a scalar.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.dot(pt.constant([1.0, 2.0]), pt.constant([3.0, 4.0])).eval()
        array(11.)
    """
    a, b = as_tensors(a, b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim > 2 or b.ndim > 2:
        raise ValueError("dot takes vectors and matrices; use matmul for batches")
    return matmul(a, b)


@dataclasses.dataclass(frozen=True)
class _MatrixOp(Op):
    """A function of one (batch of) square matrix."""

    what: ClassVar[str] = ""

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        _square(x, self.what)
        x = cast(x, _common_float(x))
        return Apply(self, [x], [TensorType(x.dtype, self.out_shape(x.type.shape))])

    def props_str(self) -> str:
        return ""

    def out_shape(self, shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return shape


@dataclasses.dataclass(frozen=True)
class Cholesky(_MatrixOp):
    """The Cholesky factor (lower by default) of a symmetric positive-definite matrix."""

    what: ClassVar[str] = "cholesky"
    lower: bool = True

    def props_str(self) -> str:
        return "lower" if self.lower else "upper"


@dataclasses.dataclass(frozen=True)
class MatrixInverse(_MatrixOp):
    """The inverse of a square matrix."""

    what: ClassVar[str] = "inv"


@dataclasses.dataclass(frozen=True)
class Det(_MatrixOp):
    """The determinant."""

    what: ClassVar[str] = "det"

    def out_shape(self, shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return shape[:-2]


@dataclasses.dataclass(frozen=True)
class SlogDet(Op):
    """Sign and log of the absolute determinant (two outputs)."""

    default_output: ClassVar[int | None] = None

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        _square(x, "slogdet")
        x = cast(x, _common_float(x))
        t = TensorType(x.dtype, x.type.shape[:-2])
        return Apply(self, [x], [t, t])


@dataclasses.dataclass(frozen=True)
class Solve(Op):
    """The solution of ``a @ x = b``; ``assume_a`` as in SciPy ("gen", "pos", "sym")."""

    assume_a: str = "gen"
    lower: bool = False

    def make_node(self, a: Any, b: Any) -> Apply:
        a, b = as_tensors(a, b)
        _square(a, "solve")
        dtype = _common_float(a, b)
        sa, sb = a.type.shape, b.type.shape
        _size(sa[-1], sb[0] if b.ndim == 1 else sb[-2], "solve", sa, sb)
        if b.ndim == 1:  # a vector right-hand side, solved for each matrix of a batch
            shape: tuple[int | None, ...] = (*sa[:-2], sa[-1])
        else:
            batch = broadcast_shapes(sa[:-2], sb[:-2], context=f"solve with {sa} and {sb}")
            shape = (*batch, sa[-1], sb[-1])
        return Apply(self, [cast(a, dtype), cast(b, dtype)], [TensorType(dtype, shape)])


@dataclasses.dataclass(frozen=True)
class SolveTriangular(Solve):
    """The solution of ``a @ x = b`` for a triangular ``a``."""

    lower: bool = True
    trans: int = 0
    unit_diagonal: bool = False

    def props_str(self) -> str:
        return f"lower={self.lower}" + (f", trans={self.trans}" if self.trans else "")


def _unary(op: Op, x: Any) -> TensorVariable:
    out = op(x)
    assert isinstance(out, TensorVariable)
    return out


def cholesky(x: Any, lower: bool = True) -> TensorVariable:
    """The Cholesky factor of a symmetric positive-definite matrix.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.cholesky(pt.constant([[4.0, 0.0], [0.0, 9.0]])).eval()
        array([[2., 0.],
               [0., 3.]])
    """
    return _unary(Cholesky(lower), x)


def inv(x: Any) -> TensorVariable:
    """The inverse of a square matrix.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.inv(pt.constant([[2.0, 0.0], [0.0, 4.0]])).eval()
        array([[0.5 , 0.  ],
               [0.  , 0.25]])
    """
    return _unary(MatrixInverse(), x)


def det(x: Any) -> TensorVariable:
    """The determinant.

    Example:
        >>> import ppgraph.tensor as pt
        >>> float(pt.det(pt.constant([[2.0, 0.0], [0.0, 4.0]])).eval())
        8.0
    """
    return _unary(Det(), x)


def slogdet(x: Any) -> tuple[TensorVariable, TensorVariable]:
    """``(sign, log|det|)``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> sign, logdet = pt.slogdet(pt.constant([[2.0, 0.0], [0.0, 4.0]]))
        >>> float(sign.eval()), round(float(logdet.eval()), 6)
        (1.0, 2.079442)
    """
    sign, logabsdet = SlogDet()(x)
    return sign, logabsdet


def solve(a: Any, b: Any, assume_a: str = "gen", lower: bool = False) -> TensorVariable:
    """The solution ``x`` of ``a @ x = b``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.solve(pt.constant([[2.0, 0.0], [0.0, 4.0]]), pt.constant([2.0, 2.0])).eval()
        array([1. , 0.5])
    """
    if assume_a not in ("gen", "pos", "sym"):
        raise ValueError(f"solve: assume_a must be 'gen', 'pos' or 'sym', got {assume_a!r}")
    out = Solve(assume_a, lower)(a, b)
    assert isinstance(out, TensorVariable)
    return out


def solve_triangular(
    a: Any, b: Any, lower: bool = True, trans: int = 0, unit_diagonal: bool = False
) -> TensorVariable:
    """The solution ``x`` of ``a @ x = b`` for a triangular ``a`` (lower by default).

    Example:
        >>> import ppgraph.tensor as pt
        >>> L = pt.constant([[2.0, 0.0], [1.0, 1.0]])
        >>> pt.solve_triangular(L, pt.constant([2.0, 2.0])).eval()
        array([1., 1.])
    """
    out = SolveTriangular("gen", lower, trans, unit_diagonal)(a, b)
    assert isinstance(out, TensorVariable)
    return out


@dataclasses.dataclass(frozen=True)
class Eigh(Op):
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix,
    read from its ``UPLO`` triangle (two outputs)."""

    UPLO: str = "L"
    default_output: ClassVar[int | None] = None

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        _square(x, "eigh")
        x = cast(x, _common_float(x))
        return Apply(self, [x], [TensorType(x.dtype, x.type.shape[:-1]), x.type])


def eigh(a: Any, UPLO: str = "L") -> tuple[TensorVariable, TensorVariable]:
    """``(w, v)``: eigenvalues in ascending order and eigenvectors as columns of a
    symmetric matrix (NumPy's ``eigh``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> w, v = pt.linalg.eigh(pt.constant([[2.0, 0.0], [0.0, 1.0]]))
        >>> w.eval()
        array([1., 2.])
    """
    if UPLO not in ("L", "U"):
        raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    w, v = Eigh(UPLO)(a)
    return w, v


# composed from the ops above; here so that pt.linalg has them all
from ppgraph.tensor.linalg_compose import (  # noqa: E402, F401
    block_diag,
    cho_solve,
    kron,
    matrix_dot,
    matrix_power,
    outer,
    trace,
)
