"""The worker side of the batch runner: one process checks one file at a time, under hard limits.

A worker is forked from the command (it inherits the built matcher and judge: no start-up cost), or started
as ``python -m checker.run.worker REQUESTS_FD RESULTS_FD`` where forking is unsafe (a threaded process, a Dask
worker) and receives the run's settings as its first message.  Either way it:

- leads its own process group (a timed-out file's page workers die with it) and ignores Ctrl-C (the command
  decides), and dies with the command (PR_SET_PDEATHSIG where Linux offers it);
- limits its address space (``RLIMIT_AS``) to the per-file memory budget and writes no core files;
- has its stdout and stderr on a pipe the command reads (a Rust panic message or a library's print never
  reaches the terminal; the tail explains a crash);
- sends, per file, the time budget as soon as pre-flight knows it, the lines as soon as the file is read (the
  runner decodes them while the worker judges; with a spare core, a child sends them: ``checker.run.split``),
  then the rest of the report (``checker.run.codec``); or, when
  the run asks for digests (``checker.report.digest``), only the file's digest;
- retires itself when it grew too big, after a MemoryError, or when the command goes away.

Messages on both pipes are framed as ``tag (1 byte) · index (u32) · length (u64) · payload``.
"""
from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import sys

HEADER = struct.Struct("<cIQ")
BUDGET = struct.Struct("<dqqq")  # seconds, cells, pages, scanned pages
FILE, QUIT, SETTINGS, BUDGET_TAG, LINES, RESULT, LAST_RESULT = b"F", b"Q", b"S", b"B", b"I", b"R", b"L"
FILE_WITH_CORE = b"G"  # a file, and a spare core to judge its lines on (``checker.run.split``)
RECYCLE_SHARE = 0.6  # a worker whose resident memory passes this share of its limit is replaced


class Closed(Exception):
    """The other end of a worker pipe went away."""


def write_message(fd: int, tag: bytes, index: int, payload: bytes = b"") -> None:
    try:
        write_all(fd, HEADER.pack(tag, index, len(payload)) + payload)
    except BrokenPipeError:
        raise Closed() from None


