"""The history: every check in an embedded SQLite database in the user's data directory — file names, hashes,
profile, verdict, counts, the JSON report and the other reports to download — listed, read and deleted here.
Uploads the user chose to keep live beside it (``uploads/<check id>/``, generated names), until their date."""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS checks (
    id TEXT PRIMARY KEY, created TEXT NOT NULL, kind TEXT NOT NULL, verdict TEXT, counts TEXT NOT NULL,
    profile TEXT NOT NULL, report_json TEXT, error TEXT, keep_until TEXT);
CREATE TABLE IF NOT EXISTS check_files (
    check_id TEXT NOT NULL REFERENCES checks(id) ON DELETE CASCADE, position INTEGER NOT NULL,
    role TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, format TEXT,
    error TEXT, kept TEXT, PRIMARY KEY (check_id, position));
CREATE TABLE IF NOT EXISTS artifacts (
    check_id TEXT NOT NULL REFERENCES checks(id) ON DELETE CASCADE, name TEXT NOT NULL, filename TEXT NOT NULL,
    media_type TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (check_id, name));
"""
CHECK_ID = re.compile(r"[A-Za-z0-9_-]{8,40}")


@dataclass(frozen=True)
class StoredFile:
    """A file of a check: a bill or the registry, its client name (display only), hash, size and outcome."""

    position: int
    role: str  # "bill" or "registry"
    name: str
    sha256: str
    size: int
    format: str | None = None
    error: str | None = None
    kept: str | None = None  # the generated name of the kept upload, if the user kept it


@dataclass(frozen=True)
class Artifact:
    """A report to download: its key (report.json, workbook-1 …), download name, media type and bytes."""

    name: str
    filename: str
    media_type: str
    body: bytes


@dataclass(frozen=True)
class CheckRecord:
    """One check in the history."""

    id: str
    created: str
    kind: str
    verdict: str | None
    counts: dict
    profile: dict
    error: str | None
    keep_until: str | None
    files: tuple[StoredFile, ...] = ()
    artifacts: tuple[tuple[str, str, str], ...] = ()  # (name, filename, media type), bodies fetched on demand


class History:
    """The history database (one short connection per operation: safe from any thread or process)."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.data_dir / "history.sqlite3"
        self.uploads = self.data_dir / "uploads"
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self):
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.execute("PRAGMA foreign_keys=ON")
            with db:
                yield db

    def add(self, record: CheckRecord, report_json: str | None, artifacts: list[Artifact]) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (record.id, record.created, record.kind, record.verdict, json.dumps(record.counts),
                        json.dumps(record.profile, ensure_ascii=False), report_json, record.error,
                        record.keep_until))
            db.executemany("INSERT INTO check_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(record.id, f.position, f.role, f.name, f.sha256, f.size, f.format, f.error, f.kept)
                            for f in record.files])
            db.executemany("INSERT INTO artifacts VALUES (?, ?, ?, ?, ?)",
                           [(record.id, a.name, a.filename, a.media_type, a.body) for a in artifacts])

    def list(self, limit: int = 200) -> list[CheckRecord]:
        """The latest checks first, with their files (no report bodies)."""
        with self._connect() as db:
            rows = db.execute("SELECT id, created, kind, verdict, counts, profile, error, keep_until FROM checks "
                              "ORDER BY created DESC, rowid DESC LIMIT ?", (limit,)).fetchall()
            return [self._record(db, row) for row in rows]

    def get(self, check_id: str) -> CheckRecord | None:
        if not CHECK_ID.fullmatch(check_id):
            return None
        with self._connect() as db:
            row = db.execute("SELECT id, created, kind, verdict, counts, profile, error, keep_until FROM checks "
                             "WHERE id = ?", (check_id,)).fetchone()
            return self._record(db, row) if row else None

    def report_json(self, check_id: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT report_json FROM checks WHERE id = ?", (check_id,)).fetchone()
        return row[0] if row else None

    def artifact(self, check_id: str, name: str) -> Artifact | None:
        with self._connect() as db:
            row = db.execute("SELECT name, filename, media_type, body FROM artifacts WHERE check_id = ? AND name = ?",
                             (check_id, name)).fetchone()
        return Artifact(*row) if row else None

    def delete(self, check_id: str) -> bool:
        """Remove a check, its reports and its kept uploads."""
        record = self.get(check_id)
        if record is None:
            return False
        with self._connect() as db:
            db.execute("DELETE FROM checks WHERE id = ?", (record.id,))
        shutil.rmtree(self.upload_folder(record.id), ignore_errors=True)
        return True

    def upload_folder(self, check_id: str) -> Path:
        """Where the kept uploads of a check live (the id is ours, checked against its pattern)."""
        if not CHECK_ID.fullmatch(check_id):
            raise ValueError("not a check id")
        return self.uploads / check_id

    def kept_upload(self, record: CheckRecord, position: int) -> tuple[StoredFile, Path] | None:
        """A kept upload of a check, by position: (its record, its path), or None when it was not kept."""
        for stored in record.files:
            if stored.position == position and stored.kept:
                path = self.upload_folder(record.id) / stored.kept
                return (stored, path) if path.is_file() else None
        return None

    def forget_expired_uploads(self, now: _dt.datetime | None = None) -> int:
        """Delete the kept uploads whose date has passed (the check itself stays in the history)."""
        stamp = (now or _dt.datetime.now()).isoformat(timespec="seconds")
        with self._connect() as db:
            ids = [row[0] for row in db.execute(
                "SELECT id FROM checks WHERE keep_until IS NOT NULL AND keep_until < ?", (stamp,))]
            for check_id in ids:
                db.execute("UPDATE check_files SET kept = NULL WHERE check_id = ?", (check_id,))
                db.execute("UPDATE checks SET keep_until = NULL WHERE id = ?", (check_id,))
        for check_id in ids:
            shutil.rmtree(self.upload_folder(check_id), ignore_errors=True)
        return len(ids)

    @staticmethod
    def _record(db, row) -> CheckRecord:
        files = tuple(StoredFile(*r) for r in db.execute(
            "SELECT position, role, name, sha256, size, format, error, kept FROM check_files WHERE check_id = ? "
            "ORDER BY position", (row[0],)))
        artifacts = tuple(db.execute("SELECT name, filename, media_type FROM artifacts WHERE check_id = ? "
                                     "ORDER BY rowid", (row[0],)).fetchall())
        return CheckRecord(id=row[0], created=row[1], kind=row[2], verdict=row[3], counts=json.loads(row[4]),
                           profile=json.loads(row[5]), error=row[6], keep_until=row[7], files=files,
                           artifacts=tuple(tuple(a) for a in artifacts))


def keep_uploads(files: list[tuple[int, Path]], folder: Path) -> dict[int, str]:
    """Move uploads (position, temporary path) into a check's folder; return position → generated name."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    kept = {}
    for position, path in files:
        target = folder / f"upload-{position}{path.suffix}"
        shutil.move(str(path), target)
        os.chmod(target, 0o600)
        kept[position] = target.name
    return kept
