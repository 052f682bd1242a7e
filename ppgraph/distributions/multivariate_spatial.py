"""Spatial Gaussian Markov random fields on a neighbourhood graph given by its
adjacency matrix ``W``: the conditional autoregression (CAR) and its intrinsic
limit (ICAR), with PyMC's parameters.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.discrete_math import as_float
from ppgraph.distributions.distribution import Continuous
from ppgraph.distributions.multivariate import LOG_2PI, log_diag_sum, matrix_t
from ppgraph.logprob.utils import check_parameters
from ppgraph.random import multivariate_extra as rv
from ppgraph.tensor import math as m
from ppgraph.tensor.linalg import cholesky
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import broadcast_to, expand_dims, zeros
from ppgraph.tensor.type import TensorConstant, TensorVariable, as_tensor_variable


def degree_matrix(w: Any) -> TensorVariable:
    """``diag(sum_j W_ij)``, for a matrix (or a batch of them) of known size."""
    n = w.type.shape[-1]
    return expand_dims(sum_(w, axis=-1), -1) * as_tensor_variable(np.eye(n, dtype=w.dtype))


def _quad(delta: Any, prec: Any) -> TensorVariable:
    """``delta^T Q delta`` over the batch."""
    return sum_(delta * sum_(prec * expand_dims(delta, -2), axis=-1), axis=-1)


def _square_matrix(w: Any, dist: str) -> TensorVariable:
    w = as_float(w)
    if w.ndim != 2 or w.type.shape[0] != w.type.shape[1] or w.type.shape[0] is None:
        raise ValueError(f"{dist}: W must be a square matrix of known size, got {w.type}")
    return w


class CAR(Continuous):
    r"""The conditional autoregression: a multivariate normal with precision
    :math:`Q = \tau (D - \alpha W)`, :math:`D = \operatorname{diag}(\sum_j W_{ij})`,
    for a symmetric adjacency matrix ``W`` and :math:`-1 < \alpha < 1`.

    .. math:: \log p(x) = -\tfrac12 (x - \mu)^T Q (x - \mu) + \tfrac12\log\det Q
              - \tfrac{n}{2}\log 2\pi

    This is the normalized density; PyMC's CAR leaves out the terms that do not
    depend on ``alpha`` or ``tau`` (``log det D`` and ``log 2 pi``), so the two
    differ by a constant of ``W``.

    Example:
        >>> import ppgraph as pg
        >>> W = [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
        >>> x = pg.CAR.dist(mu=0.0, W=W, alpha=0.5, tau=2.0)
        >>> round(float(pg.logp(x, [0.1, -0.3, 0.2]).eval()), 8)  # stats.multivariate_normal
        -1.83436227
    """

    rv_op = rv.CARRV
    print_name: ClassVar[tuple[str, str]] = ("CAR", r"\operatorname{CAR}")

    @classmethod
    def parametrize(cls, mu: Any, W: Any, alpha: Any, tau: Any) -> list[Any]:
        w = _square_matrix(W, "CAR")
        mu = as_float(mu)
        return [broadcast_to(mu, w.type.shape[-1:]) if mu.ndim == 0 else mu, w, alpha, tau]

    @staticmethod
    def support_point(mu: Any, W: Any, alpha: Any, tau: Any) -> Any:
        """The mean ``mu``, as PyMC."""
        return mu

    @staticmethod
    def logp(value: Any, mu: Any, W: Any, alpha: Any, tau: Any) -> TensorVariable:
        n = W.type.shape[-1]
        a, t = expand_dims(alpha, (-1, -2)), expand_dims(tau, (-1, -2))
        prec = t * (degree_matrix(W) - a * W)
        chol = cholesky(prec)
        res = -0.5 * _quad(value - mu, prec) + log_diag_sum(chol) - 0.5 * n * LOG_2PI
        symmetric = all_(m.eq(W, matrix_t(W)), axis=(-2, -1))
        return check_parameters(
            res, alpha > -1, alpha < 1, tau > 0, symmetric,
            msg="-1 < alpha < 1, tau > 0, W symmetric",
        )  # fmt: skip


def _adjacency(W: Any) -> np.ndarray:
    """ICAR's ``W`` as a constant array, checked as PyMC checks it."""
    data = W.data if isinstance(W, TensorConstant) else W
    if not isinstance(data, np.ndarray | list | tuple):
        raise TypeError(f"ICAR: W must be a constant 0/1 matrix (an array), got {W!r}")
    w = np.asarray(data)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError(f"ICAR: W must be a square matrix, got shape {w.shape}")
    if not np.array_equal(w, w.T):
        raise ValueError("ICAR: W must be symmetric, got a matrix that is not")
    if np.any((w != 0) & (w != 1)):
        raise ValueError("ICAR: W must hold only 0s and 1s")
    return w


class ICAR(Continuous):
    r"""The intrinsic conditional autoregression on the graph of the 0/1 adjacency
    matrix ``W`` (the CAR with :math:`\alpha = 1`), its sum held near zero by a
    normal of scale ``zero_sum_stdev * N``, as in PyMC:

    .. math:: \log p(\phi) = -\frac{1}{2\sigma^2}\sum_{i \sim j} (\phi_i - \phi_j)^2
              - \frac12\left(\frac{\sum_i \phi_i}{s N}\right)^2 - \log\sqrt{2\pi} - \log(sN)

    (unnormalized, as PyMC's). Draws are from the multivariate normal of precision
    :math:`(D - W)/\sigma^2 + \mathbf{1}\mathbf{1}^T / (sN)^2`, the distribution of
    this density when the graph is connected (else the precision is singular and
    the draws are NaN); PyMC cannot draw from an ICAR.

    Example:
        >>> import ppgraph as pg
        >>> W = [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
        >>> x = pg.ICAR.dist(W=W, sigma=1.0)
        >>> round(float(pg.logp(x, [0.1, -0.3, 0.2]).eval()), 8)
        4.68520446
    """

    rv_op = rv.ICARRV
    print_name: ClassVar[tuple[str, str]] = ("ICAR", r"\operatorname{ICAR}")

    @classmethod
    def parametrize(cls, W: Any, sigma: Any = 1.0, zero_sum_stdev: Any = 0.001) -> list[Any]:
        return [as_float(_adjacency(W)), sigma, zero_sum_stdev]

    @staticmethod
    def support_point(W: Any, sigma: Any, zero_sum_stdev: Any) -> Any:
        """Zeros, as PyMC."""
        return zeros(W.type.shape[-1:])

    @staticmethod
    def logp(value: Any, W: Any, sigma: Any, zero_sum_stdev: Any) -> TensorVariable:
        n = W.type.shape[-1]
        pairwise = -0.5 * _quad(value, degree_matrix(W) - W) / m.square(sigma)
        scale = zero_sum_stdev * n
        zero_sum = -0.5 * m.square(sum_(value, axis=-1) / scale) - m.log(scale)
        res = pairwise + zero_sum - 0.5 * LOG_2PI
        ok = [sigma > 0, zero_sum_stdev > 0]
        return check_parameters(res, *ok, msg="sigma > 0, zero_sum_stdev > 0")


__all__ = ["CAR", "ICAR"]
