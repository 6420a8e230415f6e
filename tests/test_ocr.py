"""OCR of scanned bills: images (png, jpeg, tiff) and image-only PDFs drawn here, read with RapidOCR.

The model loads once per test process (about a second) and a small page takes a few seconds, so the bills are
small and the OCR tests few.  Each bill is drawn with a CJK font found on the machine; without one they skip.
"""
from __future__ import annotations

import glob
import io
import json
from pathlib import Path

import pytest

from checker.read import read_path
from checker.read.pdf_ocr import ocr_budget_seconds, ocr_unavailable
from checker.read.sniff import InputRefused, image_format, sniff
from checker.report.i18n import localize

from .conftest import shared_path

needs_ocr = pytest.mark.skipif(bool(ocr_unavailable("rapidocr")), reason="RapidOCR cannot run here")

HEADER = ("序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量")
WIDTHS = (90, 230, 240, 520, 130, 150)
ROWS = [  # wording of our own: not taken from any bill
    ("1", "010402001003", "加气混凝土砌块墙", "1.砌块品种：蒸压加气混凝土砌块", "m3", "125.5"),
    ("2", "010401003004", "实心砖墙", "1.砖品种：MU10实心粘土砖", "m3", "36"),
    ("3", "011701001002", "综合脚手架", "1.搭设方式：钢管扣件式", "m2", "880"),
    ("4", "010902001005", "屋面卷材防水", "1.卷材品种：SBS改性沥青防水卷材", "m2", "240.75"),
]


def _cjk_font(size: int):
    from PIL import ImageFont

    for pattern in ("/usr/share/fonts/**/NotoSansCJK*.tt[cf]", "/usr/share/fonts/**/NotoSerifCJK*.tt[cf]",
                    "/usr/share/fonts/**/wqy*.tt[cf]", "/usr/share/fonts/**/*CJK*.tt[cf]",
                    "/System/Library/Fonts/PingFang.ttc", "C:/Windows/Fonts/simsun.ttc"):
        for name in sorted(glob.glob(pattern, recursive=True)):
            try:
                return ImageFont.truetype(name, size)
            except OSError:
                continue
    pytest.skip("no CJK font on this machine to draw a bill with")


def draw_bill_image(rows=ROWS, *, angle: float = 0.0, ruled: bool = True):
    """A bill table as a greyscale image (≈ 200 dpi: 10 pt text), ``angle`` degrees askew, with or without
    ruling lines."""
    from PIL import Image, ImageDraw

    font = _cjk_font(28)
    row_height, left, top = 64, 40, 90
    width = left * 2 + sum(WIDTHS)
    height = top + row_height * (len(rows) + 1) + 80
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    draw.text((left, 30), "分部分项工程量清单（测试用）", font=font, fill=0)
    xs = [left]
    for w in WIDTHS:
        xs.append(xs[-1] + w)
    for r, row in enumerate((HEADER,) + tuple(rows)):
        y = top + r * row_height
        for c, text in enumerate(row):
            numeric = r > 0 and c == len(row) - 1
            x = xs[c + 1] - 10 - draw.textlength(text, font=font) if numeric else xs[c] + 10
            draw.text((x, y + 16), text, font=font, fill=0)
    bottom = top + row_height * (len(rows) + 1)
    for r in range(len(rows) + 2 if ruled else 0):
        draw.line([(xs[0], top + r * row_height), (xs[-1], top + r * row_height)], fill=0, width=2)
    for x in xs if ruled else ():
        draw.line([(x, top), (x, bottom)], fill=0, width=2)
    if angle:
        image = image.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return image


def _assert_rows(items, rows=ROWS, page: int | None = None):
    got = [(i.seq, i.code, i.name, i.unit, i.quantity) for i in items]
    assert got == [(r[0], r[1], r[2], r[4], float(r[5])) for r in rows]
    for item, row in zip(items, rows):
        assert item.features.replace(" ", "") == row[3]
        assert item.ocr and 0.5 <= item.ocr_confidence <= 1.0
        if page is not None:
            assert item.provenance.page == page


# -- reading -------------------------------------------------------------------------------------------------


