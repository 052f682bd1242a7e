"""Random variable families of PyMC's rarer distributions: hurdles, the
zero-sum normal, ordered probit, Dirac delta, discrete Weibull, Rice, the
Jones-Faddy skew t and the interpolated density.

Samplers are in ``backend/jax/dispatch/random_extra.py``; densities beside the
user-facing classes in ``ppgraph/distributions`` (``hurdle.py``, ``zerosum.py``,
``continuous_extra.py``, ``discrete_extra.py``).
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from ppgraph.random.discrete import DiscreteRV
from ppgraph.random.op import RandomVariable


@dataclasses.dataclass(frozen=True)
class HurdlePoissonRV(DiscreteRV):
    """0 with probability 1 - psi, else Poisson(mu) conditioned on being positive."""

    name: ClassVar[str] = "hurdle_poisson"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("psi", "mu")
    float_params: ClassVar[tuple[str, ...]] = ("psi", "mu")


@dataclasses.dataclass(frozen=True)
class HurdleNegativeBinomialRV(DiscreteRV):
    """0 with probability 1 - psi, else NegativeBinomial(n, p) conditioned on being positive."""

    name: ClassVar[str] = "hurdle_nbinom"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("psi", "n", "p")
    float_params: ClassVar[tuple[str, ...]] = ("psi", "n", "p")


@dataclasses.dataclass(frozen=True)
class HurdleGammaRV(RandomVariable):
    """0 with probability 1 - psi, else Gamma(alpha, rate=beta) above machine epsilon."""

    name: ClassVar[str] = "hurdle_gamma"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("psi", "alpha", "beta")


@dataclasses.dataclass(frozen=True)
class HurdleLogNormalRV(RandomVariable):
    """0 with probability 1 - psi, else LogNormal(mu, sigma) above machine epsilon."""

    name: ClassVar[str] = "hurdle_lognormal"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("psi", "mu", "sigma")


@dataclasses.dataclass(frozen=True)
class ZeroSumNormalRV(RandomVariable):
    """Normal(0, sigma) draws of shape ``support_shape`` centred along each of
    those axes (the last ``len(support_shape)`` axes of the output)."""

    name: ClassVar[str] = "zerosumnormal"
    params: ClassVar[tuple[str, ...]] = ("sigma",)

    support_shape: tuple[int, ...] = (2,)

    def __post_init__(self) -> None:
        super().__post_init__()
        shape = tuple(int(s) for s in self.support_shape)
        if not shape or any(s < 2 for s in shape):
            raise ValueError(
                f"ZeroSumNormal: each zero-sum axis needs at least 2 entries, got "
                f"support shape {shape}"
            )
        object.__setattr__(self, "support_shape", shape)

    @property
    def signature(self) -> str:  # type: ignore[override]
        return "()->(" + ",".join(str(s) for s in self.support_shape) + ")"

    @property
    def n_zerosum_axes(self) -> int:
        return len(self.support_shape)


@dataclasses.dataclass(frozen=True)
class OrderedProbitRV(DiscreteRV):
    """The number of ``cutpoints`` below ``eta + sigma * Normal(0, 1)``."""

    name: ClassVar[str] = "ordered_probit"
    signature: ClassVar[str] = "(),(k),()->()"
    params: ClassVar[tuple[str, ...]] = ("eta", "cutpoints", "sigma")
    float_params: ClassVar[tuple[str, ...]] = ("eta", "cutpoints", "sigma")


@dataclasses.dataclass(frozen=True)
class DiracDeltaRV(RandomVariable):
    """The constant ``c`` (its dtype is the op's: int for an int ``c``)."""

    name: ClassVar[str] = "diracdelta"
    signature: ClassVar[str] = "()->()"
    params: ClassVar[tuple[str, ...]] = ("c",)

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "discrete" if self.dtype[:3] in ("int", "uin", "boo") else "continuous"

    def param_dtype(self, i: int) -> str | None:
        return self.dtype


@dataclasses.dataclass(frozen=True)
class DiscreteWeibullRV(DiscreteRV):
    """DiscreteWeibull(q, beta): P(X >= x) = q ** (x ** beta)."""

    name: ClassVar[str] = "discrete_weibull"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("q", "beta")
    float_params: ClassVar[tuple[str, ...]] = ("q", "beta")


@dataclasses.dataclass(frozen=True)
class RiceRV(RandomVariable):
    """Rice(nu, sigma): the length of a 2-d normal vector centred at distance nu."""

    name: ClassVar[str] = "rice"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("nu", "sigma")


@dataclasses.dataclass(frozen=True)
class SkewStudentTRV(RandomVariable):
    """Jones and Faddy's skew t(a, b), located at mu and scaled by sigma."""

    name: ClassVar[str] = "skewstudentt"
    signature: ClassVar[str] = "(),(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("a", "b", "mu", "sigma")


@dataclasses.dataclass(frozen=True)
class InterpolatedRV(RandomVariable):
    """The piecewise-linear density through ``(x_points, pdf_points)``, normalized."""

    name: ClassVar[str] = "interpolated"
    signature: ClassVar[str] = "(n),(n)->()"
    params: ClassVar[tuple[str, ...]] = ("x_points", "pdf_points")


__all__ = [
    "DiracDeltaRV",
    "DiscreteWeibullRV",
    "HurdleGammaRV",
    "HurdleLogNormalRV",
    "HurdleNegativeBinomialRV",
    "HurdlePoissonRV",
    "InterpolatedRV",
    "OrderedProbitRV",
    "RiceRV",
    "SkewStudentTRV",
    "ZeroSumNormalRV",
]
