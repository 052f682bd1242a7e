r"""ZeroSumNormal: normal draws constrained to sum to zero along their last
``n_zerosum_axes`` axes (PyMC's distribution for group effects next to an
intercept), with PyMC's zero-sum transform (value variable ``{name}_zerosum__``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ppgraph.config import config
from ppgraph.distributions.continuous import LOG_SQRT_2PI
from ppgraph.distributions.distribution import Continuous
from ppgraph.logprob.basic import _logprob
from ppgraph.logprob.transforms_zerosum import ZeroSumTransform
from ppgraph.logprob.utils import bound, check_parameters
from ppgraph.random.extra import ZeroSumNormalRV
from ppgraph.random.op import RandomKeySharedVariable, make_rv
from ppgraph.tensor import math as m
from ppgraph.tensor.reduction import max as max_
from ppgraph.tensor.reduction import mean
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.shape import expand_dims, squeeze
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


class ZeroSumNormal(Continuous):
    r"""Normal(0, ``sigma``) values that sum to zero along their last
    ``n_zerosum_axes`` axes (1 by default): the projection of
    :math:`N(0, \sigma^2 I)` onto that subspace, of dimension
    :math:`d = \prod_k (n_k - 1)` per batch entry (:math:`n_k` the sizes of the
    zero-sum axes). Its shape comes from ``shape``, ``dims`` or ``support_shape``;
    ``sigma`` is a scalar or has length 1 along the zero-sum axes.

    .. math:: \log p(x) = -\frac{\lVert x \rVert^2}{2\sigma^2}
              - d\left(\log\sigma + \tfrac12\log 2\pi\right), \quad
              \textstyle\sum_{i} x_{\dots i \dots} = 0 \text{ along each zero-sum axis}

    (the density against the subspace's own Lebesgue measure, as PyMC's; -inf
    off the subspace). In a model its value variable is ``{name}_zerosum__``,
    one entry shorter along each zero-sum axis.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.ZeroSumNormal.dist(sigma=2.0, shape=3)
        >>> round(float(pg.logp(x, [1.0, -0.5, -0.5]).eval()), 8)  # -1.5/8 - 2 log(2 sqrt(2 pi))
        -3.41167143
    """

    rv_op = ZeroSumNormalRV
    print_name: ClassVar[tuple[str, str]] = ("ZeroSumN", r"\operatorname{ZeroSumN}")

    def __new__(
        cls, name: str, *args: Any, n_zerosum_axes: int | None = None, **kwargs: Any
    ) -> Any:
        n = _n_axes(n_zerosum_axes)
        kwargs.setdefault("default_transform", ZeroSumTransform(tuple(range(-n, 0))))
        return super().__new__(cls, name, *args, n_zerosum_axes=n, **kwargs)

    @classmethod
    def parametrize(
        cls, sigma: Any = 1.0, n_zerosum_axes: int | None = None, support_shape: Any = None
    ) -> list[Any]:
        return [sigma]

    @classmethod
    def dist(  # type: ignore[override]
        cls,
        sigma: Any = 1.0,
        n_zerosum_axes: int | None = None,
        support_shape: Any = None,
        *,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
        dtype: str | None = None,
    ) -> TensorVariable:
        """A ZeroSumNormal outside any model.

        Example:
            >>> import ppgraph as pg
            >>> pg.ZeroSumNormal.dist(sigma=1.0, shape=(2, 4), n_zerosum_axes=2).type
            TensorType(float64, shape=(2, 4))
        """
        n = _n_axes(n_zerosum_axes)
        if shape is not None and size is not None:
            raise TypeError("ZeroSumNormal: give shape= or size=, not both")
        full = None if shape is None else tuple(np.atleast_1d(np.asarray(shape, dtype=int)))
        if support_shape is not None:
            core = tuple(np.atleast_1d(np.asarray(support_shape, dtype=int)))
        elif full is not None:
            core = full[len(full) - n :]
        else:
            raise ValueError(
                "ZeroSumNormal: give shape=, dims= or support_shape= (the zero-sum axes' "
                "sizes must be known)"
            )
        if len(core) != n or (full is not None and len(full) < n):
            raise ValueError(
                f"ZeroSumNormal: n_zerosum_axes={n} needs {n} zero-sum axes; got support "
                f"shape {core} (shape {full})"
            )
        if full is not None:
            if full[len(full) - n :] != core:
                raise ValueError(
                    f"ZeroSumNormal: shape {full} does not end in support_shape {core}"
                )
            size = full[: len(full) - n] or None
        op = ZeroSumNormalRV(dtype or "floatX", support_shape=core)
        return make_rv(op, _batch_sigma(sigma, n), size=size, rng=rng)

    @staticmethod
    def support_point(sigma: Any) -> Any:
        """Where the model layer starts it (PyMC's choice): zeros."""
        return np.zeros((), dtype=config.floatX)


def _n_axes(n: int | None) -> int:
    n = 1 if n is None else n
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"ZeroSumNormal: n_zerosum_axes must be a positive int, got {n!r}")
    return int(n)


def _batch_sigma(sigma: Any, n: int) -> TensorVariable:
    """``sigma`` without its trailing zero-sum axes (which must have length 1)."""
    sigma = as_tensor_variable(sigma)
    k = min(sigma.ndim, n)
    tail = sigma.type.shape[sigma.ndim - k :]
    if any(s != 1 for s in tail):
        raise ValueError(
            f"ZeroSumNormal: sigma must have length 1 along the {n} zero-sum axes, got {sigma.type}"
        )
    return squeeze(sigma, tuple(range(sigma.ndim - k, sigma.ndim))) if k else sigma


@_logprob.register(ZeroSumNormalRV)
def zerosumnormal_logp(op: ZeroSumNormalRV, value: Any, sigma: Any) -> TensorVariable:
    """The log-density of ZeroSumNormal (see the class), over the batch shape."""
    n = op.n_zerosum_axes
    value = as_tensor_variable(value)
    axes = tuple(range(-n, 0))
    sigma_b = expand_dims(sigma, axes)
    dof = float(np.prod([s - 1 for s in op.support_shape]))
    res = sum_(-0.5 * (value / sigma_b) ** 2, axis=axes) - dof * (LOG_SQRT_2PI + m.log(sigma))
    # off the subspace: the largest |mean| along any zero-sum axis, against a
    # tolerance for the rounding of the transform (PyMC: 1e-9 absolute)
    eps = float(np.finfo(value.dtype if value.dtype.startswith("float") else "float64").eps)
    scale = max_(m.abs(value), axis=axes)
    worst = scale * 0.0
    for ax in axes:
        worst = m.maximum(worst, max_(m.abs(mean(value, axis=ax, keepdims=True)), axis=axes))
    res = bound(res, worst <= 1e-9 + 100.0 * eps * scale)
    return check_parameters(res, sigma > 0, msg="sigma > 0")


__all__ = ["ZeroSumNormal"]
