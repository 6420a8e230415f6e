"""Figures on ../shared (skipped cleanly when it is absent): the issues' acceptance measures."""
import re

import pytest
from tools.eval_reading import NOT_ITEMS, audit_workbook
from tools.evaluation import score
from checker.read import read_path
from checker.read.accounting import LOST

from .conftest import shared_path

CODE12 = re.compile(r"^\d{12}$")


def test_dev_corpus_every_labelled_line_read_exactly_once_and_scored():
    scores = score(shared_path("dev-corpus"))
    assert scores.missing == [] and scores.duplicates == []
    assert scores.banned_recall == 1.0
    assert scores.banned_precision >= 0.97
    assert scores.restricted_recall >= 0.95
    assert scores.counts["clean_bad"] == 0, scores.wrong
    assert scores.green_accuracy >= 0.90


@pytest.mark.parametrize("name", [
    "gd_school_zonghelou_settlement_audit.xlsx", "gz_dorm_cabling_control_price.xls",
    "lixiang_store_framework_boq.xlsx", "shenzhen_jiuyi_fitout_bid.xlsx", "substation_power_conduit_control_price.xls",
    "taiping_school_install_bid.xlsx", "taiping_school_provisional_material_prices.xlsx",
    "xinghe_mall_2f_renovation_boq.xlsx", "zhucun_curtainwall_boq.xls",
])
def test_real_bills_read_without_error_and_find_their_codes(name):
    """Codes printed in bill and material tables are items; codes printed in fee tables (表-11 总价措施) are in
    rows counted as fee rows; no text cell of any table is lost."""
    path = shared_path("real-bills", name)
    read = read_path(str(path))
    assert read.error is None and read.items
    found = {i.code for i in read.items if CODE12.match(i.code)}
    fates, lost, codes = audit_workbook(path)
    printed = {c for c, fate in codes.items() if fate not in NOT_ITEMS}
    if printed:
        assert len(found & printed) / len(printed) >= 0.98, sorted(printed - found)[:10]
    assert all(fate in NOT_ITEMS for c, fate in codes.items() if c not in found)
    assert fates[LOST] == 0, lost[:5]


def test_real_bill_analysis_sheet_does_not_double_count():
    read = read_path(str(shared_path("real-bills", "taiping_school_install_bid.xlsx")))
    codes = [i.code for i in read.items if CODE12.match(i.code)]
    assert len(codes) == len(set(codes))
    assert any(t.kind == "analysis" for t in read.tables)


def test_scanned_pdf_without_ocr_is_not_checked_not_clean():
    read = read_path(str(shared_path("real-bills", "yanghang_cable_joint_quote_scanned.pdf")), ocr=False)
    assert read.error and "OCR" in read.error and not read.items


@pytest.mark.parametrize("name", ["empty.xlsx", "encrypted.xlsx", "garbage.csv", "no_bill_table.xlsx",
                                  "random_bytes.pdf", "scanned.pdf", "truncated.xlsx", "zip_bomb.xlsx"])
def test_hostile_inputs_give_one_line_reasons(name):
    read = read_path(str(shared_path("hostile", name)), ocr=False)  # scanned.pdf is read by OCR in test_ocr.py
    assert read.error and "\n" not in read.error and not read.items