@needs_ocr
def test_cli_checks_a_scanned_png_bill(tmp_path):
    """The command a user runs: a PNG of a bill is read by OCR by default, its lines judged, and the JSON says
    that the text came from OCR."""
    from click.testing import CliRunner

    from checker.cli import main

    path = tmp_path / "清单.png"
    draw_bill_image().save(path, dpi=(200, 200))
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    report = json.loads(result.stdout)
    [entry] = report["files"]
    assert entry["status"] == "ok" and entry["format"] == "png" and entry["ocr_pages"] == 1
    assert any("read by OCR" in w for w in entry["warnings"])  # as the reader wrote it
    assert any("OCR" in w and "纸质原件" in w for w in entry["warnings_text"])  # in the report's language
    assert [(i["name"], i["unit"], i["quantity"]) for i in report["items"]] == \
        [(r[2], r[4], float(r[5])) for r in ROWS]
    assert all(i["ocr"] is True and 0.5 <= i["ocr_confidence"] <= 1 for i in report["items"])
    status = {i["code"]: i["status"] for i in report["items"]}
    assert status["010401003004"] == "banned"  # 实心粘土砖, read from pixels


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@needs_ocr
def test_tiff_pages_one_askew(tmp_path, monkeypatch):
    """A two-frame TIFF is two pages; the second, a table without ruling lines photographed 1.5° askew and
    without a dpi, is straightened and scaled from its text, its columns found from the gaps between the
    characters.  On a terminal each page reports its progress."""
    import sys

    first = draw_bill_image(ROWS[:2])
    second = draw_bill_image(ROWS[2:], angle=1.5, ruled=False)
    path = tmp_path / "scan.tif"
    first.save(path, save_all=True, append_images=[second])
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    read = read_path(str(path))
    lines = terminal.getvalue().splitlines()
    assert lines == [f"gbm-check: {path}: OCR page {n} of 2 …" for n in (1, 2)]
    assert read.ok, read.error
    assert read.format == "tiff" and read.ocr_pages == 2
    _assert_rows([i for i in read.items if i.provenance.page == 1], ROWS[:2], page=1)
    _assert_rows([i for i in read.items if i.provenance.page == 2], ROWS[2:], page=2)


@needs_ocr
def test_image_only_pdf(tmp_path):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = draw_bill_image()
    path = tmp_path / "scan.pdf"
    width, height = image.size[0] * 72 / 200, image.size[1] * 72 / 200
    c = canvas.Canvas(str(path), pagesize=(width, height))
    c.drawImage(ImageReader(image), 0, 0, width, height)
    c.showPage()
    c.save()
    read = read_path(str(path))
    assert read.ok, read.error
    assert read.ocr_pages == 1 and any("纸质原件" in localize(w) for w in read.warnings)
    _assert_rows(read.items, page=1)


# -- refusing ------------------------------------------------------------------------------------------------


def test_no_ocr_refuses_images_and_scans(tmp_path):
    from PIL import Image

    png = tmp_path / "bill.png"
    Image.new("L", (60, 40), 255).save(png)
    read = read_path(str(png), ocr=False)
    assert not read.ok and "--no-ocr" in read.error and "NOT checked" in read.error and "\n" not in read.error


