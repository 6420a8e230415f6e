"""A bounded memo for per-line results that keeps a result only once its line has come round a second time.

Bills repeat their lines (the same 项目特征 under many codes, across sheets and tables), and then a memo saves the
work; but a bill whose lines are all distinct would only fill it with results never asked for again — tens of
thousands of objects that the garbage collector walks again and again.  So the first sighting of a key leaves
only its hash (an int, which the collector does not track), and the result is kept from the second on.
"""
from __future__ import annotations

from typing import Generic, Hashable, Optional, TypeVar

Value = TypeVar("Value")


class RepeatMemo(Generic[Value]):
    """``get`` a remembered result; ``put`` one (kept when its key was put before); at most ``size`` of each."""

    __slots__ = ("_size", "_kept", "_seen")

    def __init__(self, size: int):
        self._size = size
        self._kept: dict[Hashable, Value] = {}
        self._seen: set[int] = set()

    def get(self, key: Hashable) -> Optional[Value]:
        return self._kept.get(key)

    def put(self, key: Hashable, value: Value) -> None:
        marker = hash(key)
        if marker not in self._seen:
            if len(self._seen) >= self._size:
                self._seen.clear()
            self._seen.add(marker)
            return
        if len(self._kept) >= self._size:
            self._kept.clear()
        self._kept[key] = value

    def __len__(self) -> int:
        return len(self._kept)
