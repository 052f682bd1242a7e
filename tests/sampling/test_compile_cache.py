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
