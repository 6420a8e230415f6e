"""Electronic bid-file XML: the schema mappings, the streaming reader, zip bid packages and hostile XML."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from checker.cli import main
from checker.engine import expand_paths
from checker.read import read_path
from checker.read.xmlbill import MappingError, load_mapping, read_xml_stream, safe, shipped_mappings
from checker.report.i18n import texts
from tests.conftest import shared_path
from tools import make_xml_bills as make

MAPPINGS = shipped_mappings()


def parts_of(data: bytes, mappings=MAPPINGS):
    return read_xml_stream(iter([data]), "bill.xml", mappings)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def bill_lines(items) -> list[tuple]:
    return [(i.provenance.sheet, i.section, i.code, i.name, i.features, i.unit, i.quantity, i.unit_price, i.amount)
            for i in items if i.table == "boq" and i.code]


def expected_lines(bill=make.BILL) -> list[tuple]:
    return [(unit.name, section, line.code, line.name, line.features, line.unit, line.quantity, line.rate, line.total)
            for unit in bill.units for section, lines in unit.sections for line in lines]


def resolve(root: ET.Element, location: str) -> ET.Element:
    """The element an item's location (/Root/A[1]/B[2]) names, found with ElementTree on the same file."""
    steps = location.split("/")[2:]
    element = root
    for step in steps:
        tag, index = step[:-1].split("[")
        element = [child for child in element if child.tag.rpartition("}")[2] == tag][int(index) - 1]
    return element


# --- the shipped mappings ------------------------------------------------------------------------------
def test_shipped_mappings_are_valid_and_say_where_their_names_come_from():
    ids = {m.id: m for m in MAPPINGS}
    assert set(ids) == {"anhui-xindian", "hunan"}
    assert ids["anhui-xindian"].confidence == "high" and "xmlviewer" in ids["anhui-xindian"].source
    assert ids["hunan"].confidence == "medium" and "gen_doc_project_detail.go" in ids["hunan"].source
    text = Path(ids["hunan"].path).read_text(encoding="utf-8")
    assert "ASSUMED" in text and "清单项目" in text


# --- the same bill in three layouts ---------------------------------------------------------------------
@pytest.mark.parametrize("layout", [make.anhui_attributes, make.anhui_children, make.hunan])
def test_every_layout_gives_the_same_bill_lines(layout):
    parts = parts_of(layout())
    assert bill_lines(parts.items) == expected_lines()
    assert parts.project == make.BILL.project
    unit_totals = [(t.label, t.amount) for t in parts.totals if t.scope == "unit"]
    assert unit_totals == [(u.name, u.amount) for u in make.BILL.units]


def test_anhui_layout_reads_measures_materials_fees_and_sub_rows():
    parts = parts_of(make.anhui_attributes())
    unit = make.BILL.units[0]
    measures = [i for i in parts.items if i.table == "boq" and i.section == "措施项目"]
    assert [(i.name, i.quantity, i.unit_price, i.amount, i.seq) for i in measures] == [
        (m.name, m.quantity, m.rate, m.total, str(n)) for n, m in enumerate(unit.measures, 2)]
    materials = [i for i in parts.items if i.table == "material" and i.provenance.sheet == unit.name]
    # main materials first (document order within each group); every row is still there
    assert [i.name for i in materials] == [m.name for m in unit.materials if m.main] + [
        m.name for m in unit.materials if not m.main]
    block = next(i for i in materials if i.name == "蒸压加气混凝土砌块")
    assert block.spec == "600×240×200 B06" and block.manufacturer == "某某新型建材有限公司；山东聊城"
    assert block.code == "04150015" and block.amount == round(88.1 * 310.0, 2)
    sheets = {(s.sheet, s.kind, s.read, s.items) for s in parts.sheets}
    assert (f"{unit.name} / 分部分项工程量清单", "boq", True, 4) in sheets
    assert (f"{unit.name} / 人材机汇总表", "material", True, 5) in sheets
    fee = next(s for s in parts.sheets if s.sheet == f"{unit.name} / 总价措施项目")
    assert fee.kind == "fee" and not fee.read and "not bill items" in fee.reason
    skipped = {s.reason: s.count for s in parts.skipped}
    assert skipped["定额子目 under a bill line (NormItem)"] == len(make.BILL.lines())
    assert len(parts.tables) == 5 and {t.title for t in parts.tables} == {"分部分项工程量清单", "单价措施项目", "人材机汇总表"}


