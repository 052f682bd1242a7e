"""The ops behind ``pg.CustomDist``: random variables defined by user functions.

``CustomRV`` holds the user's ``logp`` / ``logcdf`` / ``random`` /
``support_point`` functions as fields (functions are hashable, so equal
definitions give equal ops); its signature is the user's (``signature=`` or
``ndim_supp=`` / ``ndims_params=``). ``SymbolicCustomRV`` holds a ``dist``
function that builds the variable from other random variables: its output type
is the type of that graph, its draws are the graph's draws (lowered in
``backend/jax/dispatch/random_custom.py``) and its density is derived from the
graph (``ppgraph.distributions.custom``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import Apply, Variable
from ppgraph.random.op import RandomVariable
from ppgraph.tensor.elemwise import as_tensors
from ppgraph.tensor.type import TensorConstant, TensorType, TensorVariable

Fn = Callable[..., Any] | None


def make_signature(n_params: int, ndim_supp: int, ndims_params: Any) -> str:
    """A gufunc signature from PyMC's ``ndim_supp`` and ``ndims_params``.

    Example:
        >>> make_signature(2, 0, None)
        '(),()->()'
        >>> make_signature(1, 1, [1])
        '(p0_0)->(o0)'
    """
    ndims = [0] * n_params if ndims_params is None else [int(n) for n in ndims_params]
    if len(ndims) != n_params:
        raise ValueError(f"ndims_params has {len(ndims)} entries for {n_params} parameters")
    ins = ["(" + ",".join(f"p{i}_{j}" for j in range(k)) + ")" for i, k in enumerate(ndims)]
    out = "(" + ",".join(f"o{j}" for j in range(int(ndim_supp))) + ")"
    return ",".join(ins) + "->" + out


def _kind(dtype: str) -> str:
    return "continuous" if dtype in ("floatX",) or np.dtype(dtype).kind == "f" else "discrete"


@dataclasses.dataclass(frozen=True)
class CustomRV(RandomVariable):
    """A random variable from user functions (``pg.CustomDist(logp=..., random=...)``).

    Example:
        >>> op = CustomRV(logp_fn=lambda v, mu: -(v - mu) ** 2, sig="()->()", dist_name="Q")
        >>> op.signature, op.ndim_supp, str(op)
        ('()->()', 0, 'Q_rv{()->(), float64}')
    """

    name: ClassVar[str] = "custom"

    logp_fn: Fn = None
    logcdf_fn: Fn = None
    random_fn: Fn = None
    support_point_fn: Fn = None
    sig: str = "->()"
    param_names: tuple[str, ...] = ()
    dist_name: str = "CustomDist"
    out_core: tuple[int | None, ...] = ()
    floatx: str = ""  # config.floatX when the variable was made: its functions run in it

    def call(self, fn: Fn, *args: Any) -> Any:
        """``fn(*args)`` under the ``floatX`` the variable was made in."""
        assert fn is not None
        with config.change_flags(floatX=self.floatx or config.floatX):
            return fn(*args)

    @property
    def kind(self) -> str:  # type: ignore[override]
        return _kind(self.dtype)

    @property
    def signature(self) -> str:  # type: ignore[override]
        return self.sig

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.param_names

    def core_size(self, dim: str, core: dict[str, int | None]) -> int | None:
        size = super().core_size(dim, core)
        if size is None and dim.startswith("o") and dim[1:].isdigit():
            j = int(dim[1:])
            size = self.out_core[j] if j < len(self.out_core) else None
        return size

    def __str__(self) -> str:
        return f"{self.dist_name}_rv{{{self.sig}, {self.dtype}}}"

    __repr__ = __str__


@dataclasses.dataclass(frozen=True)
class SymbolicCustomRV(RandomVariable):
    """A random variable built by ``dist(*params, size=size)`` from other random
    variables (``pg.CustomDist(dist=...)``); ``size`` is fixed in the op.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> def lognormal(mu, size):
        ...     return pt.exp(pg.Normal.dist(mu, 1.0, size=size))
        >>> op = SymbolicCustomRV(dist_fn=lognormal, n_params=1, dist_name="LogN")
        >>> op.build([pt.as_tensor_variable(0.0)]).type
        TensorType(float64, shape=())
    """

    name: ClassVar[str] = "symbolic_custom"

    dist_fn: Fn = None
    n_params: int = 0
    ndim_supp_: int = 0
    param_names: tuple[str, ...] = ()
    dist_name: str = "CustomDist"
    size: tuple[int, ...] | None = None
    support_point_fn: Fn = None

    ndims_params_: tuple[int, ...] | None = None
    floatx: str = ""  # config.floatX when the variable was made: dist= is rebuilt in it

    @property
    def kind(self) -> str:  # type: ignore[override]
        return _kind(self.dtype)

    @property
    def signature(self) -> str:  # type: ignore[override]
        return make_signature(self.n_params, self.ndim_supp_, self.ndims_params_)

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.param_names

    def build(self, params: list[Any]) -> TensorVariable:
        """The graph ``dist(*params, size=size)``, checked to be one tensor."""
        assert self.dist_fn is not None
        with config.change_flags(floatX=self.floatx or config.floatX):
            out = self.dist_fn(*params, size=self.size)
        if not isinstance(out, TensorVariable):
            raise TypeError(
                f"{self.dist_name}: dist= must return one tensor (a random variable or a "
                f"graph of them), got {type(out).__name__} {out!r}"
            )
        return out

    def make_node(self, rng: Any, size: Any, *params: Any) -> Apply:
        if not isinstance(rng, Variable):
            raise TypeError(f"{self.name}: the first input must be a random key, got {rng!r}")
        ps = as_tensors(*params)
        out = self.build(list(ps))
        if out.dtype != self.dtype:
            raise TypeError(
                f"{self.dist_name}: dist= returned {out.dtype} values, but dtype={self.dtype}"
            )
        size_v = size if isinstance(size, TensorConstant) else _as_size(size)
        return Apply(self, [rng, size_v, *ps], [TensorType(out.dtype, out.type.shape)])

    def __str__(self) -> str:
        return f"{self.dist_name}_rv{{dist, {self.dtype}}}"

    __repr__ = __str__


def _as_size(size: Any) -> TensorConstant:
    from ppgraph.tensor.type import constant

    data = np.zeros(0, "int64") if size is None else np.atleast_1d(np.asarray(size, "int64"))
    return constant(data.reshape(-1))


__all__ = ["CustomRV", "SymbolicCustomRV", "make_signature"]
