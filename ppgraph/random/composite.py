"""Composite random variables: mixtures, truncations and censorings of other
random variable families.

A composite is an ordinary ``RandomVariable`` op whose fields hold the
component ops (frozen dataclasses: hashable, comparable, printable) and whose
parameters are its own (weights, bounds) followed by the components'
parameters, flattened. Downstream nothing is special: ``pg.draw``, rewrites,
printing and the model layer see one RV node with a key, a size and
parameters; the sampler (``backend/jax/dispatch/random_composite.py``) calls the
components' samplers, and the densities (``ppgraph/distributions/mixture.py``,
``truncated.py``, ``censored.py``) call the components' registered logp, logcdf
and icdf.

Why not a PyMC-style ``SymbolicRandomVariable`` holding an inner graph: an inner
graph needs its own cloning, rewriting, printing and lowering, and its logp has
to be re-derived from the graph. With the component family as a field, the
three composites reuse the dispatch tables as they are. The price is scope:
components are RandomVariable ops (a composite is one too, so they nest), with
scalar support.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from ppgraph.config import config
from ppgraph.graph.basic import Apply
from ppgraph.random.op import RandomVariable, is_random_variable, parse_signature
from ppgraph.tensor.shape import broadcast_to
from ppgraph.tensor.type import TensorConstant, TensorType, TensorVariable


def _in_signature(op: RandomVariable) -> list[str]:
    """The core dims of ``op``'s parameters as signature groups, e.g. ``["()", "()"]``."""
    ins, _ = parse_signature(op.signature)
    return ["(" + ",".join(d) + ")" for d in ins]


def _univariate(op: RandomVariable, what: str) -> RandomVariable:
    """``op`` if its draws are scalars; a mixture's components must also have
    scalar parameters (each is one entry of the mixture axis)."""
    if not isinstance(op, RandomVariable):
        raise TypeError(f"{what} takes random variables (e.g. pg.Normal.dist(0, 1)), got {op!r}")
    if op.ndim_supp or (what == "Mixture" and any(op.ndims_params)):
        kind = "with scalar parameters " if what == "Mixture" else ""
        raise NotImplementedError(
            f"{what} of {op.name} (signature {op.signature}): only distributions of "
            f"scalars {kind}are supported"
        )
    return op


def unpack_rv(rv: Any, what: str) -> tuple[RandomVariable, list[TensorVariable]]:
    """The op of a univariate ``.dist`` variable and its parameters, their batch
    dims broadcast to its shape when it was given a ``size`` (its own key is
    not used).

    Example:
        >>> import ppgraph as pg
        >>> op, params = unpack_rv(pg.Normal.dist(0.0, 1.0, size=3), "Truncated")
        >>> op.name, [p.type.shape for p in params]
        ('normal', [(3,), (3,)])
    """
    if not is_random_variable(rv):
        raise TypeError(
            f"{what} takes random variables made with .dist (e.g. pg.Normal.dist(0, 1)), got {rv!r}"
        )
    _, size, *params = rv.owner.inputs
    op = _univariate(rv.owner.op, what)
    if isinstance(size, TensorConstant) and size.data.size:
        out = []
        for p, n_core in zip(params, op.ndims_params, strict=True):
            shape = (*rv.type.shape, *p.type.shape[p.ndim - n_core :])
            out.append(p if p.type.shape == shape else broadcast_to(p, shape))
        params = out
    return op, params


