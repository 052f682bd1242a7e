"""Time to first posterior: warm-up + sampling compiled once per model in a
process, and JAX's persistent compilation cache used from ppgraph's first
compile on (never at import, never over the user's own cache folder)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ppgraph as pg
from ppgraph.compile_cache import cache_dir
from ppgraph.sampling.blackjax_nuts import _compiled_run


def test_a_second_sample_of_the_same_model_reuses_the_compiled_run() -> None:
    pytest.importorskip("blackjax")
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        pg.Normal("y", mu, 1.0, observed=np.array([0.1, -0.3, 0.7]))
    runs = []
    for _ in range(2):
        ld, _ = pg.logdensity(m)  # what each pg.sample call builds
        runs.append(_compiled_run(ld, 10, 10, 2, 0.8, False, "vectorized"))
    assert runs[0] is runs[1]
    ld, _ = pg.logdensity(m)
    assert _compiled_run(ld, 10, 11, 2, 0.8, False, "vectorized") is not runs[0]


SCRIPT = """
import json, sys, jax
import ppgraph as pg, ppgraph.tensor as pt
before = jax.config.jax_compilation_cache_dir
pg.config.compile_cache = sys.argv[1] == "on"
x = pt.vector("x")
f = pg.function([x], pt.sum(pt.sin(x) ** 2))
f([1.0, 2.0])
print(json.dumps([before, jax.config.jax_compilation_cache_dir]))
"""


def _run(tmp: Path, flag: str, **env: str) -> list[str | None]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("JAX_COMPILATION")}
    full.update(PPGRAPH_CACHE_DIR=str(tmp), JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0")
    full.update(env)
    res = subprocess.run(
        [sys.executable, "-c", SCRIPT, flag], env=full, capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stderr
    return list(json.loads(res.stdout.strip().splitlines()[-1]))


def test_persistent_cache_folder_opt_out_and_the_users_own_folder(tmp_path: Path) -> None:
    ours = tmp_path / "jax"
    # on: nothing set at import, our folder set at the first compile, entries written
    before, after = _run(tmp_path, "on")
    assert before is None and after == str(ours)
    assert any(ours.glob("jit_*-cache")), list(ours.iterdir())
    # opted out by pg.config: JAX's setting untouched
    other = tmp_path / "off"
    assert _run(other, "off") == [None, None] and not other.exists()
    # the user's own folder is left as it is, and ours is not used
    mine = tmp_path / "mine"
    assert _run(tmp_path / "unused", "on", JAX_COMPILATION_CACHE_DIR=str(mine)) == [str(mine)] * 2
    assert any(mine.glob("jit_*-cache")) and not (tmp_path / "unused").exists()


def test_cache_dir_follows_ppgraph_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPGRAPH_CACHE_DIR", "/somewhere")
    assert cache_dir() == Path("/somewhere/jax")
    monkeypatch.delenv("PPGRAPH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    if sys.platform.startswith("linux"):
        assert cache_dir() == Path("/xdg/ppgraph/jax")


def test_stored_executable_is_loaded_and_a_broken_file_is_compiled_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jax
    import jax.numpy as jnp

    from ppgraph import compile_cache

    monkeypatch.setattr(compile_cache, "executables_dir", lambda: tmp_path)
    calls: list[int] = []

    def jitted() -> object:
        def f(x: jax.Array) -> jax.Array:
            calls.append(1)  # once per trace
            return jnp.cumsum(x) * 3.0

        return jax.jit(f)  # a new function each time: jit's own cache is not hit

    x = jnp.arange(4.0)
    tree = jax.tree.structure(x)
    first = compile_cache.load_or_compile(jitted(), (x,), "k1", tree)
    assert len(calls) == 1 and [p.name for p in tmp_path.iterdir()] == ["k1.xla"]
    again = compile_cache.load_or_compile(jitted(), (x,), "k1", tree)
    assert len(calls) == 1  # loaded: not traced
    np.testing.assert_array_equal(again(x), np.cumsum(np.arange(4.0)) * 3.0)
    np.testing.assert_array_equal(first(x), again(x))
    (tmp_path / "k1.xla").write_bytes(b"not an executable")
    anew = compile_cache.load_or_compile(jitted(), (x,), "k1", tree)
    assert len(calls) == 2
    np.testing.assert_array_equal(anew(x), np.cumsum(np.arange(4.0)) * 3.0)
    # an output structure that is not the program's: run, but nothing stored
    compile_cache.load_or_compile(jitted(), (x,), "k2", jax.tree.structure((x, x)))
    assert not (tmp_path / "k2.xla").exists()


def test_a_stored_program_that_fails_when_run_is_compiled_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # XLA:CPU can load a stored program that then misses a kernel when called
    # ("Function ... not found"): the first call falls back to a fresh compile.
    import jax
    import jax.numpy as jnp
    from jax.experimental import serialize_executable as se

    from ppgraph import compile_cache

    monkeypatch.setattr(compile_cache, "executables_dir", lambda: tmp_path)
    x = jnp.arange(3.0)
    tree = jax.tree.structure(x)
    f = jax.jit(lambda v: v * 2.0)
    compile_cache.load_or_compile(f, (x,), "k", tree)
    assert (tmp_path / "k.xla").exists()

    def broken(*_: object) -> object:
        def run(*__: object) -> object:
            raise RuntimeError("Function iota_convert_fusion not found")

        return run

    monkeypatch.setattr(se, "deserialize_and_load", broken)
    run = compile_cache.load_or_compile(f, (x,), "k", tree)
    np.testing.assert_array_equal(run(x), [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(run(x + 1.0), [2.0, 4.0, 6.0])
    assert not (tmp_path / "k.xla").exists()  # the bad file is gone


def test_fingerprint_sees_constants_and_shapes_not_addresses() -> None:
    import jax.numpy as jnp

    from ppgraph.compile_cache import fingerprint

    c1, c2 = np.eye(3), np.eye(3) * 2.0
    a = fingerprint(lambda x: jnp.asarray(c1) @ x, np.ones(3))
    assert a == fingerprint(lambda x: jnp.asarray(c1.copy()) @ x, np.zeros(3))
    assert a != fingerprint(lambda x: jnp.asarray(c2) @ x, np.ones(3))
    assert a != fingerprint(lambda x: jnp.asarray(c1) @ x, np.ones((3, 2)))


def test_progress_bar_on_gives_the_draws_of_the_bar_off() -> None:
    """With the bar on the draws run in host-driven blocks; each draw's key is
    fold_in(chain key, index), so they are the draws of the single scan."""
    pytest.importorskip("blackjax")
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        pg.Normal("y", mu, 1.0, observed=np.array([0.1, -0.3, 0.7]))
    kw = dict(draws=23, tune=17, chains=2, random_seed=5, model=m,
              compute_convergence_checks=False, log_likelihood=False)  # fmt: skip
    off = pg.sample(progress_bar=False, **kw)  # type: ignore[arg-type]
    on = pg.sample(progress_bar=True, **kw)  # type: ignore[arg-type]
    np.testing.assert_array_equal(on.posterior["mu"].values, off.posterior["mu"].values)
    for stat in ("step_size", "tree_depth", "energy"):
        np.testing.assert_array_equal(on.sample_stats[stat].values, off.sample_stats[stat].values)


def test_block_length_wastes_few_steps() -> None:
    from ppgraph.sampling.blackjax_nuts import _block_length

    for tune, draws in [(1000, 1000), (50, 50), (0, 7), (200, 997), (5000, 10)]:
        n = _block_length(tune, draws)
        blocks = -(-draws // n)
        assert 1 <= n <= max(1, min(200, (tune + draws) // 20, draws)) or n == draws
        assert blocks * n - draws < blocks  # under one wasted step per block


SECOND_RUN = """
import json, sys, time
import blackjax, jax, numpy as np
traced = []
for owner, name in ((blackjax, "window_adaptation"), (jax.lax, "scan")):
    real = getattr(owner, name)
    setattr(owner, name, lambda *a, _r=real, _n=name, **k: traced.append(_n) or _r(*a, **k))
