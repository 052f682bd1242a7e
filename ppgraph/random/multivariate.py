"""Multivariate random variable families: draws with core dims (``(n)`` vectors).

The LKJ families draw packed triangles whose length comes from the *value* of
their parameter ``n``: it must be a constant, and ``make_node`` sets the output's
core size from it (XLA compiles for static shapes). Samplers live in
``backend/jax/dispatch/random_multivariate.py``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from ppgraph.graph.basic import Apply
from ppgraph.random.discrete import DiscreteRV
from ppgraph.random.op import RandomVariable
from ppgraph.tensor.type import TensorConstant, TensorType, as_tensor_variable


@dataclasses.dataclass(frozen=True)
class MvNormalRV(RandomVariable):
    """MvNormal(mu, cov)."""

    name: ClassVar[str] = "multivariate_normal"
    signature: ClassVar[str] = "(n),(n,n)->(n)"
    params: ClassVar[tuple[str, ...]] = ("mu", "cov")


@dataclasses.dataclass(frozen=True)
class MvStudentTRV(RandomVariable):
    """MvStudentT(nu, mu, scale): mu + L z / sqrt(chi2(nu) / nu), scale = L L^T."""

    name: ClassVar[str] = "multivariate_t"
    signature: ClassVar[str] = "(),(n),(n,n)->(n)"
    params: ClassVar[tuple[str, ...]] = ("nu", "mu", "scale")


@dataclasses.dataclass(frozen=True)
class DirichletRV(RandomVariable):
    """Dirichlet(a), on the simplex."""

    name: ClassVar[str] = "dirichlet"
    signature: ClassVar[str] = "(k)->(k)"
    params: ClassVar[tuple[str, ...]] = ("a",)


@dataclasses.dataclass(frozen=True)
class MultinomialRV(DiscreteRV):
    """Multinomial(n, p): counts of n draws over the categories of p."""

    name: ClassVar[str] = "multinomial"
    signature: ClassVar[str] = "(),(k)->(k)"
    params: ClassVar[tuple[str, ...]] = ("n", "p")
    float_params: ClassVar[tuple[str, ...]] = ("p",)


@dataclasses.dataclass(frozen=True)
class DirichletMultinomialRV(DiscreteRV):
    """DirichletMultinomial(n, a): Multinomial(n, p) with p ~ Dirichlet(a)."""

    name: ClassVar[str] = "dirichlet_multinomial"
    signature: ClassVar[str] = "(),(k)->(k)"
    params: ClassVar[tuple[str, ...]] = ("n", "a")
    float_params: ClassVar[tuple[str, ...]] = ("a",)


def static_dim(n: Any, what: str) -> int:
    """The value of a constant positive int ``n`` (a matrix dimension)."""
    n = as_tensor_variable(n)
    data = n.data if isinstance(n, TensorConstant) else None
    if data is None or data.ndim != 0 or data != np.floor(data) or data < 1:
        raise TypeError(
            f"{what}: n must be a constant positive int (the draws' length depends on it, "
            f"and XLA compiles for static shapes); got {n!r}"
        )
    return int(data)


@dataclasses.dataclass(frozen=True)
class _PackedRV(RandomVariable):
    """A draw packed in a vector of ``packed_size(n)`` numbers, ``n`` the first parameter."""

    def packed_size(self, n: int) -> int:
        raise NotImplementedError

    def param_dtype(self, i: int) -> str | None:
        return None if i == 0 else super().param_dtype(i)  # n stays an int

    def make_node(self, rng: Any, size: Any, *params: Any) -> Apply:
        n = static_dim(params[0], self.name)
        node = super().make_node(rng, size, *params)
        shape = (*node.outputs[0].type.shape[:-1], self.packed_size(n))  # type: ignore[attr-defined]
        return Apply(self, node.inputs, [TensorType(self.dtype, shape)])


@dataclasses.dataclass(frozen=True)
class LKJCorrRV(_PackedRV):
    """LKJCorr(n, eta): the upper off-diagonal entries of an n x n correlation matrix,
    row by row (``numpy.triu_indices(n, 1)``)."""

    name: ClassVar[str] = "lkjcorr"
    signature: ClassVar[str] = "(),()->(m)"
    params: ClassVar[tuple[str, ...]] = ("n", "eta")

    def packed_size(self, n: int) -> int:
        return n * (n - 1) // 2


@dataclasses.dataclass(frozen=True)
class LKJCholeskyCovRV(_PackedRV):
    """LKJCholeskyCov(n, eta, *sd_params): the lower triangle, row by row
    (``numpy.tril_indices(n)``), of the Cholesky factor of ``diag(sd) R diag(sd)``
    with R ~ LKJCorr(n, eta) and sd ~ ``sd_op(*sd_params)`` (a scalar family; its
    parameters are scalars or run along the n standard deviations: ``(d)`` dims).
    The standard deviations are drawn inside this op, so no other random variable
    enters its graph."""

    name: ClassVar[str] = "lkjcholeskycov"
    sd_op: RandomVariable | None = None
    sd_ndims: tuple[int, ...] = ()  # per sd parameter: 0 scalar, 1 along the n sds

    @property
    def signature(self) -> str:  # type: ignore[override]
        return "(),()" + "".join(",(d)" if k else ",()" for k in self.sd_ndims) + "->(m)"

    @property
    def sd_params(self) -> tuple[str, ...]:
        return () if self.sd_op is None else tuple(f"sd_{p}" for p in self.sd_op.params)

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("n", "eta", *self.sd_params)

    def packed_size(self, n: int) -> int:
        return n * (n + 1) // 2

    def __str__(self) -> str:
        sd = "" if self.sd_op is None else f", sd ~ {self.sd_op.name}"
        return f"{self.name}_rv{{{self.signature}, {self.dtype}{sd}}}"
