"""Checking an archive on a Dask cluster: the same per-file check, mapped over the files by Dask.

``check_on_cluster(paths, settings, "tcp://scheduler:8786")`` (or ``"local"`` for a ``LocalCluster`` on this
machine) yields one FileReport per path, in input order, like ``checker.run.check_files``.  The files are sent in
chunks; each chunk is one Dask task, which runs ``check_files`` on its Dask worker with the same isolation as a
local run (a worker process per task with the time and memory limits; started with ``python -m
checker.run.worker`` because a Dask worker is threaded).  The settings (catalogs, profile, registry) are
broadcast to the workers once.  Findings and fingerprints are therefore those of a local run.

The workers must see the files under the same paths as this process (a shared file system; give absolute
paths, or start the workers in the same directory).  Dask is optional: ``pip install 'gbm-check[dask]'``.
"""
from __future__ import annotations

import logging
import os
from typing import Iterator

from ..engine import FileReport
from ..model import FileRead
from .settings import display_path

CHUNK_FILES = 25  # files per Dask task: a task pays one worker start-up (~0.5 s), spread over its files


class ClusterError(Exception):
    """The cluster cannot be reached or used; the message is one line for the user."""


def check_chunk(paths: list[str], settings) -> list[FileReport]:
    """The Dask task: check these files on this Dask worker, isolated and limited as a local run is."""
    from .pool import check_files

    return list(check_files(paths, settings, jobs=1, isolate=True))


def check_on_cluster(paths: list[str], settings, address: str, *, chunk: int | None = None,
                     window: int | None = None) -> Iterator[FileReport]:
    """One FileReport per path, in input order, checked on the Dask cluster at ``address`` ('local': a
    LocalCluster here)."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ClusterError("--dask needs Dask: pip install 'gbm-check[dask]'") from None
    _quiet_dask()
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(n_workers=_local_workers(), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            _reachable(address)
            client = Client(address, timeout="20s")
    except Exception as exc:  # OSError, TimeoutError, ValueError for a bad address …
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot use the Dask cluster at {address}: {' '.join(str(exc).split())[:200]}") from None
    try:
        threads = max(1, sum(client.nthreads().values()))
        size = chunk or max(1, min(CHUNK_FILES, -(-len(paths) // (threads * 2))))
        chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
        window = window or threads * 2
        shared = client.scatter(settings, broadcast=True)
        futures = {}
        pending = as_completed()
        following = 0

        def submit() -> None:
            nonlocal following
            future = client.submit(check_chunk, chunks[following], shared, key=f"gbm-check-{following}-{id(paths)}",
                                   pure=False)
            futures[future.key] = following
            pending.add(future)
            following += 1

        while following < len(chunks) and following < window:
            submit()
        done: dict[int, list[FileReport]] = {}
        emitted = 0
        for future in pending:
            index = futures.pop(future.key)
            try:
                done[index] = future.result()
            except Exception as exc:  # the task's worker died or the task failed: every file of it is reported
                reason = f"not checked: the Dask task was lost ({type(exc).__name__}: {' '.join(str(exc).split())[:120]})"
                done[index] = [FileReport(read=FileRead(path=display_path(p), format="unknown", sha256="", error=reason),
                                          items=(), seconds=0.0) for p in chunks[index]]
            future.release()
            while emitted in done:
                yield from done.pop(emitted)
                emitted += 1
                if following < len(chunks):
                    submit()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _reachable(address: str) -> None:
    """Fail at once, with the operating system's reason, when nothing listens at a tcp:// address (the Dask
    client would retry until its timeout)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls") or not parts.hostname:
        return  # another transport (ucx, inproc …): let Dask judge it
    try:
        socket.create_connection((parts.hostname, parts.port or 8786), timeout=10).close()
    except OSError as exc:
        raise OSError(exc.strerror or str(exc)) from None


def _local_workers() -> int:
    from .pool import default_jobs

    return default_jobs()


def _quiet_dask() -> None:
    """Dask's own log lines stay off stderr (the one-line-per-bad-file promise holds on this path too)."""
    import dask

    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    dask.config.set({"logging.distributed": "error", "distributed.worker.daemon": False})
    for name in ("distributed", "tornado", "bokeh"):
        logging.getLogger(name).setLevel(logging.ERROR)
