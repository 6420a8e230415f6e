from hypothesis import given, strategies as st

from checker.match.normalize import header_key, normalize, normalize_with_map, origin_map, original_span


def test_folds_width_variants_and_synonyms():
    assert normalize("ＭＵ１０ 黏土 实心砖") == "MU10粘土实心砖"
    assert normalize("商砼 C30") == "预拌混凝土C30"
    assert normalize("P·O 42.5") == "P.O42.5"
    assert normalize("φ12 ф8 Ф6") == "Φ12Φ8Φ6"
    assert normalize("1.砖\n2.砂浆") == "1.砖;2.砂浆"


def test_header_key_strips_units_and_spaces():
    assert header_key("综合\n单价（元）") == "综合单价"
    assert header_key("项 目 名 称") == "项目名称"


@given(st.text(alphabet=st.sampled_from(list("砼商品混凝土黏粘ＭＵ１０ ·\nφabcC30P.OＡ　、：:")), max_size=40))
def test_map_agrees_with_fast_path(text):
    folded, origin = normalize_with_map(text)
    assert folded == normalize(text)
    assert len(origin) == len(folded)
    assert origin == sorted(origin)
    assert all(0 <= i < len(text) for i in origin)


@given(st.text(max_size=60))
def test_normalize_is_idempotent_and_total(text):
    once = normalize(text)
    assert normalize(once) == once


def test_original_span_points_at_the_printed_text():
    text = "1.砖品种：MU10 实心 粘土砖"
    folded = normalize(text)
    start = folded.index("实心粘土砖")
    begin, end = original_span(text, start, len("实心粘土砖"))
    assert text[begin:end] == "实心 粘土砖"


@given(st.text(alphabet=st.sampled_from(list("砼商品混凝土黏粘ＭＵ１０ ·\nφabcC30P.OＡ　、：:1.2\r\t沙浆")), max_size=60))
def test_the_line_by_line_origin_map_agrees_with_the_whole_map(text):
    folded, origin = normalize_with_map(text)
    fast = origin_map(text)
    if fast is None:
        assert origin == list(range(len(folded)))
    else:
        assert len(fast) == len(origin)
        assert [fast[i] for i in range(len(fast))] == origin


def test_a_line_seen_before_is_folded_the_same():
    line = "2.砂浆强度等级：预拌砌筑砂浆 DM M7.5"
    assert normalize(f"1.外墙\n{line}") == normalize(f"1.内墙 {line}").replace("内", "外")