def test_declared_totals_and_the_bid_total_in_wan_yuan():
    parts = parts_of(make.anhui_attributes())
    bill = [t for t in parts.totals if t.scope == "bill"]
    assert len(bill) == 1 and bill[0].amount == pytest.approx(make.BILL.total, abs=0.01)
    sections = {t.label: t.amount for t in parts.totals if t.scope == "section"}
    assert sections["A.4 砌筑工程"] == pytest.approx(sum(l.total for l in make.BILL.units[0].sections[0][1]))
    assert all(t.row is None and t.location.startswith("/ConstructProject/") for t in parts.totals)


def test_the_arithmetic_is_there_for_the_bid_review_check():
    """Quantity × Rate = Addup holds line by line; a wrong Addup is visible (compare checks it)."""
    for parts in (parts_of(make.anhui_attributes()), parts_of(make.hunan())):
        for item in parts.items:
            assert item.quantity * item.unit_price == pytest.approx(item.amount, abs=0.01)
    wrong = parts_of(make.anhui_attributes(wrong_amount=True)).items[0]
    assert abs(wrong.quantity * wrong.unit_price - wrong.amount) == pytest.approx(100.0)


def test_values_that_are_not_numbers_are_left_empty_and_counted():
    document = ('<ConstructProject><BQItem Code=" 010401003001 " Name="砖墙" Quantity="约100" Rate="1,250.50" '
                'Addup="nan"/></ConstructProject>').encode()
    parts = parts_of(document)
    item = parts.items[0]
    assert (item.code, item.quantity, item.unit_price, item.amount) == ("010401003001", None, 1250.5, None)
    assert parts.warnings == ("2 quantity / price / amount value(s) are not numbers and were left empty",)
    assert texts("zh").msg(parts.warnings[0]).startswith("2 个")  # shown in the report's language


def test_identity_facts_are_exposed_unless_blanked():
    facts = dict(parts_of(make.anhui_attributes()).meta)
    assert facts["software"] == make.BILL.software and facts["dongle"] == make.BILL.dongle
    assert facts["mac"] == make.BILL.machine and facts["bidder"] == make.BILL.bidder
    assert facts["schema"] == "anhui-xindian" and facts["project"] == make.BILL.project
    blank = dict(parts_of(make.anhui_attributes(blank_identity=True)).meta)
    assert blank["software"] == make.BILL.software
    assert not {"dongle", "mac", "bidder"} & set(blank)


def test_locations_and_lines_point_at_the_element(tmp_path):
    data = make.anhui_children()
    root = ET.fromstring(data)
    text_lines = data.decode("utf-8").splitlines()
    for item in parts_of(data).items:
        element = resolve(root, item.provenance.location)
        code = element.find("{urn:example:bid-file}Code")
        assert code is not None and code.text == item.code
        assert item.code in text_lines[item.provenance.first_row - 1]


def test_child_element_values_join_inner_elements_line_by_line():
    item = parts_of(make.anhui_children()).items[0]
    assert item.features == "1.砖品种、规格:MU10实心粘土砖 240×115×53\n2.砂浆:M5.0预拌砌筑砂浆"


def test_gbk_and_utf16_documents(tmp_path):
    assert bill_lines(parts_of(make.hunan(encoding="GB2312")).items) == expected_lines()
    utf16 = make.anhui_attributes().decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = write(tmp_path, "bill.xml", utf16.encode("utf-16"))
    read = read_path(str(path))
    assert read.ok, read.error
    assert bill_lines(read.items) == expected_lines()


# --- a new schema is a data file ------------------------------------------------------------------------
CUSTOM_MAPPING = '''
id = "example-en"
title = "An invented English-named bill schema"
source = "written for this test"
confidence = "low"
roots = ["BillOfQuantities"]
[unit]
element = "Lot"
name = ["title"]
[section]
element = "Trade"
name = ["heading"]
[meta]
software = { element = "BillOfQuantities", value = ["generator"] }
[[table]]
label = "Bill"
kind = "boq"
row = "Line"
[table.fields]
code = ["ref"]
name = ["desc"]
features = ["spec"]
unit = ["uom"]
quantity = ["qty"]
unit_price = ["rate"]
amount = ["total"]
'''


