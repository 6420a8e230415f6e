"""Configuration: ``[tool.gbm-check]`` in pyproject.toml, or a gbm-check.toml file; command-line flags win.

    [tool.gbm-check]                       # in gbm-check.toml the same keys stand at the top level
    fail-on = "restricted"                 # banned | restricted | never
    formats = { text = "-", json = "reports/gbm-check.json", html = "reports/gbm-check.html" }
    catalogs = ["catalogs/shandong.json"]  # extra catalog files
    xml-mappings = ["shandong-bid.toml"]   # your own XML schema mappings, tried before the shipped ones
    waivers = "gbm-check-waivers.toml"
    baseline = "reports/baseline.json"

    registry = "certificates.csv"          # certificate registry export: certification evidence per line
    uncertified = "warning"                # warning | error: severity of green lines without evidence

    [tool.gbm-check.compare]               # `gbm-check compare` (its reports are not check's)
    fail-on = "warning"                    # error | warning | never
    formats = { text = "-", html = "reports/review.html" }   # text | json | html | xlsx
    band = 10                              # per cent: unit prices beyond ± this are reported

    [tool.gbm-check.profile]
    city = "聊城"
    district = "东昌府区"
    project-type = "学校"                  # 医院 学校 办公楼 综合体 展览馆 会展中心 体育馆 保障房 …
    bid-date = 2026-11-24
    urban-area = true                      # true | false | "unknown"
    government-invested = true             # true | false | "unknown"
    height-m = 23.5                        # building height, for height-bound restrictions

Looked up in the current directory (gbm-check.toml first, then pyproject.toml), or given with ``--config``.
Relative paths are relative to the config file's folder.  ``formats`` is a table of format → output ("-" is
standard output), or a list of format names (each to standard output, so at most one).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

try:  # Python ≥ 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .documents import read_document

CONFIG_NAME = "gbm-check.toml"
FAIL_LEVELS = ("banned", "restricted", "never")
COMPARE_FAIL_LEVELS = ("error", "warning", "never")
_KEYS = {"fail_on", "formats", "catalogs", "waivers", "baseline", "profile", "registry", "uncertified", "compare",
         "xml_mappings"}
_COMPARE_KEYS = {"fail_on", "formats", "band"}
_PROFILE_KEYS = {"city", "province", "bid_date", "urban_area", "government_invested", "project_type", "district",
                 "height_m"}
UNCERTIFIED_LEVELS = ("warning", "error")
_BOOL_KEYS = {"urban_area", "government_invested"}


class ConfigError(ValueError):
    """The configuration cannot be used (one line, for the CLI)."""


@dataclass
class Config:
    path: str | None = None
    fail_on: str | None = None
    outputs: list[tuple[str, str | None]] = field(default_factory=list)  # (format, file or None for stdout)
    catalogs: list[str] = field(default_factory=list)
    waivers: str | None = None
    baseline: str | None = None
    profile: dict = field(default_factory=dict)  # Profile field → value
    registry: str | None = None  # certificate registry export (CSV / xlsx)
    uncertified: str | None = None  # severity of uncertified findings: warning or error
    compare: "CompareConfig" = field(default_factory=lambda: CompareConfig())
    xml_mappings: list[str] = field(default_factory=list)  # the user's XML schema mapping files


@dataclass
class CompareConfig:
    """``[compare]``: what `gbm-check compare` takes from the config (its formats are the bid review's)."""

    fail_on: str | None = None  # error | warning | never
    outputs: list[tuple[str, str | None]] = field(default_factory=list)
    band: float | None = None  # per cent


def find(cwd: str | Path = ".") -> Path | None:
    """The config file of a directory: gbm-check.toml, else a pyproject.toml with a [tool.gbm-check] table."""
    cwd = Path(cwd)
    if (cwd / CONFIG_NAME).is_file():
        return cwd / CONFIG_NAME
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "gbm-check" in _read(pyproject).get("tool", {}):
                return pyproject
        except ConfigError:
            return None  # a broken pyproject.toml that is not ours is not our error
    return None


def load(path: str | Path | None = None, cwd: str | Path = ".", formats: tuple[str, ...] = ()) -> Config:
    """The configuration from ``path``, or the one found in ``cwd``, or an empty one."""
    if path is None:
        path = find(cwd)
        if path is None:
            return Config()
    path = Path(path)
    document = _read(path)
    tool = document.get("tool", {})
    table = tool.get("gbm-check") if isinstance(tool, dict) else None
    if table is None:
        if path.name == "pyproject.toml":
            raise ConfigError(f"{path}: no [tool.gbm-check] table")
        table = document  # gbm-check.toml: the keys at the top level
    return parse(table, path, formats)


def _read(path: Path) -> dict:
    return read_document(path, tomllib.loads, (tomllib.TOMLDecodeError,), ConfigError, "config", "not a TOML file")


def _keys(table: dict) -> dict:
    return {str(k).replace("-", "_"): v for k, v in table.items()}


def _known_keys(table: dict, known: set[str], what: str, path: Path) -> dict:
    """The table with dashes in its keys read as underscores; an unknown key is an error."""
    table = _keys(table)
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{path}: unknown {what}key(s) {sorted(unknown)} (known: {', '.join(sorted(known))})")
    return table


def parse(table: dict, path: Path, formats: tuple[str, ...] = ()) -> Config:
    """Validate one config table; ``formats`` lists the known report formats (empty: do not check names)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.gbm-check] must be a table")
    table = _known_keys(table, _KEYS, "", path)
    base = path.parent
    config = Config(path=str(path))
    if "fail_on" in table:
        if table["fail_on"] not in FAIL_LEVELS:
            raise ConfigError(f"{path}: fail-on must be one of {', '.join(FAIL_LEVELS)}, not {table['fail_on']!r}")
        config.fail_on = table["fail_on"]
    config.outputs = _outputs(table.get("formats"), base, path, formats)
    config.catalogs = _files(table, "catalogs", base, path)
    config.xml_mappings = _files(table, "xml_mappings", base, path)
    if "uncertified" in table:
        if table["uncertified"] not in UNCERTIFIED_LEVELS:
            raise ConfigError(f"{path}: uncertified must be warning or error, not {table['uncertified']!r}")
        config.uncertified = table["uncertified"]
    for key in ("waivers", "baseline", "registry"):
        if key in table:
            if not isinstance(table[key], str) or not table[key]:
                raise ConfigError(f"{path}: {key} must be a file name")
            setattr(config, key, str(base / table[key]))
    config.profile = _profile(table.get("profile", {}), path)
    config.compare = _compare(table.get("compare", {}), base, path)
    return config


def _files(table: dict, key: str, base: Path, path: Path) -> list[str]:
    """A key naming one file or a list of files, relative to the config's folder."""
    names = table.get(key, [])
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(c, str) for c in names):
        raise ConfigError(f"{path}: {key.replace('_', '-')} must be a list of file names")
    return [str(base / c) for c in names]


