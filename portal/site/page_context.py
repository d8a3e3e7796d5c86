"""What a site page's templates get once per page instead of once per use: its catalog and, in the static
build, the addresses other pages already built.

A guide page translates about fifty interface strings. Flask-Babel's gettext finds the request's
catalog again for each one (three context look-ups and the locale each time), which was a fifth
of rendering a page; here the page's templates get a gettext bound to the catalog found once
(as `gettext` and `_`, which Jinja finds before its globals), and a string without variables is
translated once per catalog. In the static build (`portal.build`), where every page is
rendered from one base URL, `url_for` answers an address it already built from memory: each
page links the same stylesheet, scripts and menu.
"""
from __future__ import annotations

from weakref import WeakKeyDictionary

from flask import current_app, url_for
from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from portal.site import site

URL_CACHE = "portal.url_cache"  # app.extensions key; set by the static build


def _gettext(translations, memo: dict):
    """Jinja's new-style gettext (jinja2.ext with `newstyle=True`, as Flask-Babel installs it) on one catalog.

    A string without variables is translated and made Markup once per catalog (`memo`)."""
    translate = translations.ugettext

    @pass_context
    def gettext(__context: Context, __string: str, **variables) -> str:
        autoescape = __context.eval_ctx.autoescape
        if not variables:
            try:
                return memo[__string, autoescape]
            except KeyError:
                pass
        text = translate(__string)
        if autoescape:
            text = Markup(text)
        if variables or "%" in text:  # "%" formats even without variables ("100%%" is "100%")
            text = text % variables
        if not variables:
            memo[__string, autoescape] = text
        return text
    return gettext


def _ngettext(translate):
    @pass_context
    def ngettext(__context: Context, __singular: str, __plural: str, __num: int, **variables) -> str:
        variables.setdefault("num", __num)
        text = __context.call(translate, __singular, __plural, __num)
        if __context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables
    return ngettext


def remember_urls(app) -> None:
    """Answer repeated url_for calls of this app's site pages from memory (the static build only)."""
    app.extensions[URL_CACHE] = {}


def _remembering(cache: dict):
    """url_for, answered from `cache` where it built the address before."""
    def url(endpoint: str, **values) -> str:
        if endpoint.startswith(".") or any(key.startswith("_") for key in values):  # relative, or options
            return url_for(endpoint, **values)
        key = (endpoint, *sorted(values.items()))
        try:
            return cache[key]
        except KeyError:
            built = cache[key] = url_for(endpoint, **values)
            return built
        except TypeError:  # a value that cannot be a key
            return url_for(endpoint, **values)
    return url


def page_url(endpoint: str, **values) -> str:
    """url_for, from memory in the static build."""
    cache = current_app.extensions.get(URL_CACHE)
    return url_for(endpoint, **values) if cache is None else _remembering(cache)(endpoint, **values)


_memos: WeakKeyDictionary = WeakKeyDictionary()  # catalog -> its strings as pages show them


@site.context_processor
def _page_context() -> dict:
    translations = get_translations()  # Flask-Babel keeps one object per catalog
    memo = _memos.setdefault(translations, {})
    gettext = _gettext(translations, memo)
    names = {"gettext": gettext, "_": gettext, "ngettext": _ngettext(translations.ungettext)}
    cache = current_app.extensions.get(URL_CACHE)
    if cache is not None:
        names["url_for"] = _remembering(cache)
    return names
