"""Cell values as bills print them: item codes as text, numbers with thousands separators, 序号."""
from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Optional

# 12-digit 项目编码; 9-digit codes; supplementary codes such as 03B001 or 01B001001.
_CODE_RE = re.compile(r"^(\d{12}|\d{9}|\d{2}B\d{3}(\d{3})?)$")
_NUMBER_RE = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_SEQ_RE = re.compile(r"^\d{1,6}(\.\d{1,3}){0,3}$")


def cell_text(value: object) -> str:
    """A cell as display text: numbers without a spurious .0, dates as ISO, None as ''."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return str(value)
    return str(value).strip()


def code_text(value: object) -> str:
    """项目编码 as text.  A code stored as a number lost its leading zero: 10401001001 → 010401001001."""
    if type(value) is str and len(value) == 12 and value.isascii() and value.isdigit():
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return cell_text(value)
        digits = str(int(value))
        if len(digits) in (8, 11):
            digits = "0" + digits
        return digits
    text = cell_text(value).replace(" ", "").replace("\u3000", "")
    return text.translate(_FULLWIDTH_DIGITS).upper()


_INF = float("inf")
_FULLWIDTH_DIGITS = {ord("０") + i: ord("0") + i for i in range(10)} | {ord("Ｂ"): ord("B")}


def is_bill_code(value: object) -> bool:
    """True for a 12-digit, 9-digit or supplementary (03B001) item code."""
    if value is None or value == "":
        return False
    if type(value) is str and len(value) == 12 and value.isascii() and value.isdigit():
        return True
    return bool(_CODE_RE.match(code_text(value)))


def to_number(value: object) -> Optional[float]:
    """A numeric cell or numeric text ("1,234.50", "12.5 ") as float; None when it is not a number."""
    if type(value) is float:
        return None if value != value or value in (_INF, -_INF) else value
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    text = str(value).strip().replace(",", "").replace("，", "").replace("\u3000", "").replace(" ", "")
    if text.endswith("%"):
        return None
    if _NUMBER_RE.match(text):
        try:
            return float(text)
        except ValueError:
            return None
    return None


def seq_text(value: object) -> str:
    """序号 as text when the cell holds one (1, 1.0, '12', '1.2'); '' otherwise."""
    if type(value) is float:
        if not 0 < value < 1e7:
            return ""
        # 1.0 → "1"; hierarchical numbers typed as numbers: 1.01 → "1.01" (1.10 was already stored as 1.1)
        return str(int(value)) if value.is_integer() else f"{value:.3f}".rstrip("0")
    if value == "" or value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 0 < number < 10**7:
            return str(int(number))
        return ""
    text = cell_text(value).replace(" ", "")
    return text if _SEQ_RE.match(text) else ""
