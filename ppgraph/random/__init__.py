"""Random variable ops: explicit JAX keys, sizes and gufunc-style signatures."""

from ppgraph.random import continuous, discrete, extra, multivariate
from ppgraph.random.basic import HalfNormalRV, NormalRV
from ppgraph.random.op import (
    RandomKeySharedVariable,
    RandomKeyType,
    RandomVariable,
    is_random_variable,
    make_rv,
    new_key_data,
    parse_signature,
)

__all__ = [
    "HalfNormalRV",
    "NormalRV",
    "RandomKeySharedVariable",
    "RandomKeyType",
    "RandomVariable",
    "continuous",
    "discrete",
    "extra",
    "is_random_variable",
    "make_rv",
    "multivariate",
    "new_key_data",
    "parse_signature",
]
