"""Rendering pages: one Jinja2 environment per language, with gettext and formatters."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from wenming.web import i18n

TEMPLATES = Path(__file__).with_name("templates")


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["dt"] = lambda v: i18n.fmt_datetime(v, lang)
    env.filters["num"] = lambda v: i18n.fmt_number(v, lang)
    env.filters["tr"] = lambda v: i18n.text_in(v, lang)
    env.globals["lang"] = lang
    env.globals["html_lang"] = "zh-CN" if lang == "zh_CN" else "en"
    env.globals["lang_names"] = i18n.LANG_NAMES
    return env


def page(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render ``template`` in the request's language; remember an explicit ``?lang=``."""
    lang = i18n.negotiate(request)
    html = environment(lang).get_template(template).render(request=request, **context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in i18n.LOCALES:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response
