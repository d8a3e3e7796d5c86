"""The public site: static-friendly GET pages that read the content library, nothing else."""
from __future__ import annotations

import re

from babel import Locale
from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import format_date, refresh
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

from portal.content import Library
from portal.content.library import SOURCE_LANGUAGE
from portal.content.numbers import mark_numbers
from portal.content.pages import PAGE_KINDS
from portal.search.synonyms import normalize, page_terms, resource_terms, search_terms

site = Blueprint("site", __name__, template_folder="templates", static_folder="static",
                 static_url_path="/static")
ENDPOINT_OF = {"condition": "site.condition", "medication": "site.medication", "topic": "site.topic",
               "resource": "site.resource"}
_CONTENT_LINK = re.compile(r'href="(' + "|".join(ENDPOINT_OF) + r'):([a-z0-9-]+)"')


class LanguageConverter(BaseConverter):
    """Matches only the site's configured language codes, so /xx/ is a 404."""

    def to_python(self, value: str) -> str:
        if value not in current_app.config["PORTAL_LANGUAGES"]:
            from werkzeug.routing import ValidationError

            raise ValidationError()
        return value


@site.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters["lang"] = LanguageConverter


def library() -> Library:
    return current_app.extensions["portal.library"]


_PER_LIBRARY: dict[tuple, tuple[Library, object]] = {}  # (id of a library, what) -> (the library, its value)


def per_library(lib: Library, what: tuple, make=None):
    """What every page of a list needs of the whole library (`what` names it), worked out once per library
    by `make()`; without `make`, what was worked out already, or None."""
    hit = _PER_LIBRARY.get((id(lib), what))
    if hit and hit[0] is lib:
        return hit[1]
    if make is None:
        return None
    if len(_PER_LIBRARY) >= 64:  # 'portal serve' makes a new library after each edit
        _PER_LIBRARY.clear()
    value = make()
    _PER_LIBRARY[id(lib), what] = (lib, value)
    return value


def language_name(code: str, in_lang: str | None = None) -> str:
    """A language's name, in its own language by default ('Español')."""
    locale = Locale.parse(code.replace("-", "_"))
    name = locale.get_display_name(in_lang or code) or code
    return name[:1].upper() + name[1:]


@site.app_template_filter("content_html")
def content_html(html: str, lang: str) -> Markup:
    """Point content cross-links (condition:slug) at the page in the reader's language."""
    def link(match: re.Match) -> str:
        return f'href="{page_url(ENDPOINT_OF[match.group(1)], lang=lang, slug=match.group(2))}"'
    return Markup(_CONTENT_LINK.sub(link, html))


@site.before_app_request
def _language_of_this_request() -> None:
    """Forget the language of the previous page: Frozen-Flask renders every page in one app context,
    where Flask-Babel would otherwise keep the first page's language for all of them."""
    refresh()


def terms_of(item, lang: str) -> tuple[str, str]:
    """The words a page is found by in the site's search, for Pagefind: its own (title, other names, keywords,
    brand and generic names, codes; a listing's names), then the others (a listing's categories, and the
    synonyms of all of them). The site's search ranks a page named by what was typed above one that only
    has it as a synonym."""
    synonyms = current_app.extensions["portal.synonyms"]
    if hasattr(item, "kind"):
        own = page_terms(item)
        every = search_terms(synonyms, own, lang, item.lang)
    else:
        own = resource_terms(item, None, lang)
        every = search_terms(synonyms, resource_terms(item, library().taxonomy, lang), lang, SOURCE_LANGUAGE)
    mine = {normalize(term) for term in own}
    return (", ".join(term for term in every if normalize(term) in mine),
            ", ".join(term for term in every if normalize(term) not in mine))


def direction_of(code: str) -> str:
    """'rtl' for a language written right to left, else 'ltr'."""
    return "rtl" if Locale.parse(code.replace("-", "_")).character_order == "right-to-left" else "ltr"


def other_language(text_lang: str, page_lang: str) -> Markup:
    """The attributes that mark text in `text_lang` on a page in `page_lang` (' lang="en" dir="ltr"'), or
    nothing when they are the same language."""
    if text_lang == page_lang:
        return Markup("")
    return Markup(' lang="%s" dir="%s"') % (text_lang, direction_of(text_lang))


