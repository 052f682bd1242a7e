"""Linear algebra."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import jax.scipy.linalg as jsl

from ppgraph.backend.jax.dispatch.basic import jax_funcify, tensor_type
from ppgraph.graph.basic import Apply
from ppgraph.tensor.linalg import (
    Cholesky,
    Det,
    Eigh,
    MatMul,
    MatrixInverse,
    SlogDet,
    Solve,
    SolveTriangular,
)


@jax_funcify.register(MatMul)
def _matmul(op: MatMul, node: Apply) -> Callable[..., Any]:
    return jnp.matmul


@jax_funcify.register(Cholesky)
def _cholesky(op: Cholesky, node: Apply) -> Callable[..., Any]:
    def cholesky(x: Any) -> Any:
        low = jnp.linalg.cholesky(x)
        return low if op.lower else jnp.swapaxes(low, -1, -2).conj()

    return cholesky


@jax_funcify.register(MatrixInverse)
def _inv(op: MatrixInverse, node: Apply) -> Callable[..., Any]:
    return jnp.linalg.inv


@jax_funcify.register(Det)
def _det(op: Det, node: Apply) -> Callable[..., Any]:
    return jnp.linalg.det


@jax_funcify.register(SlogDet)
def _slogdet(op: SlogDet, node: Apply) -> Callable[..., Any]:
    return lambda x: tuple(jnp.linalg.slogdet(x))


@jax_funcify.register(Solve)
def _solve(op: Solve, node: Apply) -> Callable[..., Any]:
    if op.assume_a == "pos":

        def solve_pos(a: Any, b: Any) -> Any:
            return jsl.cho_solve((jnp.linalg.cholesky(a), True), b)

        return solve_pos
    if tensor_type(node.inputs[1]).ndim > 1:
        return jnp.linalg.solve
    return lambda a, b: jnp.linalg.solve(a, b[..., None])[..., 0]


@jax_funcify.register(SolveTriangular)
def _solve_triangular(op: SolveTriangular, node: Apply) -> Callable[..., Any]:
    def solve_triangular(a: Any, b: Any) -> Any:
        return jsl.solve_triangular(
            a, b, lower=op.lower, trans=op.trans, unit_diagonal=op.unit_diagonal
        )

    return solve_triangular


@jax_funcify.register(Eigh)
def _eigh(op: Eigh, node: Apply) -> Callable[..., Any]:
    return lambda x: tuple(jnp.linalg.eigh(x, UPLO=op.UPLO, symmetrize_input=False))
