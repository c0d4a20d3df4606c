"""Languages of the web UI: choosing one per request, catalogs, localized formatting.

The language comes from ``?lang=`` (remembered in a cookie), then the cookie, then the
browser's ``Accept-Language``; English is the fallback. Strings go through gettext
catalogs compiled from ``locale/<lang>/LC_MESSAGES/messages.po`` (``make i18n``), so a
further language is one more catalog. Dates and numbers are formatted by Babel.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from fastapi import Request

LOCALES = ("en", "zh_CN")
LANG_NAMES = {"en": "English", "zh_CN": "简体中文"}
COOKIE = "wenming_lang"
LOCALE_DIR = Path(__file__).with_name("locale")


def negotiate(request: Request) -> str:
    """The UI language for this request."""
    asked = request.query_params.get("lang") or request.cookies.get(COOKIE)
    if asked in LOCALES:
        return asked
    for tag in _accepted(request.headers.get("accept-language", "")):
        language = tag.split("_")[0]
        for code in LOCALES:
            if code.lower() == tag or code.split("_")[0] == language:
                return code
    return "en"


def _accepted(header: str) -> list[str]:
    """Language tags of an Accept-Language header, most wanted first."""
    weighted = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > 0:
            weighted.append((-q, i, tag.strip().replace("-", "_").lower()))
    return [tag for _, _, tag in sorted(weighted)]


@cache
def translations(lang: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [lang], domain="messages")


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def fmt_datetime(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return format_datetime(value, format="medium", locale=lang)


def fmt_number(value: float, lang: str) -> str:
    return format_decimal(value, locale=lang)


def text_in(texts: dict[str, str] | object, lang: str) -> str:
    """Pick a policy text (``{"zh": ..., "en": ...}``) in the UI language."""
    if not isinstance(texts, dict):
        return str(texts)
    key = "zh" if lang.startswith("zh") else "en"
    return str(texts.get(key) or texts.get("en") or next(iter(texts.values()), ""))
