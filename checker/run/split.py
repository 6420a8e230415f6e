"""A big file's lines judged on two cores: the worker and a child it forks for the second half.

A run of one big bill (or the last file of a batch) leaves a core idle while its worker matches and judges
tens of thousands of lines, the slowest stage when the lines differ.  The runner tells such a worker it may use
a spare core; the worker then forks a child after reading (the child inherits the matcher, the judge and the
lines, nothing is sent to it), judges the first half itself while the child judges the second, and takes the
child's judgements back as ``codec.pack_checked`` shares rebuilt around its own lines.  Same findings, same
order, same report as judging in turn (a test checks this).

Sharing pays only for new text: a bill that repeats its lines (the same 项目特征 page after page) has its second
half answered from the memo the first half fills, and a child would judge it all anew and then pay for the
transfer — slower than in turn (measured on the 50,000-line benchmark bill: 0.49–0.58 s shared against
0.37–0.42 s in turn).  So the worker first looks at a sample of the second half (``_second_half_is_new``).
Both sides judge, and the answer is unpacked, with the collector paused (``checker.collector``: its scans would
also touch, and so copy, every page the two processes share).

The same spare core sends the lines ahead (``send_lines_ahead``): the runner wants a big file's lines as soon as
it is read, to decode them while the worker judges, and encoding them is 0.25–0.3 s of a 50,000-line bill —
so a child encodes and writes them while the worker starts judging at once.  The worker waits for that child
before it writes anything else on the pipe (``lines_sent``).

Each child lives in the worker's process group (a timed-out file's whole group is killed), dies with the
worker, keeps its address-space limit, and ends with ``os._exit``.  Anything unexpected — the fork refused,
the child killed or out of memory, a short answer — and the worker judges the second half itself: sharing is
an optimisation, never a way for a file to fail.
"""
from __future__ import annotations

import os
import pickle
import signal
from typing import Callable

from ..collector import paused
from ..engine import judge_in_turn
from ..match.matcher import memo_key
from . import codec
from .worker import LINES, die_with_parent, read_all, resident_bytes, write_all, write_message

SPLIT_LINES = 4000  # fewer lines are judged in turn: a fork and the answer's transfer cost about 10–30 ms
SENT, NOT_SENT, PART_SENT = 0, 3, 4  # how a child sending lines ended (a signal: as PART_SENT)
SAMPLE_LINES = 2000  # lines of the second half looked at to decide whether it holds new text
NEW_SHARE = 0.1  # share of the sampled lines with distinct text the first half does not have, to fork a child


def judge_on_two_cores(lines: tuple, judge_one: Callable, min_lines: int | None = None) -> tuple:
    """Every line judged, the second half in a forked child when there are at least ``min_lines``
    (default ``SPLIT_LINES``)."""
    if len(lines) < (SPLIT_LINES if min_lines is None else min_lines) or not _may_fork() or not _room_for_a_child():
        return judge_in_turn(lines, judge_one)
    cut = len(lines) // 2
    first, second = lines[:cut], lines[cut:]
    if not _second_half_is_new(first, second):
        return judge_in_turn(lines, judge_one)
    try:
        answer_read, answer_write = os.pipe()
        pid = os.fork()
    except OSError:
        return judge_in_turn(lines, judge_one)
    if pid == 0:
        _child(answer_read, answer_write, second, judge_one)
    os.close(answer_write)
    try:
        judged = judge_in_turn(first, judge_one)
        data = read_all(answer_read)
        status = os.waitpid(pid, 0)[1]
        pid = 0
    finally:
        os.close(answer_read)
        if pid:  # this worker's own time limit or memory error: the child goes with it
            _kill(pid)
    rest = _unpack(data, second) if os.waitstatus_to_exitcode(status) == 0 else None
    return judged + (rest if rest is not None else judge_in_turn(second, judge_one))


def _text_key(line) -> int:
    """What the matcher's memo tells lines apart by (``matcher.memo_key``), as a hash."""
    return hash(memo_key(line.name, line.features, line.code))


def _second_half_is_new(first: tuple, second: tuple) -> bool:
    """Whether at least ``NEW_SHARE`` of a sample of ``second`` are distinct texts that ``first`` does not have
    (the work a child would save; a text the first half has is answered by the memo)."""
    step = max(1, len(second) // SAMPLE_LINES)
    sample = second[::step]
    known = set(map(_text_key, first))
    new = set(map(_text_key, sample)) - known
    return len(new) >= NEW_SHARE * len(sample)


def _may_fork() -> bool:
    """Fork only a process with one thread: native threads (an OCR runtime's pool) may hold locks a child would
    wait on forever."""
    if not hasattr(os, "fork"):
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        import threading

        return threading.active_count() == 1


def _room_for_a_child() -> bool:
    """Whether the worker holds at most half its memory limit: a judging child copies the pages it touches, so
    the file's processes together stay near the limit that each of them has (``set_address_space``)."""
    import resource

    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit == resource.RLIM_INFINITY:
        return True
    resident = resident_bytes()
    return bool(resident) and 2 * resident <= limit  # unknown: no child


def _child(answer_read: int, answer_write: int, lines: tuple, judge_one: Callable) -> None:
    """Judge ``lines`` and write their shares to the pipe; never returns."""
    code = 1
    try:
        os.close(answer_read)
        _as_child()
        checked = judge_in_turn(lines, judge_one)
        with paused():
            write_all(answer_write, pickle.dumps(codec.pack_checked(checked, lines), protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _as_child() -> None:
    """What a child of the worker is: without the worker's timer handler, and dying with the worker."""
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    die_with_parent()


def _unpack(data: bytes, lines: tuple) -> tuple | None:
    try:
        with paused():
            return codec.unpack_checked(lines, *pickle.loads(data))
    except Exception:  # a short or garbled answer: judged again here
        return None


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def send_lines_ahead(results: int, index: int, read, min_lines: int | None = None) -> int | None:
    """Fork a child that sends ``read``'s lines as the file's LINES message (``codec.encode_lines``) while this
    process goes on; its pid, or None when there is no child (fewer than ``min_lines``, default
    ``SPLIT_LINES``; threads; fork refused): the caller sends them itself."""
    if len(read.items) < (SPLIT_LINES if min_lines is None else min_lines) or not _may_fork():
        return None
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid:
        return pid
    code = NOT_SENT
    try:
        _as_child()
        with paused():
            data = codec.encode_lines(read)
        if data is not None:
            code = PART_SENT  # from here a failure may leave part of the message on the pipe
            write_message(results, LINES, index, data)
            code = SENT
    except BaseException:
        pass
    finally:
        os._exit(code)


def lines_sent(pid: int) -> bool:
    """Wait for the child ``send_lines_ahead`` forked: True when it sent the lines, False when it sent nothing.
    A child that may have sent part of them leaves the pipe unreadable: this worker ends at once, and the runner
    reports the file as the crash it is (it is never taken for a report)."""
    try:
        status = os.waitpid(pid, 0)[1]
    except ChildProcessError:
        os._exit(70)
    code = os.waitstatus_to_exitcode(status)
    if code == SENT:
        return True
    if code == NOT_SENT:
        return False
    os._exit(70)
