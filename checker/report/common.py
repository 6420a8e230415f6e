"""What the human-readable reports (text, HTML, workbook) say the same way: where a line is, its evidence, the
findings shown for it, the verdict with its limits, and the one-line summary."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..match.catalog import CatalogSet
from ..textsafe import printable
from ..model import CheckedItem, FileRead, Finding, LineItem, SheetRead
from ..read.accounting import KIND_ORDER, MAX_SHEETS_NAMED
from .i18n import Texts

STATUS_ORDER = ("banned", "restricted", "promoted", "clean")
FLAGGED = ("banned", "restricted", "uncertified")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_NOT_CHECKED = 0, 1, 2
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
_OFFSETS = re.compile(r"(项目名称|项目特征|规格型号)\[\d+:\d+\]")


def char_width(char: str) -> int:
    """Columns a character takes in print: two for CJK and full-width characters, one for the rest."""
    return 2 if ord(char) > 0x2E7F else 1


_WIDE = re.compile("[\u2e80-\U0010ffff]")  # the characters ``char_width`` counts twice


def text_width(text: str) -> int:
    """Columns a text takes in print: ``char_width`` summed (counted by a regex: workbooks measure every cell)."""
    return len(text) + len(_WIDE.findall(text))


def rows_text(checked: CheckedItem) -> str:
    """'14' or '14–16' (sheet rows), '' without rows."""
    return line_rows_text(checked.item)


def line_rows_text(item: LineItem) -> str:
    """``rows_text`` of a line, judged or not."""
    p = item.provenance
    return rows_span(p.first_row, p.last_row)


def rows_span(first: int | None, last: int | None) -> str:
    """The rows a line spans as printed: "14", "14–16", or "" (no rows: a PDF or XML line)."""
    if first is None:
        return ""
    return f"{first}" if last in (None, first) else f"{first}–{last}"


def where(checked: CheckedItem, t: Texts) -> str:
    """第14行 / 第3页 / 源文件第47–72行 (an electronic bid's lines are lines of its XML source; the sheet is named
    by the group the line is shown in)."""
    p = checked.item.provenance
    if p.page is not None:
        return t("page", n=p.page)
    rows = rows_text(checked)
    if not rows:
        return ""
    return t("row.source", n=rows) if p.location.startswith("/") else t("row", n=rows)


_CLAUSE = re.compile(r"(^| \+ )(项目名称|项目特征|规格型号)(?: 第(\d+)条)?(「?)")
_CLAUSE_FIELD = {"项目名称": "evidence.name", "项目特征": "evidence.features", "规格型号": "evidence.spec"}


def evidence_text(finding: Finding, t: Texts) -> str:
    """The evidence as the judge wrote it — the clause and its attribute with the matched words
    (项目特征 第2条「粘贴层」: 1:2.5水泥砂浆) — never character offsets (reports of older versions had them).
    In English the field and clause are named in English (item features clause 2 「粘贴层」); the quoted words are
    the bill's.  A banned or restricted product the bill offers as one option among others says so."""
    text = t.msg(_OFFSETS.sub(r"\1", finding.evidence))
    if t.lang != "zh":
        def clause(match: re.Match) -> str:
            field = t(_CLAUSE_FIELD[match.group(2)])
            named = t("evidence.clause", field=field, n=match.group(3)) if match.group(3) else field
            return match.group(1) + named + (" 「" if match.group(4) else "")

        text = _CLAUSE.sub(clause, text)
    return text + t("evidence.option") if offered_as_option(finding) else text


def offered_as_option(finding: Finding) -> bool:
    """A banned or restricted product the bill offers as one option among others (the bidder may not choose it)."""
    return finding.alternative and finding.kind in ("banned", "restricted")


@dataclass(frozen=True)
class Shown:
    """A finding as the reports show it: the decisive one of its kind, with the rules that concur."""

    finding: Finding
    also: tuple[str, ...]


def shown_findings(checked: CheckedItem, kinds=FLAGGED) -> list[Shown]:
    """The decisive findings of these kinds, each with the concurring rules ("also: …"); a finding that only
    concurs is named on its decisive one, not shown again."""
    picked = [f for f in checked.findings if f.kind in kinds]
    decisive = [f for f in picked if f.decisive]
    named = {rule for f in decisive for rule in f.also}
    shown = [Shown(f, f.also) for f in decisive]
    # a concurring finding that no decisive finding names (a judge that marks none) is still shown
    shown += [Shown(f, ()) for f in picked if not f.decisive and f.rule not in named]
    return shown


def line_sort_key(checked: CheckedItem, status: str) -> tuple:
    """Banned first, then restricted, then uncertified; in the order of the bill within each."""
    rank = STATUS_ORDER.index(status) if status in ("banned", "restricted") else 2
    p = checked.item.provenance
    return rank, p.page or 0, p.first_row or 0


def limits(counts: dict, catalogs: CatalogSet, t: Texts) -> list[str]:
    """What the verdict cannot see: a catalogue not loaded, lines a person must decide, files not checked."""
    found = []
    if not any(c.provincial for c in catalogs.catalogs):
        found.append(t("limit.no_provincial"))
    if counts.get("needs_manual_check"):
        found.append(t("limit.manual", n=counts["needs_manual_check"]))
    if counts.get("files_error"):
        found.append(t("limit.not_checked", n=counts["files_error"]))
    return found


