"""A FileReport as bytes between a worker and the runner, compactly, fast, and in two steps.

A big bill is tens of thousands of CheckedItems, each a LineItem with its Provenance; pickling them object by
object costs a third of checking them.  So:

1. as soon as the file is read (before judging), the worker sends its lines (``encode_lines``): their field
   values column by column, ``marshal``-ed, a text that repeats (file, sheet, unit, section) once with an index
   per line; the runner rebuilds them (``decode_lines``) while the worker judges — or, ahead of a digest
   (one big file), keeps their rows (``ColumnLines``) for the report writers to encode from;
2. when judging is done, the worker sends the rest (``encode_result``): what lines share — their findings,
   green categories and certification evidence, which the judge's memo hands out as the same tuples for the
   same text — once, pickled, and per line the index of its share.

Decoding rebuilds the frozen dataclasses directly (``object.__new__`` and their ``__dict__``), as
``LineItem.build`` does.  Field lists come from the dataclasses, so fields added to the model travel without
a change here; a report the rows cannot hold (a value marshal cannot write, a LineItem subclass) goes whole,
pickled, in step 2.
"""
from __future__ import annotations

import dataclasses
import marshal
import operator
import pickle
from array import array
from collections.abc import Iterator, Sequence

from ..collector import paused
from ..engine import FileReport
from ..model import CheckedItem, FileRead, LineItem, Provenance

_PROVENANCE = tuple(f.name for f in dataclasses.fields(Provenance))
_LINE = tuple(f.name for f in dataclasses.fields(LineItem) if f.name != "provenance")
_CHECKED = tuple(f.name for f in dataclasses.fields(CheckedItem) if f.name != "item")
_JUDGED, _PICKLE, _DIGESTED = b"j", b"p", b"d"


def _getter(names: tuple[str, ...]):
    """A function from a field dict to the tuple of those fields' values (always a tuple)."""
    get = operator.itemgetter(*names)
    return get if len(names) > 1 else (lambda values: (get(values),))


def encode_lines(read: FileRead) -> bytes | None:
    """The read's lines as columns (None when they are not all plain LineItems with marshal-able values)."""
    where_values, line_values = _getter(_PROVENANCE), _getter(_LINE)
    with paused():
        rows = []
        append = rows.append
        for item in read.items:
            if type(item) is not LineItem or type(item.provenance) is not Provenance:
                return None
            line = item.__dict__
            append(where_values(line["provenance"].__dict__) + line_values(line))
        columns = [_column(values) for values in zip(*rows)] if rows else []
        try:
            # version 2: no back-references, whose bookkeeping (a table of every object written) costs more than
            # the repeated values they save; the repeated values are the few texts ``_column`` writes once
            return marshal.dumps((_PROVENANCE, _LINE, len(rows), columns), 2)
        except ValueError:
            return None


def _column(values: tuple) -> tuple:
    """One field of every line: (values,) or, for text that repeats (file, sheet, unit, section …), (distinct
    texts, their indices as array bytes)."""
    limit = min(len(values) // 4, 0xFFFF)
    if len(set(values[:256])) > 64 or len(distinct := dict.fromkeys(values)) > limit:  # a sample first: cheap
        return (values,)
    texts = list(distinct)
    if not all(type(text) is str or text is None for text in texts):  # 1 == 1.0 == True: kept apart as they are
        return (values,)
    where = {text: index for index, text in enumerate(texts)}
    return texts, array("H", map(where.__getitem__, values)).tobytes()


def _values(column: tuple):
    if len(column) == 1:
        return column[0]
    texts, indices = column
    positions = array("H")
    positions.frombytes(indices)
    return map(texts.__getitem__, positions)


def decode_lines(data: bytes) -> tuple[LineItem, ...]:
    with paused():
        provenance_fields, line_fields, count, columns = marshal.loads(data)
        if not count:
            return ()
        return tuple(_made(provenance_fields, line_fields, zip(*map(_values, columns))))


def _made(provenance_fields: tuple, line_fields: tuple, rows) -> Iterator[LineItem]:
    """LineItems (with their Provenance) from rows of field values: the Provenance's, then the line's."""
    split = len(provenance_fields)
    new = object.__new__
    for row in rows:
        provenance = new(Provenance)
        provenance.__dict__.update(zip(provenance_fields, row[:split]))
        item = new(LineItem)
        values = item.__dict__
        values["provenance"] = provenance
        values.update(zip(line_fields, row[split:]))
        yield item


class ColumnLines(Sequence):
    """A file's lines as ``encode_lines`` sent them, made into LineItems only when asked for: one by index, or all
    (once) when iterated.  ``field_rows`` gives their field values without making them: a run of one big bill
    with a JSON report encodes what was read of each line from those (``json_report.line_heads``), and then
    needs a LineItem only for the lines whose findings it fingerprints."""

    def __init__(self, data: bytes):
        with paused():
            provenance_fields, line_fields, count, columns = marshal.loads(data)
            self._provenance_fields, self._line_fields = provenance_fields, line_fields
            self.fields = provenance_fields + line_fields  # the names of a row's values
            self._rows = list(zip(*map(_values, columns))) if count else []
        self._items: tuple[LineItem, ...] | None = None

    def __len__(self) -> int:
        return len(self._rows)

    def field_rows(self) -> Iterator[tuple]:
        """Each line's field values, in the order of ``fields``."""
        return iter(self._rows)

    def __getitem__(self, index):
        if self._items is not None or isinstance(index, slice):
            return self.items()[index]
        return next(_made(self._provenance_fields, self._line_fields, (self._rows[index],)))

    def __iter__(self) -> Iterator[LineItem]:
        return iter(self.items())

    def items(self) -> tuple[LineItem, ...]:
        """Every line as a LineItem (made once)."""
        if self._items is None:
            with paused():
                self._items = tuple(_made(self._provenance_fields, self._line_fields, self.field_rows()))
        return self._items


def encode_result(report: FileReport, lines_sent: tuple | None) -> bytes:
    """The finished report; ``lines_sent``: the read's items tuple already sent with ``encode_lines`` (the
    report then refers to them), or None."""
    with paused():
        if lines_sent is not None and report.read.items is lines_sent:
            try:
                return _judged(report)
            except TypeError:
                pass
        return _PICKLE + pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)


