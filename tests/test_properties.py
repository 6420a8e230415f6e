"""Property-based and fuzz-style tests: the header finder, the grid reader and read_path on mutated bills."""
import random
import zipfile

from hypothesis import HealthCheck, given, settings, strategies as st

from checker.read import read_path
from checker.read.headers import CODE, FEATURES, NAME, QTY, SEQ, UNIT, MergedFill, build_header, looks_like_header
from checker.read.tables import extract_tables

SYNONYMS = {SEQ: ["序号", "序 号"], CODE: ["项目编码", "编码", "清单编码"], NAME: ["项目名称", "名称", "项 目 名 称"],
            FEATURES: ["项目特征描述", "项目特征", "特征描述"], UNIT: ["计量单位", "单位", "计量\n单位"],
            QTY: ["工程量", "数量"]}


def _noisy(text: str, noise: list[int]) -> str:
    for position in noise:
        cut = position % (len(text) + 1)
        text = text[:cut] + " " + text[cut:]
    return "\u3000" * (len(noise) % 2) + text


@given(order=st.permutations(list(SYNONYMS)), picks=st.lists(st.integers(0, 2), min_size=6, max_size=6),
       offset=st.integers(0, 3), noise=st.lists(st.integers(0, 9), max_size=2))
def test_header_found_whatever_the_order_synonyms_spacing_and_offset(order, picks, offset, noise):
    header = [""] * offset + [_noisy(SYNONYMS[role][pick % len(SYNONYMS[role])], noise)
                              for role, pick in zip(order, picks)]
    assert looks_like_header(header)
    found = build_header([header], 0, MergedFill()).columns
    assert found == {role: offset + i for i, role in enumerate(order)}


CELL = st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True),
                 st.integers(-10**6, 10**12), st.sampled_from(["序号", "项目编码", "项目名称", "合计", "本页小计",
                                                              "010401001001", "03B001", "A.4 砌筑工程", "注：",
                                                              "计量单位", "工程量", "项目特征描述", "第1页"]))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, max_size=10), max_size=25))
def test_grid_reader_never_raises_and_items_have_provenance(grid):
    result = extract_tables(grid, file="f", sheet="s")
    for item in result.items:
        assert 1 <= item.provenance.first_row <= item.provenance.last_row <= len(grid)
        assert item.table in ("boq", "material")


def _bill(make_xlsx):
    rows = [["分部分项工程和单价措施项目清单与计价表"], ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"]]
    rows += [[i, f"0104010010{i:02d}", "砖基础", f"1.MU{i}\n2.M5", "m3", i, 2, 2 * i] for i in range(1, 30)]
    return make_xlsx({"表-08": rows})


def test_mutated_bills_give_only_defined_outcomes(make_xlsx, tmp_path):
    original = _bill(make_xlsx).read_bytes()
    rng = random.Random(20261124)
    for trial in range(60):
        data = bytearray(original)
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if trial % 3 == 0:
            data = data[: rng.randrange(len(data))]
        path = tmp_path / f"m{trial}.xlsx"
        path.write_bytes(bytes(data))
        read = read_path(str(path))
        assert (read.error is None and read.items) or (read.error and "\n" not in read.error and not read.items) or \
            (read.error is None and not read.items and read.warnings), read


def test_dropped_rows_and_shuffled_columns_still_read(make_xlsx):
    header = ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"]
    rows = [[i, f"0104010010{i:02d}", "砖基础", f"MU{i}", "m3", i, 2, 2 * i] for i in range(1, 30)]
    rng = random.Random(7)
    for _ in range(10):
        order = list(range(len(header)))
        rng.shuffle(order)
        kept = [r for r in rows if rng.random() > 0.3]
        path = make_xlsx({"s": [[header[i] for i in order]] + [[r[i] for i in order] for r in kept]})
        read = read_path(str(path))
        assert [i.code for i in read.items] == [r[1] for r in kept]
        assert all(i.name == "砖基础" and i.unit == "m3" for i in read.items)


def test_flipped_bytes_inside_the_sheet_xml(make_xlsx, tmp_path):
    source = _bill(make_xlsx)
    rng = random.Random(3)
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for trial in range(20):
        sheet = bytearray(members["xl/worksheets/sheet1.xml"])
        for _ in range(5):
            sheet[rng.randrange(len(sheet))] = rng.randrange(32, 127)
        path = tmp_path / f"x{trial}.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, bytes(sheet) if name == "xl/worksheets/sheet1.xml" else data)
        read = read_path(str(path))
        assert read.error is None or ("\n" not in read.error and not read.items)
