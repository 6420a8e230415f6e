"""A file's report digested where it was checked, so that the command of a batch only adds it up.

In a batch, the command's own work per line — rebuilding the lines and findings a worker sends, counting
them, encoding each JSON item — took about as much CPU as the workers' checking, on the same cores, and kept
``--jobs 2`` well below twice ``--jobs 1`` (issue "Speed of the whole job").  When a run's reports need no
line of a file after it is counted beyond those with findings (JSON, HTML, text, SARIF, JUnit, or none; not
the annotated workbook, which marks every line of its copy; no waivers, baseline or summary table, which mark
or read lines in the command), the worker digests the file instead (``digest``): its counts, green lines and
undecided rules (``engine.summarise``, as ``RunReport.add`` would compute them), the rules its findings name,
its items encoded exactly as the JSON writer encodes them (``json_report.encoded_items``), the HTML report's
part (``html_report.file_part``: amounts, the flagged lines rendered, the item table's rows), and its flagged
lines (a banned, restricted or uncertified finding: all a text, SARIF or JUnit report lists).  The command
then adds the counts, copies the bytes and writes the findings.  A ``FileReport`` with a digest carries no
items: writers read its flagged lines through ``stream.flagged_lines`` and its size through
``stream.line_count``.

A run of one file digests too: the command would otherwise wait for the worker and then decode, count and
encode every line alone.  Its lines still go ahead of judging (``DigestSpec.lines_ahead``, when a JSON or
HTML report is asked for), and the command encodes what was read of them from their values
(``json_report.line_heads``, ``html_report._lines_cells``: the lines stay ``run.codec.ColumnLines``, made into
LineItems only where a finding is fingerprinted) while the worker judges; the digest then holds only what
judging added (``json_tails``, the HTML part without the lines' cells) and the report's read its lines again.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..engine import FileReport, summarise
from ..match.catalog import CatalogSet


@dataclass(frozen=True)
class DigestSpec:
    """What a run asks its workers to digest a file into."""

    fail_kinds: tuple[str, ...]  # the run's gate (``engine.FAIL_KINDS``): which findings count as failing
    json_items: bool  # also the file's JSON items (a run with a JSON report)
    flagged: bool = False  # also the flagged lines (a run with a text, SARIF or JUnit report)
    # one file: its lines still go to the command ahead of judging, which encodes what was read of them while
    # the worker judges (``json_report.line_heads``, ``html_report._lines_cells``); the digest then holds only
    # what judging added
    lines_ahead: bool = False
    html: bool = False  # also the HTML report's part of the file (``html_report.file_part``)
    lang: str = "zh"  # the language of the reports (the HTML part's words)
    item_table: bool = True  # the HTML part with the item table's rows


@dataclass(frozen=True)
class Digest:
    """What a run's summary and its JSON, text, SARIF and JUnit reports need of one checked file."""

    counts: dict  # as ``engine.summarise`` counts them
    green: dict  # (first category, certified) → [lines, amount]
    undecided: dict  # rule → {rule, entry, reason, lines}
    lines: int  # items of the file
    json_items: bytes  # the items as the JSON report writes them, joined by its separator (b"" if not asked)
    rules: dict  # rule → ``json_report.rule_dict``, for every rule the file's findings name
    flagged: tuple = ()  # the CheckedItems with a banned, restricted or uncertified finding, in order (if asked)
    flagged_statuses: tuple = ()  # their statuses
    certification: bool = False  # some line carries certification evidence
    # with the lines sent ahead (``DigestSpec.lines_ahead``): each item's judged part, as ``json_report.
    # judged_parts`` gives it (bytes, or a template of ``json_templates`` its line fills in with fingerprints),
    # which the command puts after the part it encoded of the line; ``json_items`` is then b""
    json_tails: tuple = ()
    json_templates: tuple = ()
    html: object = None  # the HTML report's ``html_report.FilePart`` of the file (if asked)
    lines_ahead: bool = False  # its JSON items or HTML rows are completed from the lines sent ahead


def digest(report: FileReport, spec: DigestSpec, catalogs: CatalogSet, lines_sent: bool = False) -> Digest:
    """The digest of a checked file (waivers and baseline are not marked: a run that has them does not digest);
    ``lines_sent``: its lines went to the command ahead (``DigestSpec.lines_ahead``), so only the judged part
    of each JSON item is encoded here."""
    from ..collector import paused
    from .json_report import ITEM_SEPARATOR, encoded_items, judged_parts
    from .stream import flagged_of

    with paused():  # many small objects, no cycles (checker.collector)
        counts, green, undecided, statuses = summarise(report, spec.fail_kinds)
        rules: dict = {}
        json_items, json_tails, templates = b"", (), []
        if spec.json_items and lines_sent:
            json_tails = tuple(judged_parts(report, statuses, rules, catalogs, templates))
        elif spec.json_items:
            json_items = ITEM_SEPARATOR.join(encoded_items(report, statuses, rules, catalogs))
        html = None
        if spec.html:
            from .html_report import file_part
            from .i18n import texts

            html = file_part(report, statuses, texts(spec.lang), spec.item_table, read=not lines_sent)
        flagged = list(flagged_of(report.items, statuses)) if spec.flagged else []
        return Digest(counts=counts, green=green, undecided=undecided, lines=len(report.items),
                      json_items=json_items, rules=rules, flagged=tuple(c for c, _ in flagged),
                      flagged_statuses=tuple(s for _, s in flagged),
                      certification=any(c.certification is not None for c in report.items), json_tails=json_tails,
                      json_templates=tuple(templates), html=html,
                      lines_ahead=lines_sent and (spec.json_items or spec.html))
