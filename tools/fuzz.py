#!/usr/bin/env python3
"""Mutation fuzzer: malformed bills through the real command, asserting only defined outcomes.

    python tools/fuzz.py [--cases 10000] [--seed 1] [--batch 25] [--jobs 2] [--keep DIR] [--single 0.05]

Seeds: the repo's sample_bills, the bills tools/hostile.py writes from scratch and, when ../shared exists, its
dev corpus, real bills and hostile files.  Each case takes one seed and applies one to three mutations of a class
that fits its container:

    bytes      flip, insert, delete or duplicate bytes
    truncate   cut the file anywhere
    xml        (xlsx/ods) cell references far away, lying dimensions, deep nesting, entity declarations,
               broken tags, invalid UTF-8, huge or amplified shared strings, merged-range bombs, repeats
    zip        (xlsx/ods) duplicate or missing members, lying sizes, bad CRCs, stored/deflated swaps,
               junk comments, a cut central directory
    csv        NUL bytes, stray quotes, BOMs and encodings, huge fields, thousands of columns, bare CR
    pdf        reference loops, deep nesting, broken xref offsets, wrong /Length, bogus filters, /Prev loops,
               huge /Count, odd MediaBoxes
    name       the file name itself: undecodable bytes, newline, ESC, a leading dot

Cases run in batches through ``gbm-check check DIR --format json -o report.json`` (every file of a batch
isolated by the runner), and a share of them alone (``--single``), and each file's outcome is one of

    ok         checked (exit 0/1), in the JSON with status ok
    refused    not checked, in the JSON with status error, with exactly one stderr line naming it
    UNDEFINED  anything else: a traceback, a crash or another exit code, a stderr line that is not
               ``gbm-check: …``, a missing or unparseable JSON report, more than a small file's default budget
               for the file (60 s, stretched by the machine's load as the command stretches it; plus 5 s of
               start-up and reporting for the command), more than 1 GiB beyond a worker's start in any
               process (``MEMORY_BYTES``), an unnamed or twice-named file, a single-file run that exits 2
               without exactly one stderr line

Undefined cases are copied to --keep (default fuzz-failures/) with the command to reproduce them.  The table
of outcomes per mutation class is printed at the end (and written with --table FILE).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from checker.limits import slowdown  # noqa: E402
from checker.textsafe import printable  # noqa: E402
from tools import hostile  # noqa: E402

SHARED = REPO.parent / "shared"
FILE_SECONDS = 60.0  # the default budget of a small file on an idle machine (checker.limits)
STARTUP_SECONDS = 5.0
# the per-file limit (1 GiB) counts from the address space a worker starts with: a worker forked from the
# command inherits its ≈ 35–100 MB, so a file refused at its limit peaks a little above 1 GiB resident
MEMORY_BYTES = (1 << 30) + (128 << 20)
SUFFIX = {"xlsx": ".xlsx", "xls": ".xls", "ods": ".ods", "pdf": ".pdf", "csv": ".csv"}


# ------------------------------------------------------------------------------------------------------------
# seeds

def kind_of(data: bytes) -> str:
    if data.startswith(b"PK"):
        return "ods" if b"mimetypeapplication/vnd.oasis" in data[:200] else "xlsx"
    if data.startswith(bytes.fromhex("d0cf11e0a1b11ae1")):
        return "xls"
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    return "csv"


def seeds(shared: bool = True) -> list[tuple[str, bytes]]:
    """(name, bytes) of every seed file."""
    found: list[tuple[str, bytes]] = []
    folders = [REPO / "sample_bills"]
    if shared and SHARED.exists():
        folders += [SHARED / "dev-corpus", SHARED / "real-bills", SHARED / "hostile"]
    for folder in folders:
        for path in sorted(folder.glob("*")):
            if path.suffix.lower() in (".xlsx", ".xls", ".ods", ".pdf", ".csv", ".xml") and path.stat().st_size < 8 << 20:
                found.append((f"{folder.name}/{path.name}", path.read_bytes()))
    for name in ("xlsx_bill", "xls_bill", "xlsx_lying_dimension", "pdf_noisy", "pdf_page_tree_cycle"):
        found.append((f"hostile.{name}", getattr(hostile, name)()))
    printed = hostile.pdf_bill()
    if printed is not None:
        found.append(("hostile.pdf_bill", printed))
    found.append(("hostile.csv_bill", "\n".join(",".join(str(v).replace("\n", " ") for v in row)
                                                for row in [hostile.BILL_HEADER] + hostile.BILL_LINES).encode()))
    return found


# ------------------------------------------------------------------------------------------------------------
# mutations: each takes (rng, data) and returns (data, what it did)

def m_bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    b = bytearray(data)
    how = rng.choice(["flip", "insert", "delete", "duplicate", "zero"])
    if not b:
        return bytes(rng.randbytes(16)), "bytes:fill"
    if how == "flip":
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif how == "insert":
        at = rng.randrange(len(b) + 1)
        b[at:at] = rng.randbytes(rng.choice([1, 4, 64, 1024]))
    elif how == "delete":
        at = rng.randrange(len(b))
        del b[at:at + rng.choice([1, 4, 64, 1024])]
    elif how == "duplicate":
        at = rng.randrange(len(b))
        piece = b[at:at + rng.choice([16, 256, 4096])]
        b[at:at] = piece * rng.choice([1, 2, 50])
    else:
        at, size = rng.randrange(len(b)), rng.choice([4, 64, 512])
        b[at:at + size] = bytes(len(b[at:at + size]))
    return bytes(b), f"bytes:{how}"


def m_truncate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    if len(data) < 2:
        return data, "truncate:none"
    return data[:rng.randrange(1, len(data))], "truncate"


MAX_MEMBER_BYTES = 32 << 20  # a seed's member declaring more (a zip bomb) is not unpacked: byte mutations only


def _zip_members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    """The members of a zip seed, or None when it is not a zip or would unpack to too much (the fuzzer must
    stay small: a child process inherits its peak memory figure)."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_MEMBER_BYTES:
                return None
            members = []
            for info in infos:
                with archive.open(info) as handle:
                    body = handle.read(MAX_MEMBER_BYTES + 1)
                if len(body) > MAX_MEMBER_BYTES:
                    return None
                members.append((info, body))
            return members
    except Exception:
        return None


