"""The ASGI app of `gbm-check serve`: the upload form and history, check progress, the result (the HTML report)
and its downloads.  Starlette routes over the pieces in this package; templates in ``templates/serve/``."""
from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import hashlib

from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import __version__
from ..judge.rules import Profile
from ..limits import FILE_SECONDS
from ..report import VERDICT_TEXT
from ..report.i18n import texts
from ..report.html_report import template_cache
from .jobs import KEEP_CHOICES, Jobs
from .security import (CSRF_FIELD, AccessGuard, attachment, csrf_problem, csrf_token, page_csp, report_csp,
                       set_csrf_cookie)
from .settings import ServeSettings
from .store import CHECK_ID, History
from .uploads import UploadRefused, receive, size_text
from .kinds import MAIN_VIEW, RENDERERS, upload_problem
from .worker import CheckSettings

PROJECT_TYPES = ("学校", "医院", "办公楼", "综合体", "展览馆", "会展中心", "体育馆", "保障房", "住宅")
TRI_STATE = {"yes": True, "no": False, "unknown": None}
ROLE_TEXT = {"tender": "招标清单", "control": "招标控制价", "bid": "投标", "registry": "证书登记表"}
ARTIFACT_TEXT = {"report.html": "HTML 报告", "report.json": "JSON", "report.sarif": "SARIF",
                 "review.html": "清标报告 HTML", "review.json": "清标 JSON", "review.xlsx": "清标工作簿"}


