"""Hostile and malformed bills, made from scratch: the failure classes of issue 16, for tests and as fuzz seeds.

Every function returns the bytes of one file.  Nothing here is copied from ../shared; the containers are
written by hand (a PDF with its xref table, an xlsx zip with its parts, a BIFF8 workbook in an OLE2 compound
file) so that one field at a time can be made wrong.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from checker.report.ooxml import column_letters

BILL_HEADER = ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"]
BILL_LINES = [
    [1, "010401001001", "砖基础", "1.砖品种：MU15混凝土实心砖\n2.砂浆：预拌砂浆DM M10", "m3", 12.5, 480, 6000],
    [2, "010401003001", "实心砖墙", "1.砖品种：烧结粘土实心砖\n2.墙厚：240", "m3", 30, 520, 15600],
    [3, "010502001001", "矩形柱", "1.混凝土种类：现场搅拌\n2.强度等级：C30", "m3", 8, 610, 4880],
]


# ------------------------------------------------------------------------------------------------------------
# PDF


def file_lines(stderr: str) -> list[str]:
    """The lines of a run's stderr about files (``gbm-check: FILE: reason``): not its notes (a report written, a
    warning) nor its summary line, in either report language (their wording comes from the message table)."""
    from checker.report.i18n import LANGUAGES, texts

    notes = []
    for lang in LANGUAGES:
        t = texts(lang)
        notes += [re.escape(t(key, path="\0", text="\0").split("\0")[0]) for key in ("note.wrote", "note.warning")]
        notes.append(re.sub(r"\\\{\w+\\\}", r"\\d+", re.escape(t("summary.line"))) + "$")
    note = re.compile("|".join(notes))
    return [line for line in stderr.splitlines() if line.strip() and not note.match(line)]


def pdf(objects: list[bytes], *, root: int = 1, xref: bool = True, extra_trailer: bytes = b"") -> bytes:
    """A PDF whose object N (1-based) has the body ``objects[N-1]``, with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, extra_trailer, start if xref else 0)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pdf_reference_loop() -> bytes:
    """The page tree is a reference that points back at itself: 2 0 R → 3 0 R → 2 0 R (pdfminer's resolve1
    loops for ever, and again in close())."""
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"])


def pdf_page_tree_cycle() -> bytes:
    """Kids that contain their own parent."""
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>"])


def pdf_deep_nesting(depth: int = 200_000) -> bytes:
    """An array nested ``depth`` deep in the catalog (pdfminer: tens of seconds and hundreds of MB)."""
    nested = b"[" * depth + b"]" * depth
    return pdf([b"<< /Type /Catalog /Pages 2 0 R /Junk " + nested + b" >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"])


def pdf_noisy() -> bytes:
    """A page pdfminer complains about on every turn: a MediaBox of three numbers, a form XObject that draws
    itself, a FlateDecode stream of garbage, text in a CID font without a Unicode map."""
    content = (b"BT /F1 12 Tf 72 720 Td <0001000200030004> Tj ET\n/Fm1 Do\n"
               b"BT /F1 10 Tf 72 700 Td <0005000600070008> Tj ET\n") * 20
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612] /Contents [4 0 R 8 0 R] "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Fm1 7 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        _stream(b"/Fm1 Do", b" /Type /XObject /Subtype /Form /BBox [0 0 100 100] "
                            b"/Resources << /XObject << /Fm1 7 0 R >> >>"),
        b"<< /Length 64 /Filter /FlateDecode >>\nstream\n" + bytes(range(64)) + b"\nendstream",
    ])


# ------------------------------------------------------------------------------------------------------------
# xlsx

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="表-08" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>')


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_rows(rows: list[list[object]], first_row: int = 1) -> str:
    """<row> elements for ``rows`` (text as inline strings, numbers as values)."""
    out = []
    for r, row in enumerate(rows, start=first_row):
        cells = []
        for c, value in enumerate(row, start=1):
            ref = f"{column_letters(c)}{r}"
            if isinstance(value, (int, float)):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value is not None:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{_xml_text(str(value))}</t></is></c>')
        out.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    return "".join(out)


