"""Truncated stick-breaking weights (the finite form of a Dirichlet process's weights)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.config import config
from ppgraph.distributions.distribution import Continuous
from ppgraph.distributions.multivariate import SUM_TOL
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random import multivariate_extra as rv
from ppgraph.random.multivariate import static_dim
from ppgraph.tensor import math as m
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import arange, expand_dims
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


def _k(K: Any) -> int:
    try:
        return static_dim(K, "StickBreakingWeights")
    except TypeError:
        raise TypeError(
            "StickBreakingWeights: K must be a constant positive int (the weights' length "
            f"is K + 1, and XLA compiles for static shapes); got {K!r}"
        ) from None


class StickBreakingWeights(Continuous):
    r"""The K + 1 weights of a stick broken K times:
    :math:`v_k \sim \operatorname{Beta}(1, \alpha)`,
    :math:`x_k = v_k \prod_{l < k}(1 - v_l)` for :math:`k \le K`, and the last weight
    :math:`x_{K+1} = \prod_{l \le K}(1 - v_l)` what is left. With
    :math:`S_k = \sum_{j \ge k} x_j`:

    .. math:: \log p(x) = K\log\alpha + (\alpha - 1)\log x_{K+1} - \sum_{k=1}^{K}\log S_k

    ``K`` must be a constant (the weights' length depends on it).

    Example:
        >>> import ppgraph as pg
        >>> x = pg.StickBreakingWeights.dist(alpha=2.0, K=2)
        >>> round(float(pg.logp(x, [0.5, 0.3, 0.2]).eval()), 8)  # Beta(1, 2) densities of v
        0.47000363
    """

    rv_op = rv.StickBreakingWeightsRV
    print_name: ClassVar[tuple[str, str]] = ("StickBreakingWeights", r"\operatorname{SBW}")
    support: ClassVar[str] = "simplex"
    default_transform: ClassVar[str | None] = "simplex"

    @classmethod
    def parametrize(cls, alpha: Any, K: Any) -> list[Any]:
        _k(K)
        return [alpha, K]

    @staticmethod
    def support_point(alpha: Any, K: Any) -> Any:
        """The mean, as PyMC: :math:`r^{k-1} / (1 + \\alpha)` for :math:`k \\le K` and
        :math:`r^K` last, :math:`r = \\alpha / (1 + \\alpha)`."""
        k = _k(K)
        a = expand_dims(alpha, -1)
        i = arange(k + 1, dtype=config.floatX)
        power = (a / (1.0 + a)) ** i
        return m.where(m.eq(i, float(k)), power, power / (1.0 + a))

    @staticmethod
    def logp(value: Any, alpha: Any, K: Any) -> TensorVariable:
        k = _k(K)
        value = as_tensor_variable(value)
        if value.type.shape[-1] not in (None, k + 1):
            raise ValueError(
                f"StickBreakingWeights: the value has {value.type.shape[-1]} weights, "
                f"expected K + 1 = {k + 1}"
            )
        # S_k = sum_{j >= k} x_j, for k = 1..K (S_{K+1} = x_{K+1} enters through alpha - 1)
        upper = np.tril(np.ones((k + 1, k + 1), dtype=value.dtype))[:, :k]
        tails = sum_(expand_dims(value, -1) * as_tensor_variable(upper), axis=-2)
        last = value[..., k]
        res = k * m.log(alpha) + m.xlogy(alpha - 1.0, last) - sum_(m.log(tails), axis=-1)
        tol = float(np.sqrt(np.finfo(value.dtype).eps)) if value.dtype.startswith("float") else 0.0
        in_support = [
            all_(value >= 0, axis=-1),
            all_(value <= 1, axis=-1),
            m.abs(sum_(value, axis=-1) - 1.0) <= max(tol, SUM_TOL),
        ]
        return check_parameters(bound(res, *in_support), alpha > 0, msg="alpha > 0")


__all__ = ["StickBreakingWeights"]
