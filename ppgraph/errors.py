"""The exceptions ppgraph raises for a user's mistake."""

from __future__ import annotations


class ParameterValueError(ValueError):
    """A parameter is outside its domain (a failing ``Check`` in "raise" mode).

    The message names the variable and the condition, e.g. ``z: sigma > 0``.
    """


class MissingInputError(ValueError):
    """A graph needs an input that was not given."""


class InputError(TypeError):
    """A compiled function got a value of the wrong type, dtype or shape."""
