"""The op behind a partly missing multivariate observation (PyMC's
``PartialObservedRV``).

A row of an ``MvNormal`` (or any multivariate family) observed with some of
its entries missing cannot be split into two independent random variables:
its entries are dependent. ``PartialObservedRV`` takes flat entries ``take``
of one draw of ``base`` (a family's op over ``full_shape``), so that
``{name}_unobserved`` (the missing entries) and ``{name}_observed`` (the
present ones) are two random variables over one joint draw: both hold the
same key, so a prior draw of the two is one draw of the completed array. The
observed part also takes the unobserved one as its last parameter, for its
density: the base family's density of the completed rows
(``ppgraph.model.partial``). Its sampler is in
``ppgraph/backend/jax/dispatch/random_partial.py``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from ppgraph.graph.basic import Apply, Variable
from ppgraph.random.op import RandomKeyType, RandomVariable, _size_constant
from ppgraph.tensor.elemwise import as_tensors
from ppgraph.tensor.type import TensorType

__all__ = ["PartialObservedRV"]


@dataclasses.dataclass(frozen=True)
class PartialObservedRV(RandomVariable):
    """Entries ``take`` (flat, C order) of a draw of ``base`` over ``full_shape``.

    Its parameters are the base family's, then (for ``part="observed"``) the
    unobserved part, which its density needs and its draws ignore.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> from ppgraph.random.op import make_rv
        >>> w = pg.MvNormal.dist(mu=np.zeros(2), cov=np.eye(2), size=3)
        >>> op = PartialObservedRV(base=w.owner.op, full_shape=(3, 2), take=(1, 4),
        ...                        part="unobserved", n_base=2)
        >>> make_rv(op, *w.owner.inputs[2:]).type
        TensorType(float64, shape=(2,))
    """

    name: ClassVar[str] = "partial_observed"

    base: RandomVariable | None = None
    full_shape: tuple[int, ...] = ()
    take: tuple[int, ...] = ()
    part: str = "unobserved"  # or "observed"
    n_base: int = 0
    unobserved_name: str = "unobserved"  # how errors name the observed part's last parameter

    def __post_init__(self) -> None:
        assert self.base is not None
        object.__setattr__(self, "dtype", self.base.dtype)

    @property
    def kind(self) -> str:  # type: ignore[override]
        assert self.base is not None
        return self.base.kind

    @property
    def signature(self) -> str:  # type: ignore[override]
        # the base family's; the output is flat, of a size fixed by the data
        assert self.base is not None
        n_params = self.n_base + (self.part == "observed")
        ndims = [*self.base.ndims_params, 1][:n_params]
        ins = ["(" + ",".join(f"p{i}_{j}" for j in range(k)) + ")" for i, k in enumerate(ndims)]
        return ",".join(ins) + f"->({len(self.take)})"

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        assert self.base is not None
        extra = (self.unobserved_name,) if self.part == "observed" else ()
        return (*self.base.params, *extra)

    def make_node(self, rng: Any, size: Any, *params: Any) -> Apply:
        if not isinstance(rng, Variable) or not isinstance(rng.type, RandomKeyType):
            raise TypeError(f"{self.name}: the first input must be a random key, got {rng!r}")
        n_params = self.n_base + (self.part == "observed")
        if len(params) != n_params:
            raise TypeError(f"{self}: takes {n_params} parameters, got {len(params)}")
        out = TensorType(self.dtype, (len(self.take),))
        return Apply(self, [rng, _size_constant(None, self.name), *as_tensors(*params)], [out])

    def __str__(self) -> str:
        assert self.base is not None
        return f"{self.base.name}_{self.part}_rv{{{len(self.take)} of {self.full_shape}}}"

    __repr__ = __str__
