"""``pg.draw``: many draws of one or more variables in one jitted, vectorized call.

Every random variable in the graph has its own key (a shared variable). For a
draw, those keys become inputs: ``draws * n_keys`` fresh keys are split from
one seed, and the graph's pure JAX function is ``vmap``-ed over the draws.
Variables drawn together are drawn jointly (a child from its parent's draw).
"""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.backend.jax.dispatch.check import collecting_checks
from ppgraph.compile import _compiled, _needs_x64
from ppgraph.errors import ParameterValueError
from ppgraph.graph.basic import SharedVariable, Variable
from ppgraph.graph.traversal import ancestors, graph_inputs
from ppgraph.model.missing import DATA_TAG, check_data_value
from ppgraph.random.op import RandomKeyType, is_random_variable
from ppgraph.sampling.seeds import seed_data

_Built = tuple[Callable[..., Any], list[SharedVariable]]
# (outputs, draws) -> (jitted draw, shared inputs, whether it needs 64-bit JAX)
_cache: collections.OrderedDict[tuple[Any, ...], tuple[Any, ...]] = collections.OrderedDict()
# (outputs, draws) -> the messages of the Checks whose flags a draw returns (set when traced)
_messages: dict[tuple[Any, ...], list[str]] = {}
_lock = threading.Lock()


def parameter_guard(outputs: Sequence[Variable]) -> Variable | None:
    """A scalar under the parameter Checks of every random variable ``outputs``
    depend on (``Check{sigma > 0}`` of their log-densities), so a draw in "raise"
    mode refuses invalid parameters as the log-density does (None: no Check).

    Example:
        >>> import ppgraph as pg
        >>> from ppgraph.sampling.draw import parameter_guard
        >>> x = pg.Normal.dist(0.0, 1.0)
        >>> x.name = "x"
        >>> str(parameter_guard([2.0 * x]).owner.op)
        'Check{sigma > 0}'
    """
    from ppgraph.logprob.basic import logp, split_checks
    from ppgraph.tensor.type import constant

    guards = []
    for v in ancestors(list(outputs)):
        if is_random_variable(v):
            try:
                term = logp(v, v)
            except (NotImplementedError, TypeError, ValueError):  # no density to check
                continue
            zero = constant(0.0, dtype=term.dtype)
            guards += [op(zero, *conds) for op, conds in split_checks(term)[1]]
    if not guards:
        return None
    total = guards[0]
    for g in guards[1:]:
        total = total + g
    return total


def _build(outputs: list[Variable], keys: list[SharedVariable], n: int | None) -> _Built:
    guard = parameter_guard(outputs)
    c = _compiled(list(keys), outputs + ([guard] if guard is not None else []), True, "raise")
    raw = c.raw
    n_keys = len(keys)
    messages = _messages.setdefault((tuple(outputs), n), [])

    def one(key_data: Any, shared: Sequence[Any]) -> Any:
        with collecting_checks() as found:
            outs = raw(*[key_data[i] for i in range(n_keys)], *shared)
        messages[:] = [msg for msg, _ in found]
        oks = jnp.stack([jnp.all(ok) for _, ok in found]) if found else jnp.ones(0, bool)
        return list(outs)[: len(outputs)], oks

    def run(seed: Any, shared: Sequence[Any]) -> Any:
        typed = jax.dtypes.issubdtype(seed.dtype, jax.dtypes.prng_key)
        key = seed if typed else jax.random.wrap_key_data(seed)
        count = 1 if n is None else n
        data = jax.random.key_data(jax.random.split(key, count * max(n_keys, 1)))
        data = data.reshape(count, max(n_keys, 1), -1)
        if n is None:
            return one(data[0], shared)
        outs, oks = jax.vmap(one, in_axes=(0, None))(data, shared)
        return outs, jnp.all(oks, axis=0)

    return jax.jit(run), c.shared


def draw(
    vars: Variable | Sequence[Variable],
    draws: int | None = None,
    random_seed: Any = None,
) -> Any:
    """Draws of ``vars``: shape ``(draws, *var.shape)``, or one draw if ``draws`` is None.

    A list of variables gives a list, drawn jointly. The same ``random_seed``
    gives the same draws; without one, each call differs.

    Example:
        >>> import ppgraph as pg
        >>> x = pg.Normal.dist(mu=0.0, sigma=1.0)
        >>> pg.draw(x, draws=1000, random_seed=1).shape
        (1000,)
    """
    single = isinstance(vars, Variable)
    outputs = [vars] if isinstance(vars, Variable) else list(vars)
    bad = [v for v in outputs if not isinstance(v, Variable)]
    if bad:
        raise TypeError(f"draw takes a variable or a list of variables, got {bad[0]!r}")
    if draws is not None and (
        not isinstance(draws, int | np.integer) or isinstance(draws, bool) or draws < 1
    ):
        raise ValueError(f"draws must be a positive int or None, got {draws!r}")
    n = None if draws is None else int(draws)
    cache_key = (tuple(outputs), n)
    with _lock:
        hit = _cache.get(cache_key)
    if hit is None:
        keys = [
            v
            for v in graph_inputs(outputs)
            if isinstance(v, SharedVariable) and isinstance(v.type, RandomKeyType)
        ]
        hit = (*_build(outputs, keys, n), _needs_x64(outputs))
        with _lock:
            _cache[cache_key] = hit
            while len(_cache) > 128:
                _messages.pop(_cache.popitem(last=False)[0], None)
    fn, shared, x64 = hit
    values = [s.get_value() for s in shared]
    for s, value in zip(shared, values, strict=True):
        if s.tag.get(DATA_TAG):  # NaN given through pg.set_data is an error, not NaN draws
            check_data_value(str(s.name), value, "pg.draw")
    with jax.enable_x64(True) if x64 else contextlib.nullcontext():
        res, oks = fn(seed_data(random_seed), values)
    flags = np.asarray(oks).reshape(-1)
    if not flags.all():
        messages = _messages.get(cache_key, [])
        failed = dict.fromkeys(m for m, ok in zip(messages, flags, strict=True) if not ok)
        raise ParameterValueError("; ".join(failed))
    out = [np.asarray(r) for r in res]
    return out[0] if single else out
