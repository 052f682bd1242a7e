"""Covariance functions, PyMC's names and arguments: ``pg.gp.cov.ExpQuad(1, ls=...)``."""

from ppgraph.gp.cov_base import Add, Combination, Constant, Covariance, Prod, WhiteNoise
from ppgraph.gp.cov_other import Coregion, Linear, Polynomial, ScaledCov, WarpedInput
from ppgraph.gp.stationary import (
    Cosine,
    Exponential,
    ExpQuad,
    Matern12,
    Matern32,
    Matern52,
    Periodic,
    RatQuad,
    Stationary,
)

__all__ = [
    "Add",
    "Combination",
    "Constant",
    "Coregion",
    "Cosine",
    "Covariance",
    "ExpQuad",
    "Exponential",
    "Linear",
    "Matern12",
    "Matern32",
    "Matern52",
    "Periodic",
    "Polynomial",
    "Prod",
    "RatQuad",
    "ScaledCov",
    "Stationary",
    "WarpedInput",
    "WhiteNoise",
]
