"""The reports' languages: Chinese by default, English on request (``--lang en``).

Two tables in ``templates/messages.toml`` (package ``checker.templates``), both keyed by id:

- ``[labels]``: the reports' own words (结论, 禁用, 需人工复核 …), ``{zh, en}`` each;
- ``[messages]``: what the other stages say in English (catalog gaps, undecided-rule reasons, reasons a file was
  not checked, run warnings), ``{en, zh}`` each, with ``{slots}``.  A message is recognised by its English
  template (slots match any text), and its Chinese template is filled with the same slots, each slot itself
  translated when it is a known message.  A stage that adopts ids later keeps the same table.  An English slot
  written ``{n:number}`` matches a number only (so "{n:number} pages" does not take any text ending in "pages");
  a Chinese slot written ``{n:×100}`` shows that number times 100 (1.2 million → 120 万).

Text no template recognises is shown as it is (tests keep the table complete for every message the corpora
produce).
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

try:  # Python ≥ 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

LANGUAGES = ("zh", "en")
_SLOT = re.compile(r"\{(\w+)(?::([^{}]*))?\}")  # {name} or {name:spec}
_NUMBER = r"-?\d[\d,]*(?:\.\d+)?"  # what an English ``{n:number}`` slot matches


@dataclass(frozen=True)
class Message:
    """One message another stage produces: its English template (recognised) and Chinese one (shown)."""

    id: str
    en: str
    zh: str
    pattern: re.Pattern


def _compile(template: str) -> re.Pattern:
    parts, pos = [], 0
    for slot in _SLOT.finditer(template):
        name, spec = slot.groups()
        if spec not in (None, "number"):
            raise ValueError(f"messages.toml: an English slot is {{{name}}} or {{{name}:number}}, not {slot.group()}")
        parts.append(re.escape(template[pos:slot.start()]))
        parts.append(f"(?P<{name}>{_NUMBER if spec else '.+?'})")
        pos = slot.end()
    parts.append(re.escape(template[pos:]))
    return re.compile("".join(parts), re.DOTALL)


class _Filler(string.Formatter):
    """Fills a Chinese template: ``{n:×100}`` scales a number (1.2 million cells → 120 万个单元格)."""

    def format_field(self, value, spec: str) -> str:
        if spec.startswith("×"):
            return f"{float(str(value).replace(',', '')) * float(spec[1:]):.10g}"
        return super().format_field(value, spec)


_FILL = _Filler()


def _slots(template: str) -> set[str]:
    return {name for name, _ in _SLOT.findall(template)}


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, dict[str, str]], tuple[Message, ...]]:
    data = tomllib.loads(resources.files("checker.templates").joinpath("messages.toml").read_text("utf-8"))
    labels = data["labels"]
    for key, value in labels.items():
        if set(value) != set(LANGUAGES):
            raise ValueError(f"messages.toml: label {key!r} needs exactly {LANGUAGES}")
    messages = []
    for key, value in data["messages"].items():
        if set(value) != {"en", "zh"} or _slots(value["en"]) != _slots(value["zh"]):
            raise ValueError(f"messages.toml: message {key!r} needs en and zh with the same slots")
        messages.append(Message(key, value["en"], value["zh"], _compile(value["en"])))
    # most specific first: more literal text wins over a template that is mostly slots
    messages.sort(key=lambda m: -len(_SLOT.sub("", m.en)))
    return labels, tuple(messages)


@lru_cache(maxsize=4096)
def localize(text: str, lang: str = "zh") -> str:
    """A message of another stage in the report's language (English text is already English)."""
    if lang == "en" or not text:
        return text
    for message in _tables()[1]:
        match = message.pattern.fullmatch(text)
        if match:
            return _FILL.format(message.zh, **{k: localize(v, lang) for k, v in match.groupdict().items()})
    return text


def message_id(text: str) -> str | None:
    """The id of the message ``text`` is an instance of, or None."""
    return next((m.id for m in _tables()[1] if m.pattern.fullmatch(text)), None)


@dataclass(frozen=True)
class Texts:
    """The reports' words in one language: ``t("verdict")``, ``t("files", n=2)``, ``t.msg(english_message)``."""

    lang: str = "zh"

    def __call__(self, key: str, **slots) -> str:
        text = _tables()[0][key][self.lang]
        return text.format(**slots) if slots else text

    def cap(self, key: str, **slots) -> str:
        """The label as a heading: its first letter upper-case (English; Chinese has no case)."""
        text = self(key, **slots)
        return text[:1].upper() + text[1:]

    def get(self, key: str, default: str) -> str:
        """The label ``key``, or ``default`` for a value the table has no label for."""
        label = _tables()[0].get(key)
        return label[self.lang] if label else default

    def section(self, prefix: str) -> dict[str, str]:
        """The labels ``prefix.NAME`` as {NAME: text} in this language, their {slots} unfilled."""
        start = prefix + "."
        return {key[len(start):]: value[self.lang] for key, value in _tables()[0].items() if key.startswith(start)}

    def msg(self, text: str) -> str:
        return localize(text, self.lang)


def texts(lang: str = "zh") -> Texts:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r} (known: {', '.join(LANGUAGES)})")
    return Texts(lang)
