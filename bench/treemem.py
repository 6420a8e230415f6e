"""The peak memory of a command's whole process tree (the command, its workers, their children), sampled.

``os.wait4`` reports the peak of the command and of the children it waited for; the batch runner's workers quit
after the command and a worker's judging child is a grandchild, so neither is counted there.  ``TreeMemory``
samples /proc every 0.1 s while the command runs and keeps the largest sum of PSS (shared pages counted once:
a forked worker shares the command's pages) and the largest single resident set.  Linux only; elsewhere both
stay 0 and callers fall back to ``wait4``'s figure.
"""
from __future__ import annotations

import os
import threading

INTERVAL = 0.1  # seconds between samples (a sample reads /proc: a few ms)


def wait_for(pid: int, sampled: bool) -> tuple[int, float]:
    """Wait for child ``pid``: (its wait status, peak MB).  The peak is ``wait4``'s resident peak of the child
    itself, or with ``sampled`` that of its whole tree (summed PSS), at least ``wait4``'s figure (a short command
    can end between two samples).  Sampling reads the processes' memory maps, which slows them: a run whose
    seconds count is not sampled."""
    tree = TreeMemory(pid)
    if sampled:
        with tree:
            _, status, usage = os.wait4(pid, 0)
    else:
        _, status, usage = os.wait4(pid, 0)
    return status, max(tree.pss_mb, usage.ru_maxrss / 1024)


class TreeMemory:
    """``with TreeMemory(pid) as tree: ...`` then ``tree.pss_mb`` and ``tree.largest_rss_mb``."""

    def __init__(self, pid: int):
        self.pid = pid
        self.pss_mb = 0.0
        self.largest_rss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(INTERVAL)

    def sample(self) -> None:
        total = 0
        for pid in _tree(self.pid):
            pss, rss = _pss_rss_kb(pid)
            total += pss
            self.largest_rss_mb = max(self.largest_rss_mb, rss / 1024)
        self.pss_mb = max(self.pss_mb, total / 1024)


def _tree(root: int) -> list[int]:
    """``root`` and every process descending from it (by the parent pid in /proc/PID/stat)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _pss_rss_kb(pid: int) -> tuple[int, int]:
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return pss, rss
