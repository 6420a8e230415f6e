"""The JSON report's items: lines that share their findings are encoded from one template with each line's own
fingerprints, byte for byte what encoding each line whole gives."""
import orjson

from checker.engine import FileReport
from checker.match.catalog import load_catalogs
from checker.model import CheckedItem, Evidence, FileRead, Finding, LineItem, Provenance
from checker.report import json_report


def _finding(rule: str, evidence: str = "实心粘土砖") -> Finding:
    return Finding(rule=rule, kind="banned", severity="error", entry="实心粘土砖", source="s", evidence=evidence,
                   matched="实心粘土砖", field="features", start=2, message="禁止使用")


def _line(row: int, code: str, features: str, **extra) -> LineItem:
    return LineItem(provenance=Provenance("b.xlsx", "表-08", row, row, None, **extra.pop("where", {})),
                    table=extra.pop("table", "boq"), code=code, name="砖墙", features=features, **extra)


def _encoded(checked: list[CheckedItem]) -> tuple[list[bytes], list[bytes]]:
    """(the items as ``encoded_items`` gives them, each line's item encoded whole)."""
    read = FileRead(path="b.xlsx", format="xlsx", sha256="0", items=tuple(c.item for c in checked))
    report = FileReport(read=read, items=tuple(checked), seconds=0.0)
    statuses = tuple(c.status for c in checked)
    items = list(json_report.encoded_items(report, statuses, {}, load_catalogs()))
    whole = [orjson.dumps(json_report.item_dict(c, s)) for c, s in zip(checked, statuses)]
    return items, whole


def test_lines_sharing_findings_keep_their_own_fingerprints():
    shared = (_finding("NPOL-A"), _finding("NPOL-B"))  # the judge's memo hands out one tuple per text
    checked = [CheckedItem(item=_line(row, f"01040100{row:04d}", "MU10 实心粘土砖"), green_categories=(),
                           findings=shared) for row in range(3, 8)]
    items, whole = _encoded(checked)
    assert items == whole
    prints = [[f["fingerprint"] for f in orjson.loads(item)["findings"]] for item in items]
    assert len({tuple(p) for p in prints}) == 5 and all(len(set(p)) == 2 for p in prints)


def test_every_shape_of_line_encodes_as_a_whole_item_would():
    shared = (_finding("NPOL-A"),)
    cert = Evidence(status="no_evidence", note="未见认证")
    checked = [
        CheckedItem(item=_line(3, "010401003001", "a"), green_categories=("墙体材料",), findings=shared),
        CheckedItem(item=_line(4, "010401003002", "a"), green_categories=(), findings=shared),  # other categories
        CheckedItem(item=_line(5, "", "无编码的行"), green_categories=(), findings=shared),  # text identity
        CheckedItem(item=_line(6, "010401003003", "b"), green_categories=(), findings=()),
        CheckedItem(item=_line(7, "010401003004", "b"), green_categories=(), findings=shared, certification=cert),
        CheckedItem(item=_line(8, "", "c", table="material", spec="240×115"), green_categories=(), findings=shared),
        CheckedItem(item=_line(9, "010401003005", "d", ocr_confidence=0.9), green_categories=(), findings=shared),
        CheckedItem(item=_line(10, "010401003006", "e", where={"location": "/清单/项[3]"}), green_categories=(),
                    findings=shared),
    ]
    items, whole = _encoded(checked)
    assert items == whole


def test_bill_text_that_looks_like_the_placeholder_is_encoded_whole():
    """The template's placeholder is found exactly once or the line is encoded whole: bill text holding it
    cannot move a fingerprint."""
    marker = "\x00gbm-check:fingerprint:0\x00"
    odd = (_finding("NPOL-A", evidence=f"实心粘土砖{marker}"),)
    checked = [CheckedItem(item=_line(row, f"01040100{row:04d}", "x"), green_categories=(), findings=odd)
               for row in (3, 4)]
    items, whole = _encoded(checked)
    assert items == whole
    assert orjson.loads(items[0])["findings"][0]["evidence"].endswith(marker)


def test_html_rows_and_flagged_lines_that_share_findings_keep_their_own_text_and_place():
    """The HTML report renders what a findings tuple gives (its findings table, its item-table judgement) once;
    each line keeps its own marks (they point into its own text), page, sheet, code and place."""
    import json
    import re

    from checker.engine import RunReport
    from checker.judge.rules import Profile
    from checker.report import html_report

    shared = (Finding(rule="NPOL-A", kind="banned", severity="error", entry="实心粘土砖", source="s",
                      evidence="实心粘土砖", spans=(("features", 2, 7),), message="禁止使用"),)
    lines = [("010401003001", "MU10实心粘土砖", "表-08", 3), ("010401003002", "MU10实心粘土砖", "表-09", 9),
             ("010401003003", "实心", "表-08", 5)]  # the last text is too short for the span: no mark
    checked = [CheckedItem(item=LineItem(provenance=Provenance("b.xlsx", sheet, row, row, None), table="boq",
                                         code=code, name="砖墙", features=features),
                           green_categories=(), findings=shared) for code, features, sheet, row in lines]
    read = FileRead(path="b.xlsx", format="xlsx", sha256="0", items=tuple(c.item for c in checked))
    run = RunReport(files=[FileReport(read=read, items=tuple(checked), seconds=0.0)], catalogs=load_catalogs(),
                    profile=Profile(), fail_on="banned")
    html = html_report.render(run)
    rows = json.loads(re.search(r'id="item-data">(.*?)</script>', html, re.DOTALL).group(1))
    assert [row[3] for row in rows] == [code for code, *_ in lines]
    assert [row[14] for row in rows] == [[[2, 7, "hl-banned"]], [[2, 7, "hl-banned"]], []]  # features marks
    assert [row[16] for row in rows] == [0, 1, 0]  # the sheet, by number
    articles = [a.split("</article>")[0] for a in html.split('<article class="flag')[1:]]
    assert [a.count("NPOL-A") for a in articles] == [2, 2, 1]  # the rule in the table; the mark's title
    assert all(code in article for (code, *_), article in zip(lines, articles))
    assert "表-09 第9行" in articles[1] and "<mark" not in articles[2]


