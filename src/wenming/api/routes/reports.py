"""Reports from anyone: ``POST /v1/reports``, the status page by token, flagger records."""

from __future__ import annotations

from fastapi import APIRouter

from wenming.api.review_schemas import (
    Flaggers,
    ReportAccepted,
    ReportIn,
    ReportStatusOut,
    flagger_out,
    report_status_out,
)
from wenming.api.schemas import ErrorOut
from wenming.http.deps import CurrentKey, PublicCaller, RuntimeDep
from wenming.service import reports
from wenming.service.reports import SubjectRef

router = APIRouter(tags=["reports"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 404, 413, 422, 429)
}


@router.post(
    "/reports",
    status_code=202,
    response_model=ReportAccepted,
    summary="Report an item, account, group or site",
    responses=_ERRORS,
)
def report_create(body: ReportIn, caller: PublicCaller, runtime: RuntimeDep) -> ReportAccepted:
    """Open to anyone without a key (limited per network address); a ``flagger`` key
    files in the trusted-flagger lane. The report is committed before the answer. Keep
    the ``token``: it is shown once and is the only way to follow the report."""
    receipt = reports.file(
        runtime.store,
        runtime.policy,
        subject=SubjectRef(
            kind=body.subject.type, id=body.subject.id, platform=body.subject.platform
        ),
        category=body.category,
        text=body.text,
        contact=body.contact,
        principal=caller.key,
        address=caller.address,
        secret=runtime.settings.secret_key.get_secret_value(),
        now=runtime.clock(),
    )
    return ReportAccepted(
        report_id=str(receipt.report_id),
        case_id=str(receipt.case_id),
        token=receipt.token,
        status_url=f"/v1/report-status/{receipt.token}",
    )


@router.get(
    "/report-status/{token}",
    response_model=ReportStatusOut,
    summary="Where a report stands, by its status token (no key needed)",
    responses=_ERRORS,
)
def report_status(token: str, runtime: RuntimeDep) -> ReportStatusOut:
    return report_status_out(reports.status(runtime.store, token))


@router.get(
    "/flaggers",
    response_model=Flaggers,
    summary="Trusted flaggers and the share of their reports upheld",
    responses=_ERRORS,
)
def flaggers(key: CurrentKey, runtime: RuntimeDep) -> Flaggers:
    """Every flagger for moderators and admins; a flagger key sees its own record."""
    return Flaggers(flaggers=[flagger_out(f) for f in reports.flagger_accuracy(runtime.store, key)])
