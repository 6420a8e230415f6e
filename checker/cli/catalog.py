"""gbm-check catalog … and gbm-check explain: look into, validate and import catalogs."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..match.catalog import CatalogError, load_catalogs
from .util import EXIT_CLEAN, EXIT_NOT_CHECKED, usage_error, write_output


@click.group()
def catalog() -> None:
    """List, search, validate and import catalogs."""


EXTRA_CATALOGS = click.option("--catalog", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False),
                              help="Extra catalog file (adds or overrides entries); repeatable.")


def _entry_or_exit(entry_id: str, extra):
    entry = _catalogs_or_exit(extra).get(entry_id)
    if entry is None:
        usage_error(f"no catalog entry {entry_id!r} (see `gbm-check catalog list`)")
    return entry


def _catalogs_or_exit(extra=()):
    try:
        return load_catalogs(extra)
    except CatalogError as exc:
        usage_error(str(exc))


@catalog.command("list")
@EXTRA_CATALOGS
def catalog_list(extra) -> None:
    """The catalogs in use and their entries."""
    catalogs = _catalogs_or_exit(extra)
    for cat in catalogs.catalogs:
        click.echo(f"{cat.id}  {cat.title}  [{cat.edition}]  {len(cat.entries)} entries  ({cat.path})")
        for entry in cat.entries:
            click.echo(f"  {entry.id:10} {entry.list:10} {entry.jurisdiction:8} {entry.name}")
    for gap in catalogs.gaps:
        click.echo(f"gap: {gap}")


@catalog.command("show")
@click.argument("entry_id")
@EXTRA_CATALOGS
def catalog_show(entry_id, extra) -> None:
    """One entry, every field."""
    entry = _entry_or_exit(entry_id, extra)
    import dataclasses
    import json

    click.echo(json.dumps(dataclasses.asdict(entry), ensure_ascii=False, indent=1))


@catalog.command("search")
@click.argument("text")
@EXTRA_CATALOGS
def catalog_search(text, extra) -> None:
    """Entries whose name or terms contain TEXT, and the entries the matcher finds in TEXT read as a bill line."""
    from ..match.matcher import Matcher
    from ..match.normalize import normalize

    catalogs = _catalogs_or_exit(extra)
    needle = normalize(text)
    named = [e for e in catalogs.entries.values()
             if needle in normalize(e.name) or any(needle in normalize(t) for t in e.terms)]
    for entry in named:
        click.echo(f"{entry.id:10} {entry.list:10} {entry.name}")
    hits = Matcher(catalogs).match_text(text, "").hits
    for hit in hits:
        if hit.entry not in named:
            click.echo(f"{hit.entry.id:10} {hit.entry.list:10} {hit.entry.name}   (matched 「{hit.text}」 in the text)")
    if not named and not hits:
        from ..match.catalog import suggest

        close = suggest(catalogs, text)
        click.echo("no entry found" + ("; closest:" if close else ""))
        for entry, similarity in close:
            click.echo(f"  {entry.id:10} {entry.list:10} {entry.name}   (similarity {similarity:.0f})")


@catalog.command("validate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def catalog_validate(files) -> None:
    """Validate catalog files (default: the shipped ones)."""
    import json

    from ..match.catalog import shipped_paths, validate

    bad = 0
    for path in files or [str(p) for p in shipped_paths()]:
        try:
            problems = validate(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems = [f"not a JSON catalog: {exc}"]
        bad += bool(problems)
        click.echo(f"{'ok     ' if not problems else 'INVALID'} {path}")
        for problem in problems:
            click.echo(f"  {problem}")
    sys.exit(EXIT_NOT_CHECKED if bad else EXIT_CLEAN)


@catalog.command("import")
@click.argument("table", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Catalog file to write.")
@click.option("--id", "catalog_id", default="shandong-province", show_default=True)
@click.option("--title", default="山东省建设领域推广应用和限制、禁止使用技术产品目录", show_default=True)
@click.option("--edition", required=True, help="Edition as printed (e.g. 2023年版).")
@click.option("--source", required=True, help="Document number / title / URL of the official list.")
@click.option("--jurisdiction", type=click.Choice(["national", "shandong", "city"]), default="shandong",
              show_default=True)
@click.option("--city", default="", help="For a city list: the city.")
@click.option("--id-prefix", default="SD", show_default=True)
@click.option("--list", "default_list", type=click.Choice(["banned", "restricted", "promoted"]),
              help="List of every row when the table has no 类别 column or section rows.")
@click.option("--map", "mapping", default="", help="Column mapping, e.g. 'name=技术名称,list=类别,scope=限制范围'.")
def catalog_import(table, output, catalog_id, title, edition, source, jurisdiction, city, id_prefix, default_list,
                   mapping) -> None:
    """Turn an official list published as a table (xlsx, xls, csv, PDF) into a catalog file."""
    import json

    from ..match.catalog import validate
    from ..match.catalog_import import ImportOptions, ImportProblem, build_catalog, parse_mapping, read_rows

    if Path(output).resolve() == Path(table).resolve():
        usage_error("refusing to write the catalog over its source table")
    try:
        options = ImportOptions(catalog_id=catalog_id, title=title, edition=edition, source=source,
                                jurisdiction=jurisdiction, city=city, id_prefix=id_prefix,
                                default_list=default_list, mapping=parse_mapping(mapping))
        document = build_catalog(read_rows(Path(table)), options)
    except ImportProblem as exc:
        usage_error(f"{table}: {exc}")
    problems = validate(document)
    if problems:
        usage_error(f"{table}: imported catalog is invalid: {problems[0]}")
    write_output(json.dumps(document, ensure_ascii=False, indent=1) + "\n", output)
    counts = {k: sum(e["list"] == k for e in document["entries"]) for k in ("banned", "restricted", "promoted")}
    click.echo(f"wrote {output}: {len(document['entries'])} entries ({counts['banned']} banned, "
               f"{counts['restricted']} restricted, {counts['promoted']} promoted); use it with --catalog {output}")


def find_entries(catalogs, text: str) -> list:
    """The entries ``text`` names: an id in any case; else entries whose name or a term is the text (normalised);
    else entries whose name contains it."""
    from ..match.normalize import normalize

    wanted = text.strip()
    by_id = {entry_id.upper(): entry for entry_id, entry in catalogs.entries.items()}
    if wanted.upper() in by_id:
        return [by_id[wanted.upper()]]
    needle = normalize(wanted)
    if not needle:
        return []
    exact = [e for e in catalogs.entries.values()
             if needle == normalize(e.name) or any(needle == normalize(term) for term in e.terms)]
    return exact or [e for e in catalogs.entries.values() if needle in normalize(e.name)]


@click.command()
@click.argument("rule_id", metavar="RULE_ID_OR_NAME")
@EXTRA_CATALOGS
def explain(rule_id, extra) -> None:
    """What a rule is, where it comes from, what it matches and what it does not (by id in any case, or by the
    name of the material or technique)."""
    from ..match.catalog import suggest

    catalogs = _catalogs_or_exit(extra)
    entries = find_entries(catalogs, rule_id)
    if not entries:
        close = suggest(catalogs, rule_id)
        hint = "; did you mean: " + ", ".join(f"{e.id} {e.name}" for e, _ in close) if close else ""
        usage_error(f"no catalog entry {rule_id!r}{hint} (see `gbm-check catalog search TEXT`)")
    click.echo("\n\n".join(_explanation(entry) for entry in entries))


def _explanation(entry) -> str:
    lines = [f"{entry.id}  {entry.name}", f"  list: {entry.list}   jurisdiction: {entry.jurisdiction}"
             + (f" ({entry.city})" if entry.city else ""), f"  source: {entry.source}"]
    if entry.source_url:
        lines.append(f"  url: {entry.source_url}")
    lines.append(f"  edition: {entry.edition}   effective: {entry.effective or 'not stated'}   "
                 f"confidence: {entry.confidence}   catalog: {entry.catalog}")
    if entry.scope:
        lines.append(f"  scope: {entry.scope}")
    lines.append(f"  decidable from a bill: {'yes' if entry.decidable else 'no — findings say needs manual check'}")
    if entry.replacement:
        lines.append(f"  use instead: {entry.replacement}")
    if entry.terms:
        lines.append("  matches: " + "、".join(entry.terms))
    for combo in entry.combos:
        lines.append("  matches together: " + " + ".join("(" + "|".join(group) + ")" for group in combo))
    if entry.exclusions:
        lines.append("  does not match (look-alikes): " + "、".join(entry.exclusions))
    if entry.code_prefixes:
        lines.append("  only for item codes starting: " + ", ".join(entry.code_prefixes))
    lines.append("  never matches: text after 严禁/禁止/不得/替代/非 … in the same clause; demolition lines (0116, 拆除)")
    if entry.notes:
        lines.append(f"  notes: {entry.notes}")
    return "\n".join(lines)