def _compare(value, base: Path, path: Path) -> CompareConfig:
    """The ``[compare]`` table (format names are checked by the command, which knows its formats)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: compare must be a table")
    value = _known_keys(value, _COMPARE_KEYS, "compare ", path)
    compare = CompareConfig(outputs=_outputs(value.get("formats"), base, path, ()))
    if "fail_on" in value:
        if value["fail_on"] not in COMPARE_FAIL_LEVELS:
            raise ConfigError(f"{path}: compare fail-on must be one of {', '.join(COMPARE_FAIL_LEVELS)}, "
                              f"not {value['fail_on']!r}")
        compare.fail_on = value["fail_on"]
    if "band" in value:
        band = value["band"]
        if not isinstance(band, (int, float)) or isinstance(band, bool) or not 0 <= band <= 1000:
            raise ConfigError(f"{path}: compare band must be a percentage from 0 to 1000")
        compare.band = float(band)
    return compare


def _outputs(value, base: Path, path: Path, known: tuple[str, ...]) -> list[tuple[str, str | None]]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        pairs = [(str(v), None) for v in value]
    elif isinstance(value, dict):
        pairs = [(str(k), None if v in ("-", "", None) else str(base / v)) for k, v in value.items()]
    else:
        raise ConfigError(f"{path}: formats must be a table (format = file) or a list of format names")
    for name, _ in pairs:
        if known and name not in known:
            raise ConfigError(f"{path}: unknown format {name!r} (known: {', '.join(known)})")
    if sum(out is None for _, out in pairs) > 1:
        raise ConfigError(f"{path}: at most one format can go to standard output; give the others a file")
    return pairs


def _profile(value, path: Path) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: profile must be a table")
    value = _known_keys(value, _PROFILE_KEYS, "profile ", path)
    profile = {}
    for key, item in value.items():
        if key in _BOOL_KEYS:
            if not isinstance(item, bool) and item != "unknown":
                raise ConfigError(f"{path}: profile {key.replace('_', '-')} must be true, false or \"unknown\"")
            profile[key] = None if item == "unknown" else item
        elif key == "height_m":
            if not isinstance(item, (int, float)) or isinstance(item, bool) or item < 0:
                raise ConfigError(f"{path}: profile height-m must be a number of metres")
            profile[key] = float(item)
        elif key == "bid_date":
            if isinstance(item, _dt.datetime):
                item = item.date()
            if not isinstance(item, _dt.date):
                try:
                    item = _dt.date.fromisoformat(str(item))
                except ValueError:
                    raise ConfigError(f"{path}: profile bid-date must be a date like 2026-11-24") from None
            profile[key] = item
        else:
            profile[key] = str(item)
    return profile