def absolute_url(path: str) -> str:
    """A site path as a full address when PORTAL_BASE_URL is a full URL (hreflang, sitemap, print);
    with a path-only base URL the path itself, as the site has no host to name."""
    host = re.match(r"https?://[^/]+", current_app.config["PORTAL_BASE_URL"])
    return (host.group(0) if host else "") + path


def codes_offered() -> bool:
    """Whether the site offers 'enter your code': only with an API to ask. A built (static) site
    needs PORTAL_API_URL; the live app ('portal serve') is its own API."""
    return bool(current_app.config["PORTAL_API_URL"]) or not current_app.config.get("SITE_IS_STATIC")


@site.app_context_processor
def _globals() -> dict:
    return {"library": library(), "language_name": language_name, "format_date": format_date,
            "languages": current_app.config["PORTAL_LANGUAGES"], "config": current_app.config,
            "search_terms": terms_of, "absolute_url": absolute_url, "direction_of": direction_of,
            "other_language": other_language}


@site.route("/")
def choose_language():
    return render_template("site/choose_language.html")


# The home page lists the conditions and topics while there are at most this many of each; a bigger
# library gets a link to the list page instead, so the home page stays small at any size.
HOME_LIST_LIMIT = 60


@site.route("/<lang:lang>/")
def home(lang):
    return render_template("site/home.html", lang=lang, home_list_limit=HOME_LIST_LIMIT)


@site.route("/<lang:lang>/conditions/<slug>/")
def condition(lang, slug):
    page = library().page("condition", slug, lang) or abort(404)
    return render_template("site/guide.html", lang=lang, page=page)


@site.route("/<lang:lang>/medications/<slug>/")
def medication(lang, slug):
    page = library().page("medication", slug, lang) or abort(404)
    return render_template("site/guide.html", lang=lang, page=page)


@site.route("/<lang:lang>/topics/<slug>/")
def topic(lang, slug):
    page = library().page("topic", slug, lang) or abort(404)
    return render_template("site/guide.html", lang=lang, page=page)


@site.route("/<lang:lang>/search/")
def search(lang):
    """The search page: Pagefind's index in the browser; without JavaScript, the lists to browse."""
    return render_template("site/search.html", lang=lang)


@site.route("/<lang:lang>/about/")
def about(lang):
    return render_template("site/about.html", lang=lang)


@site.route("/<lang:lang>/read/")
def reading_list(lang):
    """The pages a care team chose, named after '#' in the link (so no server ever sees them)."""
    return render_template("site/reading_list.html", lang=lang, addresses=reading_addresses(lang))


@site.route("/<lang:lang>/read/print/")
def reading_print(lang):
    """The printable packet: the same pages as the reading list, fetched from this site in the browser and
    put one after another into a single document to print (for patients without a smartphone)."""
    return render_template("site/reading_print.html", lang=lang, addresses=reading_addresses(lang))


@site.route("/<lang:lang>/code/")
def enter_code(lang):
    """Enter the code read over the phone; the page asks the API (PORTAL_API_URL) which pages it means."""
    return render_template("site/enter_code.html", lang=lang, codes_offered=codes_offered(),
                           read_urls={code: url_for("site.reading_list", lang=code)
                                      for code in current_app.config["PORTAL_LANGUAGES"]})


def reading_addresses(lang: str) -> dict[str, str]:
    """The address of each kind of page, with __slug__ for its slug, for the reading-list script: it asks
    the pages themselves for their titles, so the list is the same small page at any size (a catalog of
    every page's title was 930 KB at 10,000 pages)."""
    return {kind: url_for(ENDPOINT_OF[kind], lang=lang, slug="__slug__") for kind in ENDPOINT_OF}


@site.route("/404.html")
def not_found_page():
    """The page static hosts serve for a missing URL (frozen with status 200): in English, with the
    same message in every other language of the site."""
    return render_template("site/404.html", lang=SOURCE_LANGUAGE, others=_not_found_in_every_language())


@site.route("/<lang:lang>/404.html")
def not_found_in(lang):
    """The missing-page page in one language, for hosts that serve one per folder (nginx error_page)."""
    return render_template("site/404.html", lang=lang)