def xlsx(rows_xml: str, shared: list[str] | None = None, dimension: str | None = None,
         compression: int = zipfile.ZIP_DEFLATED, unique_count: int | None = None) -> bytes:
    """A one-sheet workbook whose sheetData is ``rows_xml`` (and shared strings ``shared``, the part claiming
    ``unique_count`` of them when given)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main">{dim}<sheetData>{rows_xml}</sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        strings = "".join(f"<si><t>{_xml_text(s)}</t></si>" for s in (shared or []))
        claim = f' uniqueCount="{unique_count}"' if unique_count is not None else ""
        archive.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                         f'openxmlformats.org/spreadsheetml/2006/main"{claim}>{strings}</sst>')
    return buffer.getvalue()


def xlsx_bill(lines: list[list[object]] | None = None) -> bytes:
    """A small legitimate 表-08 bill."""
    return xlsx(sheet_rows([BILL_HEADER] + (lines or BILL_LINES)))


def xlsx_far_cell(ref: str = "ZZZZ1048576") -> bytes:
    """A bill plus one value at ``ref``: calamine's dense grid would span to it (ZZZZ1048576: 16 TB)."""
    return xlsx(sheet_rows([BILL_HEADER] + BILL_LINES) + f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
                f'<c r="{ref}"><v>1</v></c></row>')


def xlsx_lying_string_count(claimed: int = 4_000_000_000) -> bytes:
    """A small bill whose shared-strings part claims ``claimed`` strings (calamine reserves them all: 89 GB)."""
    return xlsx(sheet_rows([BILL_HEADER] + BILL_LINES) + '<row r="9"><c r="A9" t="s"><v>0</v></c></row>', ["注"],
                unique_count=claimed)


def xlsx_sheet_link_outside(target: str = "../../../etc/passwd") -> bytes:
    """A bill whose workbook links its sheet to ``target``, outside the package."""
    data = io.BytesIO(xlsx_bill())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            body = source.read(name)
            if name == "xl/_rels/workbook.xml.rels":
                body = body.replace(b'Target="worksheets/sheet1.xml"', f'Target="{target}"'.encode())
            archive.writestr(name, body)
    return out.getvalue()


def pdf_zero_pages() -> bytes:
    """A well-formed PDF whose page tree holds no page (PDFium will not open it, and names no error)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def xlsx_lying_dimension() -> bytes:
    """A small bill whose <dimension> claims A1:XFD1048576 (the cells decide, not the claim)."""
    return xlsx(sheet_rows([BILL_HEADER] + BILL_LINES), dimension="A1:XFD1048576")


def xlsx_shared_string_bomb(string_bytes: int = 1 << 20, uses: int = 5000) -> bytes:
    """One shared string of ``string_bytes`` used by ``uses`` cells (a 5 GB grid from a ~30 KB file)."""
    text = "砖" * (string_bytes // 3)
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, uses + 1))
    return xlsx(rows, shared=[text])


# ------------------------------------------------------------------------------------------------------------
# ods

def ods_repeat_bomb(rows: int = 1_000_000, columns: int = 1000) -> bytes:
    """One valued cell repeated ``columns`` times in a row repeated ``rows`` times."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="表-08">'
               f'<table:table-row table:number-rows-repeated="{rows}">'
               f'<table:table-cell table:number-columns-repeated="{columns}" office:value-type="string">'
               '<text:p>实心粘土砖</text:p></table:table-cell></table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------------------
# xls (BIFF8 in an OLE2 compound file)

def _record(kind: int, data: bytes, length: int | None = None) -> bytes:
    return struct.pack("<HH", kind, len(data) if length is None else length) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0x41, 0x06))


def _unicode(text: str, long: bool = True) -> bytes:
    data = text.encode("utf-16-le")
    return (struct.pack("<HB", len(text), 1) if long else struct.pack("<BB", len(text), 1)) + data


def xls_workbook(rows: list[list[object]], sheet: str = "表-08", sheet_offset: int | None = None) -> bytes:
    """A BIFF8 workbook: strings in the SST, text cells as LABELSST, numbers as NUMBER.
    ``sheet_offset``: the stream position the sheet record gives for the worksheet (default: the right one)."""
    strings: list[str] = []
    index: dict[str, int] = {}
    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 15, float(value)))
            elif value is not None:
                text = str(value)
                if text not in index:
                    index[text] = len(strings)
                    strings.append(text)
                cells += _record(0x00FD, struct.pack("<HHHI", r, c, 15, index[text]))
    sst = _record(0x00FC, struct.pack("<II", len(strings), len(strings)) + b"".join(_unicode(s) for s in strings))
    xf = _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    globals_without_sheet = _bof(0x0005) + _record(0x0042, struct.pack("<H", 1200)) + xf * 16
    boundsheet_size = 4 + 6 + 2 + 2 * len(sheet)
    if sheet_offset is None:
        sheet_offset = len(globals_without_sheet) + boundsheet_size + len(sst) + 4
    boundsheet = _record(0x0085, struct.pack("<IBB", sheet_offset, 0, 0) + _unicode(sheet, long=False))
    width = max((len(r) for r in rows), default=0)
    worksheet = (_bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)) + cells
                 + _record(0x000A, b""))
    stream = globals_without_sheet + boundsheet + sst + _record(0x000A, b"") + worksheet
    return ole([("Workbook", stream)])


