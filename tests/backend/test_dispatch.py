"""The JAX dispatch table: coverage of the tensor ops, and behaviour under the
user's own jax transformations."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.backend.jax.dispatch import jax_funcify
from ppgraph.graph.basic import Op
from ppgraph.tensor import elemwise, linalg, reduction, shape, subtensor


def _op_classes() -> list[type]:
    found = []
    for module in (elemwise, linalg, reduction, shape, subtensor):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Op) and obj.__module__ == module.__name__:
                if not obj.__name__.startswith("_"):
                    found.append(obj)
    return found


@pytest.mark.parametrize("cls", _op_classes(), ids=lambda c: c.__name__)
def test_every_tensor_op_has_a_lowering(cls: type) -> None:
    assert jax_funcify.dispatch(cls) is not jax_funcify.dispatch(Op), cls


def test_jax_fn_under_vmap_matches_a_loop() -> None:
    x = pt.matrix("x")
    w = pt.vector("w")
    out = pt.logsumexp(x * w, axis=0) + x.reshape((-1,))[: x.shape[1]] @ w
    f = pg.function([x, w], out)
    xs = np.arange(24.0).reshape(4, 2, 3) / 10
    wv = np.array([1.0, -1.0, 0.5])
    with jax.enable_x64(True):
        got = jax.vmap(f.jax_fn, in_axes=(0, None))(xs, wv)
    np.testing.assert_allclose(got, [f(xv, wv) for xv in xs], rtol=1e-12)


def test_float32_graph_runs_without_64_bit_jax() -> None:
    with pg.config.change_flags(floatX="float32"):
        x = pt.vector("x")
        out = pt.exp(x).sum() / x.shape[0]
        f = pg.function([x], out)
    assert not jax.config.jax_enable_x64
    got = jax.jit(f.jax_fn)(np.ones(3, dtype="float32"))
    assert got.dtype == np.float32
    assert float(got) == pytest.approx(np.e, rel=1e-6)


def test_float64_calls_leave_jax_global_config_alone() -> None:
    x = pt.scalar("x")
    assert pg.function([x], x * 2)(1.5) == 3.0
    assert not jax.config.jax_enable_x64
