"""``Mixture(w, comp_dists)`` and ``NormalMixture(w, mu, sigma)``.

The op is ``MixtureRV`` (``ppgraph/random/composite.py``): the component
families as a field, the weights and the components' parameters as inputs.
A draw picks component ``i`` with probability ``w[..., i]``; the density is

.. math:: \\log p(x) = \\log \\sum_i w_i\\, p_i(x)
          = \\operatorname{logsumexp}_i (\\log w_i + \\log p_i(x))

and the logcdf is the same sum over the components' logcdfs. The components'
parameter Checks are lifted to the root, so a failing one is not lost inside
the sum in "-inf" mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from ppgraph.distributions.continuous import Normal
from ppgraph.distributions.distribution import Distribution
from ppgraph.logprob.basic import _logcdf, _logprob, split_checks, wrap_checks
from ppgraph.logprob.utils import check_parameters
from ppgraph.random.composite import MixtureRV, unpack_rv
from ppgraph.random.op import RandomKeySharedVariable, is_random_variable, make_rv
from ppgraph.tensor import math as m
from ppgraph.tensor.elemwise import expand_to
from ppgraph.tensor.reduction import logsumexp
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

WEIGHT_ATOL = 1e-5  # how far sum(w) may be from 1 (rounding of user weights)


def _mix(table: Any, op: MixtureRV, value: Any, params: Any) -> TensorVariable:
    """``logsumexp_i(log w_i + table(component_i, value))`` under the Checks."""
    w, comps = op.split(params)
    log_w = m.log(w)
    checks: list[Any] = []
    if op.batched:
        lp, checks = split_checks(table(op.components[0], value[..., None], *comps[0]))
        res = logsumexp(log_w + lp, axis=-1)
    else:
        res = None
        for i, (c, ps) in enumerate(zip(op.components, comps, strict=True)):
            lp, cs = split_checks(table(c, value, *ps))
            checks += cs
            term = log_w[..., i] + lp
            res = term if res is None else m.logaddexp(res, term)
    ok_sum = m.abs(sum_(w, axis=-1) - 1.0) <= WEIGHT_ATOL
    out = check_parameters(res, w >= 0, w <= 1, ok_sum, msg="0 <= w <= 1, sum(w) == 1")
    return wrap_checks(out, checks)


@_logprob.register(MixtureRV)
def mixture_logp(op: MixtureRV, value: Any, *params: Any) -> TensorVariable:
    """``logsumexp`` over components of ``log w_i + log p_i(value)``."""
    return _mix(_logprob, op, value, params)


@_logcdf.register(MixtureRV)
def mixture_logcdf(op: MixtureRV, value: Any, *params: Any) -> TensorVariable:
    """``logsumexp`` over components of ``log w_i + log F_i(value)``."""
    return _mix(_logcdf, op, value, params)


def _size(size: Any, shape: Any) -> Any:
    if shape is not None and size is not None:
        raise TypeError("Mixture: give shape= or size=, not both")
    if shape is not None:
        return (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    return size


class Mixture(Distribution):
    r"""A mixture: component ``i`` with probability ``w[..., i]``.

    ``comp_dists`` is a list of ``.dist`` variables (one per entry of ``w``'s
    last axis, of any univariate families of one dtype), or one ``.dist``
    variable whose last axis is the mixture axis.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> comps = [pg.Normal.dist(-1.0, 1.0), pg.Normal.dist(2.0, 0.5)]
        >>> x = pg.Mixture.dist(w=[0.3, 0.7], comp_dists=comps)
        >>> round(float(pg.logp(x, 0.0).eval()), 8)
        -2.6203336
        >>> pg.draw(x, draws=5, random_seed=0).shape
        (5,)
    """

    rv_op = MixtureRV
    print_name: ClassVar[tuple[str, str]] = ("Mixture", r"\operatorname{Mixture}")

    @classmethod
    def dist(  # type: ignore[override]  # takes distributions, not parameters
        cls,
        w: Any,
        comp_dists: Any,
        *,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
    ) -> TensorVariable:
        """The mixture of ``comp_dists`` with weights ``w`` (mixture axis last)."""
        w = as_tensor_variable(w)
        if w.ndim < 1:
            raise ValueError(f"Mixture: w needs a mixture axis (last), got a scalar {w!r}")
        if is_random_variable(comp_dists):
            op_c, params = unpack_rv(comp_dists, "Mixture")
            if comp_dists.ndim < 1:
                raise ValueError(
                    "Mixture: one component distribution needs the mixture axis last; "
                    f"got a scalar {comp_dists!r} (give a list for separate components)"
                )
            params = _aligned(params, comp_dists.ndim)
            op = MixtureRV(components=(op_c,), batched=True)
        else:
            parts = [unpack_rv(c, "Mixture") for c in _as_list(comp_dists)]
            op = MixtureRV(components=tuple(o for o, _ in parts))
            params = [p for _, ps in parts for p in ps]
        return make_rv(op, w, *params, size=_size(size, shape), rng=rng)

    def __new__(cls, name: str, *args: Any, **kwargs: Any) -> Any:
        """In a model, the components' shared default transform is the mixture's."""
        comps = args[1] if len(args) > 1 else kwargs.get("comp_dists")
        if comps is not None and "default_transform" not in kwargs:
            kwargs["default_transform"] = shared_transform(comps)
        return super().__new__(cls, name, *args, **kwargs)


def _family(op: Any) -> type[Distribution] | None:
    """The distribution class whose op is ``op``'s class, if one is defined."""
    stack = list(Distribution.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls.__dict__.get("rv_op") is type(op):
            return cls
        stack.extend(cls.__subclasses__())
    return None


def shared_transform(comp_dists: Any) -> str | None:
    """The default transform every component's family has (``"log"`` for a
    mixture of positive families), as PyMC picks a mixture's; an interval is
    left out: its bounds are each component's own.

    Example:
        >>> import ppgraph as pg
        >>> shared_transform([pg.HalfNormal.dist(1.0), pg.HalfNormal.dist(2.0)])
        'log'
    """
    comps = [comp_dists] if is_random_variable(comp_dists) else list(comp_dists)
    names = {getattr(_family(c.owner.op), "default_transform", None) for c in comps}
    name = names.pop() if len(names) == 1 else None
    return None if name == "interval" else name


def _as_list(comp_dists: Any) -> Sequence[Any]:
    if not isinstance(comp_dists, list | tuple) or not comp_dists:
        raise TypeError(
            "Mixture: comp_dists is a list of .dist variables or one .dist variable "
            f"with the mixture axis last, got {comp_dists!r}"
        )
    return comp_dists


def _aligned(params: list[TensorVariable], ndim: int) -> list[TensorVariable]:
    """A batched component's parameters with the draw's rank, so that each has
    the mixture axis last (of size k, or 1 to broadcast)."""
    return [expand_to(p, ndim) for p in params]


class NormalMixture(Distribution):
    r"""A mixture of normals: ``Normal(mu[..., i], sigma[..., i])`` with
    probability ``w[..., i]`` (``tau`` may replace ``sigma``).

    Example:
        >>> import ppgraph as pg
        >>> x = pg.NormalMixture.dist(w=[0.3, 0.7], mu=[-1.0, 2.0], sigma=[1.0, 0.5])
        >>> round(float(pg.logp(x, 0.0).eval()), 8)
        -2.6203336
    """

    rv_op = MixtureRV
    print_name: ClassVar[tuple[str, str]] = ("NormalMixture", r"\operatorname{NormalMixture}")

    @classmethod
    def dist(  # type: ignore[override]  # PyMC's signature
        cls,
        w: Any,
        mu: Any,
        sigma: Any = None,
        *,
        tau: Any = None,
        size: Any = None,
        shape: Any = None,
        rng: RandomKeySharedVariable | None = None,
    ) -> TensorVariable:
        """``Mixture.dist(w, Normal.dist(mu, sigma))`` with the mixture axis last."""
        comps = Normal.dist(mu, sigma=sigma, tau=tau)
        return Mixture.dist(w, comps, size=size, shape=shape, rng=rng)


__all__ = ["Mixture", "NormalMixture"]
