"""Receiving an upload: the multipart body is streamed into a private folder under generated names, within the
limits, and refused with a one-line reason the moment it breaks one (too big, wrong type, too many files,
no CSRF token before the first file)."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from .security import CSRF_FIELD, display_name, suffix_of
from .settings import ServeSettings

MAX_FIELD_BYTES = 4096
MAX_FIELDS = 40


class UploadRefused(Exception):
    """An upload broke a rule: the HTTP status and the one-line reason shown on the page."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class SavedFile:
    """One uploaded file: the form field it came in, the client's name (display only), where it was saved."""

    field: str
    name: str
    path: Path
    size: int
    sha256: str


@dataclass
class Upload:
    """A received form: its private folder, its text fields and its files."""

    folder: Path
    fields: dict[str, str] = field(default_factory=dict)
    files: list[SavedFile] = field(default_factory=list)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def file_fields(settings: ServeSettings) -> dict[str, tuple[tuple[str, ...], int, str]]:
    """Form fields that take files: (allowed suffixes, how many at most, what they are called on the page)."""
    return {"bills": (settings.bill_suffixes, settings.max_files, "bill"),
            "tender": (settings.bill_suffixes, 1, "tender bill"),
            "control": (settings.bill_suffixes, 1, "control price bill"),
            "registry": (settings.registry_suffixes, 1, "certificate registry")}


class _Receiver:
    """python-multipart callbacks that write file parts to disk and keep text fields, checking every limit."""

    def __init__(self, upload: Upload, settings: ServeSettings, csrf_ok: Callable[[str | None], str | None]):
        self.upload, self.settings, self.csrf_ok = upload, settings, csrf_ok
        self.kinds = file_fields(settings)
        self.counts: dict[str, int] = {}
        self.header_field, self.header_value = b"", b""
        self.headers: dict[bytes, bytes] = {}
        self.part: dict | None = None
        self.csrf_checked = False

    def callbacks(self) -> dict:
        return {"on_part_begin": self.part_begin, "on_header_field": self.header_field_data,
                "on_header_value": self.header_value_data, "on_header_end": self.header_end,
                "on_headers_finished": self.headers_finished, "on_part_data": self.part_data,
                "on_part_end": self.part_end}

    def part_begin(self) -> None:
        self.headers, self.part = {}, None

    def header_field_data(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def header_value_data(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field, self.header_value = b"", b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is None:
            if len(self.upload.fields) >= MAX_FIELDS:
                raise UploadRefused(400, "too many form fields")
            self.part = {"kind": "field", "name": name, "data": bytearray()}
            return
        self.part = {"kind": "skip"}
        client_name = filename.decode("utf-8", "replace")
        if not client_name:  # a file input left empty sends a nameless, empty part
            return
        if name not in self.kinds:
            raise UploadRefused(400, f"unexpected file field {name!r}")
        self.check_csrf()
        suffixes, most, what = self.kinds[name]
        shown = display_name(client_name)
        suffix = suffix_of(shown, suffixes)
        if suffix is None:
            raise UploadRefused(415, f"{shown}: not a {what} file (allowed: {', '.join(suffixes)})")
        self.counts[name] = self.counts.get(name, 0) + 1
        if self.counts[name] > most:
            raise UploadRefused(413, f"too many files: at most {most} {what} file(s) in one check")
        path = self.upload.folder / f"{name}-{self.counts[name]}{suffix}"  # our name: never the client's
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.part = {"kind": "file", "field": name, "name": shown, "path": path,
                     "handle": os.fdopen(fd, "wb"), "size": 0, "hash": hashlib.sha256()}

    def check_csrf(self) -> None:
        """The CSRF token must come before the first file, so that no forged upload is written at all."""
        if not self.csrf_checked:
            problem = self.csrf_ok(self.upload.fields.get(CSRF_FIELD))
            if problem:
                raise UploadRefused(403, problem)
            self.csrf_checked = True

    def part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        if part is None or part["kind"] == "skip":
            return
        if part["kind"] == "field":
            part["data"] += data[start:end]
            if len(part["data"]) > MAX_FIELD_BYTES:
                raise UploadRefused(413, f"form field {part['name']!r} is too long")
            return
        part["size"] += end - start
        if part["size"] > self.settings.max_file_bytes:
            raise UploadRefused(413, f"{part['name']}: file is over the {size_text(self.settings.max_file_bytes)} "
                                     "input limit")
        part["handle"].write(data[start:end])
        part["hash"].update(data[start:end])

    def part_end(self) -> None:
        part, self.part = self.part, None
        if part is None or part["kind"] == "skip":
            return
        if part["kind"] == "field":
            self.upload.fields[part["name"]] = bytes(part["data"]).decode("utf-8", "replace")
            return
        part["handle"].close()
        self.upload.files.append(SavedFile(part["field"], part["name"], part["path"], part["size"],
                                           part["hash"].hexdigest()))

    def close(self) -> None:
        if self.part is not None and self.part.get("handle") is not None:
            self.part["handle"].close()


async def receive(request: Request, settings: ServeSettings,
                  csrf_ok: Callable[[str | None], str | None]) -> Upload:
    """Stream a multipart form into a new private folder (mode 0700, generated file names).  Raises
    UploadRefused (the folder removed) when the upload breaks a limit, a type rule or the CSRF rule."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadRefused(415, "send the files as a form upload (multipart/form-data)")
    declared = request.headers.get("content-length")
    too_big = UploadRefused(413, f"the upload is over the {size_text(settings.max_request_bytes)} limit of one check")
    if declared and declared.isdigit() and int(declared) > settings.max_request_bytes:
        raise too_big
    upload = Upload(Path(tempfile.mkdtemp(prefix="gbm-check-upload-", dir=settings.temp_dir)))
    receiver = _Receiver(upload, settings, csrf_ok)
    parser = MultipartParser(boundary, receiver.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > settings.max_request_bytes:
                raise too_big
            parser.write(chunk)
        parser.finalize()
        if not receiver.csrf_checked:
            receiver.check_csrf()
    except UploadRefused:
        receiver.close()
        upload.discard()
        raise
    except Exception as exc:  # a malformed body: still one line
        receiver.close()
        upload.discard()
        raise UploadRefused(400, f"the upload could not be read ({type(exc).__name__})") from None
    return upload


def size_text(size: int) -> str:
    """A limit as people say it: 200 MB, 512 KB."""
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size / 2**10:.0f} KB"
