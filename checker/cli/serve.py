"""`gbm-check serve`: the local web page (see checker/serve).  Binds 127.0.0.1 by default and opens the browser;
bound to any other address it requires an access token (given with --token, or generated and printed)."""
from __future__ import annotations

import os
import secrets
import socket
import sys
import threading
import webbrowser
from pathlib import Path

import click

from .options import limit_options, limits
from .util import usage_error


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback requires the access token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--token", default=None,
              help="Access token the page requires (default: none on loopback, generated otherwise).")
@click.option("--no-browser", is_flag=True, help="Do not open the page in the browser.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the history is kept  [default: $XDG_DATA_HOME/gbm-check or ~/.local/share/gbm-check]")
@click.option("--jobs", "max_jobs", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Checks that run at once (each checks its files in worker processes of its own, with the "
                   "per-file limits of `gbm-check check`).")
@click.option("--xml-mapping", "xml_mappings", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Your own XML schema mapping (TOML), tried before the shipped ones for every check; repeatable.")
@limit_options
def serve(host, port, token, no_browser, data_dir, max_jobs, xml_mappings, time_limit, memory_mb) -> None:
    """Serve the checker as a local web page: upload bills, read the verdict, download the reports."""
    try:
        import uvicorn

        from ..serve.app import create_app
        from ..serve.settings import ServeSettings, default_data_dir, is_loopback
    except ImportError as exc:  # pragma: no cover - the dependencies are installed with the package
        usage_error(f"serve needs starlette, uvicorn and python-multipart: {exc}")
    if token is not None and len(token) < 8:
        usage_error("--token must be at least 8 characters")
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(24)
    from ..read.xmlbill import MappingError, user_mappings

    try:
        mappings = user_mappings(xml_mappings)
    except MappingError as exc:
        usage_error(str(exc))
    try:
        sock = _bind(host, port)
    except OSError as exc:
        usage_error(f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another --port)")
    per_file = limits(time_limit, memory_mb)
    settings = ServeSettings(data_dir=data_dir or default_data_dir(), host=host, token=token, max_jobs=max_jobs,
                             file_seconds=per_file.seconds, memory_bytes=per_file.memory, xml_mappings=mappings)
    try:
        app = create_app(settings)
    except OSError as exc:
        usage_error(f"cannot use the data directory {settings.data_dir}: {exc.strerror or exc}")
    shown = "localhost" if is_loopback(host) else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{sock.getsockname()[1]}/"
    if token:
        url += f"?token={token}"
    click.echo(f"gbm-check serve: {url}  (history in {settings.data_dir}; Ctrl+C stops)", err=True)
    if not no_browser and _has_display():
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])


def _has_display() -> bool:
    """Whether a graphical browser can open: without a display, Linux's webbrowser would start a text browser
    in this terminal (lynx, w3m …) instead."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket (bound before the server starts, so a busy port is one clear line)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
