"""Settings: the default float dtype and what a failing Check does.

Changing these never touches JAX's global configuration: float64 graphs are
computed inside ``jax.enable_x64`` scopes opened by ppgraph's own calls.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Literal

CheckMode = Literal["raise", "-inf", "off"]
CHECK_MODES: tuple[str, ...] = ("raise", "-inf", "off")
FLOAT_DTYPES: tuple[str, ...] = ("float64", "float32", "float16", "bfloat16")


class Config:
    """ppgraph's settings.

    Attributes:
        floatX: dtype of new float variables and of Python floats ("float64" or "float32").
        check_mode: what a failing ``Check`` does in compiled functions:
            ``"raise"`` (a ``ParameterValueError``), ``"-inf"`` (the log-density
            becomes -inf) or ``"off"``.

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

    @contextlib.contextmanager
    def change_flags(self, **flags: str) -> Iterator[Config]:
        """Set flags for the duration of a ``with`` block."""
        unknown = set(flags) - {"floatX", "check_mode"}
        if unknown:
            raise TypeError(
                f"unknown config flag(s) {sorted(unknown)}; known: ['check_mode', 'floatX']"
            )
        old = {k: getattr(self, k) for k in flags}
        try:
            for k, v in flags.items():
                setattr(self, k, v)
            yield self
        finally:
            for k, v in old.items():
                setattr(self, k, v)

    def __repr__(self) -> str:
        return f"Config(floatX={self.floatX!r}, check_mode={self.check_mode!r})"


def validate_check_mode(mode: str) -> CheckMode:
    """Return ``mode`` if it is a known check mode, else raise ValueError."""
    if mode not in CHECK_MODES:
        raise ValueError(f"check mode must be one of {list(CHECK_MODES)}, got {mode!r}")
    return mode  # type: ignore[return-value]


config = Config()
