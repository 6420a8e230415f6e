"""Format sniffing, encodings and the read_path contract: bad input gives a one-line reason, never a raise."""
import zipfile

import pytest

from checker.read import read_path
from checker.read.csvfile import decode_text
from checker.read.sniff import InputRefused

CSV_TEXT = "序号,项目编码,项目名称,项目特征描述,计量单位,工程量\n1,010401001001,砖基础,\"1.MU10\n2.带形\",m3,3\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "bill.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    read = read_path(str(path))
    assert read.error is None, read.error
    assert [(i.code, i.name, i.features) for i in read.items] == [("010401001001", "砖基础", "1.MU10\n2.带形")]


def test_a_csv_whose_lines_mix_utf8_and_gbk_is_read_line_by_line(tmp_path):
    """A UTF-8 header over GBK rows (pasted from two exports) is read, not called binary data."""
    head, rows = CSV_TEXT.split("\n", 1)
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode("utf-8") + b"\n" + (rows + "2,010401003001,实心砖墙,MU10,m3,5\n").encode("gbk"))
    read = read_path(str(path))
    assert read.error is None, read.error
    assert [(i.code, i.name) for i in read.items] == [("010401001001", "砖基础"), ("010401003001", "实心砖墙")]


def test_garbage_csv_is_refused():
    with pytest.raises(InputRefused):
        decode_text(bytes(range(256)) * 40)


def test_format_is_sniffed_from_content_not_name(tmp_path, make_xlsx):
    xlsx = make_xlsx({"表-08": [["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量"],
                                [1, "010401001001", "砖基础", "MU10", "m3", 1]]})
    renamed = tmp_path / "bill.csv"
    renamed.write_bytes(xlsx.read_bytes())
    read = read_path(str(renamed))
    assert read.format == "xlsx" and len(read.items) == 1


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"PK\x03\x04 truncated", "corrupt or truncated"),
    (b"{\\rtf1 hello}", "not a bill format"),
])
def test_bad_inputs_get_one_line_reasons(tmp_path, content, reason):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    read = read_path(str(path))
    assert read.error and reason in read.error and "\n" not in read.error
    assert read.items == ()


def test_zip_bomb_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 2**20))
    read = read_path(str(path))
    assert read.error and "zip bomb" in read.error


def test_encrypted_ole_workbook_is_reported_as_password_protected(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 500)
    read = read_path(str(path))
    assert read.error and "password-protected" in read.error


def test_workbook_without_bill_table_names_its_sheets(make_xlsx):
    path = make_xlsx({"封面": [["投标总价"]], "说明": [["本工程…"]]})
    read = read_path(str(path))
    assert read.error == "no bill table found in sheets: 封面, 说明"


def test_missing_file_is_an_error_not_a_raise(tmp_path):
    read = read_path(str(tmp_path / "nope.xlsx"))
    assert read.error and read.error.startswith("cannot open file")


def test_numeric_codes_regain_their_leading_zero(make_xlsx):
    path = make_xlsx({"s": [["序号", "项目编码", "项目名称", "计量单位", "工程量"], [1, 10401001001, "砖基础", "m3", 1]]})
    assert read_path(str(path)).items[0].code == "010401001001"


def test_merged_header_workbook(make_xlsx):
    rows = [["分部分项工程和单价措施项目清单与计价表"],
            ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "金额（元）", None, None],
            [None, None, None, None, None, None, "综合单价", "合价", "其中"],
            [None, None, None, None, None, None, None, None, "暂估价"],
            [1, "010401001001", "砖基础", "1.MU10", "m3", 2, 3, 6, None]]
    merged = ["A1:I1", "A2:A4", "B2:B4", "C2:C4", "D2:D4", "E2:E4", "F2:F4", "G2:I2", "G3:G4", "H3:H4"]
    path = make_xlsx({"表-08": rows}, {"表-08": merged})
    item = read_path(str(path)).items[0]
    assert (item.unit_price, item.amount, item.provenance.first_row) == (3, 6, 5)


def test_formulas_without_cached_values_are_reported_missing_not_zero(make_xlsx):
    path = make_xlsx({"表-08": [["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"],
                                [1, "010401001001", "砖基础", "MU10", "m3", 2, 3, "=F2*G2"],
                                [2, "010401001002", "砖基础", "MU15", "m3", 2, 3, 6]]})
    read = read_path(str(path))
    first, second = read.items
    assert first.amount is None and first.amount_missing
    assert second.amount == 6 and not second.amount_missing
    assert any("missing (not zero)" in w for w in read.warnings)


def test_entity_bomb_in_a_sheet_does_not_hang(tmp_path):
    import time

    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{"&lol%s;" % ("" if i == 1 else i - 1) * 10}">' for i in range(1, 10))
            + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", bomb)
    started = time.perf_counter()
    read = read_path(str(path))
    assert time.perf_counter() - started < 10
    assert read.error and "\n" not in read.error
