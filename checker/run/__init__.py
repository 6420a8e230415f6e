"""Running the per-file check over many files: isolated worker processes with time and memory limits
(``pool``), library chatter kept off stderr (``quiet``), and a Dask cluster for archives (``cluster``).

``check_files`` is the entry point: it yields one ``FileReport`` per input, in input order, as files finish.
"""
from __future__ import annotations

__all__ = ["check_files", "CheckSettings"]


def __getattr__(name: str):
    if name in __all__:  # imported on first use: ``checker.engine`` imports ``checker.run.quiet``
        from . import pool

        return getattr(pool, name)
    raise AttributeError(name)
