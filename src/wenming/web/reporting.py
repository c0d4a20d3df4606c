"""The public report form and the status page its token opens (no account needed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wenming.http.deps import PublicCaller, RuntimeDep
from wenming.runtime import Runtime
from wenming.service import keys, reports
from wenming.service.errors import ServiceError
from wenming.service.reports import SubjectRef
from wenming.web.public import N_, actions, categories
from wenming.web.render import page

router = APIRouter(include_in_schema=False)

STATUS = {
    "received": N_("Received: waiting for a moderator"),
    "in_review": N_("A moderator is looking at it"),
    "decided": N_("Decided"),
    "appealed": N_("The decision was appealed"),
}
SUBJECTS = {
    "item": N_("A post or comment"),
    "account": N_("An account"),
    "group": N_("A group"),
    "site": N_("A website"),
}


def _platforms(runtime: Runtime) -> list[str]:
    return keys.platform_names(runtime.store)


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    return page(
        request,
        "public/report.html",
        categories=categories(runtime),
        platforms=_platforms(runtime),
        subjects=SUBJECTS,
        form={},
        error=None,
    )


@router.post("/report", response_model=None)
def report_submit(
    request: Request,
    runtime: RuntimeDep,
    caller: PublicCaller,
    kind: Annotated[str, Form()],
    subject: Annotated[str, Form()],
    category: Annotated[str, Form()],
    details: Annotated[str, Form()] = "",
    platform: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
) -> Response:
    form = {
        "kind": kind,
        "subject": subject,
        "category": category,
        "details": details,
        "platform": platform,
        "contact": contact,
    }
    try:
        receipt = reports.file(
            runtime.store,
            runtime.policy,
            subject=SubjectRef(
                kind=kind, id=subject.strip(), platform=None if kind == "site" else platform or None
            ),
            category=category,
            text=details.strip(),
            contact=contact.strip() or None,
            principal=None,
            address=caller.address,
            secret=runtime.settings.secret_key.get_secret_value(),
            now=runtime.clock(),
        )
    except ServiceError as exc:
        return page(
            request,
            "public/report.html",
            categories=categories(runtime),
            platforms=_platforms(runtime),
            subjects=SUBJECTS,
            form=form,
            error=str(exc),
            status_code=422,
        )
    return RedirectResponse(f"/report/status/{receipt.token}?new=1", status_code=303)


@router.get("/report/status/{token}", response_class=HTMLResponse)
def report_status(request: Request, runtime: RuntimeDep, token: str) -> HTMLResponse:
    try:
        found = reports.status(runtime.store, token)
    except ServiceError:
        return page(request, "public/status_missing.html", status_code=404)
    cats = {c["id"]: c for c in categories(runtime)}
    return page(
        request,
        "public/status.html",
        found=found,
        token=token,
        statuses=STATUS,
        category=cats.get(found.report.category),
        actions=actions(request),
        new=request.query_params.get("new") == "1",
    )
