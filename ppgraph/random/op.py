"""The RandomVariable op: an explicit key input, a size, and parameters with a
gufunc-style signature.

Inputs are always ``(rng, size, *params)``: ``rng`` a shared variable holding a
JAX key (raw ``uint32[2]`` data, so this module needs no JAX), ``size`` an int64
vector constant (empty for "the parameters' broadcast shape"). A family is a
subclass naming itself and its signature, e.g. ``"(),()->()"`` for a scalar
distribution of two scalar parameters, ``"(n),(n,n)->(n)"`` for MvNormal.
Its sampler lives in ``ppgraph/backend/jax/dispatch/random.py``; its
log-density in ``ppgraph/logprob``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import Apply, Op, SharedVariable, Type, Variable
from ppgraph.tensor.elemwise import as_tensors, broadcast_shapes, cast
from ppgraph.tensor.type import TensorConstant, TensorType, TensorVariable, constant


@dataclasses.dataclass(frozen=True)
class RandomKeyType(Type):
    """The type of a JAX PRNG key (stored as its raw ``uint32[2]`` data)."""

    def __repr__(self) -> str:
        return "RandomKeyType"

    def make_variable(
        self, owner: Apply | None = None, index: int | None = None, name: str | None = None
    ) -> Variable:
        return Variable(self, owner, index, name)


def new_key_data(seed: int | None = None) -> np.ndarray:
    """Raw key data for ``jax.random.wrap_key_data``: from ``seed``, or fresh entropy."""
    return np.random.SeedSequence(seed).generate_state(2, dtype=np.uint32)


class RandomKeySharedVariable(SharedVariable):
    """A shared JAX key. ``eval`` of a random variable uses it as stored, so the
    same value comes back every time; ``pg.draw`` passes fresh keys instead."""

    __slots__ = ()

    def __init__(self, value: Any = None, name: str | None = None) -> None:
        super().__init__(RandomKeyType(), None, name)
        self.set_value(new_key_data() if value is None else value)

    def set_value(self, value: Any) -> None:
        data = np.asarray(value, dtype=np.uint32)
        if data.shape != (2,):
            raise ValueError(f"a key's raw data has shape (2,), got {data.shape}")
        self._value = data

    def __repr__(self) -> str:
        if self.name is not None:
            return self.name
        return f"RandomKey({self._value[0]:08x}{self._value[1]:08x})"

    __str__ = __repr__


def parse_signature(signature: str) -> tuple[list[tuple[str, ...]], tuple[str, ...]]:
    """``"(n),(n,n)->(n)"`` -> ``([("n",), ("n", "n")], ("n",))``."""
    m = re.fullmatch(r"\s*(.*?)\s*->\s*(\(.*?\))\s*", signature)
    if m is None:
        raise ValueError(f"bad signature {signature!r}")

    def dims(group: str) -> tuple[str, ...]:
        return tuple(d.strip() for d in group.split(",") if d.strip())

    ins = [dims(g) for g in re.findall(r"\(([^)]*)\)", m.group(1))]
    (out,) = [dims(g) for g in re.findall(r"\(([^)]*)\)", m.group(2))]
    return ins, out


@dataclasses.dataclass(frozen=True)
class RandomVariable(Op):
    """Base of every random variable op. Subclasses set ``name``, ``signature``,
    ``kind`` ("continuous" / "discrete") and the parameter names ``params``."""

    name: ClassVar[str] = "random"
    signature: ClassVar[str] = "->()"
    params: ClassVar[tuple[str, ...]] = ()
    kind: ClassVar[str] = "continuous"

    dtype: str = "floatX"

    def __post_init__(self) -> None:
        dtype = self.dtype
        if dtype == "floatX":
            dtype = config.floatX if self.kind == "continuous" else "int64"
        object.__setattr__(self, "dtype", str(np.dtype(dtype)))

    @property
    def ndim_supp(self) -> int:
        return len(parse_signature(self.signature)[1])

    @property
    def ndims_params(self) -> list[int]:
        return [len(d) for d in parse_signature(self.signature)[0]]

    def param_dtype(self, i: int) -> str | None:
        """The dtype a parameter is cast to (floatX for continuous families)."""
        return config.floatX if self.dtype.startswith("float") else None

    def prepare_params(self, params: list[TensorVariable]) -> list[TensorVariable]:
        out = []
        for i, p in enumerate(params):
            want = self.param_dtype(i)
            if want is not None and p.dtype != want and isinstance(p, TensorConstant):
                p = constant(p.data, dtype=want)
            elif want is not None and p.dtype != want and not p.dtype.startswith("float"):
                p = cast(p, want)
            out.append(p)
        return out

    def make_node(self, rng: Any, size: Any, *params: Any) -> Apply:
        if not isinstance(rng, Variable) or not isinstance(rng.type, RandomKeyType):
            raise TypeError(f"{self.name}: the first input must be a random key, got {rng!r}")
        ins, out_dims = parse_signature(self.signature)
        if len(params) != len(ins):
            names = ", ".join(self.params) or f"{len(ins)} parameters"
            raise TypeError(f"{self.name} takes {names}; got {len(params)} parameters")
        ps = self.prepare_params(as_tensors(*params))
        size_v = _size_constant(size, self.name)
        core: dict[str, int | None] = {}
        batch_shapes = []
        for name, p, dims in zip(
            self.params or [f"p{i}" for i in range(len(ps))], ps, ins, strict=True
        ):
            if p.ndim < len(dims):
                raise ValueError(
                    f"{self.name}: parameter {name} needs at least {len(dims)} dims, got {p.type}"
                )
            pcore = p.type.shape[p.ndim - len(dims) :]
            for d, s in zip(dims, pcore, strict=True):
                prev = core.get(d)
                if prev is not None and s is not None and prev != s:
                    raise ValueError(
                        f"{self.name}: parameter {name} has core size {s} for '{d}', "
                        f"expected {prev}"
                    )
                core[d] = s if prev is None else prev
            batch_shapes.append(p.type.shape[: p.ndim - len(dims)])
        batch = broadcast_shapes(*batch_shapes, context=f"{self.name} parameters")
        if size_v.data.size:
            sz = tuple(int(s) for s in size_v.data)
            try:
                broadcast_shapes(batch, sz, context="")
                ok = len(batch) <= len(sz) and broadcast_shapes(batch, sz, context="") == sz
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(
                    f"{self.name}: size {sz} is incompatible with the parameters' "
                    f"batch shape {batch}"
                )
            batch = sz
        shape = (*batch, *(self.core_size(d, core) for d in out_dims))
        return Apply(self, [rng, size_v, *ps], [TensorType(self.dtype, shape)])

    def core_size(self, dim: str, core: dict[str, int | None]) -> int | None:
        """Size of an output core dim (from the parameters; an int literal as is)."""
        return int(dim) if dim.isdigit() else core.get(dim)

    def __str__(self) -> str:
        return f"{self.name}_rv{{{self.signature}, {self.dtype}}}"

    __repr__ = __str__


def _size_constant(size: Any, name: str) -> TensorConstant:
    if isinstance(size, TensorConstant):
        data = size.data
    elif isinstance(size, Variable):
        raise TypeError(
            f"{name}: size must be known when the graph is built (ints), got {size!r}; "
            "XLA compiles for static shapes"
        )
    elif size is None:
        data = np.zeros(0, dtype="int64")
    else:
        data = np.atleast_1d(np.asarray(size))
        if data.dtype.kind not in "iu" and data.size:
            raise TypeError(f"{name}: size must be ints, got {size!r}")
    data = data.astype("int64").reshape(-1)
    return constant(data)


def is_random_variable(var: Any) -> bool:
    """True for the output of a RandomVariable op."""
    return (
        isinstance(var, Variable)
        and var.owner is not None
        and isinstance(var.owner.op, RandomVariable)
    )


def make_rv(
    op: RandomVariable,
    *params: Any,
    size: Any = None,
    rng: Any = None,
    name: str | None = None,
) -> TensorVariable:
    """Apply a random variable op with a fresh key unless ``rng`` is given."""
    if rng is None:
        rng = RandomKeySharedVariable()
    out = op(rng, size, *params)
    assert isinstance(out, TensorVariable)
    out.name = name
    return out