def _zip_write(members: list[tuple[zipfile.ZipInfo, bytes]], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for info, body in members:
            archive.writestr(info.filename, body)
    return out.getvalue()


_XML_TRICKS = ["far_ref", "dimension", "nesting", "entities", "broken_tag", "bad_utf8", "big_string",
               "amplify", "merges", "repeat", "bad_index", "no_ref", "prefix", "huge_number"]


def _xml_trick(rng: random.Random, name: str, body: bytes, how: str) -> bytes:
    if how == "far_ref":
        refs = re.findall(rb'r="[A-Z]+[0-9]+"', body)
        if refs:
            target = rng.choice([b"ZZZZ1048576", b"XFD1048576", b"AAA1048576", b"A99999999", b"ZZ200000",
                                 b"IV65536", b"A0", b"AAAAAAAAAAAA1"])
            return body.replace(rng.choice(refs), b'r="' + target + b'"', 1)
    if how == "dimension":
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', body) if b"<dimension" in body \
            else body.replace(b"<sheetData", b'<dimension ref="A1:ZZZZ1048576"/><sheetData', 1)
    if how == "nesting":
        depth = rng.choice([100, 10_000, 200_000])
        at = body.find(b"</")
        at = at if at > 0 else len(body)
        return body[:at] + b"<x>" * depth + b"</x>" * depth + body[at:]
    if how == "entities":
        bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>')
        return bomb + re.sub(rb"^<\?xml[^>]*\?>", b"", body).replace(b"<t>", b"<t>&d;", 3)
    if how == "broken_tag":
        closes = [m.start() for m in re.finditer(rb"</", body)]
        if closes:
            at = rng.choice(closes)
            return body[:at] + body[at + rng.randint(2, 8):]
    if how == "bad_utf8":
        texts = [m.end() for m in re.finditer(rb"<t[^>]*>", body)]
        if texts:
            at = rng.choice(texts)
            return body[:at] + rng.choice([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\x00\x01"]) + body[at:]
    if how == "big_string":
        texts = [m.end() for m in re.finditer(rb"<t[^>]*>", body)]
        if texts:
            at = rng.choice(texts)
            return body[:at] + "粘土砖".encode() * rng.choice([10_000, 300_000]) + body[at:]
    if how == "amplify" and b"<sst" in body:
        return re.sub(rb"<si>", b"<si><t>" + "砖".encode() * 200_000 + b"</t></si><si>", body, count=1)
    if how == "amplify" and b"<sheetData" in body:
        cells = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (r, r)
                         for r in range(100_000, 100_000 + rng.choice([100, 5000])))
        return body.replace(b"</sheetData>", cells + b"</sheetData>", 1)
    if how == "merges":
        merges = rng.choice([b'<mergeCell ref="A1:XFD1048576"/>', b'<mergeCell ref="A1:B2"/>' * 300_000])
        if b"<mergeCells" in body:
            return body.replace(b"</mergeCells>", merges + b"</mergeCells>", 1)
        return body.replace(b"</sheetData>", b"</sheetData><mergeCells>" + merges + b"</mergeCells>", 1)
    if how == "repeat":
        return re.sub(rb'(number-(?:rows|columns)-repeated=")[0-9]+"', rb'\g<1>1048576"', body) \
            if b"repeated" in body else body.replace(b"<table:table-cell", b'<table:table-cell '
                                                     b'table:number-columns-repeated="16384"', 1)
    if how == "bad_index":
        return re.sub(rb'(t="s"[^>]*><v>)[0-9]+', rb"\g<1>99999999", body, count=rng.randint(1, 5))
    if how == "no_ref":
        return re.sub(rb' r="[A-Z]+[0-9]+"', b"", body)
    if how == "prefix":
        return re.sub(rb"<(/?)(c|row|v|t|is)\b", rb"<\1x:\2", body).replace(
            b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ', 1)
    if how == "huge_number":
        return re.sub(rb"<v>[0-9.]+</v>", rng.choice([b"<v>1e308000</v>", b"<v>-0</v>", b"<v>NaN</v>",
                                                        b"<v>99999999999999999999999999</v>"]), body, count=3)
    return body


def m_xml(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    members = _zip_members(data)
    if not members:
        return m_bytes(rng, data)
    xml = [i for i, (info, body) in enumerate(members) if info.filename.endswith(".xml")]
    if not xml:
        return m_bytes(rng, data)
    preferred = [i for i in xml if re.search(r"(sheet\d*|sharedStrings|content)\.xml$", members[i][0].filename)]
    index = rng.choice(preferred or xml)
    info, body = members[index]
    how = rng.choice(_XML_TRICKS)
    members[index] = (info, _xml_trick(rng, info.filename, body, how))
    return _zip_write(members), f"xml:{how}"


def m_zip(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    members = _zip_members(data)
    if not members:
        return m_bytes(rng, data)
    how = rng.choice(["duplicate", "drop", "stored", "lie_size", "bad_crc", "comment", "cut_directory",
                      "nested", "bomb_member", "encrypted_flag"])
    if how == "duplicate":
        members.append(rng.choice(members))
        return _zip_write(members), "zip:duplicate"
    if how == "drop":
        members.pop(rng.randrange(len(members)))
        return _zip_write(members), "zip:drop"
    if how == "stored":
        return _zip_write(members, zipfile.ZIP_STORED), "zip:stored"
    if how == "nested":
        return _zip_write(members + [(zipfile.ZipInfo("xl/embeddings/inner.xlsx"), data)]), "zip:nested"
    if how == "bomb_member":
        return _zip_write(members + [(zipfile.ZipInfo("xl/worksheets/sheet9.xml"),
                                      b"<worksheet><sheetData>" + b" " * (50 << 20) + b"</sheetData></worksheet>")]), \
            "zip:bomb_member"
    b = bytearray(_zip_write(members))
    central = [m.start() for m in re.finditer(rb"PK\x01\x02", b)]
    local = [m.start() for m in re.finditer(rb"PK\x03\x04", b)]
    if how == "lie_size" and central:
        at = rng.choice(central)
        b[at + 24:at + 28] = rng.choice([b"\x00\x00\x00\x00", b"\xff\xff\xff\x7f", b"\x10\x00\x00\x00"])
    elif how == "bad_crc" and local:
        at = rng.choice(local)
        b[at + 14:at + 18] = rng.randbytes(4)
    elif how == "comment":
        end = b.rfind(b"PK\x05\x06")
        if end >= 0:
            b[end + 20:end + 22] = b"\xff\xff"
            b += rng.randbytes(300)
    elif how == "cut_directory" and central:
        del b[rng.choice(central):]
    elif how == "encrypted_flag" and local:
        at = rng.choice(local)
        b[at + 6] |= 1
    return bytes(b), f"zip:{how}"


def m_csv(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    how = rng.choice(["nul", "quotes", "bom", "encoding", "huge_field", "wide", "cr", "formula", "long_line",
                      "binary"])
    lines = data.split(b"\n")
    if how == "nul":
        return data.replace(b",", b",\x00", rng.randint(1, 50)), "csv:nul"
    if how == "quotes":
        return data.replace(b",", b',"', rng.randint(1, 20)), "csv:quotes"
    if how == "bom":
        text = data.decode("utf-8", "replace")
        return rng.choice([b"\xef\xbb\xbf" + data, b"\xff\xfe" + text.encode("utf-16-le"),
                           b"\xfe\xff" + text.encode("utf-16-be"), b"\xff\xfe\x00\x00" + text.encode("utf-32-le"),
                           text.encode("utf-16-le")]), "csv:bom"
    if how == "encoding":
        text = data.decode("utf-8", "replace")
        encoded = text.encode(rng.choice(["gb18030", "big5", "shift_jis", "latin-1"]), "replace")
        b = bytearray(encoded)
        for _ in range(rng.randint(0, 5)):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(128, 256)
        return bytes(b), "csv:encoding"
    if how == "huge_field":
        return data + b'\n1,"' + b"x" * rng.choice([200_000, 1_500_000]) + b'",m3\n', "csv:huge_field"
    if how == "wide":
        return data + (b"," * rng.choice([10_000, 100_000]) + b"1\n") * rng.choice([1, 50]), "csv:wide"
    if how == "cr":
        return data.replace(b"\n", b"\r"), "csv:cr"
    if how == "formula":
        return data.replace(b",", b",=cmd|' /C calc'!A0,", 3), "csv:formula"
    if how == "long_line":
        return b"\n".join(lines[:3]) + b"\n" + b"a;b|c\t" * 200_000 + b"\n", "csv:long_line"
    return data + rng.randbytes(rng.choice([16, 4096])), "csv:binary"


def m_pdf(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    how = rng.choice(["ref_loop", "self_ref", "nesting", "xref_shift", "length", "filter", "prev_loop", "count",
                      "mediabox", "no_endstream", "objstm", "strings"])
    objects = [(int(m.group(1)), m.start()) for m in re.finditer(rb"(?<![0-9])([0-9]{1,6}) 0 obj", data)]
    if how == "ref_loop" and len(objects) >= 2:
        (a, _), (b, _) = rng.sample(objects, 2)
        new = re.sub(rb"(?<![0-9])%d 0 obj.*?endobj" % a, b"%d 0 obj %d 0 R endobj" % (a, b), data, count=1,
                     flags=re.S)
        return re.sub(rb"(?<![0-9])%d 0 obj.*?endobj" % b, b"%d 0 obj %d 0 R endobj" % (b, a), new, count=1,
                      flags=re.S), "pdf:ref_loop"
    if how == "self_ref":
        refs = list(re.finditer(rb"(?<![0-9])([0-9]{1,6}) 0 R", data))
        if refs and objects:
            ref = rng.choice(refs)
            return data[:ref.start()] + b"%d 0 R" % rng.choice(objects)[0] + data[ref.end():], "pdf:self_ref"
    if how == "nesting":
        depth = rng.choice([150, 5000, 100_000])
        at = data.find(b"<<")
        if at >= 0:
            return data[:at + 2] + b" /Junk " + b"[" * depth + b"]" * depth + data[at + 2:], "pdf:nesting"
    if how == "xref_shift":
        return re.sub(rb"([0-9]{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + rng.randint(-50, 50)),
                      data), "pdf:xref_shift"
    if how == "length":
        return re.sub(rb"/Length [0-9]+", b"/Length %d" % rng.choice([0, 1, 99999999]), data, count=2), "pdf:length"
    if how == "filter":
        return data.replace(b"/FlateDecode", rng.choice([b"/LZWDecode", b"/JBIG2Decode", b"/Nonsense",
                                                         b"[/FlateDecode /FlateDecode]"]), 2), "pdf:filter"
    if how == "prev_loop":
        at = data.rfind(b"startxref")
        if at >= 0:
            offset = re.search(rb"startxref\s+([0-9]+)", data[at:])
            if offset:
                return data.replace(b"trailer\n<<", b"trailer\n<< /Prev " + offset.group(1), 1), "pdf:prev_loop"
    if how == "count":
        return re.sub(rb"/Count [0-9]+", b"/Count 2147483647", data), "pdf:count"
    if how == "mediabox":
        return re.sub(rb"/MediaBox \[[^\]]*\]", rng.choice([b"/MediaBox [0 0 612]", b"/MediaBox [0 0 -5 1e99]",
                                                            b"/MediaBox [0 0 99999999 99999999]", b"/MediaBox 7 0 R"]),
                      data), "pdf:mediabox"
    if how == "no_endstream":
        return data.replace(b"endstream", b"", rng.randint(1, 3)), "pdf:no_endstream"
    if how == "objstm":
        at = data.rfind(b"xref")
        if at > 0:
            junk = b"99 0 obj << /Type /ObjStm /N 1000000 /First 5 /Length 20 >>\nstream\n" + rng.randbytes(20) + \
                b"\nendstream\nendobj\n"
            return data[:at] + junk + data[at:], "pdf:objstm"
    if how == "strings":
        at = rng.randrange(len(data)) if data else 0
        return data[:at] + rng.choice([b"(((((((", b"\\", b")))", b"<</", b"<AB"]) * 1000 + data[at:], "pdf:strings"
    return m_bytes(rng, data)


MUTATORS = {"bytes": m_bytes, "truncate": m_truncate, "xml": m_xml, "zip": m_zip, "csv": m_csv, "pdf": m_pdf}
CLASSES_BY_KIND = {"xlsx": ["bytes", "truncate", "xml", "xml", "zip"], "ods": ["bytes", "truncate", "xml", "zip"],
                   "xls": ["bytes", "bytes", "truncate"], "pdf": ["bytes", "truncate", "pdf", "pdf"],
                   "csv": ["bytes", "truncate", "csv", "csv"]}
NAMES = [b"bad\xff", b"line\nbreak", b"esc\x1b[31mred", b".", b"..", b"tab\there", b"\xe5\xb7\xa5\xe7\xa8\x8b"]


def make_case(rng: random.Random, pool: list[tuple[str, bytes]], number: int) -> tuple[bytes, bytes, str, str]:
    """(file name as bytes, content, class, what was done) of case ``number``."""
    seed_name, data = rng.choice(pool)
    kind = kind_of(data)
    cls = rng.choice(CLASSES_BY_KIND[kind] + ["name"] * (rng.random() < 0.05))
    steps = []
    if cls == "name":
        stem = rng.choice(NAMES)
        data2, what = m_bytes(rng, data) if rng.random() < 0.5 else (data, "unchanged")
        steps.append(f"name:{stem!r}")
        name = stem + b"-%d" % number + SUFFIX[kind].encode()
        return name, data2, cls, f"{seed_name} " + " ".join(steps + [what])
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        data, what = MUTATORS[cls](rng, data)
        steps.append(what)
    return b"case-%05d" % number + SUFFIX[kind].encode(), data, cls, f"{seed_name} " + " ".join(steps)


# ------------------------------------------------------------------------------------------------------------
# running the real command

_LAUNCHER = r"""
import json, os, signal, subprocess, sys, time
result, timeout, args = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
started = time.monotonic()
process = subprocess.Popen(args, start_new_session=True)
code = usage = None
while True:
    pid, status, usage = os.wait4(process.pid, os.WNOHANG)
    if pid:
        code = os.waitstatus_to_exitcode(status)
        break
    if time.monotonic() - started > timeout:
        os.killpg(process.pid, signal.SIGKILL)
        _, status, usage = os.wait4(process.pid, 0)
        break
    time.sleep(0.02)
with open(result, "w") as handle:
    json.dump({"code": code, "seconds": time.monotonic() - started, "peak": usage.ru_maxrss * 1024}, handle)
"""


def run_command(args: list[str], timeout: float) -> tuple[int | None, str, str, float, int]:
    """(exit code or None on timeout, stdout, stderr, seconds, peak RSS bytes of the command's biggest process).

    The command runs under a small launcher process: on Linux a child's peak-memory figure starts at its
    parent's size when it was forked, so measuring from a big process (pytest, a long fuzz run) would inflate it."""
    with tempfile.TemporaryDirectory(prefix="gbm-run-") as tmp, tempfile.TemporaryFile() as out, \
            tempfile.TemporaryFile() as err:
        result = os.path.join(tmp, "result.json")
        subprocess.run([sys.executable, "-c", _LAUNCHER, result, str(timeout), *args], stdout=out, stderr=err)
        data = json.loads(Path(result).read_text())
        out.seek(0)
        err.seek(0)
        return (data["code"], out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                data["seconds"], data["peak"])


COMMAND_OPTIONS: list[str] = []  # options every command of the run gets (``--no-ocr``)


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "checker", "check", *args, *COMMAND_OPTIONS]


def judge_batch(folder: Path, names: list[bytes], jobs: int, single: bool) -> dict[bytes, str]:
    """Run the command on the folder (or, ``single``, on its one file); the outcome of every file."""
    report = folder.parent / (folder.name + ".json")
    target = str(folder / os.fsdecode(names[0])) if single else str(folder)
    file_seconds = FILE_SECONDS * slowdown()  # what the command allows a small file at this load
    per_file = file_seconds * (1 if single else max(1, len(names) / max(1, jobs)) + 1)
    code, _out, err, seconds, peak = run_command(
        command(target, "--format", "json", "-o", str(report), "--jobs", str(jobs)), per_file + STARTUP_SECONDS)
    outcomes: dict[bytes, str] = {}
    problems = []
    if code is None:
        problems.append(f"command timed out after {seconds:.0f} s")
    elif code not in (0, 1, 2):
        problems.append(f"exit code {code}")
    if "Traceback" in err:
        problems.append("traceback on stderr")
    lines = hostile.file_lines(err)  # not the run's notes (the report written, the summary line)
    stray = [line for line in lines if not line.startswith("gbm-check: ")]
    if stray:
        problems.append(f"stray stderr line {stray[0][:100]!r}")
    if peak > MEMORY_BYTES:
        problems.append(f"peak memory {peak / 2**20:.0f} MB")
    if single and code == 2 and len(lines) != 1:
        problems.append(f"exit 2 with {len(lines)} stderr lines")
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        files = {f["path"]: f for f in data["files"]}
    except Exception as exc:
        data, files = None, {}
        if code is not None:
            problems.append(f"JSON report missing or unparseable ({type(exc).__name__})")
    report.unlink(missing_ok=True)
    error_lines = [line for line in lines if not line.startswith("gbm-check: warning:")]
    for name in (names[:1] if single else names):
        path = str(folder / os.fsdecode(name))
        entry = files.get(path)
        own = problems[:]
        if data is not None:
            if entry is None:
                own.append("file missing from the JSON report")
            elif entry["status"] == "error":
                named = [line for line in error_lines if line.startswith(f"gbm-check: {printable(path)}: ")]
                if len(named) != 1:
                    own.append(f"{len(named)} stderr lines name this refused file")
                if entry.get("seconds", 0) > file_seconds:
                    own.append(f"took {entry['seconds']:.0f} s")
            elif entry.get("seconds", 0) > file_seconds:
                own.append(f"took {entry['seconds']:.0f} s")
        if own:
            outcomes[name] = "UNDEFINED: " + "; ".join(own)
        elif entry is not None:
            outcomes[name] = "refused" if entry["status"] == "error" else "ok"
    return outcomes


def fuzz(cases: int, seed: int, batch: int, jobs: int, single_share: float, keep: Path | None,
         shared: bool = True, quiet: bool = False) -> tuple[collections.Counter, list[tuple[str, str, str]]]:
    """Run ``cases`` cases; returns (Counter of (class, outcome), [(case file, what, outcome) undefined])."""
    rng = random.Random(seed)
    pool = seeds(shared)

    table: collections.Counter = collections.Counter()
    failures: list[tuple[str, str, str]] = []
    done = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gbm-fuzz-") as tmp:
        while done < cases:
            size = min(batch, cases - done)
            single = rng.random() < single_share
            if single:
                size = 1
            folder = Path(tmp) / f"batch-{done:06d}"
            folder.mkdir()
            made = {}
            for number in range(done, done + size):
                name, data, cls, what = make_case(rng, pool, number)
                (folder / os.fsdecode(name)).write_bytes(data)
                made[name] = (cls, what)
            outcomes = judge_batch(folder, list(made), jobs, single)
            for name, (cls, what) in made.items():
                outcome = outcomes.get(name, "UNDEFINED: no outcome")
                table[(cls, outcome.split(":")[0])] += 1
                if outcome.startswith("UNDEFINED"):
                    failures.append((os.fsdecode(name), what, outcome))
                    if keep is not None:
                        keep.mkdir(parents=True, exist_ok=True)
                        shutil.copy(folder / os.fsdecode(name), keep / os.fsdecode(name))
                        with open(keep / "failures.txt", "a", encoding="utf-8", errors="backslashreplace") as log:
                            log.write(f"{printable(os.fsdecode(name))}\t{printable(what)}\t{outcome}\n")
            shutil.rmtree(folder, ignore_errors=True)
            done += size
            if not quiet:
                undefined = sum(v for (c, o), v in table.items() if o == "UNDEFINED")
                print(f"\r{done}/{cases} cases, {undefined} undefined, {time.monotonic() - started:.0f} s",
                      end="", file=sys.stderr, flush=True)
    if not quiet:
        print(file=sys.stderr)
    return table, failures


def format_table(table: collections.Counter) -> str:
    classes = sorted({c for c, _ in table})
    outcomes = ["ok", "refused", "UNDEFINED"]
    lines = ["| class | " + " | ".join(outcomes) + " | total |", "|---|" + "---|" * (len(outcomes) + 1)]
    for cls in classes:
        row = [table[(cls, o)] for o in outcomes]
        lines.append(f"| {cls} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    totals = [sum(table[(c, o)] for c in classes) for o in outcomes]
    lines.append("| **all** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    return "\n".join(lines)


def main() -> int:
    import warnings

    warnings.simplefilter("ignore")  # zipfile warns about the duplicate members it is asked to write
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=25, help="files per command")
    parser.add_argument("--jobs", type=int, default=2, help="the command's --jobs")
    parser.add_argument("--single", type=float, default=0.05, help="share of cases run alone")
    parser.add_argument("--keep", default="fuzz-failures", help="folder for undefined cases")
    parser.add_argument("--table", help="also write the outcome table (markdown) here")
    parser.add_argument("--no-ocr", action="store_true",
                        help="refuse scanned pages instead of reading them by OCR (a quick run: OCR takes ~5-40 s a page)")
    parser.add_argument("--no-shared", action="store_true", help="seeds from the repo only")
    args = parser.parse_args()
    if args.no_ocr:
        COMMAND_OPTIONS.append("--no-ocr")
    table, failures = fuzz(args.cases, args.seed, args.batch, args.jobs, args.single, Path(args.keep),
                           shared=not args.no_shared)
    text = (f"python tools/fuzz.py --cases {args.cases} --seed {args.seed} --batch {args.batch} --jobs {args.jobs}"
            + (" --no-ocr" if args.no_ocr else "") + f"\n\n{format_table(table)}\n")
    print(text)
    for name, what, outcome in failures[:50]:
        print(f"{name}\t{what}\t{outcome}")
    if args.table:
        Path(args.table).write_text(text, encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
