"""Reading the small documents a user hands us (catalogs, waivers, baselines, config): one line on failure."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")


def read_document(path: str | Path, parse: Callable[[str], T], parse_errors: tuple[type[BaseException], ...],
                  error: type[Exception], kind: str, bad: str) -> T:
    """``parse`` the UTF-8 text of ``path``; an unreadable file or bad content raises ``error`` with one line:
    "PATH: cannot read KIND: …" or "PATH: BAD: …"."""
    try:
        return parse(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read {kind}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, *parse_errors) as exc:
        raise error(f"{path}: {bad}: {exc}") from None