def ole(streams: list[tuple[str, bytes]]) -> bytes:
    """An OLE2 compound file (512-byte sectors, one FAT sector) holding ``streams`` (each padded to 4096
    bytes so that none lives in the mini stream)."""
    sector = 512
    body = b""
    starts = []
    chains: list[int] = []
    for _, data in streams:
        data = data + b"\x00" * max(0, 4096 - len(data))
        data += b"\x00" * (-len(data) % sector)
        first = len(body) // sector
        count = len(data) // sector
        starts.append((first, len(data)))
        chains += [first + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
        body += data
    directory_sector = len(body) // sector
    fat_sector = directory_sector + 1
    if fat_sector + 1 > 128:
        raise ValueError("too big for one FAT sector")
    fat = chains + [0xFFFFFFFE, 0xFFFFFFFD]
    fat += [0xFFFFFFFF] * (128 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, right, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
                + struct.pack("<IIII", start, size, 0, 0)[:8] + b"\x00" * 4)

    entries = [entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)]
    for number, ((name, _), (first, size)) in enumerate(zip(streams, starts), start=1):
        entries.append(entry(name, 2, first, size, right=number + 1 if number < len(streams) else 0xFFFFFFFF))
    directory = b"".join(entries).ljust(sector, b"\x00")
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, directory_sector, 0, 4096, 0xFFFFFFFE, 0,
                                          0xFFFFFFFE, 0)
              + struct.pack("<I", fat_sector) + struct.pack("<I", 0xFFFFFFFF) * 108)
    return header + body + directory + struct.pack("<128I", *fat)


def xls_bill() -> bytes:
    return xls_workbook([BILL_HEADER] + BILL_LINES)


def xls_corrupt_sheet_offset() -> bytes:
    """The sheet record points 65,000 bytes past the end of the workbook stream (calamine: a Rust panic,
    "range start index … out of range for slice")."""
    return xls_workbook([BILL_HEADER] + BILL_LINES, sheet_offset=65320)


def xls_huge_dimensions() -> bytes:
    """A DIMENSIONS record claiming 2^31 rows × 65,000 columns (calamine reserves the grid: an allocation of
    hundreds of GB, then abort)."""
    data = bytearray(xls_bill())
    at = data.find(struct.pack("<HH", 0x0200, 14))
    struct.pack_into("<IIHH", data, at + 4, 0, 0x7FFFFFFF, 0, 65000)
    return bytes(data)


def ole_encrypted_truncated() -> bytes:
    """A password-protected xlsx (an OLE file with EncryptionInfo and EncryptedPackage), cut off before its
    directory: nothing in what is left says it is encrypted."""
    data = ole([("EncryptionInfo", b"\x04\x00\x04\x00\x40\x00\x00\x00" + bytes(range(256)) * 4),
                ("EncryptedPackage", struct.pack("<Q", 20000) + bytes((i * 7) % 256 for i in range(20000)))])
    return data[: len(data) - 1024]


def pdf_bill() -> bytes | None:
    """A small printed bill: a ruled 表-08 page drawn with reportlab (a test dependency; None without it)."""
    try:
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas
    except ImportError:
        return None
    font = "STSong-Light"  # a CID font every PDF reader maps to Unicode; nothing to embed
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    buffer = io.BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(buffer, pagesize=(width, height))
    page.setFont(font, 8)
    widths = [30, 80, 90, 250, 40, 50, 60, 70]
    xs = [40]
    for w in widths:
        xs.append(xs[-1] + w)
    page.drawString(40, height - 40, "分部分项工程和单价措施项目清单与计价表")
    rows = [BILL_HEADER] + [[str(v).replace("\n", " ") for v in line] for line in BILL_LINES]
    top = height - 60
    for row in rows:
        bottom = top - 18
        page.line(xs[0], top, xs[-1], top)
        for x in xs:
            page.line(x, top, x, bottom)
        for column, value in enumerate(row):
            page.drawString(xs[column] + 2, bottom + 6, str(value)[:60])
        top = bottom
    page.line(xs[0], top, xs[-1], top)
    page.showPage()
    page.save()
    return buffer.getvalue()