def test_a_new_schema_needs_only_a_mapping_file(tmp_path):
    mapping = load_mapping(write(tmp_path, "en.toml", CUSTOM_MAPPING.encode()))
    document = ('<BillOfQuantities generator="ExampleCost 3.1"><Lot title="Block A"><Trade heading="Masonry">'
                '<Line ref="010401003001" desc="Brick wall" uom="m3" qty="2" rate="5" total="10">'
                '<spec>solid clay brick</spec></Line></Trade></Lot></BillOfQuantities>').encode()
    parts = parts_of(document, (mapping,))
    item = parts.items[0]
    assert (item.provenance.sheet, item.section, item.code, item.name, item.features, item.quantity, item.amount) == (
        "Block A", "Masonry", "010401003001", "Brick wall", "solid clay brick", 2.0, 10.0)
    assert dict(parts.meta)["software"] == "ExampleCost 3.1"


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace('kind = "boq"', 'kind = "invoice"'), "kind must be one of"),
    (lambda t: t.replace('name = ["desc"]', ''), "fields must include 'name'"),
    (lambda t: t.replace("[unit]", "[unit]\ncolour = 1"), "unknown key(s) colour"),
    (lambda t: t.replace('confidence = "low"', 'confidence = "certain"'), "confidence must be one of"),
    (lambda t: t + "\n[[skip]]\nrow = \"Line\"\nreason = \"x\"\n", "mapped twice: Line"),
    (lambda t: t.replace("software =", "Software ="), "lowercase ASCII"),
    (lambda t: "= not toml", "not a TOML schema mapping"),
])
def test_a_bad_mapping_gets_one_line(tmp_path, change, message):
    path = write(tmp_path, "bad.toml", change(CUSTOM_MAPPING).encode())
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert str(caught.value).startswith(str(path))


# --- read_path and the command: sniffed from content, zip packages, hostile XML --------------------------
def test_xml_is_sniffed_from_content_not_the_name(tmp_path):
    path = write(tmp_path, "export.dat", make.anhui_attributes())
    read = read_path(str(path))
    assert read.ok and read.format == "xml" and len(read.items) == 15
    commented = write(tmp_path, "commented.txt", b"<!-- exported -->\n" + make.anhui_attributes().split(b"\n", 1)[1])
    assert read_path(str(commented)).ok
    for page in (b"<html><body>not a bill</body></html>", b"<!DOCTYPE html>\n<html></html>"):
        assert "RTF/HTML" in read_path(str(write(tmp_path, "page.xml", page))).error
    doctype = write(tmp_path, "doctype.xml", b'<!DOCTYPE ConstructProject SYSTEM "x.dtd"><ConstructProject/>')
    assert "document type declaration" in read_path(str(doctype)).error


def test_bid_package_prefers_the_xml_over_its_pdf_copy(tmp_path):
    read = read_path(str(write(tmp_path, "bid.zip", make.bid_package())))
    assert read.ok, read.error
    assert bill_lines(read.items) == expected_lines()
    facts = dict(read.meta)
    assert facts["container"] == "zip" and facts["member"] == "投标文件/quantities.xml"
    copy = next(s for s in read.sheets if s.sheet == "投标文件/quantities.pdf")
    assert not copy.read and "XML was read instead" in copy.reason
    assert read.items[0].provenance.location.startswith("投标文件/quantities.xml:/ConstructProject/")


def test_tender_package_reads_gclqd_and_lists_what_it_did_not_read(tmp_path):
    read = read_path(str(write(tmp_path, "tender.zip", make.tender_package())))
    assert read.ok, read.error
    assert bill_lines(read.items) == expected_lines()
    notes = {s.sheet: s.reason for s in read.sheets if not s.read and not s.kind}
    assert "matches no bill schema mapping" in notes["manifest.xml"] and "gclqd.pdf" in notes


def test_zip_with_a_hostile_bill_names_the_member(tmp_path):
    data = make.package({"quantities.xml": make.billion_laughs(), "quantities.pdf": b"%PDF-1.4\n"})
    read = read_path(str(write(tmp_path, "bid.zip", data)))
    assert read.error.startswith("zip member quantities.xml: XML with a document type declaration")


