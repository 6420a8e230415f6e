"""Pre-flight started as the command starts: a run of one big workbook measures it while the command imports.

``gbm-check check BIG.xlsx`` spends its first 0.25–0.4 s importing, loading catalogs and making its report
writers; then its worker pre-flights the workbook (0.45 s for a 50,000-line bill) before calamine may read it.
So ``launch.run`` calls ``start`` first thing (this module imports nothing of the checker: the child is forked
within milliseconds of start-up and imports the reader's ``sniff`` and ``preflight`` itself, while the command
imports the rest): when the command line names exactly one existing workbook of at least ``MIN_BYTES``
(xlsx/xlsm, whose pre-flight is the costly one), a child process runs the same ``sniff`` and ``preflight`` the
reader would, and the worker — forked from the command, so it inherits the pipe — ``take``s its answer
(``checker.read.read_path``) instead of measuring again.

The answer decides: it is that of the same functions on the same file (the worker checks the file's identity:
device, inode, size and modification time) with the same memory budget; any other case — another file, another
budget, a child that failed or was not started, a worker started by exec — and the worker measures as before.
While the answer is on its way (``waiting``) the worker has calamine parse the first sheet in a thread
(``read.spreadsheet.FirstSheet``: calamine releases the GIL while it parses), inside the worker's address-space
limit; nothing of it is used unless the answer accepts the file.  Should that parse end the worker before the
answer is in (a file pre-flight refuses for its size, parsed faster than it is measured), the command still
reports pre-flight's own reason: the child writes its answer to a second pipe the command reads (``refusal``).
The child dies with the command, keeps the per-file memory limit, and is reaped at exit.
"""
from __future__ import annotations

import os
import pickle
from typing import NamedTuple

MIN_BYTES = 1 << 20  # smaller workbooks pre-flight in a few milliseconds: not worth a process
SUFFIXES = (".xlsx", ".xlsm")
FORMATS = ("xlsx", "xlsm")  # what the file must turn out to be (``sniff``) for the answer to be used


class _Started(NamedTuple):
    answer: int  # read end of the worker's pipe (``take``)
    verdict: int  # read end of the command's pipe (``refusal``)
    pid: int
    memory: int  # the budget it was measured under


_started: dict[tuple, _Started] = {}  # file identity → the child measuring it


def _identity(path: str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def start(argv: list[str]) -> None:
    """From ``launch.run``, before the command's imports: pre-flight the one big workbook ``check`` names
    (arguments of a ``check`` command line; nothing for any other command line)."""
    if argv[:1] != ["check"] or not hasattr(os, "fork"):
        return
    named = {os.path.realpath(a) for a in argv[1:] if a.lower().endswith(SUFFIXES) and os.path.isfile(a)}
    if len(named) != 1:
        return
    path = named.pop()
    identity = _identity(path)
    if identity is None or identity[2] < MIN_BYTES:
        return
    from .limits import MEMORY_BYTES as memory  # the per-file limit a run has unless told otherwise

    try:
        answer_read, answer_write = os.pipe()
        verdict_read, verdict_write = os.pipe()
        pid = os.fork()
    except OSError:
        return
    if pid == 0:
        os.close(answer_read)
        os.close(verdict_read)
        _child(path, memory, answer_write, verdict_write)
    os.close(answer_write)
    os.close(verdict_write)
    _started[identity] = _Started(answer_read, verdict_read, pid, memory)
    import atexit

    atexit.register(_reap, pid)


def _child(path: str, memory: int, answer_write: int, verdict_write: int) -> None:
    """Sniff and pre-flight ``path`` as ``read_path`` would; write ("work", format, Work) or ("refused", format,
    reason) to the worker's pipe, and to the command's the refusal or ("work", format, None) (a pipe holds a
    small answer whole: the child never waits for the command, which reads only when a worker died) — nothing
    when sniffing refuses it or it is not a workbook (the worker then does it all itself)."""
    code = 1
    try:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
        from .run.worker import die_with_parent, set_address_space, write_all

        die_with_parent()
        set_address_space(memory)
        from .read import preflight
        from .read.sniff import InputRefused, sniff_file

        size, fmt = sniff_file(path)
        if fmt not in FORMATS:
            os._exit(0)
        try:
            answer = ("work", fmt, preflight.preflight(path, fmt, size, memory=memory))
        except InputRefused as exc:
            answer = ("refused", fmt, str(exc))
        verdict = answer if answer[0] == "refused" else ("work", fmt, None)
        write_all(verdict_write, pickle.dumps(verdict, protocol=pickle.HIGHEST_PROTOCOL))
        write_all(answer_write, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def take(path: str, memory: int):
    """The early answer for ``path`` under ``memory``: ("work", format, Work) or ("refused", format, reason),
    waited for; None when there is none (the caller pre-flights the file itself)."""
    if not _started:
        return None
    identity = _identity(path)
    started = _started.pop(identity, None) if identity is not None else None
    if started is None:
        return None
    try:
        if started.memory != memory:
            return None
        from .run.worker import read_all

        answer = _answer(read_all(started.answer))
    except Exception:  # a child that died half-way: measured again
        return None
    finally:
        os.close(started.answer)
    return answer if identity == _identity(path) else None  # else the file changed while it was measured


def waiting(path: str, memory: int) -> bool:
    """Whether ``take(path, memory)`` would wait for an answer not yet written (the child is still measuring)."""
    started = _started.get(_identity(path)) if _started else None
    if started is None or started.memory != memory:
        return False
    import select

    try:
        readable, _, _ = select.select([started.answer], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable  # readable: the child is writing its answer (measured), or it is gone


def refusal(path: str, memory: int, wait: float = 10.0) -> tuple[str, str] | None:
    """In the command, once the worker checking ``path`` has died mid-file: (format, reason) when pre-flight
    refused the file under ``memory`` (its answer waited for at most ``wait`` seconds), else None."""
    started = _started.pop(_identity(path), None) if _started else None
    if started is None or started.memory != memory:
        return None
    import select
    import time

    deadline, parts = time.monotonic() + wait, []
    try:
        while select.select([started.verdict], [], [], max(0.0, deadline - time.monotonic()))[0]:
            chunk = os.read(started.verdict, 1 << 16)
            if not chunk:
                answer = _answer(b"".join(parts))
                return (answer[1], answer[2]) if answer is not None and answer[0] == "refused" else None
            parts.append(chunk)
    except (OSError, ValueError):
        pass
    return None


def _answer(data: bytes):
    """The child's answer from its bytes (None: none, or not one)."""
    try:
        answer = pickle.loads(data) if data else None
    except Exception:
        return None
    return answer if isinstance(answer, tuple) and len(answer) == 3 and answer[0] in ("work", "refused") else None


def _reap(pid: int) -> None:
    """At the command's exit: the child has long finished (or is killed), and is not left a zombie."""
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except OSError:
        pass
