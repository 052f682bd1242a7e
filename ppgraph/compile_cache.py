"""JAX's persistent compilation cache in a per-user folder, switched on when
ppgraph first compiles (never at import).

A second process that compiles the same program (``pg.sample`` on the same
model, chain count and draws) loads XLA's executable from the cache instead
of compiling it again. Only programs whose compile took at least
``jax_persistent_cache_min_compile_time_secs`` (JAX's default: 1 s) are
written, so small functions do not fill the folder.

The cache is JAX's own, so once it is on it also holds your other jitted
programs of that process. It is left alone when you have set
``jax_compilation_cache_dir`` yourself (or the ``JAX_COMPILATION_CACHE_DIR``
environment variable), and never switched on when ``pg.config.compile_cache``
is False at the first compile.

JAX's cache skips XLA's compile only: the program is still traced and
lowered, which for BlackJAX's warm-up and NUTS is most of what is left of a
second run. ``load_or_compile`` goes further for the programs ``pg.sample``
runs: it stores the compiled executable itself (``jax.experimental.
serialize_executable``) under a digest of what determines it (the
log-density's jaxpr and constants, the driver's source, the settings, the
argument shapes, the versions and the device), so a new process loads it
without tracing anything.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jax
import numpy as np

from ppgraph.config import config

_lock = threading.Lock()
_state: dict[str, Path | None] = {}  # "dir": the folder set by ppgraph (None: not set)


def cache_dir() -> Path:
    """The per-user folder ppgraph points JAX's compilation cache to:
    ``$PPGRAPH_CACHE_DIR``, else the platform's user cache folder
    (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux) plus ``ppgraph/jax``.

    Example:
        >>> from ppgraph.compile_cache import cache_dir
        >>> cache_dir().name
        'jax'
    """
    own = os.environ.get("PPGRAPH_CACHE_DIR")
    if own:
        return Path(own) / "jax"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ppgraph" / "jax"


def use_compile_cache() -> Path | None:
    """Point JAX's persistent compilation cache to ``cache_dir()``, once per
    process, unless ``pg.config.compile_cache`` is False or the user set
    ``jax_compilation_cache_dir``. Returns the folder ppgraph set (None when
    it set none). Called by ppgraph before it compiles.

    Example:
        >>> import ppgraph as pg
        >>> from ppgraph.compile_cache import use_compile_cache
        >>> with pg.config.change_flags(compile_cache=False):
        ...     use_compile_cache() is None or use_compile_cache().name == "jax"
        True
    """
    with _lock:
        if "dir" in _state:
            return _state["dir"]
        if not config.compile_cache:
            return None  # asked again at the next compile: the flag may change
        chosen: Path | None = None
        if not jax.config.jax_compilation_cache_dir:  # type: ignore[attr-defined]
            chosen = cache_dir()
            try:
                chosen.mkdir(parents=True, exist_ok=True)
                jax.config.update("jax_compilation_cache_dir", str(chosen))
            except OSError:  # a read-only home: compile as before
                chosen = None
        _state["dir"] = chosen
        return chosen


# Executables kept in the folder: beyond this many, the least recently used go.
MAX_EXECUTABLES = 64
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def executables_dir() -> Path | None:
    """The folder of ``pg.sample``'s compiled programs: ``executables`` beside
    the JAX cache folder ppgraph chose, or ``ppgraph-executables`` inside the
    one you set yourself; None when ``pg.config.compile_cache`` is False (or no
    JAX cache folder is usable).

    Example:
        >>> from ppgraph.compile_cache import executables_dir
        >>> executables_dir() is None or executables_dir().name.endswith("executables")
        True
    """
    if not config.compile_cache:
        return None
    ours = use_compile_cache()
    if ours is not None:
        return ours.parent / "executables"
    theirs = jax.config.jax_compilation_cache_dir  # type: ignore[attr-defined]
    return Path(theirs) / "ppgraph-executables" if theirs else None


def fingerprint(fn: Callable[..., Any], *args: Any, differentiate: bool = False) -> str:
    """A digest of what ``fn`` computes at the shapes and dtypes of ``args``:
    its jaxpr as text (function addresses left out: they change from process to
    process) and the bytes of the constants it closes over.

    Example:
        >>> import jax.numpy as jnp
        >>> from ppgraph.compile_cache import fingerprint
        >>> a = fingerprint(lambda x: jnp.sin(x) * 2.0, jnp.ones(3))
        >>> a == fingerprint(lambda x: jnp.sin(x) * 2.0, jnp.zeros(3))
        True
        >>> a == fingerprint(lambda x: jnp.sin(x) * 3.0, jnp.ones(3))
        False

    A custom derivative rule appears in a jaxpr by its name only, so a program
    that differentiates ``fn`` (a sampler's) is keyed with ``differentiate=True``:
    the jaxpr of ``jax.value_and_grad(fn)``, with the rules' bodies written out.

        >>> import jax
        >>> def twice(slope):
        ...     @jax.custom_jvp
        ...     def f(x):
        ...         return jnp.sin(x)
        ...     f.defjvp(lambda p, t: (f(p[0]), slope * t[0]))
        ...     return lambda x: jnp.sum(f(x))
        >>> fingerprint(twice(1.0), jnp.ones(3)) == fingerprint(twice(2.0), jnp.ones(3))
        True
        >>> (fingerprint(twice(1.0), jnp.ones(3), differentiate=True)
        ...  == fingerprint(twice(2.0), jnp.ones(3), differentiate=True))
        False
    """
    closed = jax.make_jaxpr(jax.value_and_grad(fn) if differentiate else fn)(*args)
    h = hashlib.sha256(_ADDRESS.sub("", str(closed)).encode())
    for c in closed.consts:
        arr = np.asarray(c)
        h.update(f"{arr.dtype}{arr.shape}".encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def digest(parts: Sequence[Any]) -> str:
    """A digest of ``parts`` (their ``repr``) with the versions, platform and XLA
    flags that decide a compiled program.

    Example:
        >>> from ppgraph.compile_cache import digest
        >>> digest(["warm", 100]) == digest(["warm", 100]) != digest(["warm", 101])
        True
    """
    import jaxlib

    env = (jax.__version__, jaxlib.__version__, os.environ.get("XLA_FLAGS", ""),
           jax.default_backend(), [d.device_kind for d in jax.devices()])  # fmt: skip
    return hashlib.sha256(repr((env, *parts)).encode()).hexdigest()


def load_or_compile(
    jitted: Any, args: Sequence[Any], key: str, out_tree: Any
) -> Callable[..., Any]:
    """``jitted`` compiled for ``args``: loaded from ``executables_dir()`` when an
    earlier process stored it under ``key``, else compiled and stored there.
    ``out_tree`` (the structure of the outputs) must be known without tracing;
    nothing is stored if it differs from the compiled program's. A file that
    does not load (another JAX, a truncated write) is compiled anew.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from ppgraph.compile_cache import load_or_compile
        >>> f = jax.jit(lambda x: 2.0 * x)
        >>> x = jnp.ones(2)
        >>> run = load_or_compile(f, (x,), "doctest-2x", jax.tree.structure(x))
        >>> run(x).tolist()
        [2.0, 2.0]
    """
    from jax.experimental import serialize_executable as se

    folder = executables_dir()
    if folder is None:
        return jitted
    in_tree = jax.tree.structure((tuple(args), {}))
    path = folder / f"{key}.xla"
    if path.exists():
        try:
            blob = zlib.decompress(path.read_bytes())
            loaded = se.deserialize_and_load(blob, in_tree, out_tree)
            os.utime(path)  # recently used
            return _checked_on_first_call(loaded, jitted, args, path)
        except Exception:  # a stale or broken file: compile anew
            path.unlink(missing_ok=True)
    return _compile_and_store(jitted, args, path, in_tree, out_tree)


def _checked_on_first_call(
    loaded: Callable[..., Any], jitted: Any, args: Sequence[Any], path: Path
) -> Callable[..., Any]:
    """``loaded``, unless its first call fails (XLA:CPU can load a stored program
    that then misses one of its kernels at run time): then the file is removed and
    the program compiled anew in this process, and that one runs from then on."""
    state: dict[str, Callable[..., Any]] = {}

    def run(*call_args: Any) -> Any:
        if "fn" in state:
            return state["fn"](*call_args)
        try:
            out = jax.block_until_ready(loaded(*call_args))
            state["fn"] = loaded
        except Exception:
            path.unlink(missing_ok=True)
            state["fn"] = jitted.lower(*args).compile()
            out = state["fn"](*call_args)
        return out

    return run


def _compile_and_store(
    jitted: Any, args: Sequence[Any], path: Path, in_tree: Any, out_tree: Any
) -> Callable[..., Any]:
    from jax.experimental import serialize_executable as se

    folder = path.parent
    compiled = jitted.lower(*args).compile()
    try:
        blob, tin, tout = se.serialize(compiled)
        if tin == in_tree and tout == out_tree:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f"{path.stem}.{os.getpid()}.tmp"
            tmp.write_bytes(zlib.compress(blob, 1))
            os.replace(tmp, path)  # atomic: a reader never sees half a file
            _prune(folder)
    except Exception:  # not serializable, read-only folder: run it anyway
        pass
    return compiled


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.xla"), key=lambda p: p.stat().st_mtime)
    for old in files[: max(0, len(files) - MAX_EXECUTABLES)]:
        old.unlink(missing_ok=True)


__all__ = [
    "cache_dir",
    "digest",
    "executables_dir",
    "fingerprint",
    "load_or_compile",
    "use_compile_cache",
]
