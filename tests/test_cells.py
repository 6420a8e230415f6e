import pytest

from checker.read.cells import cell_text, code_text, is_bill_code, seq_text, to_number


@pytest.mark.parametrize("value, text", [
    ("010401001001", "010401001001"), (10401001001.0, "010401001001"), (10401001001, "010401001001"),
    ("０１０４０１００１００１", "010401001001"), (" 03B001 ", "03B001"), (10401001.0, "010401001"),
])
def test_code_text_keeps_leading_zero(value, text):
    assert code_text(value) == text


@pytest.mark.parametrize("value, ok", [
    ("010401001001", True), ("03B001", True), ("01B001001", True), ("010401001", True),
    ("C13-1-136", False), ("A.4", False), ("1", False), ("", False), (None, False), ("01040100100", False),
])
def test_is_bill_code(value, ok):
    assert is_bill_code(value) is ok


@pytest.mark.parametrize("value, number", [
    (12.5, 12.5), ("1,234.50", 1234.5), (" 7 ", 7.0), ("", None), ("m3", None), ("12%", None), (True, None),
    (float("nan"), None),
])
def test_to_number(value, number):
    assert to_number(value) == number


@pytest.mark.parametrize("value, seq", [(1.0, "1"), (1.01, "1.01"), (2.5, "2.5"), ("12", "12"), ("2.1.3", "2.1.3"), ("一", ""), ("合计", ""),
                                        (0, ""), ("", "")])
def test_seq_text(value, seq):
    assert seq_text(value) == seq


def test_cell_text_drops_float_noise():
    assert cell_text(3.0) == "3" and cell_text(None) == "" and cell_text(" a ") == "a"