def _not_found_in_every_language() -> list[dict]:
    from flask_babel import force_locale, gettext

    others = []  # interface strings of the 404 page, in each other language
    for code in current_app.config["PORTAL_LANGUAGES"]:
        if code != SOURCE_LANGUAGE:
            with force_locale(code):
                others.append({"lang": code, "title": gettext("Page not found"),
                               "text": gettext("We could not find that page. It may have moved."),
                               "home": gettext("Home")})
    return others


@site.app_errorhandler(404)
def not_found(error):
    """A missing page in the language its address names (/es/... in Spanish), else the root one."""
    from flask import request
    from flask_babel import force_locale

    first = request.path.strip("/").split("/")[0]
    if first in current_app.config["PORTAL_LANGUAGES"]:
        with force_locale(first):
            return render_template("site/404.html", lang=first), 404
    return render_template("site/404.html", lang=SOURCE_LANGUAGE, others=_not_found_in_every_language()), 404


@site.route("/sitemap.xml")
def sitemap():
    urls = [absolute_url(url) for url in public_urls(external=False)]
    xml = render_template("site/sitemap.xml", urls=urls)
    return current_app.response_class(xml, mimetype="application/xml")


@site.route("/robots.txt")
def robots():
    base = current_app.config["PORTAL_BASE_URL"]
    lines = ["User-agent: *", "Allow: /"]
    if base.startswith("http"):
        lines.append(f"Sitemap: {base.rstrip('/')}/sitemap.xml")
    return current_app.response_class("\n".join(lines) + "\n", mimetype="text/plain")


def public_urls(external: bool = False) -> list[str]:
    """Every page of the site, for the sitemap (the freezer finds the same pages by crawling)."""
    lib, urls = library(), []
    for lang in current_app.config["PORTAL_LANGUAGES"]:
        for endpoint in ("home", "conditions", "medications", "topics", "resources", "about"):
            urls.append(url_for(f"site.{endpoint}", lang=lang, _external=external))
        for kind, items in [*((kind, lib.pages_of(kind)) for kind in PAGE_KINDS), ("resource", lib.resources)]:
            urls += [url_for(ENDPOINT_OF[kind], lang=lang, slug=slug, _external=external) for slug in items]
        urls += [url_for(endpoint, **values, _external=external) for endpoint, values
                 in [*guide_lists.guide_list_pages(lib, current_app.config["PORTAL_GUIDE_LIST_PAGE_SIZE"], lang),
                     *listing_pages.directory_pages(lib, current_app.config["PORTAL_DIRECTORY_PAGE_SIZE"], lang)]]
    return urls



@site.app_template_filter("ltr")
def ltr(text) -> Markup:
    """Text that reads left to right whatever surrounds it (a phone number, address, code, URL):
    isolated, so an Arabic page cannot reorder its parts."""
    return Markup('<bdi dir="ltr">%s</bdi>') % text


@site.app_template_filter("isolate")
def isolate(text) -> Markup:
    """Localized text with numbers in it (hours, dates): isolated, its direction from its own letters."""
    return Markup("<bdi>%s</bdi>") % text


@site.app_template_filter("numbers")
def numbers(text) -> Markup:
    """Interface or summary text with its phone numbers and 911/988/711/211 linked and numbers isolated."""
    return Markup(mark_numbers(str(escape(text))))


@site.app_template_filter("tel_href")
def tel_href(number: str, kind: str = "voice") -> str:
    """A tap-to-call (or tap-to-text) link target: tel:+18006624357, tel:988, sms:988."""
    digits = re.sub(r"\D", "", number)
    if len(digits) == 10:
        digits = "+1" + digits
    elif len(digits) == 11 and digits.startswith("1"):
        digits = "+" + digits
    return f"{'sms' if kind == 'text' else 'tel'}:{digits}"


from portal.site import directory  # noqa: E402,F401  (registers the directory's routes)
from portal.site import guide_lists, listing_pages  # noqa: E402,F401  (register the list pages)
from portal.site import webapp  # noqa: E402,F401  (registers the web app's manifest, service worker and offline page)
from portal.site.page_context import page_url  # noqa: E402  (and gives each page's templates its catalog once)
