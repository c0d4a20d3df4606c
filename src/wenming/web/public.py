"""The public portal: what the site does, its rules, and (as they land) reports and rumors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from wenming.core.model import Verdict
from wenming.http.deps import RuntimeDep
from wenming.runtime import Runtime
from wenming.web import i18n
from wenming.web.render import page

router = APIRouter(include_in_schema=False)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for the catalog; it is translated where it is shown."""
    return message


ACTIONS = {
    "allow": N_("Allow"),
    "label": N_("Label"),
    "limit": N_("Limit"),
    "review": N_("Review"),
    "block": N_("Block"),
}


def actions(request: Request) -> dict[str, str]:
    lang = i18n.negotiate(request)
    return {k: i18n.gettext(lang, v) for k, v in ACTIONS.items()}


def categories(runtime: Runtime) -> list[dict[str, Any]]:
    """The policy's categories, as the rules page and the console show them."""
    out = []
    registry = runtime.registry
    for c in runtime.policy.categories.values():
        thresholds = sorted(
            ((a.value, at) for a, at in c.thresholds.items()), key=lambda kv: Verdict(kv[0]).rank
        )
        out.append(
            {
                "id": c.id,
                "title": dict(c.title),
                "description": dict(c.description),
                "severity": c.severity,
                "age_rating": c.age_rating,
                "thresholds": thresholds,
                "terms": 0,
                "rules": 0,
                "domains": 0,
                "models": [],
                **registry.summary(runtime.policy, c.id),
            }
        )
    return out


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    return page(request, "public/index.html")


@router.get("/rules", response_class=HTMLResponse)
def rules(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    return page(
        request,
        "public/rules.html",
        policy=runtime.policy,
        categories=categories(runtime),
        actions=actions(request),
    )
