"""``pt.extra_ops`` against NumPy: values in float64 and float32 under jit, static
shapes, and gradients against central differences."""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph.tensor as pt
from tests.helpers import compare_grad, compare_jax_and_py

RNG = np.random.default_rng(3)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumulative_ops_match_numpy(name: str, dtype: str) -> None:
    x = pt.tensor(dtype, shape=(None, 3), name="x")
    xv = RNG.uniform(0.5, 1.5, size=(4, 3)).astype(dtype)
    fn = getattr(pt, name)
    np_fn = getattr(np, name)
    outs = [fn(x), fn(x, axis=0), fn(x, axis=1), fn(x, axis=-1)]
    wants = [np_fn(xv), np_fn(xv, axis=0), np_fn(xv, axis=1), np_fn(xv, axis=-1)]
    compare_jax_and_py([x], outs, [xv], wants)
    assert outs[0].type.shape == (None,) and outs[1].type.shape == (None, 3)
    assert pt.extra_ops.__dict__[name] is fn


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumulative_ops_gradients(name: str) -> None:
    x = pt.matrix("x")
    xv = RNG.uniform(0.5, 1.5, size=(3, 4))
    np_fn = getattr(np, name)
    compare_grad([x], getattr(pt, name)(x, axis=0), [xv], lambda v: np_fn(v, axis=0))
    compare_grad([x], getattr(pt, name)(x), [xv], np_fn)


def test_cumsum_of_ints_and_bools_follows_numpy_dtypes() -> None:
    ints = np.array([1, 2, 3], dtype="int32")
    bools = np.array([True, False, True])
    for v in (ints, bools):
        out = pt.cumsum(pt.constant(v))
        assert out.dtype == str(np.cumsum(v).dtype)
        np.testing.assert_array_equal(out.eval(), np.cumsum(v))
    s = pt.cumsum(pt.constant(2.0))
    assert s.type.shape == (1,)
    np.testing.assert_array_equal(s.eval(), np.cumsum(2.0))


