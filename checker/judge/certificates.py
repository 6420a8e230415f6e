"""Certification evidence: a certificate registry the officer imports, matched to bill lines.

There is no public, documented green-material certificate number format (see the project's reference notes),
so numbers are kept as free text and never validated by pattern.  A registry is an export of the national or
provincial look-up (CSV or xlsx) with one certificate per row: number, company, product, category, star
level, issue and expiry dates, certifier, status.  A line is matched to a certificate through its brand /
manufacturer / company text and its green category, and gets one of:

- ``certified``          a valid certificate (issued on or before the bid date, not expired, status valid)
- ``expired``            the company holds a certificate for the category but it expired before the bid date
- ``suspended``          the certificate's status is suspended / withdrawn / revoked
- ``category_mismatch``  the company holds certificates, none for the line's category
- ``no_evidence``        nothing in the registry names the line's maker or brand
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

__all__ = ["Certificate", "Evidence", "Registry", "RegistryError", "load_registry"]

from ..model import Certificate, Evidence, LineItem
from ..match.normalize import header_key, normalize
from ..read.cells import cell_text

FIELDS: dict[str, tuple[str, ...]] = {
    "number": ("证书编号", "证书号", "证书号码", "编号"),
    "company": ("企业名称", "获证企业", "获证组织", "持证企业", "生产企业", "申请人", "委托人", "企业", "获证单位"),
    "product": ("产品名称", "认证产品", "产品", "获证产品"),
    "category": ("产品类别", "认证产品类别", "类别", "产品种类", "认证目录类别", "目录类别"),
    "brand": ("品牌", "商标", "产品品牌"),
    "star": ("星级", "等级", "认证等级", "认证星级"),
    "issued": ("发证日期", "颁证日期", "签发日期", "发证时间", "颁发日期", "初次发证日期"),
    "expires": ("有效期至", "证书有效期", "到期日期", "有效截止日期", "截止日期", "失效日期"),
    "certifier": ("认证机构", "发证机构", "认证机构名称"),
    "status": ("证书状态", "状态"),
}
_COMPANY_NOISE = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|股份|公司|科技|新材料|建材|建筑材料|实业|工业|"
                            r"(山东|河南|河北|江苏|浙江|北京|上海|天津|广东|湖北|湖南|安徽)省?|[^省市县区]{2}(市|县|区))")


class RegistryError(Exception):
    """The registry file cannot be read; one-line reason."""


@dataclass(frozen=True)
class Registry:
    path: str
    certificates: tuple[Certificate, ...]
    example_data: bool = False  # the file says it is example data (the project's own generator)

    def evidence(self, item: LineItem, categories: Iterable[str], bid_date: _dt.date) -> Evidence:
        """The best evidence for a line in the given green categories."""
        categories = [c for c in categories if c]
        text = normalize(" ".join((item.name, item.features, item.brand, item.manufacturer)))
        holders = [c for c in self.certificates if _names(c, text)]
        if not holders:
            return Evidence("no_evidence")
        same = [c for c in holders if not categories or _same_category(c.category, categories)]
        if not same:
            return Evidence("category_mismatch", holders[0],
                            f"{holders[0].company} holds {holders[0].category}, not {'/'.join(categories)}")
        valid = [c for c in same if c.valid_on(bid_date)]
        if valid:
            return Evidence("certified", max(valid, key=lambda c: c.expires or _dt.date.max))
        suspended = [c for c in same if c.suspended]
        if suspended:
            return Evidence("suspended", suspended[0], f"certificate status: {suspended[0].status}")
        latest = max(same, key=lambda c: c.expires or _dt.date.min)
        return Evidence("expired", latest, f"expired {latest.expires} (bid date {bid_date})")


def _core(company: str) -> str:
    """The distinctive part of a company name: 山东鲁城建材有限公司 → 鲁城."""
    core = _COMPANY_NOISE.sub("", normalize(company))
    return core if len(core) >= 2 else normalize(company)


def _names(certificate: Certificate, text: str) -> bool:
    for name in (certificate.company, certificate.brand):
        if not name:
            continue
        if normalize(name) in text or (len(_core(name)) >= 2 and _core(name) in text):
            return True
    return False


def _same_category(category: str, categories: list[str]) -> bool:
    folded = normalize(category)
    return any(normalize(c) in folded or folded in normalize(c) for c in categories)


def _date(value: object) -> Optional[_dt.date]:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = cell_text(value)
    match = re.match(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})", text)
    if not match:
        return None
    try:
        return _dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _rows(path: Path) -> list[list[object]]:
    from ..read.csvfile import decode_text
    from ..read.sniff import InputRefused, sniff_file

    try:
        fmt = sniff_file(str(path))[1]
        if fmt == "csv":
            text, _ = decode_text(path.read_bytes())
            return [list(r) for r in csv.reader(io.StringIO(text))]
        if fmt in ("xlsx", "xlsm", "xls", "ods", "xlsb"):
            from python_calamine import CalamineWorkbook

            workbook = CalamineWorkbook.from_path(str(path))
            return [list(r) for name in workbook.sheet_names for r in workbook.get_sheet_by_name(name).to_python()]
    except InputRefused as exc:
        raise RegistryError(f"{path}: {exc}") from None
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read registry: {exc.strerror or exc}") from None
    except Exception as exc:  # calamine's own errors
        raise RegistryError(f"{path}: cannot read registry: {' '.join(str(exc).split())[:160]}") from None
    raise RegistryError(f"{path}: a registry must be a CSV or a workbook (xlsx, xls, ods)")


def load_registry(path: str | Path) -> Registry:
    """Read a certificate registry export (CSV or workbook) with a header row of the usual column names."""
    path = Path(path)
    rows = _rows(path)
    wanted = {f: {header_key(s) for s in synonyms} for f, synonyms in FIELDS.items()}
    example = any("示例数据" in cell_text(c) or "EXAMPLE DATA" in cell_text(c).upper() for r in rows[:5] for c in r)
    for index, row in enumerate(rows[:50]):
        keys = [header_key(cell_text(c)) for c in row]
        columns = {}
        for field, names in wanted.items():
            for col, key in enumerate(keys):
                if key in names and field not in columns:
                    columns[field] = col
        if {"number", "company"} <= set(columns) and ("category" in columns or "product" in columns):
            break
    else:
        raise RegistryError(f"{path}: no header row with 证书编号, 企业名称 and 产品类别/产品名称 found")
    certificates = []
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        get = lambda f: row[columns[f]] if f in columns and columns[f] < len(row) else ""  # noqa: E731
        cert_number = cell_text(get("number")).strip().upper()
        if not cert_number:
            continue
        certificates.append(Certificate(
            number=cert_number, company=cell_text(get("company")), product=cell_text(get("product")),
            category=cell_text(get("category")) or cell_text(get("product")), star=cell_text(get("star")),
            brand=cell_text(get("brand")), issued=_date(get("issued")), expires=_date(get("expires")),
            certifier=cell_text(get("certifier")), status=cell_text(get("status")), row=number,
        ))
    if not certificates:
        raise RegistryError(f"{path}: the registry has a header but no certificate rows")
    return Registry(str(path), tuple(certificates), example)
