"""Recognise bill table header rows and give each column its role (序号, 项目编码, 项目名称 …).

GB 50500 exports print one to three header rows with merged cells (金额（元）over 综合单价 / 合价 / 其中→暂估价),
header text broken over lines (计量\\n单位) and padded with spaces (项 目 名 称).  Every software writes its own
synonyms.  This module turns such rows into a column → role map; it knows nothing about files.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from ..match.normalize import header_key

SEQ, CODE, NAME, FEATURES, SPEC, BRAND, MAKER, UNIT, QTY, PRICE, AMOUNT = (
    "seq", "code", "name", "features", "spec", "brand", "manufacturer", "unit", "quantity", "unit_price", "amount",
)
IGNORE = "ignore"

# Exact header texts (after header_key) per role.
_EXACT: dict[str, str] = {}
for _role, _words in {
    SEQ: ["序号", "序", "NO", "NO.", "#", "行号"],
    CODE: ["项目编码", "编码", "清单编码", "项目编号", "清单编号", "子目编码", "清单项目编码", "项目代码"],
    NAME: ["项目名称", "名称", "清单名称", "子目名称", "清单项目名称", "分项工程名称", "项目名称及规格",
           "材料名称", "设备名称", "材料设备名称", "品名", "产品名称", "材料(设备)名称", "材料(工程设备)名称",
           "名称及规格", "名称、规格、型号", "名称,规格,型号", "材料名称、规格、型号", "材料(工程设备)名称、规格、型号",
           "主要材料名称、规格、型号", "材料名称及特殊要求", "名称及规格型号", "材料名称及规格", "材料、设备名称"],
    FEATURES: ["项目特征", "项目特征描述", "特征描述", "项目特征及内容", "项目特征说明", "特征", "项目特征及说明",
               "项目特征描述(仅供参考)", "清单特征", "项目特征及工作内容"],
    SPEC: ["规格型号", "规格", "型号", "规格、型号", "型号规格", "规格型号等特殊要求", "规格、型号等特殊要求",
           "技术参数", "技术要求", "规格及型号", "型号及规格", "材质规格", "技术规格"],
    BRAND: ["品牌", "推荐品牌", "参考品牌", "拟用品牌", "投标品牌", "品牌名称", "品牌及产地", "建议品牌", "品牌要求"],
    MAKER: ["生产厂家", "厂家", "生产厂商", "制造商", "生产企业", "供应商", "产地"],
    UNIT: ["计量单位", "单位", "计数单位", "计价单位"],
    QTY: ["工程量", "数量", "工程数量", "清单工程量", "暂定数量", "招标工程量", "合同工程量", "清单数量"],
    PRICE: ["综合单价", "单价", "投标单价", "全费用综合单价", "综合单价(不含税)", "综合单价(含税)", "除税单价",
            "含税单价", "市场价", "基准单价", "不含税单价", "控制单价", "单价(不含税)", "单价(含税)"],
    AMOUNT: ["合价", "金额", "综合合价", "总价", "合计", "全费用合价", "合价(不含税)", "合价(含税)", "小计",
             "含税合价", "除税合价", "市场价合计"],
    IGNORE: ["暂估价", "其中:暂估价", "其中暂估价", "人工费", "材料费", "机械费", "机具费", "管理费", "利润",
             "管理费和利润", "定额人工费", "备注", "工作内容", "计量规则", "风险系数", "风险系数(%)", "交货方式",
             "送达地点", "变值权重B", "基本价格指数F0", "现行价格指数F1", "发承包人确认单价", "差额±", "税率",
             "税金", "费率", "计算基础", "调整费率", "调整后金额", "定额编号", "定额名称", "定额单位"],
}.items():
    for _w in _words:
        _EXACT[header_key(_w)] = _role

# Words that only group the columns below them (a merged 金额（元） over 综合单价 / 合价).
_GROUP_WORDS = {header_key(w) for w in ["金额", "其中", "金额(元)", "数量", "暂估", "确认", "单价", "合价"]}


MAX_HEADER_CHARS = 40  # header cells are short; longer text is data


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
    # fuzzy-free fallbacks for long software-specific headers
    if "项目特征" in key or "特征描述" in key:
        return FEATURES
    if "编码" in key and "材料" not in key:
        return CODE
    if "名称" in key and ("规格" in key or "型号" in key):
        return NAME
    if key.endswith("名称") and "工程名称" not in key:
        return NAME
    if "暂估" in key or "人工费" in key or "机械" in key or "备注" in key:
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
    """A header row names the item text column and at least two other item columns, and holds no data."""
    roles = roles_in_row(row)
    if NAME not in roles:
        return False
    others = set(roles) - {NAME}
    if len(others) < 2:
        return False
    from .cells import is_bill_code  # local import: cells imports nothing from here

    # 表-09 prints "项目编码 | 031001006001 | 项目名称 | 塑料管 …" label/value pairs: not a table header.
    return not any(is_bill_code(c) for c in row)


@dataclass(frozen=True)
class Header:
    """A recognised header band: where it is and what each column holds."""

    first_row: int  # 0-based index into the grid
    last_row: int
    columns: dict[str, int]  # role → 0-based column
    material_like: bool  # the name column reads like a material list (名称、规格、型号 …)

    def signature(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(self.columns.items(), key=lambda rc: rc[1]))


def build_header(grid: Sequence[Sequence[object]], row: int, filled: "MergedFill") -> Header:
    """Extend a header row down over its continuation rows and map every column to a role."""
    last = row
    while last + 1 < len(grid) and last - row < 2 and _is_header_continuation(grid[last + 1]):
        last += 1
    width = max(len(grid[r]) for r in range(row, last + 1))
    columns: dict[str, int] = {}
    material_like = False
    for col in range(width):
        pieces: list[str] = []
        for r in range(row, last + 1):
            text = filled.value(grid, r, col)
            if isinstance(text, str) and header_key(text) and (not pieces or pieces[-1] != text):
                pieces.append(text)
        role = _column_role(pieces)
        if role and role != IGNORE and role not in columns:
            columns[role] = col
            if role == NAME:
                key = header_key(pieces[-1]) if pieces else ""
                material_like = any(w in key for w in ("规格", "型号", "材料", "设备", "品名"))
    return Header(row, last, columns, material_like)


def _column_role(pieces: list[str]) -> Optional[str]:
    """Read a column's header pieces bottom-up: the most specific known word decides.

    Group words (金额, 单价, 数量, 暂估 …) only decide when nothing more specific stands below them.
    """
    fallback: Optional[str] = None
    for text in reversed(pieces):
        key = header_key(text)
        if key in _GROUP_WORDS:
            fallback = fallback or _EXACT.get(key)
            continue
        role = role_of(key)
        if role is not None:
            return role
    return fallback


def _is_header_continuation(row: Sequence[object]) -> bool:
    texts = [c for c in row if c not in (None, "")]
    if not texts:
        return False
    return all(isinstance(c, str) and is_header_word(c) for c in texts)


class MergedFill:
    """Looks up a cell's value, taking the value of the top-left cell of a merged range it lies in.

    Ranges are indexed lazily, one header band at a time: only header bands are ever looked up, and a big
    sheet has tens of thousands of merged cells but only a few distinct header bands.
    """

    def __init__(self, merged: Sequence[tuple[tuple[int, int], tuple[int, int]]] = ()):
        self._merged = merged or ()
        self._by_row: dict[int, list[tuple[int, int, int]]] = {}

    def _load_band(self, row: int) -> None:
        """Index the merged ranges that cover rows row … row+3 (one header band) in one scan."""
        band = range(row, row + 4)
        for r in band:
            self._by_row.setdefault(r, [])
        for (r0, c0), (r1, c1) in self._merged:
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
