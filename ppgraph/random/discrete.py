"""Random variable families over the integers. Draws are int64; parameters named in
``float_params`` are cast to floatX, the others (counts such as ``n``) keep their
dtype. Samplers live in ``backend/jax/dispatch/random_discrete.py``."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from ppgraph.config import config
from ppgraph.random.op import RandomVariable


@dataclasses.dataclass(frozen=True)
class DiscreteRV(RandomVariable):
    """A family of integer-valued draws."""

    kind: ClassVar[str] = "discrete"
    float_params: ClassVar[tuple[str, ...]] = ()

    def param_dtype(self, i: int) -> str | None:
        return config.floatX if self.params[i] in self.float_params else None


@dataclasses.dataclass(frozen=True)
class BernoulliRV(DiscreteRV):
    """Bernoulli(p): 1 with probability p, else 0."""

    name: ClassVar[str] = "bernoulli"
    signature: ClassVar[str] = "()->()"
    params: ClassVar[tuple[str, ...]] = ("p",)
    float_params: ClassVar[tuple[str, ...]] = ("p",)


@dataclasses.dataclass(frozen=True)
class BinomialRV(DiscreteRV):
    """Binomial(n, p): successes in n trials."""

    name: ClassVar[str] = "binomial"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("n", "p")
    float_params: ClassVar[tuple[str, ...]] = ("p",)


@dataclasses.dataclass(frozen=True)
class PoissonRV(DiscreteRV):
    """Poisson(mu)."""

    name: ClassVar[str] = "poisson"
    signature: ClassVar[str] = "()->()"
    params: ClassVar[tuple[str, ...]] = ("mu",)
    float_params: ClassVar[tuple[str, ...]] = ("mu",)


@dataclasses.dataclass(frozen=True)
class NegativeBinomialRV(DiscreteRV):
    """NegativeBinomial(n, p): failures before the n-th success (n real > 0)."""

    name: ClassVar[str] = "nbinom"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("n", "p")
    float_params: ClassVar[tuple[str, ...]] = ("n", "p")


@dataclasses.dataclass(frozen=True)
class GeometricRV(DiscreteRV):
    """Geometric(p): the trial of the first success, on 1, 2, ..."""

    name: ClassVar[str] = "geometric"
    signature: ClassVar[str] = "()->()"
    params: ClassVar[tuple[str, ...]] = ("p",)
    float_params: ClassVar[tuple[str, ...]] = ("p",)


@dataclasses.dataclass(frozen=True)
class DiscreteUniformRV(DiscreteRV):
    """DiscreteUniform(lower, upper), both ends included."""

    name: ClassVar[str] = "discrete_uniform"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("lower", "upper")


@dataclasses.dataclass(frozen=True)
class BetaBinomialRV(DiscreteRV):
    """BetaBinomial(n, alpha, beta): Binomial(n, p) with p ~ Beta(alpha, beta)."""

    name: ClassVar[str] = "beta_binomial"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("n", "alpha", "beta")
    float_params: ClassVar[tuple[str, ...]] = ("alpha", "beta")


@dataclasses.dataclass(frozen=True)
class HyperGeometricRV(DiscreteRV):
    """HyperGeometric(good, bad, n): good items among n drawn without replacement."""

    name: ClassVar[str] = "hypergeometric"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("good", "bad", "n")


@dataclasses.dataclass(frozen=True)
class CategoricalRV(DiscreteRV):
    """Categorical(p): k with probability p[k]."""

    name: ClassVar[str] = "categorical"
    signature: ClassVar[str] = "(p)->()"
    params: ClassVar[tuple[str, ...]] = ("p",)
    float_params: ClassVar[tuple[str, ...]] = ("p",)


@dataclasses.dataclass(frozen=True)
class OrderedLogisticRV(DiscreteRV):
    """OrderedLogistic(eta, cutpoints): the number of cutpoints below eta + Logistic(0, 1)."""

    name: ClassVar[str] = "ordered_logistic"
    signature: ClassVar[str] = "(),(k)->()"
    params: ClassVar[tuple[str, ...]] = ("eta", "cutpoints")
    float_params: ClassVar[tuple[str, ...]] = ("eta", "cutpoints")


@dataclasses.dataclass(frozen=True)
class ZeroInflatedPoissonRV(DiscreteRV):
    """ZeroInflatedPoisson(psi, mu): Poisson(mu) with probability psi, else 0."""

    name: ClassVar[str] = "zero_inflated_poisson"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("psi", "mu")
    float_params: ClassVar[tuple[str, ...]] = ("psi", "mu")


@dataclasses.dataclass(frozen=True)
class ZeroInflatedBinomialRV(DiscreteRV):
    """ZeroInflatedBinomial(psi, n, p): Binomial(n, p) with probability psi, else 0."""

    name: ClassVar[str] = "zero_inflated_binomial"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("psi", "n", "p")
    float_params: ClassVar[tuple[str, ...]] = ("psi", "p")


@dataclasses.dataclass(frozen=True)
class ZeroInflatedNegativeBinomialRV(DiscreteRV):
    """ZeroInflatedNegativeBinomial(psi, n, p): NegativeBinomial(n, p) with probability
    psi, else 0."""

    name: ClassVar[str] = "zero_inflated_nbinom"
    signature: ClassVar[str] = "(),(),()->()"
    params: ClassVar[tuple[str, ...]] = ("psi", "n", "p")
    float_params: ClassVar[tuple[str, ...]] = ("psi", "n", "p")
