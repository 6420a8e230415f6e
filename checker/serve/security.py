"""Safety of the page: who may use it (host check, access token), forged forms (CSRF), what pages may load (CSP),
and client file names that are only ever displayed, never used as paths."""
from __future__ import annotations

import re
import secrets
from typing import Awaitable, Callable
from urllib.parse import quote

from starlette.datastructures import URL, MutableHeaders
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import LOOPBACK_NAMES, ServeSettings

CSRF_FIELD = "csrf"
TOKEN_PARAM = "token"
_REPORT_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"')
COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # "no-referrer" would make the browser send Origin: null
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
}


def page_csp(script_hash: str) -> str:
    """The app's pages: the HTML report's policy (nothing from outside, only our own inline script by its hash),
    plus what the app itself needs: posting its forms, polling its status, framing its own report."""
    return (f"default-src 'none'; style-src 'unsafe-inline'; script-src '{script_hash}'; img-src data:; "
            "base-uri 'none'; form-action 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'")


def report_csp(html: str) -> str:
    """The HTML report's own policy (from its meta tag), allowed to be framed by the app's result page only."""
    found = _REPORT_CSP.search(html)
    policy = found.group(1) if found else "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'"
    return f"{policy}; frame-ancestors 'self'"


def display_name(client_name: str) -> str:
    """The name a client gave its file, made fit for display only: its last path part, printable characters,
    at most 200 of them.  It is never used to build a path."""
    name = re.split(r"[\\/]", client_name)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or "（无名文件）"


def suffix_of(name: str, allowed: tuple[str, ...]) -> str | None:
    """The allowed suffix (one of ``allowed``, never the client's own text) that ``name`` ends with, or None."""
    lowered = name.lower()
    for suffix in allowed:
        if lowered.endswith(suffix):
            return suffix
    return None


def attachment(filename: str) -> str:
    """A Content-Disposition header for a download named after a (client-given) file name."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename).strip("._") or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def cookie_name(base: str, request: Request) -> str:
    """Cookies are shared by every port of a host: name them per port, so two servers never mix them."""
    return f"{base}_{request.url.port or 80}"


def csrf_token(request: Request) -> tuple[str, bool]:
    """The browser's CSRF token (from its cookie), or a new one; and whether the cookie must be set."""
    current = request.cookies.get(cookie_name("gbm_csrf", request), "")
    if re.fullmatch(r"[A-Za-z0-9_-]{32,64}", current):
        return current, False
    return secrets.token_urlsafe(32), True


def set_csrf_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(cookie_name("gbm_csrf", request), token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def csrf_problem(request: Request, submitted: str | None) -> str | None:
    """Why a form post is refused as forged, or None: it must carry the token of the browser's cookie
    (double submit, the cookie SameSite=Strict) and, where the browser says so, come from this origin."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return "the form was sent from another site (CSRF)"
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        return "the form was sent from another origin (CSRF)"
    cookie = request.cookies.get(cookie_name("gbm_csrf", request), "")
    if not submitted or not cookie or not secrets.compare_digest(cookie.encode(), submitted.encode()):
        return "the form's security token is missing or stale (CSRF): reload the page and send it again"
    return None


Refuse = Callable[[Request, int, str], Awaitable[Response] | Response]


class AccessGuard:
    """ASGI middleware in front of every request: the Host must be ours when bound to loopback (a rebound DNS
    name must not reach the page), the access token must be presented when one is set, and every response gets
    the common safety headers."""

    def __init__(self, app: ASGIApp, settings: ServeSettings, refuse: Refuse):
        self.app, self.settings, self.refuse = app, settings, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        response = self.check(request)
        if response is None:
            await self.app(scope, receive, _with_headers(send))
            return
        if not isinstance(response, Response):
            response = await response
        await response(scope, receive, _with_headers(send))

    def check(self, request: Request):
        """A refusal or redirect for this request, or None to let it through."""
        if self.settings.loopback and (request.url.hostname or "").lower() not in LOOPBACK_NAMES:
            return self.refuse(request, 400, "this page answers only at 127.0.0.1 or localhost")
        token = self.settings.token
        if token is None:
            return None
        given = request.query_params.get(TOKEN_PARAM)
        name = cookie_name("gbm_token", request)
        if given is not None:
            if not secrets.compare_digest(given.encode(), token.encode()):
                return self.refuse(request, 401, "wrong access token: open the address gbm-check serve printed")
            if request.method != "GET":
                return self.refuse(request, 400, "send the access token in its cookie, not in the address")
            clean = URL(str(request.url)).remove_query_params(TOKEN_PARAM)
            response = RedirectResponse(str(clean), status_code=303)
            response.set_cookie(name, token, httponly=True, samesite="strict", secure=request.url.scheme == "https")
            return response
        presented = request.cookies.get(name) or _bearer(request)
        if presented and secrets.compare_digest(presented.encode(), token.encode()):
            return None
        return self.refuse(request, 401, "this page needs its access token: open the address gbm-check serve "
                                         "printed (it ends in ?token=…)")


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:].strip() if value.lower().startswith("bearer ") else None


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for key, value in COMMON_HEADERS.items():
                if key not in headers:
                    headers[key] = value
        await send(message)
    return sending
