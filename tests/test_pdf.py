"""PDF bills: printed 表-08 pages drawn here with reportlab (ruled and unruled, cell text centred or top-aligned,
headers repeated or not, items broken over a page), scanned and (cid:N) PDFs, parallel pages, and the shared
corpus (skipped without ../shared)."""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from checker.read import read_path
from checker.read.pdf import read_pdf
from checker.read.pdf_layout import Frag, _Anchor, _Line, _partition, build_fragments
from checker.read.sniff import InputRefused

from .conftest import shared_path

reportlab = pytest.importorskip("reportlab", reason="reportlab (test extra) draws the test PDFs")
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

FONT = "STSong-Light"  # a CID font every PDF reader maps to Unicode; nothing to embed
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

# -- a printed 表-08 -----------------------------------------------------------------------------------------

WIDTHS = [30, 74, 66, 236, 34, 52, 52, 66, 44]  # 序号 … 暂估价, points
LEFT = 40.0
TITLE = "分部分项工程和单价措施项目清单与计价表"
PROJECT = "聊城市某某中学教学楼"

ITEMS = [
    ("1", "010401001001", "砖基础",
     "1.砖品种、规格、强度等级：MU10实心粘土砖\n2.基础类型：带形\n3.砂浆强度等级：M5.0水泥砂浆", "m3", "98.32", "862.95",
     "84845.24"),
    ("2", "010401004001", "多孔砖墙", "1.砖品种：MU10烧结页岩多孔砖", "m3", "292.33", "888.72", "259799.52"),
    ("3", "010402001001", "砌块墙",
     "1.砌块品种、规格、强度等级：蒸压加气混凝土砌块600×240×200 A5.0 B06，容重不大于625kg/m3，专用砌筑砂浆砌筑\n"
     "2.墙体类型：内隔墙\n3.砂浆强度等级：预拌砌筑砂浆DM M5.0\n4.其他：详见图纸说明\n5.部位：首层至屋面", "m3", "327.95",
     "411.94", "135095.72"),
    ("4", "010502002001", "构造柱", "1.混凝土种类：现场搅拌混凝土\n2.混凝土强度等级：C25", "m3", "264.32", "1016.5",
     "268681.28"),
    ("5", "010807001001", "金属（塑钢、断桥）窗", "1.框、扇材质：断桥铝合金\n2.玻璃品种、厚度：6+12A+6中空玻璃", "m2", "74.53",
     "512.93", "38227.93"),
    ("6", "011001003001", "保温隔热墙面", "1.保温材料：50厚EPS模塑聚苯板\n2.网格布：非耐碱玻纤网格布", "m2", "831.96",
     "367.43", "305687.06"),
    ("7", "011407001001", "墙面喷刷涂料", "1.涂料品种：106内墙涂料", "m2", "62.55", "602.4", "37680.12"),
    ("8", "031001001001", "镀锌钢管", "1.介质：给水\n2.材质：冷镀锌钢管 DN20\n3.连接方式：螺纹连接", "m", "886.51",
     "539.29", "478085.98"),
]
SECTIONS = {"1": "A.4 砌筑工程", "4": "A.5 混凝土及钢筋混凝土工程", "5": "A.8 门窗工程", "6": "A.10 保温、隔热、防腐工程",
            "7": "A.14 油漆、涂料、裱糊工程", "8": "给排水工程"}  # the last one named without a letter


def body_rows(items=ITEMS):
    rows = []
    for item in items:
        if item[0] in SECTIONS:
            rows.append(("section", SECTIONS[item[0]]))
        rows.append(("item",) + tuple(item))
    return rows