def test_cli_no_ocr_exit_2(tmp_path):
    from click.testing import CliRunner
    from PIL import Image

    from checker.cli import main

    png = tmp_path / "bill.jpg"
    Image.new("RGB", (60, 40), "white").save(png)
    result = CliRunner().invoke(main, ["check", "--no-ocr", str(png)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--no-ocr" in result.stderr


@pytest.mark.parametrize("name, data", [
    ("truncated.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x04\x00\x00\x00\x03\x00\x08\x00"),
    ("garbage.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4),
    ("bomb.tif", None),
])
def test_corrupt_or_hostile_image_gives_one_line(tmp_path, name, data):
    path = tmp_path / name
    if data is None:  # a TIFF whose header declares 100000 × 100000 pixels
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("L", (8, 8), 255).save(buffer, format="TIFF")
        data = _tiff_with_size(buffer.getvalue(), 100_000, 100_000)
    path.write_bytes(data)
    read = read_path(str(path))
    assert not read.ok and read.error and "\n" not in read.error and not read.items


def _tiff_with_size(raw: bytes, width: int, height: int) -> bytes:
    """The little-endian TIFF ``raw`` with its ImageWidth / ImageLength tags set to ``width`` × ``height``."""
    import struct

    data = bytearray(raw)
    offset = struct.unpack_from("<I", data, 4)[0]
    count = struct.unpack_from("<H", data, offset)[0]
    for i in range(count):
        entry = offset + 2 + 12 * i
        tag, kind = struct.unpack_from("<HH", data, entry)
        if tag in (256, 257):
            value = width if tag == 256 else height
            if kind == 3:
                struct.pack_into("<HHIHH", data, entry, tag, 4, 1, value & 0xFFFF, value >> 16)
            else:
                struct.pack_into("<HHII", data, entry, tag, 4, 1, value)
    return bytes(data)


def test_images_are_sniffed_from_their_bytes():
    assert image_format(b"\x89PNG\r\n\x1a\n....") == "png"
    assert image_format(b"\xff\xd8\xff\xe1....") == "jpeg"
    assert image_format(b"II*\x00....") == image_format(b"MM\x00*....") == "tiff"
    assert image_format(b"%PDF-1.7") == "" and image_format(b"PK\x03\x04") == ""
    assert sniff("x.csv", b"\x89PNG\r\n\x1a\n", 100).format == "png"
    with pytest.raises(InputRefused):
        sniff("x.png", b"", 0)


def test_ocr_budget_grows_with_pages():
    assert ocr_budget_seconds(0) == 0
    one, ten = ocr_budget_seconds(1), ocr_budget_seconds(10)
    assert one >= 10 and ten > 5 * one > 0


def test_folders_walk_images(tmp_path):
    from checker.engine import expand_paths

    for name in ("a.png", "b.JPG", "c.tiff", "d.txt", "e.gif"):
        (tmp_path / name).write_bytes(b"x")
    assert [Path(p).name for p in expand_paths([str(tmp_path)])] == ["a.png", "b.JPG", "c.tiff", "d.txt"]


# -- the real scanned bills in ../shared ---------------------------------------------------------------------


@needs_ocr
def test_shared_scanned_quote_is_checked():
    """The real scanned quotation: its four lines, code-free names, units, quantities and amounts."""
    read = read_path(str(shared_path("real-bills", "yanghang_cable_joint_quote_scanned.pdf")))
    assert read.ok, read.error
    assert read.ocr_pages == 1
    assert [(i.seq, i.code, i.unit, i.quantity) for i in read.items] == \
        [("1", "", "套", 6.0), ("2", "", "套", 3.0), ("3", "", "套", 18.0), ("4", "", "套", 3.0)]
    assert all(len(i.name) >= 6 and "电缆" in i.name for i in read.items)
    assert sum(i.amount for i in read.items) == pytest.approx(1445730.0)
    assert all(i.ocr_confidence > 0.9 for i in read.items)


def test_missing_ocr_engine_gives_one_line(tmp_path, monkeypatch):
    """Without RapidOCR (not installed, or its image library cannot load) a scan is refused with the reason."""
    import sys

    from PIL import Image

    from checker.read import pdf_ocr

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails
    monkeypatch.setattr(pdf_ocr, "_rapidocr", pdf_ocr._rapidocr.__wrapped__)
    pdf_ocr.ocr_unavailable.cache_clear()
    try:
        path = tmp_path / "bill.png"
        Image.new("L", (60, 40), 255).save(path)
        read = read_path(str(path))
        assert not read.ok and "RapidOCR is not installed" in read.error and "NOT checked" in read.error
        assert "\n" not in read.error
    finally:
        pdf_ocr.ocr_unavailable.cache_clear()


@needs_ocr
def test_shared_hostile_scan_is_checked():
    """The two scanned pages of 表-08: every line (20, counted on the page images) with its 12-digit code, unit and
    quantity, 序号 and 项目编码 printed against one ruling read apart."""
    read = read_path(str(shared_path("hostile", "scanned.pdf")))
    assert read.ok, read.error
    assert read.ocr_pages == 2 and len(read.items) == 20
    assert [i.seq for i in read.items] == [str(n) for n in range(1, 21)]
    assert all(len(i.code) == 12 and i.code.isdigit() and i.unit and i.quantity for i in read.items)
    assert [i.provenance.page for i in read.items] == [1] * 10 + [2] * 10
