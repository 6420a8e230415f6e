"""Recognise bill table header rows and give each column its role (序号, 项目编码, 项目名称 …).

GB 50500 exports print one to three header rows with merged cells (金额（元）over 综合单价 / 合价 / 其中→暂估价),
header text broken over lines (计量\\n单位) and padded with spaces (项 目 名 称).  Every software writes its own
synonyms.  This module turns such rows into a column → role map; it knows nothing about files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from ..match.normalize import header_key
from .cells import is_bill_code, to_number

SEQ, CODE, NAME, FEATURES, SPEC, BRAND, MAKER, UNIT, QTY, PRICE, AMOUNT = (
    "seq", "code", "name", "features", "spec", "brand", "manufacturer", "unit", "quantity", "unit_price", "amount",
)
RECHECK = "rechecked_quantity"  # the bidder's re-measured quantity (复核工程量) printed beside the bill's quantity
IGNORE = "ignore"

# Exact header texts (after header_key) per role.
_EXACT: dict[str, str] = {}
for _role, _words in {
    SEQ: ["序号", "序", "NO", "NO.", "#", "行号", "编号"],
    CODE: ["项目编码", "编码", "清单编码", "项目编号", "清单编号", "子目编码", "清单项目编码", "项目代码"],
    NAME: ["项目名称", "名称", "清单名称", "子目名称", "清单项目名称", "分项工程名称", "项目名称及规格",
           "材料名称", "设备名称", "材料设备名称", "品名", "产品名称", "材料(设备)名称", "材料(工程设备)名称",
           "名称及规格", "名称、规格、型号", "名称,规格,型号", "材料名称、规格、型号", "材料(工程设备)名称、规格、型号",
           "主要材料名称、规格、型号", "材料名称及特殊要求", "名称及规格型号", "材料名称及规格", "材料、设备名称",
           "内容", "汇总内容", "单项工程名称", "单位工程名称"],
    FEATURES: ["项目特征", "项目特征描述", "特征描述", "项目特征及内容", "项目特征说明", "特征", "项目特征及说明",
               "项目特征描述(仅供参考)", "清单特征", "项目特征及工作内容"],
    SPEC: ["规格型号", "规格", "型号", "规格、型号", "型号规格", "规格型号等特殊要求", "规格、型号等特殊要求",
           "技术参数", "技术要求", "规格及型号", "型号及规格", "材质规格", "技术规格"],
    BRAND: ["品牌", "推荐品牌", "参考品牌", "拟用品牌", "投标品牌", "品牌名称", "品牌及产地", "建议品牌", "品牌要求"],
    MAKER: ["生产厂家", "厂家", "生产厂商", "制造商", "生产企业", "供应商", "产地"],
    UNIT: ["计量单位", "单位", "计数单位", "计价单位"],
    QTY: ["工程量", "数量", "工程数量", "清单工程量", "暂定数量", "招标工程量", "合同工程量", "清单数量",
          "暂估工程量", "暂估数量", "暂定工程量"],
    PRICE: ["综合单价", "单价", "投标单价", "全费用综合单价", "综合单价(不含税)", "综合单价(含税)", "除税单价",
            "含税单价", "市场价", "基准单价", "不含税单价", "控制单价", "单价(不含税)", "单价(含税)"],
    RECHECK: ["复核工程量", "复核数量", "核对工程量", "核实工程量"],
    AMOUNT: ["合价", "金额", "综合合价", "总价", "合计", "全费用合价", "合价(不含税)", "合价(含税)", "小计",
             "含税合价", "除税合价", "市场价合计", "不含税合价", "暂估总价", "暂估合价", "暂估金额"],
    IGNORE: ["暂估价", "其中:暂估价", "其中暂估价", "人工费", "材料费", "机械费", "机具费", "管理费", "利润",
             "管理费和利润", "定额人工费", "备注", "工作内容", "计量规则", "风险系数", "风险系数(%)", "交货方式",
             "送达地点", "变值权重B", "基本价格指数F0", "现行价格指数F1", "发承包人确认单价", "差额±", "税率",
             "税金", "费率", "计算基础", "调整费率", "调整后金额", "定额编号", "定额名称", "定额单位", "编制依据",
             "适用范围", "计算规则", "工程量计算规则", "计算基数", "取费基数", "计算依据"],
}.items():
    for _w in _words:
        _EXACT[header_key(_w)] = _role

# Words that only group the columns below them (a merged 金额（元） over 综合单价 / 合价).
_GROUP_WORDS = {header_key(w) for w in ["金额", "其中", "金额(元)", "数量", "暂估", "确认", "单价", "合价"]}


MAX_HEADER_CHARS = 40  # header cells are short; longer text is data
HEADER_VOCABULARY = frozenset(_EXACT) | _GROUP_WORDS  # every header word known, as header_key gives it


def role_of(text: object) -> Optional[str]:
    """The role a header cell names, IGNORE for a known non-item column, None if unknown."""
    if not isinstance(text, str) or len(text) > MAX_HEADER_CHARS:
        return None
    return _role_of(text)


@lru_cache(maxsize=65536)
def _role_of(text: str) -> Optional[str]:
    key = header_key(text)
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    if is_clause(key):
        return None  # "2、砖品种、规格：MU10…", "垂直运输机械：塔吊": data that names an attribute, never a header
    bare = _YEAR_PREFIX.sub("", key)  # "24/25年暂估工程量", "2024年度综合单价": a period qualifies the column
    if bare != key and bare in _EXACT:
        return _EXACT[bare]
    key = bare
    for cut in (1, 2):  # a stray character typed after a header word ("材料名称从")
        if len(key) - cut >= 3 and key[:-cut] in _EXACT and not key[-cut:].isdigit():
            return _EXACT[key[:-cut]]
    # fuzzy-free fallbacks for long software-specific headers
    if "项目特征" in key or "特征描述" in key:
        return FEATURES
    if "规则" in key or "计算式" in key or "计算方法" in key:
        return IGNORE  # 工程量计算规则: how the quantity is measured, text
    if "编码" in key:  # 项目编码 is the item's; 材料编码 / 物料编码 / 物资编码 number a resource
        return IGNORE if any(w in key for w in ("材料", "物料", "物资", "设备", "定额")) else CODE
    if "名称" in key and ("规格" in key or "型号" in key):
        return NAME
    if key.endswith("名称") and "工程名称" not in key:
        return NAME
    if "暂估" in key or "暂定" in key:  # provisional quantity / amount read as such; 其中:暂估价 is not the amount
        if "工程量" in key or key.endswith("数量"):
            return QTY
        if key.endswith(("总价", "合价", "金额")):
            return AMOUNT
        if key.endswith("单价"):
            return PRICE
        return IGNORE
    if "人工费" in key or "机械" in key or "备注" in key:
        return IGNORE
    if "品牌" in key:
        return BRAND
    if "厂家" in key or "厂商" in key:
        return MAKER
    if "规格" in key or "型号" in key:
        return SPEC
    if "综合单价" in key or key.endswith("单价"):
        return PRICE
    if "合价" in key or key.endswith("金额"):
        return AMOUNT
    if "工程量" in key or key.endswith("数量"):
        return QTY
    if key.endswith("单位") and "工程" not in key and "建设" not in key and "施工" not in key:
        return UNIT
    return None


_YEAR_PREFIX = re.compile(r"^\d{2,4}(/\d{2,4}|-\d{2,4})?年(度)?")
_ENUMERATOR = re.compile(r"^([(（]?\d{1,2}[)）、.．](?!\d)|[(（]\d{1,2}[)）]|[一二三四五六七八九十]+、|[①-⑳])")


def is_clause(key: str) -> bool:
    """Text that states an attribute of an item: enumerated ("2、…", "(3)…") or "name：value".

    Header cells name a column and never carry a value; the one header form with a colon is 其中：X."""
    if _ENUMERATOR.match(key):
        return True
    head, colon, tail = key.partition(":")
    return bool(colon and tail and head != "其中")


def is_header_word(text: object) -> bool:
    """True for text that belongs in a header band (a role, a group word or a known non-item column)."""
    key = header_key(text)
    return bool(key) and (key in _EXACT or key in _GROUP_WORDS or role_of(key) is not None)


def roles_in_row(row: Sequence[object]) -> dict[str, int]:
    """Roles named by single cells of one row: role → first column."""
    found: dict[str, int] = {}
    for col, cell in enumerate(row):
        if type(cell) is not str or not cell or len(cell) > MAX_HEADER_CHARS:
            continue
        role = _role_of(cell)
        if role and role != IGNORE and role not in found:
            found[role] = col
    return found


def looks_like_header(row: Sequence[object]) -> bool:
    """A header row names the item text column and at least two other item columns (or one, and two known
    non-item columns: 表-22 序号 | 名称、规格、型号 | 变值权重B | 基本价格指数F0 …), and holds no data."""
    roles = roles_in_row(row)
    if NAME not in roles:
        return False
    others = set(roles) - {NAME}
    if len(others) < 2 and not (others and _known_other_columns(row) >= 2):
        return False
    # 表-09 prints "项目编码 | 031001006001 | 项目名称 | 塑料管 …" label/value pairs: not a table header.
    return not any(is_bill_code(c) for c in row)


def _known_other_columns(row: Sequence[object]) -> int:
    return sum(1 for cell in row if type(cell) is str and cell and len(cell) <= MAX_HEADER_CHARS
               and _role_of(cell) == IGNORE)


@dataclass(frozen=True)
class Header:
    """A recognised header band: where it is and what each column holds."""

    first_row: int  # 0-based index into the grid
    last_row: int
    columns: dict[str, int]  # role → 0-based column
    material_like: bool  # the name column reads like a material list (名称、规格、型号 …)
    unread: tuple[tuple[int, str], ...] = ()  # (column, header text) of columns that give no item field
    price_parts: tuple[int, ...] = ()  # 单价 printed in parts (设备费 | 装置性材料费 | 安装费): the price is their sum
    amount_parts: tuple[int, ...] = ()  # 合价 printed in parts: the amount is their sum
    amount_basis: str = ""  # which 单价/合价 pair the amount uses: 不含税, 含税, or 合价=装置性材料费+安装费

    def signature(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(self.columns.items(), key=lambda rc: rc[1]))

    @property
    def other_texts(self) -> frozenset[str]:
        """Header keys of the columns that give no item field (备注, 费率, 计算基础 …)."""
        return frozenset(header_key(text.rsplit("/", 1)[-1]) for _, text in self.unread)


_TAX_EXCLUDED = ("不含税", "除税", "不含增值税")


def build_header(grid: Sequence[Sequence[object]], row: int, filled: "MergedFill") -> Header:
    """Extend a header row down over its continuation rows and map every column to a role.

    Where a role is printed twice (不含税单价 and 含税单价), the tax-exclusive pair is read (GB 50500's 综合单价
    excludes VAT, which 表-13 adds once) and ``amount_basis`` says so.  Where 单价 / 合价 are printed in parts
    (电网 安装工程预算表: 装置性材料费 | 安装费 | 其中：人工费), the parts are summed ("其中" columns are shares)."""
    last = row
    while last + 1 < len(grid) and last - row < 2 and _is_header_continuation(grid[last + 1]):
        last += 1
    width = max(len(grid[r]) for r in range(row, last + 1))
    candidates: dict[str, list[tuple[int, str]]] = {}
    parts: dict[str, list[tuple[int, str]]] = {}
    labels: dict[int, str] = {}
    for col in range(width):
        pieces: list[str] = []
        for r in range(row, last + 1):
            text = filled.value(grid, r, col)
            if isinstance(text, str) and header_key(text) and (not pieces or pieces[-1] != text):
                pieces.append(text)
        if not pieces:
            continue
        labels[col] = "/".join(" ".join(p.split()) for p in pieces)
        role, part = _column_role(pieces)
        if part and role in (PRICE, AMOUNT):
            parts.setdefault(role, []).append((col, header_key(pieces[-1])))
        elif role and role != IGNORE:
            candidates.setdefault(role, []).append((col, "".join(header_key(p) for p in pieces)))
    if RECHECK in candidates and QTY not in candidates:  # the only quantity printed is the re-measured one
        candidates[QTY] = candidates.pop(RECHECK)
    columns: dict[str, int] = {}
    for role, found in candidates.items():
        columns[role] = _preferred(found) if role in (PRICE, AMOUNT) else found[0][0]
    price_parts = amount_parts = ()
    for role, found in parts.items():
        if role in columns:
            continue
        if len(found) == 1:
            columns[role] = found[0][0]
        elif role == PRICE:
            price_parts = tuple(c for c, _ in found)
        else:
            amount_parts = tuple(c for c, _ in found)
    basis = ""
    if amount_parts:
        basis = "合价=" + "+".join(key for _, key in parts[AMOUNT])
    elif AMOUNT in columns:
        words = dict(candidates.get(AMOUNT, ()))
        words.update(parts.get(AMOUNT, ()))
        key = words.get(columns[AMOUNT], "")
        basis = "不含税" if any(w in key for w in _TAX_EXCLUDED) else "含税" if "含税" in key else ""
    material_like = False
    if NAME in columns:
        key = header_key(labels.get(columns[NAME], "").rsplit("/", 1)[-1])
        material_like = any(w in key for w in ("规格", "型号", "材料", "设备", "品名"))
    used = set(columns.values()) | set(price_parts) | set(amount_parts)
    seen = {labels.get(col) for col in used}  # a merged header cell repeats its text over the columns it spans
    unread = []
    for col, text in sorted(labels.items()):
        if col not in used and text not in seen:
            seen.add(text)
            unread.append((col, text))
    unread = tuple(unread)
    return Header(row, last, columns, material_like, unread, price_parts, amount_parts, basis)


def _preferred(found: list[tuple[int, str]]) -> int:
    """The column of the tax-exclusive price or amount where both are printed, else the first."""
    for col, key in found:
        if any(w in key for w in _TAX_EXCLUDED):
            return col
    for col, key in found:
        if "含税" not in key:
            return col
    return found[0][0]


def _column_role(pieces: list[str]) -> tuple[Optional[str], bool]:
    """Read a column's header pieces bottom-up: the most specific known word decides.

    Group words (金额, 单价, 数量, 暂估 …) only decide when nothing more specific stands below them.  The second
    value is True when the column is one part of a split price or amount (合价 over 安装费)."""
    fallback: Optional[str] = None
    bottom = header_key(pieces[-1])
    for text in reversed(pieces):
        key = header_key(text)
        if key in _GROUP_WORDS:
            fallback = fallback or _EXACT.get(key)
            continue
        role = role_of(key)
        if role is not None:
            return role, False
    part = fallback in (PRICE, AMOUNT) and bottom not in _GROUP_WORDS and _is_cost_part(bottom)
    return fallback, part


def _is_cost_part(key: str) -> bool:
    """设备费, 装置性材料费, 安装费, 主材 …: one component of a price (its 其中 shares are not components)."""
    return not key.startswith("其中") and (key.endswith(("费", "费用")) or key in _COST_PARTS)


_COST_PARTS = frozenset({"设备", "装置性材料", "主要材料", "安装", "主材", "材料", "人工", "机械", "建筑"})


def _is_header_continuation(row: Sequence[object]) -> bool:
    """A row under a header row that continues it: short labels only, most of them known header words
    (the rest cost-column labels such as 成本价 or 安装费), no values, no numbered clauses."""
    texts = [c for c in row if c not in (None, "")]
    if not texts or not all(isinstance(c, str) and len(c) <= MAX_HEADER_CHARS for c in texts):
        return False
    known = 0
    for text in texts:
        key = header_key(text)
        if not key or is_clause(key) or to_number(text) is not None:
            return False
        if is_header_word(text) or (len(key) <= 12 and _is_cost_part(key)):
            known += 1
    return known >= 1 and 2 * known >= len(texts)


class MergedFill:
    """Looks up a cell's value, taking the value of the top-left cell of a merged range it lies in.

    Ranges are indexed lazily, one header band at a time: only header bands are ever looked up, and a big
    sheet has tens of thousands of merged cells but only a few distinct header bands — or, in a 综合单价分析表,
    one band per analysed line (hundreds), so a band does not scan every range of the sheet: ranges are bucketed
    by their first row once (those taller than ``TALL`` rows, rare, are looked at for every band).
    """

    TALL = 64  # rows: a range this tall or taller is checked against every band

    def __init__(self, merged: Sequence[tuple[tuple[int, int], tuple[int, int]]] = ()):
        self._merged = merged or ()
        self._by_row: dict[int, list[tuple[int, int, int]]] = {}
        self._starting: dict[int, list[tuple[int, int, int, int, int]]] | None = None  # first row → ranges
        self._tall: list[tuple[int, int, int, int, int]] = []

    def _index(self) -> None:
        """(order in the file, r0, c0, r1, c1) of every range, bucketed by r0 (tall ones apart)."""
        self._starting = {}
        for order, ((r0, c0), (r1, c1)) in enumerate(self._merged):
            if r1 - r0 < self.TALL:
                self._starting.setdefault(r0, []).append((order, r0, c0, r1, c1))
            else:
                self._tall.append((order, r0, c0, r1, c1))

    def _load_band(self, row: int) -> None:
        """Index the merged ranges that cover rows row … row+3 (one header band), in the file's order."""
        if self._starting is None:
            self._index()
        starting = self._starting
        band = range(row, row + 4)
        for r in band:
            self._by_row.setdefault(r, [])
        near = [entry for first in range(row - self.TALL + 1, row + 4) for entry in starting.get(first, ())]
        for _, r0, c0, r1, c1 in sorted(near + self._tall):
            if r0 <= row + 3 and r1 >= row:
                for r in range(max(r0, row), min(r1, row + 3) + 1):
                    entry = (r0, c0, c1)
                    if entry not in self._by_row[r]:
                        self._by_row[r].append(entry)

    def value(self, grid: Sequence[Sequence[object]], row: int, col: int) -> object:
        if row not in self._by_row:
            self._load_band(row)
        r, c = row, col
        for r0, c0, c1 in self._by_row[row]:
            if c0 <= col <= c1:
                r, c = r0, c0
                break
        if r < len(grid) and c < len(grid[r]):
            return grid[r][c]
        return None
