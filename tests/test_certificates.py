"""Certification evidence and adoption figures, on the project's own EXAMPLE registry (fictional data)."""
import dataclasses
import datetime

import pytest

from checker.judge.adoption import compute, line_amounts
from checker.match.catalog import load_catalogs
from checker.judge.certificates import RegistryError, load_registry
from checker.judge.rules import Judge, Profile
from checker.match.matcher import Matcher
from checker.read import read_path

from .conftest import REPO

REGISTRY = REPO / "sample_bills" / "example_certificate_registry.csv"
MATERIALS = REPO / "sample_bills" / "liaocheng_brand_materials.csv"
BID_DATE = datetime.date(2026, 11, 24)


@pytest.fixture(scope="module")
def checked():
    catalogs = load_catalogs()
    matcher, judge = Matcher(catalogs), Judge(catalogs, Profile(bid_date=BID_DATE))
    registry = load_registry(REGISTRY)
    lines = []
    for item in read_path(str(MATERIALS)).items:
        line = judge.judge(item, matcher.match_item(item))
        lines.append((line, registry.evidence(item, line.green_categories, BID_DATE) if line.green_categories else None))
    amounts = line_amounts([line for line, _ in lines])
    return registry, [(line, evidence, amount) for (line, evidence), amount in zip(lines, amounts)]


def test_registry_is_marked_as_example_data(checked):
    registry, _ = checked
    assert registry.example_data and len(registry.certificates) == 5
    assert all(c.number.startswith("EXAMPLE-") for c in registry.certificates)


def test_each_kind_of_evidence(checked):
    _, lines = checked
    status = {line.item.seq: (evidence.status if evidence else None) for line, evidence, _ in lines}
    assert status == {"1": "certified", "2": "expired", "3": "suspended", "4": "category_mismatch",
                      "5": "certified", "6": "no_evidence", "7": None}


def test_expiry_is_judged_at_the_bid_date():
    registry = load_registry(REGISTRY)
    cert = next(c for c in registry.certificates if c.number == "EXAMPLE-0002")
    assert cert.valid_on(datetime.date(2024, 5, 9)) and not cert.valid_on(datetime.date(2024, 5, 10))


def test_adoption_figures_add_up_to_hand_computed_values(checked):
    _, lines = checked
    adoption = compute(lines, registry_loaded=True)
    by_category = {c.category: c for c in adoption.categories}
    # hand computed from sample_bills/liaocheng_brand_materials.csv and the example registry; the CSV has no
    # 合价 column, so amounts are 数量 × 单价: 1200×460, 300×320, 2600×38, 5200×55, 900×780, 3100×12
    assert {k: (v.lines, v.certified_lines) for k, v in by_category.items()} == {
        "预拌混凝土": (1, 1), "预拌砂浆": (1, 0), "防水卷材": (1, 0), "保温系统材料": (1, 0),
        "建筑门窗及配件": (1, 1), "纸面石膏板": (1, 0)}
    assert (adoption.lines, adoption.certified_lines) == (6, 2)
    assert by_category["预拌混凝土"].amount == 552000 and by_category["建筑门窗及配件"].certified_amount == 702000
    assert (adoption.amount, adoption.certified_amount) == (1772000, 1254000)
    assert sum(c.amount for c in adoption.categories) == adoption.amount
    assert (adoption.kinds, adoption.certified_kinds) == (6, 2)
    assert adoption.rule_2025 == "not met"  # 2 of 6 kinds = 33% < 40%
    assert any("必选类" in u for u in adoption.undecided)


def test_adoption_by_amount(make_xlsx):
    catalogs = load_catalogs()
    matcher, judge = Matcher(catalogs), Judge(catalogs, Profile(bid_date=BID_DATE))
    registry = load_registry(REGISTRY)
    path = make_xlsx({"表-08": [["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"],
                                [1, "010502001001", "矩形柱", "预拌混凝土C30，厂家：示例鲁西预拌混凝土有限公司", "m3", 10, 500, 5000],
                                [2, "010505001001", "有梁板", "预拌混凝土C30，厂家：某无证公司", "m3", 10, 300, 3000],
                                [3, "011201001001", "墙面一般抹灰", "干混抹灰砂浆DP M10（东昌）", "m2", 100, 20, 2000]]})
    lines = []
    for item in read_path(str(path)).items:
        line = judge.judge(item, matcher.match_item(item))
        lines.append((line, registry.evidence(item, line.green_categories, BID_DATE), item.amount))
    adoption = compute(lines, registry_loaded=True)
    concrete = next(c for c in adoption.categories if c.category == "预拌混凝土")
    assert (concrete.amount, concrete.certified_amount) == (8000, 5000)
    assert concrete.amount_share == pytest.approx(0.625)
    assert (adoption.amount, adoption.certified_amount) == (10000, 5000)  # the mortar's certificate expired
    assert adoption.rule_2025 == "met"  # 1 of 2 kinds = 50% ≥ 40%


def test_without_a_registry_the_rule_is_not_decidable(checked):
    _, lines = checked
    adoption = compute([(line, None, amount) for line, _, amount in lines], registry_loaded=False)
    assert adoption.rule_2025 == "not decidable" and adoption.certified_lines == 0


def test_bad_registry_gives_one_line_reason(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="no header row"):
        load_registry(path)


def test_material_rows_count_by_amount_only_in_a_file_without_bill_amounts(make_xlsx):
    from checker.model import CheckedItem, LineItem, Provenance

    def line(table, amount=None, quantity=None, price=None):
        return CheckedItem(LineItem(Provenance("f"), table, amount=amount, quantity=quantity, unit_price=price))

    assert line_amounts([line("boq", 100.0), line("material", None, 2, 3)]) == [100.0, 0.0]
    assert line_amounts([line("material", None, 2, 3), line("material", 7.0)]) == [6.0, 7.0]


def test_a_runs_adoption_from_its_counts_is_that_of_its_lines():
    """``RunReport.adoption`` adds up green lines counted per file: the figures of ``compute`` over the lines."""
    from checker.engine import RunReport
    from checker.run import CheckSettings

    settings = CheckSettings(load_catalogs(), Profile(bid_date=BID_DATE), registry=load_registry(REGISTRY))
    checker = settings.checker()
    reports = [checker.check(str(MATERIALS)), checker.check(str(REPO / "sample_bills" / "liaocheng_office_boq.csv"))]
    lines = [(checked, checked.certification, amount) for report in reports
             for checked, amount in zip(report.items, line_amounts(list(report.items)))]
    counted, listed = RunReport(files=reports, registry=settings.registry).adoption(), compute(lines, True)
    assert counted.lines > 6 and counted.certified_lines == 2
    # amounts are added per file first, then per run: equal up to the order of float addition
    assert counted == dataclasses.replace(listed, categories=counted.categories, amount=counted.amount,
                                          certified_amount=counted.certified_amount)
    assert [(c.category, c.lines, c.certified_lines) for c in counted.categories] == [
        (c.category, c.lines, c.certified_lines) for c in listed.categories]
    assert [a for c in counted.categories for a in (c.amount, c.certified_amount)] == pytest.approx(
        [a for c in listed.categories for a in (c.amount, c.certified_amount)])
    assert (counted.amount, counted.certified_amount) == pytest.approx((listed.amount, listed.certified_amount))