@dataclasses.dataclass(frozen=True)
class MixtureRV(RandomVariable):
    """A draw from component ``i`` with probability ``w[..., i]``.

    Parameters are ``(w, *params of each component)``. With ``batched=False``
    each component is one entry of the mixture axis (``w``'s last), its
    parameters shaped like the draw; with ``batched=True`` there is one
    component whose parameters carry the mixture axis last.

    Example:
        >>> from ppgraph.random.basic import NormalRV
        >>> op = MixtureRV(components=(NormalRV(), NormalRV()))
        >>> op.signature, op.params
        ('(k),(),(),(),()->()', ('w', 'loc_0', 'scale_0', 'loc_1', 'scale_1'))
        >>> MixtureRV(components=(NormalRV(),), batched=True).signature
        '(k),(m0),(m1)->()'
    """

    name: ClassVar[str] = "mixture"

    components: tuple[RandomVariable, ...] = ()
    batched: bool = False

    def __post_init__(self) -> None:
        if not self.components or (self.batched and len(self.components) != 1):
            raise ValueError("a mixture has components; a batched one has exactly one")
        for c in self.components:
            _univariate(c, "Mixture")
        dtypes = {c.dtype for c in self.components}
        if len(dtypes) != 1:
            raise TypeError(f"Mixture: the components have different dtypes {sorted(dtypes)}")
        object.__setattr__(self, "dtype", dtypes.pop())

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.components[0].kind

    @property
    def signature(self) -> str:  # type: ignore[override]
        # A batched component's parameters carry the mixture axis last, of size k
        # or 1 (broadcast): each gets its own core dim name, checked in make_node.
        n = sum(len(c.params) for c in self.components)
        core = [f"(m{i})" if self.batched else "()" for i in range(n)]
        return ",".join(["(k)", *core]) + "->()"

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        if self.batched:
            return ("w", *self.components[0].params)
        return ("w", *(f"{p}_{i}" for i, c in enumerate(self.components) for p in c.params))

    def param_dtype(self, i: int) -> str | None:
        if i == 0:
            return config.floatX
        for c in self.components:
            if i <= len(c.params):
                return c.param_dtype(i - 1)
            i -= len(c.params)
        return None

    def split(self, params: Any) -> tuple[Any, list[list[Any]]]:
        """``(w, [params of each component])`` from the op's parameters."""
        w, *rest = params
        out = []
        for c in self.components:
            out.append(list(rest[: len(c.params)]))
            rest = rest[len(c.params) :]
        return w, out

    def make_node(self, rng: Any, size: Any, *params: Any) -> Apply:
        node = super().make_node(rng, size, *params)
        shapes = [t.type.shape for t in node.inputs[2:] if isinstance(t.type, TensorType)]
        if self.batched:  # parameters may broadcast along the mixture axis
            sizes = ({s[-1] for s in shapes[1:]} - {1}) | {shapes[0][-1]}
        else:
            sizes = {shapes[0][-1], len(self.components)}
        if len(sizes - {None}) > 1:
            raise ValueError(
                f"Mixture: {len(self.components)} component(s), but the weights and the "
                f"components' parameters, of shapes {shapes}, disagree on the mixture axis "
                "(the last)"
            )
        return node

    def __str__(self) -> str:
        comps = ", ".join(c.name for c in self.components)
        return f"mixture_rv{{{comps}{', batched' if self.batched else ''}, {self.dtype}}}"

    __repr__ = __str__


@dataclasses.dataclass(frozen=True)
class BoundedRV(RandomVariable):
    """A ``base`` family restricted to ``[lower, upper]``; parameters are the
    bounds that are present, then the base family's parameters."""

    base: RandomVariable | None = None
    lower: bool = False
    upper: bool = False

    def __post_init__(self) -> None:
        if self.base is None:
            raise TypeError(f"{type(self).__name__} needs a base random variable op")
        _univariate(self.base, type(self).__name__)
        object.__setattr__(self, "dtype", self.base.dtype)

    @property
    def base_op(self) -> RandomVariable:
        """The base family's op (``base``, known to be set)."""
        assert self.base is not None
        return self.base

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.base_op.kind

    @property
    def n_bounds(self) -> int:
        return int(self.lower) + int(self.upper)

    @property
    def signature(self) -> str:  # type: ignore[override]
        return ",".join(["()"] * self.n_bounds + _in_signature(self.base_op)) + "->()"

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        bounds = ("lower",) * self.lower + ("upper",) * self.upper
        return (*bounds, *self.base_op.params)

    def param_dtype(self, i: int) -> str | None:
        if i >= self.n_bounds:
            return self.base_op.param_dtype(i - self.n_bounds)
        return config.floatX if self.dtype.startswith("float") else None

    def split(self, params: Any) -> tuple[Any, Any, list[Any]]:
        """``(lower or None, upper or None, base parameters)``."""
        params = list(params)
        lower = params.pop(0) if self.lower else None
        upper = params.pop(0) if self.upper else None
        return lower, upper, params

    def __str__(self) -> str:
        bounds = f"{'lower' if self.lower else ''}{', ' if self.n_bounds == 2 else ''}"
        bounds += "upper" if self.upper else ""
        return f"{self.name}_rv{{{self.base_op.name}, {bounds}, {self.dtype}}}"

    __repr__ = __str__


@dataclasses.dataclass(frozen=True)
class TruncatedRV(BoundedRV):
    """``base`` conditioned on ``lower <= x <= upper``.

    Example:
        >>> from ppgraph.random.basic import NormalRV
        >>> TruncatedRV(base=NormalRV(), lower=True, upper=True)
        truncated_rv{normal, lower, upper, float64}
    """

    name: ClassVar[str] = "truncated"


@dataclasses.dataclass(frozen=True)
class CensoredRV(BoundedRV):
    """``base`` clipped to ``[lower, upper]``: the mass beyond a bound sits on it.

    Example:
        >>> from ppgraph.random.basic import NormalRV
        >>> CensoredRV(base=NormalRV(), upper=True).signature
        '(),(),()->()'
    """

    name: ClassVar[str] = "censored"


__all__ = ["BoundedRV", "CensoredRV", "MixtureRV", "TruncatedRV", "unpack_rv"]