def test_cumsum_bad_axis_names_it() -> None:
    with pytest.raises(ValueError, match="axis 2 is out of range for a 2-d"):
        pt.cumsum(pt.matrix("m"), axis=2)
    with pytest.raises(ValueError, match="0-d"):
        pt.cumprod(pt.scalar("s"), axis=0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_diff_matches_numpy(dtype: str) -> None:
    x = pt.tensor(dtype, shape=(None, 5), name="x")
    xv = RNG.normal(size=(4, 5)).astype(dtype)
    cases = [{}, {"n": 2}, {"axis": 0}, {"n": 3, "axis": 0}, {"n": 0}, {"n": 6}]
    outs = [pt.diff(x, **kw) for kw in cases]
    compare_jax_and_py([x], outs, [xv], [np.diff(xv, **kw) for kw in cases])
    assert outs[0].type.shape == (None, 4) and outs[1].type.shape == (None, 3)
    b = np.array([True, True, False, True])
    np.testing.assert_array_equal(pt.diff(pt.constant(b)).eval(), np.diff(b))


def test_diff_gradient_and_bad_input() -> None:
    x = pt.matrix("x")
    xv = RNG.normal(size=(3, 4))
    compare_grad([x], pt.diff(x, n=2, axis=1), [xv], lambda v: np.diff(v, n=2, axis=1))
    with pytest.raises(ValueError, match="n must be a non-negative int, got -1"):
        pt.diff(x, n=-1)
    with pytest.raises(ValueError, match="0-d"):
        pt.diff(pt.scalar("s"))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_repeat_tile_sort_match_numpy(dtype: str) -> None:
    x = pt.tensor(dtype, shape=(2, 3), name="x")
    xv = RNG.normal(size=(2, 3)).astype(dtype)
    outs = [
        pt.repeat(x, 2),
        pt.repeat(x, 3, axis=1),
        pt.repeat(x, [2, 0], axis=0),
        pt.tile(x, 2),
        pt.tile(x, (2, 1, 2)),
        pt.sort(x),
        pt.sort(x, axis=0),
        pt.sort(x, axis=None),
        pt.argsort(x),
        pt.argsort(x, axis=None),
    ]
    wants = [
        np.repeat(xv, 2),
        np.repeat(xv, 3, axis=1),
        np.repeat(xv, [2, 0], axis=0),
        np.tile(xv, 2),
        np.tile(xv, (2, 1, 2)),
        np.sort(xv),
        np.sort(xv, axis=0),
        np.sort(xv, axis=None),
        np.argsort(xv, kind="stable"),
        np.argsort(xv, axis=None, kind="stable"),
    ]
    compare_jax_and_py([x], outs, [xv], wants)
    for o, w in zip(outs, wants, strict=True):
        assert o.type.shape == w.shape, o


def test_repeat_tile_sort_gradients() -> None:
    x = pt.matrix("x")
    xv = RNG.normal(size=(2, 3))
    compare_grad([x], pt.repeat(x, [1, 3], axis=0), [xv], lambda v: np.repeat(v, [1, 3], axis=0))
    compare_grad([x], pt.tile(x, (2, 2)), [xv], lambda v: np.tile(v, (2, 2)))
    compare_grad([x], pt.sort(x, axis=1), [xv], lambda v: np.sort(v, axis=1))


def test_repeat_and_tile_need_static_counts() -> None:
    n = pt.scalar("n", dtype="int64")
    with pytest.raises(TypeError, match="repeat: repeats is the symbolic variable n"):
        pt.repeat(pt.vector("v"), n)
    with pytest.raises(TypeError, match="tile: reps is the symbolic variable n"):
        pt.tile(pt.vector("v"), n)
    with pytest.raises(ValueError, match="3 counts for an axis of length 2"):
        pt.repeat(pt.constant([1.0, 2.0]), [1, 2, 3], axis=0)
    with pytest.raises(ValueError, match="repeats must be >= 0"):
        pt.repeat(pt.vector("v"), -1)


def test_extra_ops_module_has_pytensors_names() -> None:
    for name in ["cumsum", "cumprod", "diff", "repeat", "squeeze", "broadcast_to"]:
        assert getattr(pt.extra_ops, name) is getattr(pt, name)


def test_new_ops_under_vmap_match_numpy_per_row() -> None:
    import jax

    import ppgraph as pg

    x = pt.tensor("float32", shape=(3,), name="x")
    outs = [
        pt.cumsum(x),
        pt.diff(x),
        pt.sort(x),
        pt.repeat(x, 2),
        pt.tile(x, 2),
        pt.diag(x),
        pt.softmax(x, axis=0),
        pt.einsum("i,j->ij", x, x),
    ]
    f = pg.function([x], outs)
    batch = RNG.normal(size=(4, 3)).astype("float32")
    got = jax.jit(jax.vmap(f.jax_fn))(batch)
    fns = [np.cumsum, np.diff, np.sort, lambda r: np.repeat(r, 2), lambda r: np.tile(r, 2), np.diag]
    fns += [lambda r: np.exp(r) / np.exp(r).sum(), lambda r: np.outer(r, r)]
    for g, fn in zip(got, fns, strict=True):
        assert g.dtype == np.float32
        np.testing.assert_allclose(np.asarray(g), np.stack([fn(r) for r in batch]), rtol=2e-6)


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_matches_numpy(side: str) -> None:
    x = pt.vector("x")
    v = pt.matrix("v")
    xv = np.array([0.0, 1.0, 1.0, 2.5, 4.0])
    vv = np.array([[-1.0, 1.0, 3.0], [4.0, 5.0, 1.0]])
    out = pt.extra_ops.searchsorted(x, v, side=side)
    assert out.dtype == "int64" and out.type.shape == (None, None)
    compare_jax_and_py([x, v], out, [xv, vv], np.searchsorted(xv, vv, side=side))
    with pytest.raises(ValueError, match="side must be 'left' or 'right', got 'middle'"):
        pt.extra_ops.searchsorted(x, v, side="middle")