def paged(rows, per_page):
    pages, chunk = [], []
    for row in rows:
        chunk.append(row)
        if sum(r[0] == "item" for r in chunk) == per_page and row[0] == "item":
            pages.append(chunk)
            chunk = []
    if chunk:
        pages.append(chunk)
    return pages


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Wrap as a spreadsheet prints: after any Chinese character, at a space between Latin words (the space
    is dropped), never inside a Latin word or number."""
    import re

    lines = []
    for part in text.split("\n"):
        line = ""
        for token in re.findall(r"[A-Za-z0-9.+×*/=\-]+| |.", part):
            if line and pdfmetrics.stringWidth(line + token, FONT, size) > width:
                lines.append(line.rstrip())
                line = "" if token == " " else token
                continue
            line += token
        lines.append(line)
    return lines


def draw_bill(path: Path, pages, *, ruled: str = "all", valign: str = "middle", size: float = 8.0,
              header_on=None, spaced_header: bool = False) -> Path:
    """Draw a paged 表-08.  ``ruled``: "all" (every cell), "columns" (column lines and the table frame, no line
    between body rows) or "none"; ``valign``: "middle", "top" or "bottom"; ``header_on``: pages (0-based) that
    print the header (default all).  A page entry is a list of rows: ("section", text), ("item", seq, code,
    name, features, unit, qty, price, amount), ("cont", features) (the rest of an item broken over a page)."""
    width, height = landscape(A4)
    c = canvas.Canvas(str(path), pagesize=(width, height))
    xs = [LEFT]
    for w in WIDTHS:
        xs.append(xs[-1] + w)
    pad, lead = 3.0, size * 1.35
    total = 0.0

    def text_block(col_lo: int, col_hi: int, lines: list[str], top: float, bottom: float, align: str = "left",
                   vmode: str = valign):
        block = len(lines) * lead
        if vmode == "middle":
            y = top - ((top - bottom) - block) / 2
        elif vmode == "top":
            y = top - pad
        else:
            y = bottom + pad + block
        for line in lines:
            y -= lead
            base = y + (lead - size) / 2 + size * 0.12
            if align == "right":
                c.drawRightString(xs[col_hi + 1] - pad, base, line)
            elif align == "center":
                c.drawCentredString((xs[col_lo] + xs[col_hi + 1]) / 2, base, line)
            else:
                c.drawString(xs[col_lo] + pad, base, line)

    def hline(y, lo=0, hi=len(WIDTHS)):
        c.line(xs[lo], y, xs[hi], y)

    for number, rows in enumerate(pages):
        c.setFont(FONT, size)
        c.setLineWidth(0.5)
        top = height - 40
        c.drawString(LEFT, top, TITLE)
        top -= lead + 2
        c.drawString(LEFT, top, f"工程名称：{PROJECT}")
        c.drawString(xs[5], top, "标段：1")
        c.drawRightString(xs[-1], top, f"第{number + 1}页 共{len(pages)}页")
        top -= 6
        table_top = top
        if header_on is None or number in header_on:
            h = lead + 2 * pad
            band = [top - i * h for i in range(4)]
            name = "项 目 名 称" if spaced_header else "项目名称"
            for col, label in enumerate(["序号", "项目编码", name, "项目特征描述", "计量\n单位", "工程量"]):
                text_block(col, col, label.split("\n"), band[0], band[3], "center", "middle")
            text_block(6, 8, ["金额（元）"], band[0], band[1], "center", "middle")
            text_block(6, 6, ["综合单价"], band[1], band[3], "center", "middle")
            text_block(7, 7, ["合价"], band[1], band[3], "center", "middle")
            text_block(8, 8, ["其中"], band[1], band[2], "center", "middle")
            text_block(8, 8, ["暂估价"], band[2], band[3], "center", "middle")
            if ruled != "none":
                hline(band[0])
                hline(band[1], 6, 9)
                hline(band[2], 8, 9)
                hline(band[3])
                for i, x in enumerate(xs):
                    c.line(x, band[0] if i in (0, 6, 9) or i < 6 else band[1], x, band[3])
            top = band[3]
        page_total = 0.0
        for row in rows:
            kind = row[0]
            if kind == "section":
                lines = {2: [row[1]]}
                merged = {3}  # the section name spans 项目名称 and 项目特征描述
            elif kind == "cont":
                lines = {3: _wrap(row[1], WIDTHS[3] - 2 * pad, size)}
                merged = set()
            else:
                _, seq, code, name, features, unit, qty, price, amount = row
                lines = {0: [seq], 1: [code], 2: _wrap(name, WIDTHS[2] - 2 * pad, size),
                         3: _wrap(features, WIDTHS[3] - 2 * pad, size), 4: [unit], 5: [qty], 6: [price], 7: [amount]}
                merged = set()
                page_total += float(amount)
            h = max(len(v) for v in lines.values()) * lead + 2 * pad
            bottom = top - h
            for col, text in lines.items():
                if kind == "section":
                    text_block(2, 3, text, top, bottom, "left")
                else:
                    text_block(col, col, text, top, bottom, "right" if col in (0, 5, 6, 7) else "left")
            if ruled == "all":
                hline(bottom)
            if ruled != "none":
                for i, x in enumerate(xs):
                    if i not in merged:
                        c.line(x, top, x, bottom)
            top = bottom
        total += page_total
        for label, amount in (("本页小计", page_total), ("合    计", total)):
            h = lead + 2 * pad
            text_block(0, 6, [label], top, top - h, "left")
            text_block(7, 7, [f"{amount:.2f}"], top, top - h, "right")
            if ruled != "none":
                hline(top - h)
                for i in (0, 7, 8, 9):
                    c.line(xs[i], top, xs[i], top - h)
                if ruled == "columns" and label == "本页小计":
                    hline(top)
            top -= h
        if ruled == "columns":
            c.line(xs[0], table_top, xs[-1], table_top)
        c.drawString(LEFT, top - lead, "注：为计取规费等的使用，可在表中增设其中：“定额人工费”。")
        c.drawRightString(xs[-1], top - lead, "表－08")
        c.showPage()
    c.save()
    return path


def expected(items=ITEMS):
    """(seq, code, name, features, unit, quantity, section) of every item, as drawn."""
    out, section = [], ""
    for seq, code, name, features, unit, qty, _price, _amount in items:
        section = SECTIONS.get(seq, section)
        out.append((seq, code, name, features, unit, float(qty), section))
    return out


def got(result):
    return [(i.seq, i.code, i.name, i.features, i.unit, i.quantity, i.section) for i in result.items]


# -- layouts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ruled,valign", [
    ("all", "middle"), ("all", "top"), ("all", "bottom"),
    ("columns", "middle"), ("columns", "top"),
    ("none", "middle"), ("none", "top"), ("none", "bottom"),
])
def test_printed_bill_every_layout(tmp_path, ruled, valign):
    """Every item once, with its own features, whatever the rulings and the vertical alignment."""
    path = draw_bill(tmp_path / "bill.pdf", paged(body_rows(), 4), ruled=ruled, valign=valign)
    result = read_pdf(str(path), "bill.pdf")
    assert got(result) == expected()
    assert [i.provenance.page for i in result.items] == [1, 1, 1, 1, 2, 2, 2, 2]
    assert all(i.provenance.first_row is None and i.provenance.last_row is None for i in result.items)
    assert [i.amount for i in result.items] == [float(item[7]) for item in ITEMS]
    assert len(result.tables) == 1 and result.tables[0].items == 8  # the table runs on over the page
    assert result.project == PROJECT


def test_centred_features_start_above_the_code(tmp_path):
    """The case reading order gets wrong: a five-line 项目特征 printed from above its code to below it."""
    import pdfplumber

    path = draw_bill(tmp_path / "bill.pdf", [body_rows(ITEMS[1:4])], ruled="none", valign="middle")
    with pdfplumber.open(path) as pdf:
        words = pdf.pages[0].extract_words()
    code_top = next(w["top"] for w in words if w["text"].endswith("010402001001"))
    first_feature = next(w["top"] for w in words if w["text"].startswith("1.砌块品种"))
    assert first_feature < code_top - 10  # drawn above its code
    result = read_pdf(str(path), "bill.pdf")
    assert got(result) == expected(ITEMS[1:4])


def test_header_split_over_lines_and_spaced(tmp_path):
    path = draw_bill(tmp_path / "bill.pdf", [body_rows(ITEMS[:3])], spaced_header=True, ruled="none")
    result = read_pdf(str(path), "bill.pdf")
    roles = dict(result.tables[0].columns)
    assert roles["unit"] == 4 and roles["name"] == 2 and roles["unit_price"] == 6 and roles["amount"] == 7
    assert got(result) == expected(ITEMS[:3])


@pytest.mark.parametrize("ruled", ["all", "none"])
def test_table_continued_without_repeated_header(tmp_path, ruled):
    path = draw_bill(tmp_path / "bill.pdf", paged(body_rows(), 3), ruled=ruled, header_on={0})
    result = read_pdf(str(path), "bill.pdf")
    assert got(result) == expected()
    assert [i.provenance.page for i in result.items] == [1, 1, 1, 2, 2, 2, 3, 3]


@pytest.mark.parametrize("ruled", ["all", "none"])
def test_item_broken_over_a_page_is_joined(tmp_path, ruled):
    first = ITEMS[2]
    head, tail = "\n".join(first[3].split("\n")[:2]), "\n".join(first[3].split("\n")[2:])
    pages = [[("section", "A.4 砌筑工程"), ("item",) + ITEMS[0], ("item",) + first[:3] + (head,) + first[4:]],
             [("cont", tail), ("section", "A.5 混凝土及钢筋混凝土工程"), ("item",) + ITEMS[3]]]
    path = draw_bill(tmp_path / "bill.pdf", pages, ruled=ruled, valign="top")
    result = read_pdf(str(path), "bill.pdf")
    assert [i.code for i in result.items] == [ITEMS[0][1], first[1], ITEMS[3][1]]
    assert result.items[1].features == first[3]
    assert result.items[1].provenance.page == 1


def test_rotated_pages(tmp_path):
    """A landscape bill printed on portrait pages turned by /Rotate 90 reads like the upright one."""
    import pypdfium2 as pdfium

    printed = draw_bill(tmp_path / "bill.pdf", paged(body_rows(), 4))
    source, turned = pdfium.PdfDocument(str(printed)), pdfium.PdfDocument.new()
    for index in range(len(source)):
        width, height = source[index].get_size()
        page = turned.new_page(height, width)
        placed = source.page_as_xobject(index, turned).as_pageobject()
        placed.transform(pdfium.PdfMatrix(0, 1, -1, 0, height, 0))  # drawn a quarter turn anticlockwise …
        page.insert_obj(placed)
        page.gen_content()
        page.set_rotation(90)  # … and shown a quarter turn clockwise
    turned.save(str(tmp_path / "turned.pdf"))
    source.close()
    turned.close()
    assert got(read_pdf(str(tmp_path / "turned.pdf"), "turned.pdf")) == expected()


def test_parallel_pages_read_the_same_as_serial(tmp_path):
    items = [(str(n), f"0104010010{n:02d}", "砖基础", f"1.砖品种：MU10烧结页岩砖\n2.序号{n}", "m3", "1", "2", "2")
             for n in range(1, 31)]
    path = draw_bill(tmp_path / "bill.pdf", paged([("item",) + i for i in items], 3))
    serial = read_pdf(str(path), "bill.pdf", workers=1)
    parallel = read_pdf(str(path), "bill.pdf", workers=2)
    auto = read_pdf(str(path), "bill.pdf")  # 10 pages: parallel when the machine has two cores
    assert len(serial.items) == 30
    assert serial.items == parallel.items == auto.items
    assert [i.provenance.page for i in parallel.items] == [n // 3 + 1 for n in range(30)]


def test_findings_on_a_printed_bill(tmp_path):
    """Read through the whole pipeline: the banned lines of the drawn bill are found."""
    from checker.match.catalog import load_catalogs
    from checker.engine import check_file
    from checker.judge.rules import Judge, Profile
    from checker.match.matcher import Matcher

    path = draw_bill(tmp_path / "bill.pdf", paged(body_rows(), 4), ruled="columns")
    catalogs = load_catalogs()
    report = check_file(str(path), Matcher(catalogs), Judge(catalogs, Profile()))
    status = {c.item.code: c.status for c in report.items}
    assert status["010401001001"] == "banned"  # 实心粘土砖
    assert status["010502002001"] == "banned"  # 现场搅拌混凝土
    assert status["011001003001"] == "banned"  # 非耐碱玻纤网格布
    assert status["031001001001"] in ("banned", "restricted")  # 冷镀锌钢管
    assert status["010401004001"] != "banned"


# -- what cannot be checked ----------------------------------------------------------------------------------


def _image_pdf(path: Path, image) -> Path:
    from reportlab.lib.utils import ImageReader

    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(image), 20, 20, width - 40, height - 40)
    c.showPage()
    c.save()
    return path


def test_scanned_pdf_is_not_checked(tmp_path):
    from PIL import Image

    path = _image_pdf(tmp_path / "scan.pdf", Image.new("L", (400, 560), 240))
    with pytest.raises(InputRefused) as refused:
        read_pdf(str(path), "scan.pdf", ocr=False)
    message = str(refused.value)
    assert "scanned" in message and "--no-ocr" in message and "NOT checked" in message and "\n" not in message
    read = read_path(str(path), ocr=False)
    assert not read.ok and "scanned" in read.error and read.items == ()


def test_scanned_pdf_without_its_ocr_engine_is_not_checked(tmp_path, monkeypatch):
    from PIL import Image

    from checker.read import pdf_ocr

    monkeypatch.setattr(pdf_ocr, "ocr_unavailable", lambda engine="": "tesseract is not installed: apt-get install x")
    path = _image_pdf(tmp_path / "scan.pdf", Image.new("L", (400, 560), 240))
    read = read_path(str(path), ocr=True, ocr_engine="tesseract")
    assert not read.ok and "tesseract is not installed" in read.error and "NOT checked" in read.error


def test_cli_scanned_pdf_exit_2(tmp_path):
    from click.testing import CliRunner
    from PIL import Image

    from checker.cli import main

    path = _image_pdf(tmp_path / "scan.pdf", Image.new("L", (400, 560), 240))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert "scanned" in result.output


def _has_tesseract() -> bool:
    from checker.read.pdf_ocr import ocr_unavailable

    return not ocr_unavailable("tesseract")


@pytest.mark.skipif(not _has_tesseract(), reason="tesseract with chi_sim is not installed (optional)")
def test_ocr_reads_a_scanned_bill(tmp_path):
    import pypdfium2 as pdfium

    printed = draw_bill(tmp_path / "bill.pdf", [body_rows(ITEMS[:4])], size=11)
    document = pdfium.PdfDocument(str(printed))
    image = document[0].render(scale=200 / 72).to_pil().convert("L")
    document.close()
    width, height = landscape(A4)
    from reportlab.lib.utils import ImageReader

    scan = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scan), pagesize=(width, height))
    c.drawImage(ImageReader(image), 0, 0, width, height)
    c.showPage()
    c.save()
    read = read_path(str(scan), ocr=True, ocr_engine="tesseract")
    assert read.ok, read.error
    assert any("OCR" in w for w in read.warnings)
    codes = [i.code for i in read.items]
    assert codes == [item[1] for item in ITEMS[:4]]


def test_the_ocr_warning_is_shown_in_the_report_language():
    """The reader says it in English, as its other messages; the reports show it from the message table."""
    from types import SimpleNamespace

    from checker.read.pdf import ocr_warning
    from checker.report.i18n import localize, message_id

    pages = [SimpleNamespace(number=n) for n in (1, 2)]
    for items in ([SimpleNamespace(ocr_confidence=0.99)], []):
        warning = ocr_warning(pages, items)
        assert message_id(warning) and "OCR" in warning
        shown = localize(warning, "zh")
        assert "第 1-2 页" in shown and "纸质原件" in shown and "verify" not in shown and "pages" not in shown


def _cid_pdf(path: Path) -> Path:
    """A page whose Type0 font has no ToUnicode map: every glyph reads as (cid:N)."""
    glyphs = "".join(f"{0x0100 + i:04X}" for i in range(40))
    lines = "".join(f"BT /F1 10 Tf 50 {800 - 14 * n} Td <{glyphs}> Tj ET\n" for n in range(10))
    stream = zlib.compress(lines.encode())
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /NoMap /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    from tools.hostile import pdf

    path.write_bytes(pdf(objects))
    return path


def test_cid_text_is_not_checked(tmp_path):
    path = _cid_pdf(tmp_path / "cid.pdf")
    read = read_path(str(path))
    assert not read.ok
    assert "(cid:N)" in read.error and "Unicode map" in read.error and "NOT checked" in read.error


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt="secret")
    c.setFont(FONT, 10)
    c.drawString(50, 800, "项目名称")
    c.showPage()
    c.save()
    read = read_path(str(path))
    assert not read.ok and "password" in read.error


@pytest.mark.parametrize("data", [b"%PDF-1.7\n" + b"\x00garbage" * 50, b"%PDF-1.4\n1 0 obj << /Type /Catalog"])
def test_broken_pdf_one_line(tmp_path, data):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    read = read_path(str(path))
    assert not read.ok and "\n" not in read.error


def test_pdf_without_bill_table(tmp_path):
    path = tmp_path / "letter.pdf"
    c = canvas.Canvas(str(path))
    c.setFont(FONT, 10)
    c.drawString(50, 800, "关于某某工程的说明")
    c.showPage()
    c.save()
    read = read_path(str(path))
    assert not read.ok and "no bill table" in read.error


# -- geometry ------------------------------------------------------------------------------------------------


def test_fragments_are_cut_at_rulings():
    """A right-aligned 序号 touching the 项目编码 after it is two fragments when a ruling lies between."""
    glyphs = [(76.0 + 5 * i, 81.0 + 5 * i, 100.0, 107.0, ch, 7.0) for i, ch in enumerate("1010401001001")]
    joined = build_fragments(glyphs)
    cut = build_fragments(glyphs, [(81.5, 90.0, 120.0)])
    assert [f.text for f in joined] == ["1010401001001"]
    assert [f.text for f in cut] == ["1", "010401001001"]


def _line(top):
    return _Line(top, top + 8, top + 4, (Frag(0, 10, top, top + 8, "x", 8.0),))


def test_partition_centred_and_top():
    # two items, anchors at 104 and 154; item 1 has five lines centred on its anchor, item 2 one line
    lines = [_line(t) for t in (80, 90, 100, 110, 120, 150)]
    anchors = [_Anchor(104, 100, 108), _Anchor(154, 150, 158)]
    cost, cuts = _partition(lines, anchors, "centre", 8.0, lead_orphans=False)
    assert cuts == [0, 5, 6] and cost < 1
    # top-aligned: lines hang below their anchor
    lines = [_line(t) for t in (100, 110, 120, 150, 160)]
    cost, cuts = _partition(lines, anchors, "top", 8.0, lead_orphans=False)
    assert cuts == [0, 3, 5] and cost < 1


# -- the shared corpus ---------------------------------------------------------------------------------------


def test_shared_printed_bill_matches_the_spreadsheet():
    pdf_path = shared_path("dev-corpus", "bill_printed.pdf")
    xlsx_path = shared_path("dev-corpus", "bill_std.xlsx")
    labels = json.loads(shared_path("dev-corpus", "labels.json").read_text(encoding="utf-8"))["bill_printed.pdf"]
    from checker.match.catalog import load_catalogs
    from checker.engine import check_file
    from checker.judge.rules import Judge, Profile
    from checker.match.matcher import Matcher

    catalogs = load_catalogs()
    matcher, judge = Matcher(catalogs), Judge(catalogs, Profile())
    pdf = check_file(str(pdf_path), matcher, judge)
    xlsx = check_file(str(xlsx_path), matcher, judge)
    assert pdf.read.ok, pdf.read.error
    codes = [c.item.code for c in pdf.items]
    assert sorted(codes) == sorted(labels)  # every labelled code exactly once, nothing else
    by_text = {(c.item.name, c.item.features): c for c in xlsx.items}
    for checked in pdf.items:
        same = by_text[(checked.item.name, checked.item.features)]  # the same line, read from the workbook
        assert (checked.item.unit, checked.item.section) == (same.item.unit, same.item.section)
        assert sorted((f.rule, f.field, f.matched, f.start) for f in checked.findings) == \
            sorted((f.rule, f.field, f.matched, f.start) for f in same.findings), checked.item.code
        assert checked.green_categories == same.green_categories


def test_shared_scanned_bill_refused_without_ocr():
    path = shared_path("real-bills", "yanghang_cable_joint_quote_scanned.pdf")
    read = read_path(str(path), ocr=False)
    assert not read.ok
    assert read.error.startswith("scanned PDF") and "--no-ocr" in read.error and "NOT checked" in read.error


@pytest.mark.skipif(not _has_tesseract(), reason="tesseract with chi_sim is not installed (optional)")
def test_shared_scanned_bill_with_ocr():
    path = shared_path("real-bills", "yanghang_cable_joint_quote_scanned.pdf")
    read = read_path(str(path), ocr=True, ocr_engine="tesseract")
    assert read.ok, read.error
    assert [i.seq for i in read.items] == ["1", "2", "3", "4"]
    assert all("110kV" in i.spec for i in read.items)


def test_layout_never_raises_on_odd_pages():
    """Any text and lines on a page (overlapping, out of order, tiny, huge) give rows, never an exception."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    from checker.read.pdf_layout import PageData, layout_pages

    words = st.sampled_from(["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价",
                             "010401001001", "1", "2.5", "m3", "本页小计", "合计", "A.4 砌筑工程", "第1页", "实心粘土砖",
                             "1.砖品种：MU10", "注：", "", " "])
    frag = st.builds(lambda x, w, y, h, t: Frag(x, x + w, y, y + h, t or "x", max(h, 0.5)),
                     st.floats(0, 800), st.floats(0.5, 300), st.floats(0, 600), st.floats(0.5, 20), words)
    rule = st.tuples(st.floats(0, 800), st.floats(0, 600), st.floats(0, 600))
    page = st.builds(lambda n, f, h, v: PageData(n, 842, 595, f, h, v, chars=len(f)),
                     st.integers(1, 3), st.lists(frag, max_size=60), st.lists(rule, max_size=15),
                     st.lists(rule, max_size=15))

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(page, min_size=1, max_size=3))
    def check(pages):
        grid, page_of = layout_pages(pages)
        assert len(grid) == len(page_of)
        assert all(isinstance(cell, str) for row in grid for cell in row)

    check()
