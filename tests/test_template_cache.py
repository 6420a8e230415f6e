"""Compiled report templates are kept between runs, and a cache that cannot be used never fails a report."""
from __future__ import annotations

from jinja2 import Environment

from checker.report.html_report import new_environment, template_cache

TEMPLATE = "report.html.j2"


def _render_with(cache) -> tuple[str, Environment]:
    env = new_environment(cache)
    return env.get_template(TEMPLATE).name, env


def test_templates_compile_once_and_are_loaded_after(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("GBM_CHECK_NO_CACHE", raising=False)
    cache = template_cache()
    directory = tmp_path / "gbm-check" / "templates"
    assert cache is not None and directory.is_dir() and (directory.stat().st_mode & 0o077) == 0
    _render_with(cache)
    entries = list(directory.iterdir())
    assert entries
    compiled = []
    env = new_environment(cache)
    monkeypatch.setattr(env, "compile", lambda *a, **k: compiled.append(a) or Environment.compile(env, *a, **k))
    env.get_template(TEMPLATE)
    assert compiled == []  # loaded from the cache, not compiled again


def test_a_cache_that_cannot_be_used_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("GBM_CHECK_NO_CACHE", raising=False)
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert template_cache() is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("GBM_CHECK_NO_CACHE", "1")
    assert template_cache() is None
    monkeypatch.delenv("GBM_CHECK_NO_CACHE")
    cache = template_cache()
    _render_with(cache)
    for entry in (tmp_path / "gbm-check" / "templates").iterdir():
        entry.write_bytes(entry.read_bytes()[:40] + b"\x00garbage")  # a cut or corrupt entry: compiled again
    assert _render_with(cache)[0]