def encode_digested(report: FileReport, digest) -> bytes:
    """A report as its digest (``checker.report.digest``): what was read, without the lines, and the digest."""
    with paused():
        read = dataclasses.replace(report.read, items=())
        return _DIGESTED + pickle.dumps((read, report.seconds, digest), protocol=pickle.HIGHEST_PROTOCOL)


def _judged(report: FileReport) -> bytes:
    read = dataclasses.replace(report.read, items=())
    return _JUDGED + pickle.dumps((read, report.seconds, *pack_checked(report.items, report.read.items)),
                                  protocol=pickle.HIGHEST_PROTOCOL)


def pack_checked(checked_items: tuple, lines: tuple) -> tuple[tuple, list, array]:
    """What judging added to ``lines``: (field names, the distinct values lines share, per line the index of its
    share) — the judge's memo hands out the same tuples for the same text, so a big bill has few shares.
    TypeError when the checked items are not plain CheckedItems of exactly these lines."""
    if len(lines) != len(checked_items) or not all(map(operator.is_, lines, (c.item for c in checked_items))):
        raise TypeError("the checked lines are not the read's lines")  # check_file always makes them so
    checked_values = _getter(_CHECKED)
    shared: dict[tuple[int, ...], int] = {}
    parts: list[tuple] = []
    indices = array("I")
    append = indices.append
    for checked in checked_items:
        if type(checked) is not CheckedItem:
            raise TypeError("not a plain CheckedItem")
        rest = checked_values(checked.__dict__)
        key = tuple(map(id, rest))
        index = shared.get(key)
        if index is None:
            index = shared[key] = len(parts)
            parts.append(rest)
        append(index)
    return _CHECKED, parts, indices


def unpack_checked(lines: tuple, checked_fields: tuple, parts: list, indices) -> tuple[CheckedItem, ...]:
    """The CheckedItems ``pack_checked`` described, made around ``lines`` (this process's own line objects)."""
    if len(lines) != len(indices):
        raise ValueError("judged results for other lines")
    new = object.__new__
    items = []
    append = items.append
    for item, index in zip(lines, indices):
        checked = new(CheckedItem)
        values = checked.__dict__
        values["item"] = item
        values.update(zip(checked_fields, parts[index]))
        append(checked)
    return tuple(items)


def decode_result(data: bytes, lines: tuple[LineItem, ...] | None) -> FileReport:
    """The FileReport from ``encode_result``'s bytes and the lines ``decode_lines`` gave for the same file."""
    with paused():
        if data[:1] == _PICKLE:
            return pickle.loads(data[1:])
        if data[:1] == _DIGESTED:  # with the lines sent ahead of it, the read holds them again
            read, seconds, digest = pickle.loads(data[1:])
            if lines is not None and len(lines) == digest.lines:
                read = dataclasses.replace(read, items=lines)
            elif digest.lines_ahead and digest.lines:
                raise ValueError("a digest without its lines")
            return FileReport(read=read, items=(), seconds=seconds, digest=digest)
        read, seconds, checked_fields, parts, indices = pickle.loads(data[1:])
        if lines is None or len(lines) != len(indices):
            raise ValueError("a judged result without its lines")
        return FileReport(read=dataclasses.replace(read, items=lines),
                          items=unpack_checked(lines, checked_fields, parts, indices), seconds=seconds)


def encode(report: FileReport) -> bytes:
    """A whole report in one piece: ``decode(encode(r)) == r``."""
    lines = encode_lines(report.read)
    result = encode_result(report, report.read.items if lines is not None else None)
    return (len(lines).to_bytes(8, "little") + lines if lines is not None else bytes(8)) + result


def decode(data: bytes) -> FileReport:
    size = int.from_bytes(data[:8], "little")
    lines = decode_lines(data[8:8 + size]) if size else None
    return decode_result(data[8 + size:], lines)
