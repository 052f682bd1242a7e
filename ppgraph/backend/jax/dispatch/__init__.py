"""The JAX dispatch table, one module per op family (mirroring ``ppgraph.tensor``)."""

from ppgraph.backend.jax.dispatch import (  # noqa: F401  (registrations)
    check,
    construct,
    continuous_quantile,
    cumulative,
    einsum,
    elemwise,
    extra_ops,
    gradient,
    linalg,
    marginal,
    ode,
    random,
    random_composite,
    random_continuous,
    random_custom,
    random_discrete,
    random_extra,
    random_multivariate,
    random_multivariate_extra,
    random_partial,
    random_polyagamma,
    random_timeseries,
    reduction,
    scan,
    shape,
    softmax,
    special,
)
from ppgraph.backend.jax.dispatch.basic import jax_funcify

__all__ = ["jax_funcify"]
