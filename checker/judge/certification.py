"""Government-procurement rules that are not catalog entries: certification evidence for green lines.

聊城's measures (一)/(二) and 财库〔2022〕35号 ask government-invested projects to use certified green building
materials.  With a certificate registry loaded, every line in a national green category gets its evidence
(see checker.certificates); in a government-invested project a line without valid evidence is an
``uncertified`` finding (warning by default, error when configured).  Without a registry, nothing is
claimed per line and the run lists certification as a rule it could not decide.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .certificates import Registry
from .rules import Profile
from ..model import CheckedItem, Finding

CERT_RULE = "GP-CERT"
CERT_ENTRY = "政府投资项目采用绿色建材：认证证据"
CERT_SOURCE = ("聊城市《关于支持绿色建材产业高质量发展的若干措施（征求意见稿）》措施（一）（二）；财库〔2022〕35号及"
               "《绿色建筑和绿色建材政府采购需求标准》（证明文件：绿色建材产品认证证书，或符合需求标准的有效检测报告）")
_PROBLEMS = {
    "no_evidence": "no certificate in the registry names this line's maker or brand",
    "expired": "the maker's certificate for this category had expired at the bid date",
    "suspended": "the maker's certificate for this category is suspended or withdrawn",
    "category_mismatch": "the maker holds certificates, but none for this line's green category",
}


@dataclass(frozen=True)
class Certification:
    """Applies a registry to checked lines under one profile."""

    registry: Registry
    profile: Profile
    severity: str = "warning"  # of uncertified findings: warning or error

    def apply(self, checked: CheckedItem) -> CheckedItem:
        if not checked.green_categories:
            return checked
        evidence = self.registry.evidence(checked.item, checked.green_categories, self.profile.bid_date)
        findings = checked.findings
        if evidence.status != "certified" and self.profile.government_invested:
            cert = evidence.certificate
            detail = f" ({cert.number}, {cert.company}, {cert.category}, valid to {cert.expires})" if cert else ""
            findings = findings + (Finding(
                rule=CERT_RULE, kind="uncertified", severity=self.severity, entry=CERT_ENTRY, source=CERT_SOURCE,
                evidence=f"绿色建材类别「{checked.green_categories[0]}」: {_PROBLEMS[evidence.status]}{detail}",
                message=("a government-invested project needs certified green materials; a valid test report "
                         "meeting the 需求标准 is also accepted: check the bid documents"),
            ),)
        return dataclasses.replace(checked, findings=findings, certification=evidence)
