"""Random variable families. Each is a few lines: its name, signature and
parameter names; its sampler is in ``backend/jax/dispatch/random.py`` and its
maths beside its user-facing class in ``ppgraph/distributions``."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from ppgraph.random.op import RandomVariable


@dataclasses.dataclass(frozen=True)
class NormalRV(RandomVariable):
    """Normal(loc, scale)."""

    name: ClassVar[str] = "normal"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("loc", "scale")


@dataclasses.dataclass(frozen=True)
class HalfNormalRV(RandomVariable):
    """HalfNormal(loc, scale): loc + |Normal(0, scale)|."""

    name: ClassVar[str] = "halfnormal"
    signature: ClassVar[str] = "(),()->()"
    params: ClassVar[tuple[str, ...]] = ("loc", "scale")


normal_rv = NormalRV