def test_html_rows_without_findings_keep_their_own_categories_and_amounts():
    """What the HTML report counts once per findings tuple, status and categories: lines that share the empty
    findings tuple but not their categories keep their own, and every line's amount counts."""
    import json
    import re

    from checker.engine import RunReport
    from checker.judge.rules import Profile
    from checker.report import html_report

    lines = [("010401003001", ("砌体材料",), 100.0), ("010401003002", (), 20.0), ("010401003003", ("砌体材料",), 3.0)]
    checked = [CheckedItem(item=LineItem(provenance=Provenance("b.xlsx", "表-08", row, row, None), table="boq",
                                         code=code, name="砖墙", features="x", amount=amount),
                           green_categories=categories, findings=())
               for row, (code, categories, amount) in enumerate(lines, start=3)]
    read = FileRead(path="b.xlsx", format="xlsx", sha256="0", items=tuple(c.item for c in checked))
    run = RunReport(files=[FileReport(read=read, items=tuple(checked), seconds=0.0)], catalogs=load_catalogs(),
                    profile=Profile(), fail_on="banned")
    html = html_report.render(run)
    rows = json.loads(re.search(r'id="item-data">(.*?)</script>', html, re.DOTALL).group(1))
    assert [row[11] for row in rows] == ["砌体材料", "", "砌体材料"]
    part = html_report.file_part(run.files[0], ("clean",) * 3, html_report.texts("zh"))
    assert part.by_status["clean"] == (3, 123.0) and part.by_category == {"砌体材料": (2, 103.0)}
    assert part.green_lines == 2 and part.green_amount == 103.0 and part.flagged_count == 0


def test_lines_sent_ahead_encode_from_their_values_and_become_lines_only_where_fingerprinted():
    """``line_heads`` of the lines a worker sends ahead (``codec.ColumnLines``) are ``line_bytes`` of each line,
    and filling the judged parts makes a LineItem only of lines whose template has findings."""
    from checker.run import codec

    shared = (_finding("NPOL-A"),)
    lines = (_line(3, "010401003001", "a", quantity=2.5, unit_price=None, amount=3),
             _line(4, "", "无编码的行", ocr_confidence=0.5),
             _line(5, "010401003002", "\udcff 孤立代理", table="material", spec="240×115", seq="1.2"),
             _line(6, "010401003003", "b", where={"location": "/清单/项[3]"}, rechecked_quantity=1.0),
             LineItem(provenance=Provenance("b.xlsx", None, None, None, 7), table="boq", name="PDF 行"))
    sent = codec.ColumnLines(codec.encode_lines(FileRead(path="b.xlsx", format="xlsx", sha256="0", items=lines)))
    assert json_report.line_heads(sent) == json_report.line_heads(lines) == list(map(json_report.line_bytes, lines))
    from checker.report import html_report

    assert html_report._lines_cells(sent) == list(map(html_report._line_cells, lines))
    assert list(html_report._line_reads(sent)) == list(html_report._line_reads(lines)) == [
        (html_report._line_cells(line), line.provenance.page or 0, line.provenance.sheet or "") for line in lines]
    assert sent._items is None  # the item table's cells, too, from the values alone
    # findings on a line with a template (0, 4) and on one encoded whole (1: OCR'd)
    checked = [CheckedItem(item=line, green_categories=(), findings=shared if i in (0, 1, 4) else ())
               for i, line in enumerate(lines)]
    report = FileReport(read=FileRead(path="b.xlsx", format="xlsx", sha256="0", items=lines), items=tuple(checked),
                        seconds=0.0)
    templates = []
    parts = list(json_report.judged_parts(report, tuple(c.status for c in checked), {}, load_catalogs(),
                                          templates))
    asked = []

    class Counted(codec.ColumnLines):
        def __getitem__(self, index):
            asked.append(index)
            return super().__getitem__(index)

    counted = Counted(codec.encode_lines(report.read))
    assert list(json_report.filled(parts, counted, templates)) == list(json_report.filled(parts, lines, templates))
    assert asked == [0, 4] and counted._items is None  # only the lines a template fingerprints; none in bulk
