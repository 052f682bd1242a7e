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
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import jax

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


__all__ = ["cache_dir", "use_compile_cache"]
