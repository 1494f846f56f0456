"""The page's routes: the form, a checked register, its downloads, and help."""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from pathlib import Path
from typing import Any, BinaryIO

from flask import Flask, Response, abort, redirect, render_template, request, url_for

from riskbook.serve import outputs
from riskbook.serve.jobs import READABLE_SUFFIXES, JobStore, QueueFull, Slots, WorkFailed, check
from riskbook.serve.security import HEADERS, Tokens, download_name

UPLOAD_ROLES = {  # form field -> what it may be
    "register": READABLE_SUFFIXES,
    "previous": READABLE_SUFFIXES,
    "scheme": (".toml",),
    "paper": (".toml",),
}


class FormProblem(Exception):
    """Something in the form can't be used; the page says what."""


def create_app(store: JobStore) -> Flask:
    """The Flask application over a job store (its limits bound every request)."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = store.limits.upload_bytes
    tokens = Tokens()
    slots = Slots(store.limits)

    @app.after_request
    def protect(response: Response) -> Response:
        response.headers.update(HEADERS)
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    def page(template: str, status: int = 200, **values: Any) -> tuple[str, int]:
        return render_template(template, token=tokens.issue(), **values), status

    @app.get("/")
    def index():
        return page("index.html", today=dt.date.today().isoformat())

    @app.post("/check")
    def check_register():
        if not tokens.valid(request.form.get("token")):
            return page("problem.html", 400, problem="This form has expired. Load the page again and resend the file.")
        try:
            settings, uploads = _read_form()
        except FormProblem as exc:
            return page("index.html", 400, today=dt.date.today().isoformat(), problem=str(exc))
        job = store.create(settings, uploads)
        try:
            with slots.slot():
                result = check(job, store.limits)
        except QueueFull:
            return page("problem.html", 503, problem=_busy_message(store))
        except WorkFailed as exc:
            result = {"refused": str(exc)}
        (job.folder / "page.json").write_text(json.dumps(result), encoding="utf-8")
        return redirect(url_for("show_job", job_id=job.id), code=303)

    @app.get("/job/<job_id>")
    def show_job(job_id: str):
        job = store.get(job_id) or abort(404)
        result = json.loads((job.folder / "page.json").read_text(encoding="utf-8"))
        name = job.settings.get("input_name", "")
        if "refused" in result:
            return page("refused.html", 422, job=job, input_name=name, line=outputs.public_line(result["refused"], job))
        return page(
            "result.html",
            job=job,
            input_name=name,
            r=result,
            groups=_findings_by_risk(result),
            advice=_advice(),
            outputs=_offered(result),
        )

    @app.post("/job/<job_id>/download/<kind>")
    def download(job_id: str, kind: str):
        job = store.get(job_id) or abort(404)
        if kind not in outputs.OUTPUTS:
            abort(404)
        if not tokens.valid(request.form.get("token")):
            return page("problem.html", 400, problem="This form has expired. Load the page again.")
        try:
            with slots.slot():
                path = outputs.make(job, kind, store.limits)
        except QueueFull:
            return page("problem.html", 503, problem=_busy_message(store))
        except (outputs.OutputRefused, WorkFailed) as exc:
            return page("problem.html", 422, problem=f"riskbook did not make {outputs.OUTPUTS[kind].filename}: {exc}")
        data = path.read_bytes()
        for made in path.parent.glob(f"{Path(outputs.OUTPUTS[kind].filename).stem}.*"):
            made.unlink(missing_ok=True)  # an output lives until it is downloaded
        output = outputs.OUTPUTS[kind]
        name = download_name(job.settings.get("input_name", ""), kind, Path(output.filename).suffix)
        return Response(
            data,
            mimetype=output.mimetype,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.get("/job/<job_id>/bands.css")
    def job_bands(job_id: str):
        job = store.get(job_id) or abort(404)
        result = json.loads((job.folder / "page.json").read_text(encoding="utf-8"))
        return Response(_band_css(result.get("scheme", {}).get("bands", [])), mimetype="text/css")

    @app.get("/help/bands.css")
    def help_bands():
        from riskbook.scheme.load import load_scheme
        from riskbook.serve.worker import scheme_in_words

        return Response(_band_css(scheme_in_words(load_scheme(None))["bands"]), mimetype="text/css")

    @app.get("/help")
    def help_page():
        from riskbook.scheme.load import load_scheme
        from riskbook.serve.worker import scheme_in_words

        return page("help.html", scheme=scheme_in_words(load_scheme(None)), catalogue=_catalogue())

    @app.errorhandler(413)
    def too_large(_error):
        limit = store.limits.upload_bytes // 1024**2
        return page(
            "problem.html", 413, problem=f"The files sent are larger than this server accepts ({limit} MB in all)."
        )

    @app.errorhandler(404)
    def not_found(_error):
        return page(
            "problem.html",
            404,
            problem="There is nothing here: a checked register is kept for 30 minutes, then removed.",
        )

    return app


def _busy_message(store: JobStore) -> str:
    return (
        f"The checker is busy: {store.limits.workers} checks are running and {store.limits.queue} are waiting, "
        "which is as many as it takes at once. Try again in a minute."
    )


def _read_form() -> tuple[dict[str, Any], dict[str, tuple[str, BinaryIO]]]:
    uploads: dict[str, tuple[str, BinaryIO]] = {}
    input_name = ""
    for role, suffixes in UPLOAD_ROLES.items():
        storage = request.files.get(role)
        if storage is None or not storage.filename:
            continue
        suffix = Path(storage.filename).suffix.lower()
        if suffix not in suffixes:
            raise FormProblem(
                f"{storage.filename}: riskbook reads {', '.join(suffixes)} files here, not {suffix or 'this'}"
            )
        uploads[role] = (suffix, storage.stream)
        if role == "register":
            input_name = storage.filename
    if "register" not in uploads:
        raise FormProblem("Choose the register to check.")
    as_of = request.form.get("as_of", "").strip()
    if as_of:
        try:
            dt.date.fromisoformat(as_of)
        except ValueError:
            raise FormProblem(f"{as_of!r} is not a date in the form YYYY-MM-DD.") from None
    sheet = request.form.get("sheet", "").strip()
    return {"as_of": as_of, "sheet": sheet, "input_name": input_name}, uploads


def _band_css(bands: list[dict[str, Any]]) -> str:
    """Each band's colours as classes (the policy allows no inline style); colours are #rrggbb by construction."""
    return "".join(
        f".band-{i}, .cell-band-{i} {{ background: {band['fill']}; color: {band['font']}; }}\n"
        for i, band in enumerate(bands, 1)
    )


def _findings_by_risk(result: dict) -> list[dict[str, Any]]:
    """Findings grouped by the risk they are about, in sheet order; findings about the whole sheet first."""
    groups: OrderedDict[str, list[dict]] = OrderedDict()
    for finding in result["report"]["findings"]:
        groups.setdefault(finding.get("reference") or "", []).append(finding)
    return [{"reference": ref, "findings": items} for ref, items in groups.items()]


def _advice() -> dict[str, str]:
    from riskbook.check.findings import CATALOGUE

    return {code: kind.advice for code, kind in CATALOGUE.items()}


def _catalogue() -> list[dict[str, str]]:
    from riskbook.check.findings import CATALOGUE

    return [
        {"code": kind.code, "severity": kind.severity, "summary": kind.summary, "advice": kind.advice}
        for kind in CATALOGUE.values()
    ]


def _offered(result: dict) -> list:
    """The downloads riskbook can make for this register: no panel (nor its PDF) while it has errors."""
    errors = result.get("report", {}).get("errors", 0)
    return [
        o
        for o in outputs.OUTPUTS.values()
        if (not o.needs_libreoffice or outputs.libreoffice_available()) and not (errors and o.kind in ("panel", "pdf"))
    ]