def verdict_text(verdict: str, counts: dict, catalogs: CatalogSet, t: Texts) -> str:
    """通过（未载入山东省目录；8 项需人工复核）: the verdict with its limits beside it."""
    text = t(f"verdict.{verdict}")
    found = limits(counts, catalogs, t)
    if found:
        text += ("（" + "；".join(found) + "）") if t.lang == "zh" else (" (" + "; ".join(found) + ")")
    return text


def exit_status(counts: dict) -> int:
    """2 if an input could not be checked; else 1 if a finding counts for the gate; else 0."""
    if counts["files_error"]:
        return EXIT_NOT_CHECKED
    return EXIT_FINDINGS if counts["failing_findings"] else EXIT_CLEAN


def summary_line(counts: dict, t: Texts, exit_code: int | None = None) -> str:
    """gbm-check: 2 files, 1 not checked, 33 failing findings (banned 27), exit 2 — for scripts and CI logs."""
    return t("summary.line", files=counts["files"], not_checked=counts["files_error"],
             failing=counts["failing_findings"], banned=counts["failing_banned"],
             exit=exit_status(counts) if exit_code is None else exit_code)


def reason_line(reason: str | None, t: Texts) -> str | None:
    """Why a file was not checked, in the report's language and on one line (its line breaks folded); None for
    none."""
    return _LINE_BREAKS.sub(" ", t.msg(reason)).strip() if reason else None


def not_checked_line(path: str, reason: str, t: Texts) -> str:
    """gbm-check: FILE: reason — the one stderr line for a file not checked (``reason_line``)."""
    return t("note.not_checked", path=printable(path), reason=printable(reason_line(reason, t) or ""))


def sheet_shown(checked: CheckedItem) -> str:
    """The sheet a line is on, "" for a CSV or PDF (whose readers name no sheet: "csv", "")."""
    sheet = checked.item.provenance.sheet or ""
    return "" if sheet == "csv" else sheet


def reading_line(read: FileRead, t: Texts) -> str:
    """What reading did, in one line: sheets read by kind, sheets not read and why, rows skipped by reason —
    读取 3 张表（清单 2、材料 1），未读 1 张（封面：无清单表）；跳过 41 行：页眉页脚 30、小计合计 8、定额子目 3."""
    sheets = read.sheets
    if not sheets:
        return ""
    sep = t("sep.list")
    done = [s for s in sheets if s.read]
    kinds = sorted(Counter(s.kind for s in done).items(),
                   key=lambda kv: KIND_ORDER.index(kv[0]) if kv[0] in KIND_ORDER else len(KIND_ORDER))
    listed = sep.join(f"{t.get(f'reading.kind.{kind}', kind)} {n}" for kind, n in kinds)
    text = t("reading.read", n=len(done), kinds=t("reading.kinds", list=listed) if kinds else "")
    rest = [s for s in sheets if not s.read]
    if len(rest) > MAX_SHEETS_NAMED:
        reasons = Counter(_sheet_reason(s, t) for s in rest)
        text += t("reading.not_read", n=len(rest), list=sep.join(f"{r} {n}" for r, n in reasons.most_common()))
    elif rest:
        text += t("reading.not_read", n=len(rest), list=sep.join(
            t("reading.sheet", sheet=s.sheet.strip() or "PDF", reason=_sheet_reason(s, t)) for s in rest))
    skipped = sum(s.count for s in read.skipped)
    if skipped:
        text += t("reading.skipped", n=skipped, list=sep.join(f"{t.get(f'skip.{s.reason}', '') or t.msg(s.reason)} "
                                                               f"{s.count}" for s in read.skipped))
    return text


def _sheet_reason(sheet: SheetRead, t: Texts) -> str:
    """Why a sheet was not read: by its reason id, else by its kind (a fee or summary table), else as given."""
    for key in (sheet.reason, sheet.kind):
        label = t.get(f"sheet_reason.{key}", "")
        if label:
            return label
    return sheet.reason


def short_edition(text: str, limit: int = 36) -> str:
    """A catalog's edition cut to ``limit`` characters (… where cut), for one-line lists of the catalogs."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def gaps(catalogs: CatalogSet, t: Texts) -> list[str]:
    """Every known gap of the catalogs in the report's language, the key ones first."""
    return [t.msg(gap) for gap in catalogs.gaps]


def gap_lines(catalogs: CatalogSet, t: Texts) -> list[str]:
    """The gaps for a report without room for them all: each key gap in full, then how many more there are."""
    key, every = catalogs.key_gaps, catalogs.gaps
    lines = [t("gap", text=t.msg(gap)) for gap in key]
    return lines + ([t("gap.more", n=len(every) - len(key))] if len(every) > len(key) else [])


def undecided_reason(row: dict, t: Texts) -> str:
    """An undecided rule's reason in the report's language, with on how many of its lines the bill offers the
    product as one option among others."""
    reason = t.msg(row["reason"])
    return reason + t("undecided.options", n=row["option_lines"]) if row.get("option_lines") else reason
