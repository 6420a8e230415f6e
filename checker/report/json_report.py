"""The JSON report: a contract read by other tools (schema ``gbm-check/report@1``; see README)."""
from __future__ import annotations

import json

from ..judge.adoption import Adoption
from ..engine import RunReport
from ..gate.fingerprint import item_fingerprint
from ..model import CheckedItem, Finding, LineItem
from ..gate.waivers import waiver_dict
from . import VERDICT_TEXT

SCHEMA = "gbm-check/report@1"


def finding_dict(finding: Finding, item: LineItem) -> dict:
    return {
        "rule": finding.rule, "kind": finding.kind, "severity": finding.severity, "entry": finding.entry,
        "source": finding.source, "evidence": finding.evidence, "matched": finding.matched, "field": finding.field,
        "position": finding.start, "scope": finding.scope, "replacement": finding.replacement,
        "needs_manual_check": finding.needs_manual_check, "message": finding.message,
        "fingerprint": item_fingerprint(item, finding.rule), "waived": finding.waived,
        "waiver": waiver_dict(finding.waiver) if finding.waiver else None, "baseline": finding.baseline,
        "clause": finding.clause, "alternative": finding.alternative, "decisive": finding.decisive,
        "also": list(finding.also),
    }


def item_dict(checked: CheckedItem) -> dict:
    item, where = checked.item, checked.item.provenance
    data = {
        "file": where.file, "sheet": where.sheet,
        "rows": [where.first_row, where.last_row] if where.first_row is not None else None,
        "page": where.page, "table": item.table, "seq": item.seq, "code": item.code, "name": item.name,
        "features": item.features, "unit": item.unit, "quantity": item.quantity, "unit_price": item.unit_price,
        "amount": item.amount, "amount_missing": item.amount_missing, "section": item.section,
        "status": checked.status,
        "green_categories": list(checked.green_categories),
        "findings": [finding_dict(f, item) for f in checked.findings],
    }
    if where.location:  # an XML element path (bid-file XML) or another locator
        data["location"] = where.location
    if item.table == "material":
        data.update(spec=item.spec, brand=item.brand, manufacturer=item.manufacturer)
    data.update(ocr=item.ocr, ocr_confidence=item.ocr_confidence)  # OCR'd text must be verified against the paper
    if checked.certification is not None:
        data["certification"] = certification_dict(checked.certification)
    return data


def certification_dict(evidence) -> dict:
    cert = evidence.certificate
    return {"status": evidence.status, "note": evidence.note, "certificate": None if cert is None else {
        "number": cert.number, "company": cert.company, "product": cert.product, "category": cert.category,
        "star": cert.star, "issued": cert.issued.isoformat() if cert.issued else None,
        "expires": cert.expires.isoformat() if cert.expires else None, "certifier": cert.certifier,
        "status": cert.status, "registry_row": cert.row}}


def adoption_dict(adoption: Adoption) -> dict:
    return {
        "lines": adoption.lines, "certified_lines": adoption.certified_lines,
        "line_share": round(adoption.line_share, 4), "amount": round(adoption.amount, 2),
        "certified_amount": round(adoption.certified_amount, 2), "amount_share": round(adoption.amount_share, 4),
        "kinds": adoption.kinds, "certified_kinds": adoption.certified_kinds, "rule_2025": adoption.rule_2025,
        "categories": [{"category": c.category, "lines": c.lines, "certified_lines": c.certified_lines,
                        "line_share": round(c.line_share, 4), "amount": round(c.amount, 2),
                        "certified_amount": round(c.certified_amount, 2), "amount_share": round(c.amount_share, 4)}
                       for c in adoption.categories],
        "undecided": list(adoption.undecided),
    }


def report_dict(run: RunReport) -> dict:
    counts = run.counts()
    adoption = run.adoption()
    profile = run.profile
    return {
        "schema": SCHEMA,
        "tool": {"name": "gbm-check", "version": run.tool_version},
        "profile": {"city": profile.city, "province": profile.province, "district": profile.district,
                    "government_invested": profile.government_invested, "urban_area": profile.urban_area,
                    "bid_date": profile.bid_date.isoformat(), "project_type": profile.project_type,
                    "height_m": profile.height_m},
        "registry": None if run.registry is None else {"path": run.registry.path,
                                                       "certificates": len(run.registry.certificates),
                                                       "example_data": run.registry.example_data},
        "catalogs": [{"id": c.id, "title": c.title, "edition": c.edition, "source": c.source,
                      "jurisdiction": c.jurisdiction, "entries": len(c.entries)} for c in run.catalogs.catalogs],
        "catalog_gaps": run.catalogs.gaps,
        "files": [
            {"path": f.read.path, "sha256": f.read.sha256, "format": f.read.format,
             "status": "ok" if f.read.ok else "error", "error": f.read.error, "project": f.read.project,
             "tables": [{"sheet": t.sheet, "kind": t.kind, "header_row": t.header_row, "items": t.items,
                         "title": t.title} for t in f.read.tables],
             "table_count": sum(t.kind != "analysis" for t in f.read.tables),
             "item_count": len(f.items), "warnings": list(f.read.warnings), "seconds": round(f.seconds, 3),
             "ocr_pages": f.read.ocr_pages}
            for f in run.files
        ],
        "items": [item_dict(c) for f in run.files for c in f.items],
        "summary": counts,
        "verdict": {"result": run.verdict(), "text": VERDICT_TEXT[run.verdict()]},
        "gate": {"fail_on": run.fail_on, "baseline": run.baseline, "failing_findings": counts["failing_findings"]},
        "adoption": adoption_dict(adoption),
        "undecided_rules": run.undecided(adoption),
        "expired_waivers": [waiver_dict(w) for w in run.expired_waivers],
        "warnings": list(run.warnings),
    }


def render(run: RunReport) -> str:
    return json.dumps(report_dict(run), ensure_ascii=False, indent=1) + "\n"