class Pages:
    """Renders the app's pages: one Jinja2 environment (autoescape on), one inline script allowed by its hash."""

    def __init__(self, settings: ServeSettings):
        self.settings = settings
        self.env = Environment(loader=PackageLoader("checker.templates", "serve"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True, bytecode_cache=template_cache())
        self.env.filters["reason"] = texts("zh").msg  # a file's or a check's reason, in the page's language
        script = self.env.get_template("serve.js").render()
        self.script = Markup(script)
        self.csp = page_csp("sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode())

    def render(self, request: Request, name: str, status: int = 200, **values) -> HTMLResponse:
        token, new = csrf_token(request)
        html = self.env.get_template(name).render(script=self.script, version=__version__, csrf=token,
                                                  verdict_text=VERDICT_TEXT, role_text=ROLE_TEXT,
                                                  artifact_text=ARTIFACT_TEXT, problem=values.pop("problem", None),
                                                  **values)
        response = HTMLResponse(html, status_code=status, headers={"content-security-policy": self.csp})
        if new:
            set_csrf_cookie(response, request, token)
        return response


def xml_schema_rows(user: tuple) -> list[dict]:
    """The electronic bid file formats the page reads, the user's own mappings (``--xml-mapping``) first, as
    they are tried: title, root elements, where the mapping comes from and how sure it is."""
    from ..read.xmlbill.mapping import with_shipped

    return [{"title": m.title, "roots": m.roots, "source": m.source, "confidence": m.confidence,
             "user": m.user, "path": str(m.path) if m.user else ""} for m in with_shipped(user)]


def create_app(settings: ServeSettings) -> Starlette:
    """The app for these settings; its history lives in ``settings.data_dir``.  Its checks run in worker
    processes, which import the main module as multiprocessing does: a script that embeds the app starts it under
    ``if __name__ == "__main__":`` (``gbm-check serve`` and ``python -m checker serve`` do)."""
    history = History(settings.data_dir)
    jobs = Jobs(settings, history)
    pages = Pages(settings)
    xml_schemas = xml_schema_rows(settings.xml_mappings)

    def refuse(request: Request, status: int, message: str) -> HTMLResponse:
        return pages.render(request, "refusal.html.j2", status, problem=message)

    async def index(request: Request, problem: str | None = None, status: int = 200) -> HTMLResponse:
        records = await run_in_threadpool(history.list)
        s = settings
        limits = {"max_files": s.max_files, "max_file_bytes": s.max_file_bytes,
                  "max_file_size": size_text(s.max_file_bytes),
                  "file_seconds": None if s.file_seconds is None else f"{s.file_seconds:g}",
                  "base_seconds": f"{FILE_SECONDS:g}",
                  "suffixes": s.bill_suffixes, "registry_suffixes": s.registry_suffixes}
        return pages.render(request, "index.html.j2", status, problem=problem, history=records, limits=limits,
                            project_types=PROJECT_TYPES, today=_dt.date.today().isoformat(), data_dir=history.path,
                            review="review" in RENDERERS, xml_schemas=xml_schemas)

    async def start_check(request: Request) -> Response:
        try:
            upload = await receive(request, settings, lambda token: csrf_problem(request, token))
        except UploadRefused as exc:
            return await index(request, exc.message, exc.status)
        try:
            check_settings, keep, kind = form_settings(upload.fields, settings)
            problem = upload_problem(kind, [f.field for f in upload.files])
            if problem:
                raise UploadRefused(400, problem)
        except UploadRefused as exc:
            upload.discard()
            return await index(request, exc.message, exc.status)
        await run_in_threadpool(history.forget_expired_uploads)
        job = jobs.start(upload, check_settings, keep, kind)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    async def job_page(request: Request) -> Response:
        job = jobs.get(request.path_params["id"])
        if job is None:
            return await result_or_missing(request)
        if job.state == "done":
            return RedirectResponse(f"/checks/{job.id}", status_code=303)
        return pages.render(request, "job.html.j2", job=job)

    async def job_status(request: Request) -> Response:
        job = jobs.get(request.path_params["id"])
        if job is None:
            return JSONResponse({"state": "unknown"}, status_code=404)
        return JSONResponse(job.status())

    async def result_or_missing(request: Request) -> Response:
        record = await run_in_threadpool(history.get, request.path_params["id"])
        if record is None:
            job = jobs.get(request.path_params["id"])
            if job is not None and job.state != "done":
                return RedirectResponse(f"/jobs/{job.id}", status_code=303)
            return refuse(request, 404, "no such check (it may have been deleted)")
        return pages.render(request, "result.html.j2", record=record, view=MAIN_VIEW.get(record.kind, "report.html"))

    async def report_html(request: Request) -> Response:
        """A stored HTML report, framed by the result page or opened on its own, under its own policy."""
        name = request.path_params["name"] + ".html"
        artifact = await run_in_threadpool(history.artifact, request.path_params["id"], name)
        if artifact is None or not artifact.media_type.startswith("text/html"):
            return refuse(request, 404, "no such report")
        html = artifact.body.decode("utf-8")
        return HTMLResponse(html, headers={"content-security-policy": report_csp(html)})

    async def download(request: Request) -> Response:
        check_id, name = request.path_params["id"], request.path_params["name"]
        artifact = await run_in_threadpool(history.artifact, check_id, name) if CHECK_ID.fullmatch(check_id) else None
        if artifact is None:
            return refuse(request, 404, "no such download")
        return Response(artifact.body, media_type=artifact.media_type,
                        headers={"content-disposition": attachment(artifact.filename)})

    async def original(request: Request) -> Response:
        record = await run_in_threadpool(history.get, request.path_params["id"])
        kept = history.kept_upload(record, request.path_params["position"]) if record else None
        if kept is None:
            return refuse(request, 404, "that upload was not kept")
        stored, path = kept
        return FileResponse(path, media_type="application/octet-stream",
                            headers={"content-disposition": attachment(stored.name)})

    async def delete(request: Request) -> Response:
        async with request.form(max_files=0, max_fields=4) as form:
            problem = csrf_problem(request, form.get(CSRF_FIELD))
        if problem:
            return await index(request, problem, 403)
        if not await run_in_threadpool(history.delete, request.path_params["id"]):
            return refuse(request, 404, "no such check (it may have been deleted)")
        jobs.forget(request.path_params["id"])
        return RedirectResponse("/", status_code=303)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(history.forget_expired_uploads)
        yield
        await jobs.close()

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/checks", start_check, methods=["POST"]),
        Route("/jobs/{id}", job_page, methods=["GET"]),
        Route("/jobs/{id}/status", job_status, methods=["GET"]),
        Route("/checks/{id}", result_or_missing, methods=["GET"]),
        Route("/checks/{id}/{name}.html", report_html, methods=["GET"]),
        Route("/checks/{id}/download/{name}", download, methods=["GET"]),
        Route("/checks/{id}/files/{position:int}", original, methods=["GET"]),
        Route("/checks/{id}/delete", delete, methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(AccessGuard, settings=settings, refuse=refuse)])
    app.state.history, app.state.jobs, app.state.settings = history, jobs, settings
    return app


def form_settings(fields: dict[str, str], settings: ServeSettings) -> tuple[CheckSettings, str, str]:
    """The project profile and options, how long to keep the uploads and the kind of job, from the form's fields
    (UploadRefused with one line when one is bad)."""
    def choice(name: str, allowed, default: str) -> str:
        value = fields.get(name, default) or default
        if value not in allowed:
            raise UploadRefused(400, f"{name}: choose one of {', '.join(allowed)}")
        return value

    bid_date = fields.get("bid_date", "").strip()
    try:
        day = _dt.date.fromisoformat(bid_date) if bid_date else _dt.date.today()
    except ValueError:
        raise UploadRefused(400, f"bid date {bid_date!r} is not a date (YYYY-MM-DD)") from None
    profile = Profile(city=fields.get("city", "").strip() or "聊城", district=fields.get("district", "").strip(),
                      project_type=fields.get("project_type", "").strip(), bid_date=day,
                      urban_area=TRI_STATE[choice("urban_area", TRI_STATE, "yes")],
                      government_invested=TRI_STATE[choice("government_invested", TRI_STATE, "yes")])
    band = fields.get("band", "").strip() or "15"
    try:
        band_share = float(band) / 100
    except ValueError:
        band_share = -1.0
    if not 0 <= band_share <= 10:
        raise UploadRefused(400, f"price band {band!r} is not a percentage from 0 to 1000")
    check = CheckSettings(profile=profile, uncertified=choice("uncertified", ("warning", "error"), "warning"),
                          limits=settings.limits, ocr=choice("ocr", ("yes", "no"), "yes") == "yes", band=band_share,
                          workers=settings.check_workers, xml_mappings=settings.xml_mappings)
    return check, choice("keep", KEEP_CHOICES, "none"), fields.get("mode", "check") or "check"