def write_all(fd: int, data: bytes) -> None:
    """Every byte of ``data`` to ``fd`` (a pipe takes a big write in pieces)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def read_all(fd: int) -> bytes:
    """Everything ``fd`` gives until every writer has closed it."""
    parts = []
    while chunk := os.read(fd, 1 << 20):
        parts.append(chunk)
    return b"".join(parts)


def read_exactly(fd: int, size: int) -> bytes:
    parts = []
    while size:
        chunk = os.read(fd, min(size, 1 << 22))
        if not chunk:
            raise Closed()
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


def read_message(fd: int) -> tuple[bytes, int, bytes]:
    tag, index, length = HEADER.unpack(read_exactly(fd, HEADER.size))
    return tag, index, read_exactly(fd, length) if length else b""


def prepare_process(memory: int, output_fd: int | None) -> None:
    """Own process group, no Ctrl-C, die with the parent, limited address space, output to the command."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["RUST_BACKTRACE"] = "0"  # a native panic says what happened in one line, not a 40-line backtrace
    for name in ("SIGTERM", "SIGALRM", "SIGPIPE"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    die_with_parent()
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    if memory:
        set_address_space(memory)
    if output_fd is not None:
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        # Python-level writers too (an embedding application or a test harness may have replaced them)
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
        import faulthandler

        if faulthandler.is_enabled():  # its dump goes where the worker's output goes, not to the terminal
            faulthandler.enable(sys.stderr)


_inherited_bytes: int | None = None  # the address space this worker started with (a fork inherits its parent's)


def set_address_space(memory: int) -> None:
    """Let this process map at most ``memory`` bytes beyond what it started with (a forked worker inherits the
    address space of its parent, which may already be large in a server or a test process); never above the hard
    limit; 0 leaves the limit as it is."""
    import resource

    global _inherited_bytes
    if not memory:
        return
    if _inherited_bytes is None:
        _inherited_bytes = _virtual_bytes()
    memory += _inherited_bytes
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def die_with_parent() -> None:
    """Be killed when the process that started this one ends (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _statm_bytes(field: int) -> int:
    """A size of this process from /proc/self/statm (0: total address space, 1: resident), in bytes; 0 if unknown."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[field]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _virtual_bytes() -> int:
    return _statm_bytes(0)


def resident_bytes() -> int:
    """This process's resident memory, in bytes; 0 if unknown."""
    return _statm_bytes(1)


def serve(requests: int, results: int, checker, memory: int, digest_spec=None) -> None:
    """Check the files the command sends until it says quit (or goes away); ``digest_spec``: send each file's
    digest (``checker.report.digest.DigestSpec``) instead of its lines and findings."""
    from ..model import FileRead
    from ..engine import FileReport
    from .codec import encode_digested, encode_lines, encode_result
    from .split import lines_sent, send_lines_ahead
    from .settings import display_path

    recycle = int(memory * RECYCLE_SHARE) + resident_bytes() if memory else 0  # beyond what it started with
    held: list = []  # the last file's report: freed when the next file comes, never when the command quits
    while True:
        try:
            tag, index, payload = read_message(requests)
        except Closed:
            return
        if tag not in (FILE, FILE_WITH_CORE):
            return
        held.clear()
        path = os.fsdecode(payload)

        raised = False

        def on_budget(seconds: float, work, index=index) -> None:
            nonlocal raised
            needed = checker.settings.limits.memory_for(work, ocr=checker.settings.ocr)
            if memory and needed > memory:  # OCR of scanned pages: more address space for this file only
                set_address_space(needed)
                raised = True
            write_message(results, BUDGET_TAG, index,
                          BUDGET.pack(seconds, work.cells, work.pages, work.scanned_pages) if work else
                          BUDGET.pack(seconds, 0, 0, 0))

        sent: list[tuple] = []
        ahead: list[int] = []  # a child sending the lines while this process judges them (``split``)

        def on_read(read, index=index) -> None:
            if digest_spec is not None and not digest_spec.lines_ahead:  # the command will not need the lines
                return
            if tag == FILE_WITH_CORE:
                child = send_lines_ahead(results, index, read)
                if child is not None:
                    ahead.append(child)
                    sent.append(read.items)
                    return
            data = encode_lines(read)
            if data is not None:
                write_message(results, LINES, index, data)
                sent.append(read.items)

        retire = False
        try:
            report = checker.check(path, on_budget, on_read, spare_core=tag == FILE_WITH_CORE)
        except MemoryError:
            report, retire = None, True
            gc.collect()
            reason = f"ran out of memory (limit {memory / 2**30:.1f} GB per file); NOT checked"
        except Exception as exc:  # check_file never raises for bad input; this is a bug: still one line
            report = None
            reason = f"internal error while checking ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})"
        if ahead and not lines_sent(ahead.pop()):  # nothing else goes on the pipe before the lines
            sent.clear()
        if report is None:
            report = FileReport(read=FileRead(path=display_path(path), format="unknown", sha256="", error=reason),
                                items=(), seconds=0.0)
        try:
            data = (encode_digested(report, _digest(report, digest_spec, checker, bool(sent)))
                    if digest_spec is not None
                    else encode_result(report, sent[0] if sent else None))
        except MemoryError:
            report = None
            gc.collect()
            data = encode_result(FileReport(read=FileRead(
                path=display_path(path), format="unknown", sha256="",
                error=f"ran out of memory (limit {memory / 2**30:.1f} GB per file); NOT checked"), items=(),
                seconds=0.0), None)
            retire = True
        held[:], report = [report], None
        if raised:  # back to the per-file limit; a worker that loaded the OCR models is replaced
            set_address_space(memory)
            retire = True
        retire = retire or bool(recycle and resident_bytes() > recycle)
        try:  # LAST_RESULT: this worker exits after this file (the runner starts a fresh one)
            write_message(results, LAST_RESULT if retire else RESULT, index, data)
        except Closed:
            return
        data = None
        if retire:
            return


def _digest(report, spec, checker, lines_sent: bool):
    from ..report.digest import digest

    return digest(report, spec, checker.settings.catalogs, lines_sent)


def main(argv: list[str]) -> int:
    """``python -m checker.run.worker REQUESTS_FD RESULTS_FD``: the first message holds the settings."""
    requests, results = int(argv[0]), int(argv[1])
    try:
        tag, _, payload = read_message(requests)
    except Closed:
        return 0
    if tag != SETTINGS:
        return 2
    settings, digest_spec = pickle.loads(payload)
    prepare_process(settings.limits.memory, None)  # stdout/stderr: already the command's pipe
    serve(requests, results, settings.checker(), settings.limits.memory, digest_spec)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