import ppgraph as pg
pg.config.compile_cache = sys.argv[1] == "on"
with pg.Model() as m:
    s = pg.HalfNormal("s", 1.0)
    pg.Normal("y", 0.0, s, observed=np.array([0.4, -1.2, 0.3, 2.0]))
idata = pg.sample(draws=30, tune=30, chains=2, random_seed=3, model=m, progress_bar=True,
                  compute_convergence_checks=False)
print(json.dumps({"traced": sorted(set(traced)), "s": idata.posterior["s"].values.tolist()}))
"""


@pytest.mark.slow
def test_a_new_process_loads_the_sampler_programs_without_tracing(tmp_path: Path) -> None:
    """Two fresh processes sample the same model with the progress bar on: the
    second traces neither BlackJAX's warm-up nor the draws' scan (they are loaded
    from the cache folder) and gives the same draws; opted out, nothing is stored."""
    pytest.importorskip("blackjax")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAX_COMPILATION")}
    env["PPGRAPH_CACHE_DIR"] = str(tmp_path)

    def run(flag: str) -> dict[str, object]:
        res = subprocess.run([sys.executable, "-c", SECOND_RUN, flag], env=env,
                             capture_output=True, text=True, timeout=600)  # fmt: skip
        assert res.returncode == 0, res.stderr[-3000:]
        return dict(json.loads(res.stdout.strip().splitlines()[-1]))

    first, second = run("on"), run("on")
    assert first["traced"] == ["scan", "window_adaptation"]
    assert second["traced"] == [] and second["s"] == first["s"]
    assert len(list((tmp_path / "executables").glob("*.xla"))) == 2  # warm-up, draws
    env["PPGRAPH_CACHE_DIR"] = str(tmp_path / "off")
    assert run("off")["traced"] == ["scan", "window_adaptation"]
    assert not (tmp_path / "off").exists()
