"""Time-series random variable families: the time axis is a core dim of the draw.

Like the composites of ``composite.py``, a time series holds the families of its
parts (the initial distribution, the innovations) as fields and takes their
parameters, flattened, as its own; ``steps`` is a field too, because XLA
compiles for static shapes. The draw has shape ``(*batch, steps + k, *core)``:
``k`` initial values (1, or ``ar_order`` for an AR), then one value per step.
Samplers are in ``backend/jax/dispatch/random_timeseries.py`` (one ``lax.scan``
or ``cumsum`` each); densities in ``ppgraph/distributions/timeseries.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar

from ppgraph.config import config
from ppgraph.graph.basic import Apply
from ppgraph.random.op import RandomVariable, parse_signature
from ppgraph.tensor.type import TensorType

TIME = "time"  # the output's time dim in a signature; its size comes from the op


def _groups(op: RandomVariable, rename: str = "") -> list[str]:
    """``op``'s parameter core dims as signature groups, e.g. ``["(n)", "(n,n)"]``."""
    ins, _ = parse_signature(op.signature)
    return ["(" + ",".join(f"{d}{rename}" for d in dims) + ")" for dims in ins]


def _core_out(op: RandomVariable) -> str:
    _, out = parse_signature(op.signature)
    return ",".join(out)


@dataclasses.dataclass(frozen=True)
class _TimeSeriesRV(RandomVariable):
    """A series of ``steps`` values after ``n_init`` initial ones."""

    steps: int = 1

    n_init: ClassVar[int] = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.steps, int) or self.steps < 1:
            raise ValueError(f"{self.name}: steps must be an int >= 1, got {self.steps!r}")

    def core_size(self, dim: str, core: dict[str, int | None]) -> int | None:
        return self.steps + self.n_init if dim == TIME else super().core_size(dim, core)

    def __str__(self) -> str:
        return f"{self.name}_rv{{steps={self.steps}, {self.dtype}}}"

    __repr__ = __str__


@dataclasses.dataclass(frozen=True)
class RandomWalkRV(_TimeSeriesRV):
    """``x[0] ~ init``, ``x[t] = x[t-1] + e[t]``, ``e[t] ~ innovation``.

    Parameters are the initial family's, then the innovation family's; both
    families have the same support (scalars, or vectors for the multivariate
    walks), and the draw has the time axis before the support dims.

    Example:
        >>> from ppgraph.random.basic import NormalRV
        >>> op = RandomWalkRV(init=NormalRV(), innovation=NormalRV(), steps=9)
        >>> op.signature, op.params
        ('(),(),(),()->(time)', ('init_loc', 'init_scale', 'loc', 'scale'))
    """

    name: ClassVar[str] = "random_walk"

    init: RandomVariable | None = None
    innovation: RandomVariable | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.init, RandomVariable) or not isinstance(
            self.innovation, RandomVariable
        ):
            raise TypeError("RandomWalk: init and innovation must be random variable ops")
        if self.init.ndim_supp != self.innovation.ndim_supp:
            raise TypeError(
                "RandomWalk: init_dist and innovation_dist must have the same support "
                f"dimensionality; got {self.init.ndim_supp} and {self.innovation.ndim_supp}"
            )
        object.__setattr__(self, "dtype", self.innovation.dtype)

    @property
    def parts(self) -> tuple[RandomVariable, RandomVariable]:
        """``(init, innovation)``, known to be set."""
        assert self.init is not None and self.innovation is not None
        return self.init, self.innovation

    @property
    def signature(self) -> str:  # type: ignore[override]
        init, innov = self.parts
        core = _core_out(innov)
        out = f"({TIME}{',' + core if core else ''})"
        return ",".join([*_groups(init), *_groups(innov)]) + "->" + out

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        init, innov = self.parts
        return (*(f"init_{p}" for p in init.params), *innov.params)

    def param_dtype(self, i: int) -> str | None:
        init, innov = self.parts
        n = len(init.params)
        return init.param_dtype(i) if i < n else innov.param_dtype(i - n)

    def split(self, params: Any) -> tuple[list[Any], list[Any]]:
        """``(init parameters, innovation parameters)``."""
        n = len(self.parts[0].params)
        return list(params[:n]), list(params[n:])

    def __str__(self) -> str:
        init, innov = self.parts
        return f"random_walk_rv{{{init.name}, {innov.name}, steps={self.steps}, {self.dtype}}}"

    __repr__ = __str__


