import pytest

from checker.read.headers import (AMOUNT, CODE, FEATURES, NAME, PRICE, QTY, SEQ, UNIT, MergedFill, build_header,
                                     looks_like_header, role_of)


@pytest.mark.parametrize("text, role", [
    ("序号", SEQ), ("序 号", SEQ), ("项目编码", CODE), ("清单编码", CODE), ("编码", CODE), ("项 目 名 称", NAME),
    ("名称、规格、型号", NAME), ("项目特征描述", FEATURES), ("特征描述", FEATURES), ("计量\n单位", UNIT),
    ("单位", UNIT), ("工程量", QTY), ("数量", QTY), ("综合\n单价", PRICE), ("综合单价（元）", PRICE),
    ("合价(元)", AMOUNT), ("金额", AMOUNT), ("暂估价", "ignore"), ("工程名称：某楼", None), ("砌筑工程", None),
])
def test_role_of_synonyms(text, role):
    assert role_of(text) == role


def test_three_row_merged_header_maps_amount_columns():
    grid = [
        ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "金额（元）", "", ""],
        ["", "", "", "", "", "", "综合单价", "合价", "其中"],
        ["", "", "", "", "", "", "", "", "暂估价"],
        [1, "010401001001", "砖基础", "1.MU10", "m3", 1, 2, 2, ""],
    ]
    fill = MergedFill([((0, 0), (2, 0)), ((0, 6), (0, 8))])
    assert looks_like_header(grid[0])
    header = build_header(grid, 0, fill)
    assert header.last_row == 2
    assert header.columns == {SEQ: 0, CODE: 1, NAME: 2, FEATURES: 3, UNIT: 4, QTY: 5, PRICE: 6, AMOUNT: 7}


def test_analysis_label_row_is_not_a_header():
    # 表-09 prints label/value pairs: 项目编码 | code | 项目名称 | name | 计量单位 | unit | 工程量 | qty
    assert not looks_like_header(["项目编码", "031001006001", "项目名称", "塑料管", "计量单位", "m", "工程量", 12])


def test_row_with_too_few_roles_is_not_a_header():
    assert not looks_like_header(["序号", "项目名称"])
    assert not looks_like_header(["砖基础", "MU10", "m3"])


def _fill_by_scanning(merged, grid, row, col):
    """What MergedFill.value answers, by scanning every range in the file's order (the reference)."""
    for (r0, c0), (r1, c1) in merged:
        if r0 <= row <= r1 and c0 <= col <= c1:
            return grid[r0][c0] if r0 < len(grid) and c0 < len(grid[r0]) else None
    return grid[row][col] if row < len(grid) and col < len(grid[row]) else None


def test_merged_fill_reads_every_range_once_for_any_number_of_header_bands():
    """A 综合单价分析表 has a header band per analysed line (hundreds) and ten thousand merged ranges: the ranges
    are read once, not once a band (which was 0.4 s of one real bill's sheet), and every lookup still answers as
    a scan of every range in the file's order would — short ranges, tall ones, and overlapping ones."""
    import random

    class Counted(list):
        iterations = 0

        def __iter__(self):
            Counted.iterations += 1
            return super().__iter__()

    rng = random.Random(7)
    merged = Counted()
    for _ in range(400):
        r0, c0 = rng.randint(0, 500), rng.randint(0, 8)
        merged.append(((r0, c0), (r0 + rng.choice([0, 0, 1, 3, 80, 300]), c0 + rng.randint(0, 3))))
    grid = [[f"{r}/{c}" for c in range(12)] for r in range(900)]
    reference = list(merged)
    Counted.iterations = 0
    fill = MergedFill(merged)
    for row in range(0, 600, 3):  # 200 bands
        for col in range(12):
            assert fill.value(grid, row, col) == _fill_by_scanning(reference, grid, row, col), (row, col)
    assert Counted.iterations == 1
