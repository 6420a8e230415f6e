"""Stable finding fingerprints: the same finding keeps its id when rows are inserted, moved or re-paged.

A fingerprint is the sha256 of the file's base name, the item's identity and the rule id — never the row, the
page or the sheet position.  The item's identity is its 项目编码 when it has one (the code is the bill's own key),
else its 项目名称 + 项目特征 (+ 规格型号 for material rows), normalised (full/half width, 粘/黏, 砼 …) and with all
white space removed, so retyping or re-wrapping a line does not change it.

Two lines with the same code or text in one file share a fingerprint; baselines count fingerprints as a multiset
(see ``checker.baseline``), so a second identical finding is still new.

Fingerprints are a pure function of the line and the rule, so they are computed where they are used (JSON, SARIF,
waivers, baselines) and cost nothing on the checking path.
"""
from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache

from ..model import LineItem
from ..match.normalize import normalize
from ..textsafe import fs_bytes  # names with undecodable bytes hash as those bytes, never an encoding error

VERSION = "gbm-check/fingerprint@1"
_SPACE = re.compile(r"\s+")


def _compact(text: str) -> str:
    return _SPACE.sub("", normalize(text or ""))


def item_key(code: str, name: str, features: str, spec: str = "") -> str:
    """The part of a fingerprint that names the line: its code, else its normalised text."""
    code = _SPACE.sub("", code or "")
    if code:
        return "code:" + code
    return "text:" + "\x1e".join((_compact(name), _compact(features), _compact(spec)))


def base_name(path: str) -> str:
    """The file's base name, whichever separator the path was written with."""
    return (path or "").replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _hasher(file: str, key: str):
    return hashlib.sha256(fs_bytes("\x1f".join((VERSION, base_name(file), key, ""))))


def fingerprint(file: str, code: str, name: str, features: str, rule: str, spec: str = "") -> str:
    """sha256 hex of (base file name, item key, rule id)."""
    hasher = _hasher(file, item_key(code, name, features, spec))
    hasher.update(fs_bytes(rule))
    return hasher.hexdigest()


def item_fingerprint(item: LineItem, rule: str) -> str:
    return fingerprint(item.provenance.file, item.code, item.name, item.features, rule, item.spec)


@lru_cache(maxsize=64)
def _file_hasher(file: str):
    """The hash state after "VERSION␟base name␟" (a report hashes the lines of a few files at a time), or None
    where the name's bytes need the whole text to be encoded at once (see ``_line_hasher``)."""
    try:
        return hashlib.sha256(os.fsencode("\x1f".join((VERSION, base_name(file), ""))))
    except UnicodeEncodeError:
        return None


def _line_hasher(file: str, key: str):
    """``_hasher(file, key)``, continuing the file's cached hash state.  The same bytes: ``os.fsencode`` encodes
    character by character, so two parts it encodes give the bytes of the whole (else the whole is hashed)."""
    prefix = _file_hasher(file)
    if prefix is not None:
        try:
            rest = os.fsencode(key + "\x1f")
        except UnicodeEncodeError:
            pass
        else:
            hasher = prefix.copy()
            hasher.update(rest)
            return hasher
    return _hasher(file, key)


def item_fingerprints(item: LineItem, rules: list[str]) -> list[str]:
    """The fingerprints of several findings of one line (the line's part hashed once)."""
    if not rules:
        return []
    base = _line_hasher(item.provenance.file, item_key(item.code, item.name, item.features, item.spec))
    prints = []
    for rule in rules:
        hasher = base.copy()
        hasher.update(rule.encode("utf-8"))
        prints.append(hasher.hexdigest())
    return prints


def from_json_item(item: dict, rule: str) -> str:
    """The fingerprint of a finding in a JSON report item (for reports written before fingerprints existed)."""
    return fingerprint(item.get("file") or "", str(item.get("code") or ""), item.get("name") or "",
                       item.get("features") or "", rule, item.get("spec") or "")
