"""Continuous random variable families (Normal and HalfNormal are in ``basic.py``).

Each is its name, signature and parameter names, in the order the sampler
(``backend/jax/dispatch/random_continuous.py``) and the densities
(``ppgraph/distributions/continuous*.py``) receive them.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from ppgraph.random.op import RandomVariable


@dataclasses.dataclass(frozen=True)
class TruncatedNormalRV(RandomVariable):
    """Normal(mu, sigma) restricted to [lower, upper] (bounds may be infinite)."""

    name: ClassVar[str] = "truncated_normal"
    signature: ClassVar[str] = "(),(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "sigma", "lower", "upper")


@dataclasses.dataclass(frozen=True)
class UniformRV(RandomVariable):
    """Uniform(lower, upper)."""

    name: ClassVar[str] = "uniform"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("lower", "upper")


@dataclasses.dataclass(frozen=True)
class FlatRV(RandomVariable):
    """The improper uniform density on the real line (no draws)."""

    name: ClassVar[str] = "flat"
    signature: ClassVar[str] = "->()"


@dataclasses.dataclass(frozen=True)
class HalfFlatRV(RandomVariable):
    """The improper uniform density on [0, inf) (no draws)."""

    name: ClassVar[str] = "halfflat"
    signature: ClassVar[str] = "->()"


@dataclasses.dataclass(frozen=True)
class BetaRV(RandomVariable):
    """Beta(alpha, beta)."""

    name: ClassVar[str] = "beta"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("alpha", "beta")


@dataclasses.dataclass(frozen=True)
class KumaraswamyRV(RandomVariable):
    """Kumaraswamy(a, b)."""

    name: ClassVar[str] = "kumaraswamy"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("a", "b")


@dataclasses.dataclass(frozen=True)
class GammaRV(RandomVariable):
    """Gamma(alpha, beta), beta the rate."""

    name: ClassVar[str] = "gamma"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("alpha", "beta")


@dataclasses.dataclass(frozen=True)
class InverseGammaRV(RandomVariable):
    """InverseGamma(alpha, beta): 1 / Gamma(alpha, rate=beta)."""

    name: ClassVar[str] = "invgamma"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("alpha", "beta")


@dataclasses.dataclass(frozen=True)
class ExponentialRV(RandomVariable):
    """Exponential(lam), lam the rate."""

    name: ClassVar[str] = "exponential"
    signature: ClassVar[str] = "()->()"
    params: ClassVar[tuple[str, ...]] = ("lam",)


@dataclasses.dataclass(frozen=True)
class ChiSquaredRV(RandomVariable):
    """ChiSquared(nu)."""

    name: ClassVar[str] = "chisquare"
    signature: ClassVar[str] = "()->()"
    params: ClassVar[tuple[str, ...]] = ("nu",)


@dataclasses.dataclass(frozen=True)
class WeibullRV(RandomVariable):
    """Weibull(alpha, beta): shape alpha, scale beta."""

    name: ClassVar[str] = "weibull"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("alpha", "beta")


@dataclasses.dataclass(frozen=True)
class ParetoRV(RandomVariable):
    """Pareto(alpha, m): shape alpha, scale (lower bound) m."""

    name: ClassVar[str] = "pareto"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("alpha", "m")


@dataclasses.dataclass(frozen=True)
class WaldRV(RandomVariable):
    """Wald(mu, lam, alpha): the inverse Gaussian shifted by alpha."""

    name: ClassVar[str] = "wald"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "lam", "alpha")


@dataclasses.dataclass(frozen=True)
class LogNormalRV(RandomVariable):
    """LogNormal(mu, sigma): exp(Normal(mu, sigma))."""

    name: ClassVar[str] = "lognormal"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "sigma")


@dataclasses.dataclass(frozen=True)
class LogitNormalRV(RandomVariable):
    """LogitNormal(mu, sigma): sigmoid(Normal(mu, sigma))."""

    name: ClassVar[str] = "logit_normal"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "sigma")


@dataclasses.dataclass(frozen=True)
class SkewNormalRV(RandomVariable):
    """SkewNormal(mu, sigma, alpha)."""

    name: ClassVar[str] = "skewnormal"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "sigma", "alpha")


@dataclasses.dataclass(frozen=True)
class StudentTRV(RandomVariable):
    """StudentT(nu, mu, sigma)."""

    name: ClassVar[str] = "t"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("nu", "mu", "sigma")


@dataclasses.dataclass(frozen=True)
class HalfStudentTRV(RandomVariable):
    """HalfStudentT(nu, sigma): |StudentT(nu, 0, sigma)|."""

    name: ClassVar[str] = "halfstudentt"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("nu", "sigma")


@dataclasses.dataclass(frozen=True)
class CauchyRV(RandomVariable):
    """Cauchy(alpha, beta): location alpha, scale beta."""

    name: ClassVar[str] = "cauchy"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("alpha", "beta")


@dataclasses.dataclass(frozen=True)
class HalfCauchyRV(RandomVariable):
    """HalfCauchy(loc, beta): loc + |Cauchy(0, beta)|."""

    name: ClassVar[str] = "halfcauchy"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("loc", "beta")


@dataclasses.dataclass(frozen=True)
class LaplaceRV(RandomVariable):
    """Laplace(mu, b)."""

    name: ClassVar[str] = "laplace"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "b")


@dataclasses.dataclass(frozen=True)
class AsymmetricLaplaceRV(RandomVariable):
    """AsymmetricLaplace(b, kappa, mu), in PyMC's parameter order."""

    name: ClassVar[str] = "asymmetriclaplace"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("b", "kappa", "mu")


@dataclasses.dataclass(frozen=True)
class LogisticRV(RandomVariable):
    """Logistic(mu, s)."""

    name: ClassVar[str] = "logistic"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "s")


@dataclasses.dataclass(frozen=True)
class GumbelRV(RandomVariable):
    """Gumbel(mu, beta), the distribution of a maximum."""

    name: ClassVar[str] = "gumbel"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "beta")


@dataclasses.dataclass(frozen=True)
class MoyalRV(RandomVariable):
    """Moyal(mu, sigma)."""

    name: ClassVar[str] = "moyal"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "sigma")


@dataclasses.dataclass(frozen=True)
class ExGaussianRV(RandomVariable):
    """ExGaussian(mu, sigma, nu): Normal(mu, sigma) + Exponential(mean nu)."""

    name: ClassVar[str] = "exgaussian"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "sigma", "nu")


@dataclasses.dataclass(frozen=True)
class TriangularRV(RandomVariable):
    """Triangular(lower, c, upper), c the mode."""

    name: ClassVar[str] = "triangular"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("lower", "c", "upper")


@dataclasses.dataclass(frozen=True)
class VonMisesRV(RandomVariable):
    """VonMises(mu, kappa) on [-pi, pi]."""

    name: ClassVar[str] = "vonmises"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("mu", "kappa")
