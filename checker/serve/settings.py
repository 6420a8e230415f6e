"""What a `gbm-check serve` instance is allowed to do: where it keeps its history, who may use it, how much it takes."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from ..engine import BILL_SUFFIXES
from ..limits import MEMORY_BYTES, Limits, slowdown
from ..read.sniff import MAX_FILE_BYTES

REGISTRY_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".ods")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


@dataclass(frozen=True)
class ServeSettings:
    """One server's settings (the CLI builds them from its flags; tests build small ones)."""

    data_dir: Path  # the history database and uploads the user chose to keep
    host: str = "127.0.0.1"
    token: str | None = None  # required from every client when set (always set off loopback)
    max_files: int = 20  # bills in one upload
    max_file_bytes: int = MAX_FILE_BYTES  # one uploaded file, the same limit as the CLI's
    file_seconds: float | None = None  # a fixed time limit per file (--time-limit; 0: none), or None: the CLI's
    # budget proportional to the work (60 s, more for big workbooks, long PDFs and scanned pages read by OCR)
    memory_bytes: int = MEMORY_BYTES  # address space of the process checking one file (0: none), as the CLI's
    max_jobs: int = 2  # checks running at once, each in its own job process; more wait their turn
    workers: int = 0  # processes each check's files are checked in (0: the cores shared among max_jobs checks)
    temp_dir: str | None = None  # where private upload folders are made (default: the system's)
    bill_suffixes: tuple[str, ...] = BILL_SUFFIXES
    registry_suffixes: tuple[str, ...] = REGISTRY_SUFFIXES
    xml_mappings: tuple = ()  # the user's XML schema mappings (--xml-mapping), tried before the shipped ones

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def limits(self) -> Limits:
        """The per-file limits of a check starting now (the batch runner's, as `gbm-check check` applies them; a
        proportional budget stretched by the machine's load at this moment, not when the server started)."""
        return Limits(seconds=self.file_seconds, memory=self.memory_bytes, slowdown=slowdown())

    @property
    def check_workers(self) -> int:
        """Worker processes one check's files are checked in."""
        if self.workers:
            return self.workers
        from ..run.pool import default_jobs

        return max(1, default_jobs() // self.max_jobs)

    @property
    def max_request_bytes(self) -> int:
        """A whole upload: every bill and the registry at their limit, plus room for the form fields."""
        return (self.max_files + 1) * self.max_file_bytes + (1 << 20)


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_data_dir() -> Path:
    """$XDG_DATA_HOME/gbm-check, or ~/.local/share/gbm-check."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "gbm-check"
