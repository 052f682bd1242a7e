"""``pg.CustomDist`` (and PyMC's older name ``pg.DensityDist``): a distribution
from your own functions, as in PyMC.

Either give its maths:

- ``logp(value, *params)`` -> the log-density, one term per draw (the
  variable's batch shape: its shape without the ``ndim_supp`` core dims);
  a wrong shape is an error naming the variable at model build;
- ``logcdf(value, *params)``, optional;
- ``random(*params, rng=key, size=batch_shape)`` -> draws, optional (needed for
  ``pg.draw`` and the predictive functions). ``rng`` is a **JAX key** and the
  parameters are JAX arrays: write it with ``jax.random`` / ``jax.numpy`` and it
  runs inside the jitted, vmapped draw. A PyMC-style function written for a
  NumPy Generator (``rng.normal(mu, sigma, size=size)``) also works: when
  calling it with JAX values fails, ppgraph calls it through
  ``jax.pure_callback`` with NumPy arrays and a NumPy Generator seeded from the
  key (slower: it runs on the host, one draw at a time);
- ``support_point(rv, size, *params)`` (or the older ``moment=``), optional: a
  starting value inside the support (default: zeros).

or ``dist(*params, size)`` -> a variable built from other ``.dist``
distributions (``pt.exp(pg.Normal.dist(mu, sigma, size=size))``): its draws
are that graph's, and its log-density is derived from the graph by
``pg.logp`` (what it cannot derive is a clear ``NotImplementedError``).

The shape of the draws: ``signature="(),()->()"`` (a gufunc signature), or
``ndim_supp`` and ``ndims_params``; default all scalars. ``dtype`` is the
draws' dtype (floatX by default; an int dtype makes it discrete).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from ppgraph.config import config
from ppgraph.distributions.distribution import Distribution
from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import ancestors
from ppgraph.logprob.basic import _icdf, _logcdf, _logprob, icdf
from ppgraph.random.custom import CustomRV, SymbolicCustomRV, make_signature
from ppgraph.random.op import RandomVariable, is_random_variable, make_rv, parse_signature
from ppgraph.tensor.elemwise import as_tensors
from ppgraph.tensor.shape import broadcast_to, zeros
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

__all__ = ["CustomDist", "DensityDist"]

Fn = Callable[..., Any] | None


def _param_names(fns: list[Fn], n: int, skip: int) -> tuple[str, ...]:
    """The parameters' names from the first function that names ``n`` of them."""
    for fn in fns:
        if fn is None:
            continue
        try:
            ps = list(inspect.signature(fn).parameters.values())[skip:]
        except (TypeError, ValueError):
            continue
        names = [p.name for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(names) >= n:
            return tuple(names[:n])
    return tuple(f"param_{i}" for i in range(n))


def _signature(n: int, signature: str | None, ndim_supp: Any, ndims_params: Any) -> str:
    if signature is None:
        return make_signature(n, int(ndim_supp or 0), ndims_params)
    ins, _ = parse_signature(signature)
    if len(ins) != n:
        raise TypeError(f"CustomDist: signature {signature!r} has {len(ins)} parameters, got {n}")
    return signature


class CustomDist(Distribution):
    """A distribution from your own ``logp`` / ``random`` functions, or from a
    ``dist`` function building it out of other distributions (see the module
    docstring for each function's arguments).

    Example:
        >>> import numpy as np, jax, ppgraph as pg, ppgraph.tensor as pt
        >>> def logp(value, mu):
        ...     return -0.5 * (value - mu) ** 2 - 0.5 * np.log(2 * np.pi)
        >>> def random(mu, rng=None, size=None):
        ...     return mu + jax.random.normal(rng, size)
        >>> with pg.Model() as m:
        ...     mu = pg.Normal("mu", 0.0, 1.0)
        ...     y = pg.CustomDist("y", mu, logp=logp, random=random, observed=[0.5, -0.2])
        >>> round(float(m.compile_logp()({"mu": 0.0})), 6)
        -2.901816
        >>> with pg.Model() as m2:
        ...     x = pg.CustomDist("x", 0.0, 1.0,
        ...                       dist=lambda mu, s, size: pt.exp(pg.Normal.dist(mu, s, size=size)))
        >>> round(float(m2.compile_logp()({"x": 2.0})), 6)  # the LogNormal(0, 1) density
        -1.852312
    """

    print_name: ClassVar[tuple[str, str]] = ("CustomDist", r"\operatorname{CustomDist}")

    def __new__(cls, name: str, *dist_params: Any, **kwargs: Any) -> Any:
        """A CustomDist variable in the enclosing model (``observed=`` for data)."""
        kwargs["_var_name"] = name
        return super().__new__(cls, name, *dist_params, **kwargs)

    @classmethod
    def dist(  # type: ignore[override]
        cls,
        *dist_params: Any,
        class_name: str = "CustomDist",
        dist: Fn = None,
        random: Fn = None,
        logp: Fn = None,
        logcdf: Fn = None,
        support_point: Fn = None,
        moment: Fn = None,
        ndim_supp: int | None = None,
        ndims_params: Any = None,
        signature: str | None = None,
        dtype: str = "floatX",
        size: Any = None,
        shape: Any = None,
        rng: Any = None,
        _var_name: str | None = None,
        **kwargs: Any,
    ) -> TensorVariable:
        """A CustomDist variable outside any model.

        Example:
            >>> import jax, ppgraph as pg
            >>> def random(mu, rng, size):
            ...     return mu + jax.random.normal(rng, size)
            >>> x = pg.CustomDist.dist(2.0, random=random, size=3)
            >>> pg.draw(x, random_seed=1).shape
            (3,)
        """
        name = _var_name or class_name
        if kwargs:
            raise TypeError(
                f"{name}: unknown keyword {next(iter(kwargs))!r}; the distribution's "
                "parameters are given positionally (CustomDist(name, *dist_params, ...))"
            )
        if dist is not None and (logp or random or logcdf) is not None:
            raise TypeError(f"{name}: give dist= or logp=/logcdf=/random=, not both")
        if dist is None and logp is None and random is None:
            raise TypeError(f"{name}: CustomDist needs logp= (and random= to draw) or dist=")
        for what, fn in (("dist", dist), ("logp", logp), ("logcdf", logcdf), ("random", random),
                         ("support_point", support_point), ("moment", moment)):  # fmt: skip
            if fn is not None and not callable(fn):
                raise TypeError(f"{name}: {what}= must be a function, got {fn!r}")
        params = as_tensors(*dist_params) if dist_params else []
        sig = _signature(len(params), signature, ndim_supp, ndims_params)
        n_supp = len(parse_signature(sig)[1])
        shape_t: tuple[Any, ...] | None = None
        if shape is not None:
            if size is not None:
                raise TypeError(f"{name}: give shape= or size=, not both")
            shape_t = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
            size = shape_t[: len(shape_t) - n_supp]
        if dist is not None:
            op: RandomVariable = _symbolic_op(name, dist, params, sig, size, dtype, support_point
                                              or moment, class_name)  # fmt: skip
        else:
            op = CustomRV(
                dtype, logp_fn=logp, logcdf_fn=logcdf, random_fn=random,
                support_point_fn=support_point or moment, sig=sig,
                param_names=_param_names([logp, random], len(params), 1 if logp else 0),
                dist_name=class_name, floatx=config.floatX,
                out_core=tuple(shape_t[len(shape_t) - n_supp :]) if shape_t and n_supp else (),
            )  # fmt: skip
        try:
            rv = make_rv(op, *params, size=size, rng=rng)
        except ValueError as err:
            raise ValueError(f"{name}: {err}") from err
        if shape_t is not None and not rv.type.accepts_shape(shape_t):
            raise ValueError(f"{name}: shape={shape_t}, but its draws have shape {rv.type.shape}")
        if _var_name is not None and logp is not None:
            check_logp_shape(_var_name, rv)
        return rv


def _symbolic_op(
    name: str, dist: Any, params: list[TensorVariable], sig: str, size: Any, dtype: str,
    support_point: Fn, class_name: str,
) -> SymbolicCustomRV:  # fmt: skip
    size_t = None if size is None else tuple(int(s) for s in np.atleast_1d(size))
    try:
        out = dist(*params, size=size_t)
    except TypeError as err:
        raise TypeError(f"{name}: dist= is called as dist(*dist_params, size=size): {err}") from err
    if not isinstance(out, TensorVariable) or not _draws([out]):
        raise TypeError(
            f"{name}: dist= must return a random variable or a graph of them "
            f"(built with .dist), got {out!r}"
        )
    if dtype != "floatX" and str(np.dtype(dtype)) != out.dtype:
        raise TypeError(f"{name}: dtype={dtype}, but dist= builds {out.dtype} values")
    ins, outs = parse_signature(sig)
    return SymbolicCustomRV(
        out.dtype, dist_fn=dist, n_params=len(params), ndim_supp_=len(outs),
        ndims_params_=tuple(len(d) for d in ins),
        param_names=_param_names([dist], len(params), 0), dist_name=class_name, size=size_t,
        support_point_fn=support_point, floatx=config.floatX,
    )  # fmt: skip


def _draws(outputs: list[Variable]) -> bool:
    """Whether ``outputs`` draw: a random variable among them or their ancestors,
    or in the step of a loop among them (a loop whose step draws)."""
    from ppgraph.tensor.scan_op import Scan

    for v in ancestors(outputs):
        if is_random_variable(v):
            return True
        node = v.owner
        if node is not None and isinstance(node.op, Scan) and _draws(list(node.op.inner_outputs)):
            return True
    return False


def check_logp_shape(name: str, rv: TensorVariable) -> None:
    """A ``logp=`` returning one term per draw, or a ``ValueError`` naming ``name``
    and both shapes."""
    assert rv.owner is not None
    op = rv.owner.op
    assert isinstance(op, CustomRV) and op.logp_fn is not None
    value = rv.type.make_variable(name=f"{name}_value")
    out = as_tensor_variable(op.call(op.logp_fn, value, *rv.owner.inputs[2:]))
    want = rv.type.shape[: rv.ndim - op.ndim_supp]
    got = out.type.shape
    ok = len(got) == len(want) and all(
        a is None or b is None or a == b for a, b in zip(got, want, strict=True)
    )
    if not ok:
        raise ValueError(
            f"{name}: logp returned shape {got}, but it must have {name}'s batch shape "
            f"{want} (one term per draw; {name} has shape {rv.type.shape} with "
            f"{op.ndim_supp} core dims)"
        )


def custom_support_point(rv: TensorVariable) -> TensorVariable | None:
    """The starting value of a CustomDist variable (None for other variables):
    its ``support_point``; for ``dist=``, the graph with each random variable in
    it, in the steps of its loops too, at its family's support point (PyMC's),
    else its median, else zero; else zeros."""
    node = rv.owner
    if node is None or not isinstance(node.op, CustomRV | SymbolicCustomRV):
        return None
    op, params = node.op, node.inputs[2:]
    fn = op.support_point_fn
    if fn is not None:
        size = node.inputs[1]
        data = getattr(size, "data", np.zeros(0))
        with config.change_flags(floatX=op.floatx or config.floatX):
            return as_tensor_variable(fn(rv, tuple(int(s) for s in data) or None, *params))
    if isinstance(op, SymbolicCustomRV):
        return _draws_at_support_points(op.build(list(params)))
    return zeros(tuple(rv.shape[i] if s is None else s for i, s in enumerate(rv.type.shape)),
                 dtype=rv.dtype)  # fmt: skip


def _draws_at_support_points(graph: TensorVariable) -> TensorVariable:
    """``graph`` with each draw in it at its support point, PyMC's default start
    for ``dist=``: draws inside the steps of a loop too (an AR written with
    ``pt.scan`` starts at its means, recursively), so the start is
    deterministic rather than a random draw."""
    from ppgraph.tensor.scan_op import map_steps

    def at_point(v: Variable) -> Variable | None:
        return _support_point(v) if is_random_variable(v) else None

    [start] = map_steps([graph], at_point, outer=True)
    return as_tensor_variable(start)


def _support_point(v: Variable) -> TensorVariable:
    """A draw's support point: its family's (PyMC's), else its median, else zeros."""
    from ppgraph.distributions.mixture import _family

    assert isinstance(v, TensorVariable) and v.owner is not None
    fn = getattr(_family(v.owner.op), "support_point", None)
    if fn is None:
        return _median_or_zeros(v)
    shape = tuple(v.shape[i] if s is None else s for i, s in enumerate(v.type.shape))
    point = as_tensor_variable(fn(*v.owner.inputs[2:]))
    return broadcast_to(point.astype(v.dtype) if point.dtype != v.dtype else point, shape)


def _median_or_zeros(v: TensorVariable) -> TensorVariable:
    shape = tuple(v.shape[i] if s is None else s for i, s in enumerate(v.type.shape))
    if v.owner is not None and getattr(v.owner.op, "ndim_supp", 1) == 0:
        try:
            return broadcast_to(icdf(v, 0.5), shape)
        except NotImplementedError:
            pass
    return zeros(shape, dtype=v.dtype)


@_logprob.register(CustomRV)
def _custom_logp(op: CustomRV, value: Any, *params: Any) -> TensorVariable:
    if op.logp_fn is None:
        raise NotImplementedError(f"{op.dist_name}: no logp= was given, so it has no density")
    return as_tensor_variable(op.call(op.logp_fn, value, *params))


@_logcdf.register(CustomRV)
def _custom_logcdf(op: CustomRV, value: Any, *params: Any) -> TensorVariable:
    if op.logcdf_fn is None:
        raise NotImplementedError(f"{op.dist_name}: no logcdf= was given")
    return as_tensor_variable(op.call(op.logcdf_fn, value, *params))


@_icdf.register(CustomRV)
def _custom_icdf(op: CustomRV, q: Any, *params: Any) -> TensorVariable:
    raise NotImplementedError(f"{op.dist_name}: a CustomDist has no icdf")


@_logprob.register(SymbolicCustomRV)
def _symbolic_logp(op: SymbolicCustomRV, value: Any, *params: Any) -> TensorVariable:
    from ppgraph.logprob.basic import logp

    try:
        return logp(op.build(list(params)), value)  # the general derivation entry point
    except NotImplementedError as err:
        raise NotImplementedError(
            f"{op.dist_name}: cannot derive the density of the graph dist= builds: {err}"
        ) from err


@_logcdf.register(SymbolicCustomRV)
def _symbolic_logcdf(op: SymbolicCustomRV, value: Any, *params: Any) -> TensorVariable:
    from ppgraph.logprob.basic import logcdf

    inner = op.build(list(params))
    if not is_random_variable(inner):
        raise NotImplementedError(
            f"{op.dist_name}: the logcdf of dist= is derived only when it returns one "
            "random variable"
        )
    return logcdf(inner, value)


DensityDist = CustomDist
