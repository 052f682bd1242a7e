"""Settings: the default float dtype, what a failing Check does, the size
limit of constant folding, and the persistent compilation cache.

Changing these never touches JAX's global configuration: float64 graphs are
computed inside ``jax.enable_x64`` scopes opened by ppgraph's own calls.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Literal

CheckMode = Literal["raise", "-inf", "off"]
CHECK_MODES: tuple[str, ...] = ("raise", "-inf", "off")
FLOAT_DTYPES: tuple[str, ...] = ("float64", "float32", "float16", "bfloat16")
FLAGS: tuple[str, ...] = ("check_mode", "compile_cache", "floatX", "fold_max_size")


class Config:
    """ppgraph's settings, each an attribute of ``pg.config``:

    - ``floatX``: dtype of new float variables and of Python floats
      (``"float64"`` or ``"float32"``).
    - ``check_mode``: what a failing ``Check`` does in compiled functions:
      ``"raise"`` (a ``ParameterValueError``), ``"-inf"`` (the log-density
      becomes -inf) or ``"off"``.
    - ``fold_max_size``: the most elements a constant made by folding may have
      (a subgraph of constants, like the Cholesky factor of a constant
      covariance, is computed once at compile time; a larger result is
      computed at every call instead). Default 1,000,000.
    - ``compile_cache``: whether ``pg.sample``, ``pg.logdensity`` and compiled
      functions use JAX's persistent compilation cache in a per-user folder
      (see ``ppgraph.compile_cache``), so a new process skips XLA's compile of
      a program compiled before. Default True; it is never switched on when you
      set ``jax_compilation_cache_dir`` yourself.

    Example:
        >>> import ppgraph as pg
        >>> with pg.config.change_flags(floatX="float32"):
        ...     pg.config.floatX
        'float32'
        >>> pg.config.floatX
        'float64'
    """

    def __init__(self) -> None:
        self._floatX = "float64"
        self._check_mode: CheckMode = "raise"
        self._fold_max_size = 1_000_000
        self._compile_cache = True

    @property
    def floatX(self) -> str:
        return self._floatX

    @floatX.setter
    def floatX(self, value: str) -> None:
        if value not in FLOAT_DTYPES:
            raise ValueError(f"floatX must be one of {FLOAT_DTYPES}, got {value!r}")
        self._floatX = value

    @property
    def check_mode(self) -> CheckMode:
        return self._check_mode

    @check_mode.setter
    def check_mode(self, value: CheckMode) -> None:
        self._check_mode = validate_check_mode(value)

    @property
    def fold_max_size(self) -> int:
        return self._fold_max_size

    @fold_max_size.setter
    def fold_max_size(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"fold_max_size must be an int >= 0, got {value!r}")
        self._fold_max_size = value

    @property
    def compile_cache(self) -> bool:
        return self._compile_cache

    @compile_cache.setter
    def compile_cache(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise ValueError(f"compile_cache must be True or False, got {value!r}")
        self._compile_cache = value

    @contextlib.contextmanager
    def change_flags(self, **flags: Any) -> Iterator[Config]:
        """Set flags for the duration of a ``with`` block."""
        unknown = set(flags) - set(FLAGS)
        if unknown:
            raise TypeError(f"unknown config flag(s) {sorted(unknown)}; known: {sorted(FLAGS)}")
        old = {k: getattr(self, k) for k in flags}
        try:
            for k, v in flags.items():
                setattr(self, k, v)
            yield self
        finally:
            for k, v in old.items():
                setattr(self, k, v)

    def __repr__(self) -> str:
        return (
            f"Config(floatX={self.floatX!r}, check_mode={self.check_mode!r}, "
            f"fold_max_size={self.fold_max_size!r}, compile_cache={self.compile_cache!r})"
        )


def validate_check_mode(mode: str) -> CheckMode:
    """Return ``mode`` if it is a known check mode, else raise ValueError."""
    if mode not in CHECK_MODES:
        raise ValueError(f"check mode must be one of {list(CHECK_MODES)}, got {mode!r}")
    return mode  # type: ignore[return-value]


config = Config()
