"""The Gaussian families ADVI fits, in the unconstrained space of a model.

A point of that space is the flat vector of the model's value variables
(``pg.logdensity(model, flat=True)`` order). Both families are
``z = mu + L eps`` with ``eps ~ N(0, I)``:

- mean field: ``L = diag(exp(omega))``, ``2 d`` parameters;
- full rank: ``L`` lower triangular with a positive diagonal
  (``exp`` of the raw diagonal), ``d + d (d + 1) / 2`` parameters.

The entropy of ``N(mu, L L^T)`` is ``sum(log diag L) + d/2 (1 + log 2 pi)``,
so the ELBO estimate is the mean of ``logp(z)`` over the draws plus that.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import jax
import jax.numpy as jnp

__all__ = ["FAMILIES", "Family", "FullRank", "MeanField"]


@dataclasses.dataclass(frozen=True)
class Family:
    """How a family's parameters give ``mu`` and the scale factor ``L``."""

    name: str

    def init(self, mu: Any, sd: float) -> dict[str, Any]:
        raise NotImplementedError

    def scale(self, params: dict[str, Any]) -> Any:
        """``L`` (a vector of standard deviations for the mean field)."""
        raise NotImplementedError

    def draw(self, params: dict[str, Any], eps: Any) -> Any:
        """``mu + L eps`` for draws ``eps`` of shape ``(n, d)``."""
        raise NotImplementedError

    def log_det(self, params: dict[str, Any]) -> Any:
        """``sum(log diag L)``."""
        raise NotImplementedError

    def entropy(self, params: dict[str, Any]) -> Any:
        d = params["mu"].shape[-1]
        return self.log_det(params) + 0.5 * d * (1.0 + math.log(2.0 * math.pi))

    def std(self, params: dict[str, Any]) -> Any:
        """The marginal standard deviations."""
        raise NotImplementedError

    def cov(self, params: dict[str, Any]) -> Any:
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class MeanField(Family):
    name: str = "advi"

    def init(self, mu: Any, sd: float) -> dict[str, Any]:
        return {"mu": mu, "omega": jnp.full_like(mu, math.log(sd))}

    def scale(self, params: dict[str, Any]) -> Any:
        return jnp.exp(params["omega"])

    def draw(self, params: dict[str, Any], eps: Any) -> Any:
        return params["mu"] + eps * self.scale(params)

    def log_det(self, params: dict[str, Any]) -> Any:
        return jnp.sum(params["omega"])

    def std(self, params: dict[str, Any]) -> Any:
        return self.scale(params)

    def cov(self, params: dict[str, Any]) -> Any:
        return jnp.diag(self.scale(params) ** 2)


@dataclasses.dataclass(frozen=True)
class FullRank(Family):
    name: str = "fullrank_advi"

    def init(self, mu: Any, sd: float) -> dict[str, Any]:
        d = mu.shape[-1]
        return {"mu": mu, "L_raw": jnp.eye(d, dtype=mu.dtype) * math.log(sd)}

    def scale(self, params: dict[str, Any]) -> Any:
        raw = params["L_raw"]
        return jnp.tril(raw, -1) + jnp.diag(jnp.exp(jnp.diagonal(raw)))

    def draw(self, params: dict[str, Any], eps: Any) -> Any:
        return params["mu"] + eps @ self.scale(params).T

    def log_det(self, params: dict[str, Any]) -> Any:
        return jnp.sum(jnp.diagonal(params["L_raw"]))

    def std(self, params: dict[str, Any]) -> Any:
        return jnp.sqrt(jnp.diagonal(self.cov(params)))

    def cov(self, params: dict[str, Any]) -> Any:
        L = self.scale(params)
        return L @ L.T


FAMILIES: dict[str, Family] = {"advi": MeanField(), "fullrank_advi": FullRank()}


def negative_elbo(family: Family, logp: Any, params: dict[str, Any], key: Any, n_mc: int) -> Any:
    """``-(mean of logp(mu + L eps) + entropy)`` over ``n_mc`` draws of ``eps``."""
    mu = params["mu"]
    eps = jax.random.normal(key, (n_mc, mu.shape[-1]), dtype=mu.dtype)
    z = family.draw(params, eps)
    return -(jnp.mean(jax.vmap(logp)(z)) + family.entropy(params))