@dataclasses.dataclass(frozen=True)
class AutoRegressiveRV(_TimeSeriesRV):
    """AR(p): ``x[t] = c + sum_i rho[i] x[t-i] + sigma e[t]`` after ``ar_order``
    initial values drawn from ``init`` (a scalar family).

    Parameters are ``rho`` (``ar_order`` coefficients, after the constant ``c``
    when ``constant``), ``sigma``, then the initial family's, each with a last
    axis of size 1 or ``ar_order`` (the initial values' time axis).

    Example:
        >>> from ppgraph.random.basic import NormalRV
        >>> AutoRegressiveRV(init=NormalRV(), ar_order=2, steps=5).signature
        '(p),(),(o0),(o1)->(time)'
    """

    name: ClassVar[str] = "ar"

    init: RandomVariable | None = None
    ar_order: int = 1
    constant: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.init, RandomVariable) or self.init.ndim_supp > 1:
            raise TypeError(f"AR: init_dist must be a scalar or vector family, got {self.init!r}")
        if not isinstance(self.ar_order, int) or self.ar_order < 1:
            raise ValueError(f"AR: ar_order must be an int >= 1, got {self.ar_order!r}")

    @property
    def n_init(self) -> int:  # type: ignore[override]
        return self.ar_order

    @property
    def init_op(self) -> RandomVariable:
        assert self.init is not None
        return self.init

    @property
    def signature(self) -> str:  # type: ignore[override]
        # a scalar init's parameters carry the lags' axis (size 1 or ar_order)
        inits = [f"(o{i})" for i in range(len(self.init_op.params))]
        if self.init_op.ndim_supp:
            inits = _groups(self.init_op, rename="_init")
        return ",".join(["(p)", "()", *inits]) + f"->({TIME})"

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("rho", "sigma", *(f"init_{p}" for p in self.init_op.params))

    def param_dtype(self, i: int) -> str | None:
        return config.floatX if i < 2 else self.init_op.param_dtype(i - 2)

    def make_node(self, rng: Any, size: Any, *params: Any) -> Apply:
        node = super().make_node(rng, size, *params)
        shapes = [t.type.shape for t in node.inputs[2:] if isinstance(t.type, TensorType)]
        n_rho = self.ar_order + int(self.constant)
        if shapes[0][-1] not in (None, n_rho):
            raise ValueError(
                f"AR: rho has {shapes[0][-1]} coefficients on its last axis; expected {n_rho} "
                f"(ar_order={self.ar_order}, constant={self.constant})"
            )
        for name, s in zip(self.params[2:], shapes[2:], strict=True):
            if self.init_op.ndim_supp:
                break  # a vector init's length is checked by AR.dist
            if s[-1] not in (None, 1, self.ar_order):
                raise ValueError(
                    f"AR: init_dist has {s[-1]} initial values on its last axis ({name}); "
                    f"expected ar_order={self.ar_order}"
                )
        return node

    def __str__(self) -> str:
        const = ", constant" if self.constant else ""
        return f"ar_rv{{order={self.ar_order}{const}, steps={self.steps}, {self.dtype}}}"

    __repr__ = __str__


@dataclasses.dataclass(frozen=True)
class GARCH11RV(_TimeSeriesRV):
    """GARCH(1,1): ``x[t] ~ N(0, s[t])``, ``s[t]^2 = omega + alpha_1 x[t-1]^2 +
    beta_1 s[t-1]^2``, ``s[0] = initial_vol``.

    Example:
        >>> GARCH11RV(steps=3)
        garch11_rv{steps=3, float64}
    """

    name: ClassVar[str] = "garch11"
    signature: ClassVar[str] = f"(),(),(),()->({TIME})"
    params: ClassVar[tuple[str, ...]] = ("omega", "alpha_1", "beta_1", "initial_vol")


@dataclasses.dataclass(frozen=True)
class EulerMaruyamaRV(_TimeSeriesRV):
    """An SDE ``dx = f(x) dt + g(x) dW`` discretized by Euler-Maruyama:
    ``x[t] ~ N(x[t-1] + f dt, g sqrt(dt))``, ``(f, g) = sde_fn(x[t-1], *sde_pars)``,
    ``x[0] ~ init`` (a scalar family).

    Parameters are ``dt``, the initial family's, then the ``n_pars`` SDE parameters.

    Example:
        >>> from ppgraph.random.basic import NormalRV
        >>> op = EulerMaruyamaRV(init=NormalRV(), sde_fn=lambda x, k: (-k * x, 1.0), n_pars=1)
        >>> op.params
        ('dt', 'init_loc', 'init_scale', 'sde_par_0')
    """

    name: ClassVar[str] = "euler_maruyama"

    init: RandomVariable | None = None
    sde_fn: Callable[..., Any] | None = None
    n_pars: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.init, RandomVariable) or self.init.ndim_supp:
            raise TypeError(f"EulerMaruyama: init_dist must be a scalar family, got {self.init!r}")
        if not callable(self.sde_fn):
            raise TypeError(f"EulerMaruyama: sde_fn must be callable, got {self.sde_fn!r}")

    @property
    def init_op(self) -> RandomVariable:
        assert self.init is not None
        return self.init

    @property
    def signature(self) -> str:  # type: ignore[override]
        groups = ["()", *_groups(self.init_op), *["()"] * self.n_pars]
        return ",".join(groups) + f"->({TIME})"

    @property
    def params(self) -> tuple[str, ...]:  # type: ignore[override]
        pars = (f"sde_par_{i}" for i in range(self.n_pars))
        return ("dt", *(f"init_{p}" for p in self.init_op.params), *pars)

    def param_dtype(self, i: int) -> str | None:
        n = len(self.init_op.params)
        return self.init_op.param_dtype(i - 1) if 1 <= i <= n else config.floatX

    def split(self, params: Any) -> tuple[Any, list[Any], list[Any]]:
        """``(dt, init parameters, sde parameters)``."""
        n = len(self.init_op.params)
        return params[0], list(params[1 : 1 + n]), list(params[1 + n :])


__all__ = ["AutoRegressiveRV", "EulerMaruyamaRV", "GARCH11RV", "RandomWalkRV"]
