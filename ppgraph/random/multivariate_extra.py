"""More multivariate random variable families: matrix-valued (MatrixNormal,
Wishart), structured covariances (KroneckerNormal, CAR, ICAR), stick-breaking
weights, and the Polya-Gamma family. Samplers live in
``backend/jax/dispatch/random_multivariate_extra.py``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from ppgraph.graph.basic import Apply
from ppgraph.random.multivariate import static_dim
from ppgraph.random.op import RandomVariable
from ppgraph.tensor.type import TensorType


@dataclasses.dataclass(frozen=True)
class StickBreakingWeightsRV(RandomVariable):
    """StickBreakingWeights(alpha, K): the K + 1 weights of a stick broken K times,
    each piece a Beta(1, alpha) fraction of what is left. ``K`` must be a constant
    (the draws' length is K + 1, and XLA compiles for static shapes)."""

    name: ClassVar[str] = "stick_breaking_weights"
    signature: ClassVar[str] = "(),()->(k)"
    params: ClassVar[tuple[str, ...]] = ("alpha", "K")

    def param_dtype(self, i: int) -> str | None:
        return None if i == 1 else super().param_dtype(i)  # K stays an int

    def make_node(self, rng: Any, size: Any, *params: Any) -> Apply:
        if len(params) != 2:
            raise TypeError(f"{self.name} takes alpha, K; got {len(params)} parameters")
        try:
            k = static_dim(params[1], self.name)
        except TypeError:
            raise TypeError(
                f"{self.name}: K must be a constant positive int (the weights' length is "
                f"K + 1, and XLA compiles for static shapes); got {params[1]!r}"
            ) from None
        node = super().make_node(rng, size, *params)
        shape = (*node.outputs[0].type.shape[:-1], k + 1)  # type: ignore[attr-defined]
        return Apply(self, node.inputs, [TensorType(self.dtype, shape)])


@dataclasses.dataclass(frozen=True)
class MatrixNormalRV(RandomVariable):
    """MatrixNormal(mu, rowchol, colchol): ``mu + L_row Z L_col^T``, Z standard normal."""

    name: ClassVar[str] = "matrixnormal"
    signature: ClassVar[str] = "(m,n),(m,m),(n,n)->(m,n)"
    params: ClassVar[tuple[str, ...]] = ("mu", "rowchol", "colchol")


@dataclasses.dataclass(frozen=True)
class KroneckerNormalRV(RandomVariable):
    """KroneckerNormal(mu, sigma, *chols): MvNormal with covariance
    ``kron(L_1 L_1^T, ..., L_k L_k^T) + sigma^2 I``; one Cholesky factor per
    Kronecker factor (``n_factors`` of them)."""

    name: ClassVar[str] = "kroneckernormal"
    n_factors: int = 1

    @property
    def signature(self) -> str:  # type: ignore[override]
        return "(n),()" + "".join(f",(a{i},a{i})" for i in range(self.n_factors)) + "->(n)"

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("mu", "sigma", *(f"chol{i}" for i in range(self.n_factors)))


@dataclasses.dataclass(frozen=True)
class CARRV(RandomVariable):
    """CAR(mu, W, alpha, tau): MvNormal with precision ``tau (D - alpha W)``,
    ``D = diag(sum_j W_ij)``."""

    name: ClassVar[str] = "car"
    signature: ClassVar[str] = "(m),(m,m),(),()->(m)"
    params: ClassVar[tuple[str, ...]] = ("mu", "W", "alpha", "tau")


@dataclasses.dataclass(frozen=True)
class ICARRV(RandomVariable):
    """ICAR(W, sigma, zero_sum_stdev): the intrinsic CAR with its sum held near
    zero by a normal of scale ``zero_sum_stdev * N``; drawn as the MvNormal of
    precision ``(D - W) / sigma^2 + 1 1^T / (zero_sum_stdev N)^2`` (proper when
    the neighbourhood graph is connected)."""

    name: ClassVar[str] = "icar"
    signature: ClassVar[str] = "(m,m),(),()->(m)"
    params: ClassVar[tuple[str, ...]] = ("W", "sigma", "zero_sum_stdev")


@dataclasses.dataclass(frozen=True)
class WishartRV(RandomVariable):
    """Wishart(nu, V), by the Bartlett decomposition."""

    name: ClassVar[str] = "wishart"
    signature: ClassVar[str] = "(),(p,p)->(p,p)"
    params: ClassVar[tuple[str, ...]] = ("nu", "V")


@dataclasses.dataclass(frozen=True)
class PolyaGammaRV(RandomVariable):
    """PolyaGamma(h, z); its sampler is in ``backend/jax/dispatch/random_polyagamma.py``."""

    name: ClassVar[str] = "polyagamma"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("h", "z")