def test_encrypted_zip_member_gets_one_line(tmp_path):
    data = bytearray(make.package({"quantities.xml": make.anhui_attributes()}))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 6] |= 1  # the "encrypted" flag, in the local header and the central directory
    data[central + 8] |= 1
    read = read_path(str(write(tmp_path, "locked.zip", bytes(data))))
    assert "encrypted" in read.error and "\n" not in read.error


def test_zip_bomb_holding_xml_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("quantities.xml", b"<ConstructProject>" + b" " * (60 * 2**20) + b"</ConstructProject>")
    assert "zip bomb suspected" in read_path(str(path)).error


HOSTILE = {
    "billion_laughs": (make.billion_laughs, "document type declaration"),
    "external_dtd": (make.external_dtd, "document type declaration"),
    "external_entity": (make.external_entity, "document type declaration"),
    "deep_nesting": (make.deep_nesting, f"nested deeper than {safe.MAX_DEPTH}"),
    "truncated": (make.truncated, "looks truncated"),
    "unknown_encoding": (make.unknown_encoding, "unknown encoding"),
    "unknown_root": (make.unknown_root, "matches no bill schema mapping"),
    "undefined_entity": (lambda: b'<ConstructProject><BQItem Name="&x;"/></ConstructProject>', "undefined entity"),
    "bad_gbk": (lambda: '<?xml version="1.0" encoding="GBK"?><ConstructProject/>'.encode() + b"\xff\xff",
                "not valid gb18030"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_gets_one_line(tmp_path, name):
    build, phrase = HOSTILE[name]
    read = read_path(str(write(tmp_path, f"{name}.xml", build())))
    assert not read.ok and phrase in read.error and "\n" not in read.error, read.error
    assert not read.items


def test_a_huge_attribute_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(safe, "MAX_TOKEN_BYTES", 1 * 2**20)
    read = read_path(str(write(tmp_path, "huge.xml", make.huge_attribute(megabytes=3))))
    assert "over 1 MB without a new element" in read.error and "\n" not in read.error


def test_too_many_rows_are_refused(monkeypatch):
    from checker.read.xmlbill import reader
    monkeypatch.setattr(reader, "MAX_ITEMS", 5)
    with pytest.raises(Exception, match="more than 5 bill rows"):
        parts_of(make.anhui_attributes())


def test_the_command_reports_xml_in_every_format(tmp_path):
    bill = write(tmp_path, "bid.xml", make.anhui_attributes())
    bad = write(tmp_path, "bomb.xml", make.billion_laughs())
    runner = CliRunner()
    for fmt in ("json", "html", "sarif", "junit", "text"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(main, ["check", str(bill), str(bad), "--format", fmt, "-o", str(out)])
        assert result.exit_code == 2 and out.stat().st_size > 500, (fmt, result.output)
        named = [line for line in result.output.splitlines() if str(bad) in line]  # one line for the refused file
        assert len(named) == 1 and "文档类型声明" in named[0]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    first = report["files"][0]
    assert first["format"] == "xml" and first["item_count"] == 15 and report["files"][1]["status"] == "error"
    item = report["items"][0]
    assert item["location"].endswith("/BQItem[1]") and item["status"] == "banned"
    sarif = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert make.BILL.lines()[0].code in make.anhui_attributes().decode().splitlines()[region["startLine"] - 1]
    folder = tmp_path / "books"
    result = runner.invoke(main, ["check", str(bill), "--format", "xlsx", "-o", f"{folder}/"])
    assert result.exit_code == 1, result.output
    assert [p.name for p in folder.iterdir()] == ["bid.findings.xlsx"]


def test_walked_folders_include_xml_and_zip(tmp_path):
    write(tmp_path, "a.xml", make.anhui_attributes())
    write(tmp_path, "b.zip", make.bid_package())
    assert [Path(p).name for p in expand_paths([str(tmp_path)])] == ["a.xml", "b.zip"]


# --- the two real 新点 bid files in ../shared ------------------------------------------------------------
REAL = {"anhui_facade_fitout_bid.xml": (1, 6, 6, 40), "anhui_municipal_road_bid.xml": (11, 288, 74, 1473)}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_bid_files_are_read_completely(name):
    path = shared_path("real-bills", name)
    units, bq_items, measures, resources = REAL[name]
    root = ET.parse(path).getroot()
    read = read_path(str(path))
    assert read.ok and read.format == "xml", read.error
    lines = [i for i in read.items if i.provenance.location.rsplit("/", 1)[-1].startswith("BQItem[")]
    # every BQItem once, in document order, with its code, quantity, rate and amount as typed
    assert [(i.code, i.quantity, i.unit_price, i.amount) for i in lines] == [
        (e.get("Code"), float(e.get("Quantity")), float(e.get("Rate")), float(e.get("Addup")))
        for e in root.iter("BQItem")]
    assert len(lines) == bq_items
    assert Counter(i.table for i in read.items) == {"boq": bq_items + measures, "material": resources}
    assert sorted(i.code for i in read.items if i.table == "material") == sorted(
        e.get("Code") for e in root.iter("ResourceItem"))
    joblists = list(root.iter("JobList"))
    assert len(joblists) == units
    assert [t.label for t in read.totals if t.scope == "unit"] == [j.get("Name") for j in joblists]
    bill_total = next(t.amount for t in read.totals if t.scope == "bill")
    assert bill_total == pytest.approx(sum(float(j.get("Amount")) for j in joblists), abs=0.05)
    for item in lines[:20]:
        element = resolve(root, item.provenance.location)
        assert element.get("Code") == item.code and element.get("AttrAndWork").strip() == item.features
        assert item.provenance.sheet in {j.get("Name") for j in joblists}
    facts = dict(read.meta)
    assert facts["software"] == "江苏国泰新点软件有限公司" and "dongle" not in facts and "mac" not in facts
    assert read.project == root.get("Name")
    assert sum(s.items for s in read.sheets if s.read) == len(read.items)
    assert len([s for s in read.sheets if s.kind == "boq" and s.sheet.endswith("分部分项工程量清单")]) == units


def test_real_road_bill_fields():
    read = read_path(str(shared_path("real-bills", "anhui_municipal_road_bid.xml")))
    first = read.items[0]
    assert (first.provenance.sheet, first.section, first.code, first.name, first.unit) == (
        "泰山路 道路工程", "分部分项清单", "040101001001", "清表土方", "m3")
    assert first.quantity == 112319.269 and first.unit_price == 3.09
    materials = [i for i in read.items if i.table == "material" and i.provenance.sheet == "泰山路 道路工程"]
    root = ET.parse(shared_path("real-bills", "anhui_municipal_road_bid.xml")).getroot()
    flags = [resolve(root, i.provenance.location).get("MainMaterialFlag") for i in materials]
    assert flags == sorted(flags, key=lambda f: f != "true") and "true" in flags and "false" in flags


# --- any damage to a bid file: a FileRead with one line, never an exception ----------------------------
_SOUND = make.anhui_attributes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(_SOUND)), flips=st.lists(st.tuples(st.integers(0, len(_SOUND) - 1),
                                                                 st.integers(0, 255)), max_size=4))
def test_damaged_xml_never_raises(tmp_path, cut, flips):
    data = bytearray(_SOUND[:cut] or b"<")
    for where, value in flips:
        if where < len(data):
            data[where] = value
    read = read_path(str(write(tmp_path, "damaged.xml", bytes(data))))
    assert read.ok or ("\n" not in read.error and read.error.strip())


# --- a user's own mapping (--xml-mapping, the config's xml-mappings) -------------------------------------
USER_MAPPING = '''
id = "invented-gongcheng"
title = "An invented Chinese-named bill schema, written for the tests"
source = "written for this test"
confidence = "low"
roots = ["工程"]
[project]
element = "工程"
name = ["名称"]
[section]
element = "清单"
name = ["名称"]
[[table]]
label = "分部分项工程量清单"
kind = "boq"
row = "项"
[table.fields]
code = ["编码"]
name = ["名称"]
features = ["特征"]
unit = ["单位"]
quantity = ["数量"]
'''

USER_BILL = '''<?xml version="1.0" encoding="UTF-8"?>
<工程 名称="示例中学教学楼">
  <清单 名称="砌筑工程">
    <项 编码="010401001001" 名称="砖基础" 单位="m3" 数量="8.4">
      <特征>1. 砌体材料：实心粘土砖 MU10
2. 砂浆强度等级：M7.5 水泥砂浆</特征>
    </项>
    <项 编码="010402001001" 名称="砌块墙" 单位="m3" 数量="40" 特征="蒸压加气混凝土砌块 B06"/>
  </清单>
</工程>
'''.encode()


def user_files(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path, "own-format.toml", USER_MAPPING.encode()), write(tmp_path, "bid.xml", USER_BILL)


def banned_clay_brick(report: dict) -> list[dict]:
    return [i for i in report["items"] if i["status"] == "banned" and "实心粘土砖" in i["features"]]


@pytest.mark.parametrize("start", ["fork", "exec"])  # exec: a fresh worker receives the settings pickled
def test_a_users_mapping_reads_a_bill_through_the_command(tmp_path, monkeypatch, start):
    from checker.run import pool

    monkeypatch.setattr(pool, "START", start)
    mapping, bill = user_files(tmp_path)
    out = tmp_path / "report.json"
    args = ["check", str(bill), "--jobs", "1", "--format", "json", "-o", str(out)]
    result = CliRunner().invoke(main, args)  # without it: refused as before
    assert result.exit_code == 2, result.output
    refused = json.loads(out.read_text(encoding="utf-8"))["files"][0]
    assert refused["status"] == "error" and "XML root <工程> matches no bill schema mapping" in refused["error"]
    assert "schema_file" not in json.dumps(refused)
    result = CliRunner().invoke(main, args + ["--xml-mapping", str(mapping)])
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [i["code"] for i in banned_clay_brick(report)] == ["010401001001"]
    assert report["items"][0]["location"] == "/工程/清单[1]/项[1]" and report["items"][0]["section"] == "砌筑工程"
    meta = report["files"][0]["meta"]
    assert (meta["schema"], meta["schema_file"], meta["project"]) == ("invented-gongcheng", str(mapping), "示例中学教学楼")


def test_a_users_mapping_in_this_process_and_in_a_worker_read_the_same(tmp_path):
    from checker.judge.rules import Profile
    from checker.match.catalog import load_catalogs
    from checker.read.xmlbill import user_mappings
    from checker.run import CheckSettings, check_files

    mapping, bill = user_files(tmp_path)
    settings = CheckSettings(load_catalogs(()), Profile(), xml_mappings=user_mappings([mapping]))
    direct = next(check_files([str(bill)], settings, isolate=False))
    isolated = next(check_files([str(bill)], settings, jobs=1, isolate=True))
    assert direct.read.ok, direct.read.error
    assert [c.item.code for c in direct.items] == ["010401001001", "010402001001"]
    assert direct.items[0].status == "banned" and "实心粘土砖" in direct.items[0].item.features
    assert (direct.read.items, direct.items) == (isolated.read.items, isolated.items)
    plain = next(check_files([str(bill)], CheckSettings(load_catalogs(()), Profile()), isolate=False))
    assert not plain.read.ok and "matches no bill schema mapping" in plain.read.error


def test_a_users_mapping_wins_over_a_shipped_one_for_the_same_root(tmp_path):
    from checker.read.xmlbill import user_mappings

    own = CUSTOM_MAPPING.replace('roots = ["BillOfQuantities"]', 'roots = ["ConstructProject"]').replace(
        'row = "Line"', 'row = "BQItem"').replace('name = ["desc"]', 'name = ["Name"]')
    path = write(tmp_path, "xindian-own.toml", own.encode())
    bill = write(tmp_path, "bid.xml", make.anhui_attributes())
    shipped = read_path(str(bill))
    mine = read_path(str(bill), xml_mappings=user_mappings([path]))
    assert dict(shipped.meta)["schema"] == "anhui-xindian" and "schema_file" not in dict(shipped.meta)
    assert (dict(mine.meta)["schema"], dict(mine.meta)["schema_file"]) == ("example-en", str(path))
    assert [i.name for i in mine.items] == [i.name for i in shipped.items if i.table == "boq" and i.code]


def test_two_user_mappings_for_one_root_are_refused(tmp_path):
    from checker.read.xmlbill import user_mappings

    first = write(tmp_path, "a.toml", USER_MAPPING.encode())
    second = write(tmp_path, "b.toml", USER_MAPPING.replace("invented-gongcheng", "other").encode())
    assert len(user_mappings([first, first])) == 1  # the same file twice is read once
    with pytest.raises(MappingError, match=r"b\.toml: root <工程> is also mapped by .*a\.toml"):
        user_mappings([first, second])


@pytest.mark.parametrize("command", ["check", "compare"])
@pytest.mark.parametrize("text, problem", [
    (USER_MAPPING.replace('kind = "boq"', 'kind = "invoice"'), "kind must be one of boq, material"),
    ("roots = [", "not a TOML schema mapping"),
    (USER_MAPPING.replace("[project]", "[meta]\nschema = { element = \"工程\", value = [\"名称\"] }\n[project]"),
     "meta key 'schema' is the reader's own"),
])
def test_a_bad_user_mapping_is_one_line_and_exit_2(tmp_path, command, text, problem):
    _, bill = user_files(tmp_path)
    mapping = write(tmp_path, "broken-format.toml", text.encode())
    bills = [str(bill)] * (2 if command == "compare" else 1)
    result = CliRunner().invoke(main, [command, *bills, "--xml-mapping", str(mapping)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [result.output.strip()]
    assert result.output.startswith(f"gbm-check: {mapping}: ") and problem in result.output


def test_compare_reads_bids_through_a_users_mapping(tmp_path):
    mapping, tender = user_files(tmp_path)
    bid = write(tmp_path, "bid-1.xml", USER_BILL.replace('数量="40"'.encode(), '数量="41"'.encode()))
    args = ["compare", str(tender), str(bid), "--format", "json"]
    without = CliRunner().invoke(main, args)
    assert without.exit_code == 2
    result = CliRunner().invoke(main, args + ["--xml-mapping", str(mapping)])
    assert result.exit_code in (0, 1), result.output
    review = json.loads(result.stdout)
    read = [review["tender"], *review["bidders"]]
    assert [(f["status"], f["items"], f["meta"]["schema"]) for f in read] == [("ok", 2, "invented-gongcheng")] * 2
    assert review["tender"]["findings"]["banned"] == 1


def test_the_config_names_user_mappings_relative_to_its_folder(tmp_path, monkeypatch):
    mapping, bill = user_files(tmp_path)
    (tmp_path / "gbm-check.toml").write_text(f'xml-mappings = ["{mapping.name}"]\n', encoding="utf-8")
    elsewhere = tmp_path / "run"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(main, ["check", str(bill), "--config", str(tmp_path / "gbm-check.toml"), "-q"])
    assert result.exit_code == 1, result.output
    (tmp_path / "gbm-check.toml").write_text('xml-mappings = "missing.toml"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(bill), "--config", str(tmp_path / "gbm-check.toml")])
    assert result.exit_code == 2 and result.output.splitlines() == [result.output.strip()]
    assert "missing.toml: cannot read schema mapping" in result.output


def test_serve_reads_uploads_through_its_users_mappings(tmp_path):
    pytest.importorskip("httpx2")  # the HTTP client Starlette's test client uses
    from starlette.testclient import TestClient

    from checker.read.xmlbill import user_mappings
    from checker.read.xmlbill.mapping import shipped_mappings
    from checker.serve.app import create_app
    from tests.serve_helpers import BASE_URL, small_settings, upload, wait_for

    mapping, bill = user_files(tmp_path)
    settings = small_settings(tmp_path, xml_mappings=user_mappings([mapping]))
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        page = client.get("/").text  # the page says which formats it reads, the user's own first
        listed = page[page.index('id="xml-schemas"'):page.index("</details>", page.index('id="xml-schemas"'))]
        assert "1 种是本机加载的自定义映射" in listed and str(mapping) in listed
        rows = listed.split("<li>")[1:]
        assert len(rows) == 1 + len(shipped_mappings())
        assert rows[0].startswith("<b>自定义</b>") and not any("自定义" in row for row in rows[1:])
        status = wait_for(client, upload(client, [("投标文件.xml", bill.read_bytes())]).headers["location"])
        assert status["state"] == "done" and not status["errors"], status
        report = client.get(f"/checks/{status['id']}/download/report.json").json()
    assert report["files"][0]["meta"]["schema"] == "invented-gongcheng"
    assert [i["code"] for i in banned_clay_brick(report)] == ["010401001001"]
    broken = write(tmp_path, "broken.toml", b"roots = [")
    result = CliRunner().invoke(main, ["serve", "--no-browser", "--port", "0", "--xml-mapping", str(broken)])
    assert result.exit_code == 2 and result.output.startswith(f"gbm-check: {broken}: not a TOML schema mapping")
    assert result.output.splitlines() == [result.output.strip()]
