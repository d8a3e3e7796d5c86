"""The lists of guides, A to Z in the reader's language: every condition (/<lang>/conditions/), medicine
(/<lang>/medications/) and topic (/<lang>/topics/), in pages of PORTAL_GUIDE_LIST_PAGE_SIZE guides
(.../page/2/, ...), so that no page grows with the library (a list of 4,000 conditions on one page was
1.6 MB). The list of medicines also finds a medicine by its brand names: each of its pages lists the
brand names that fall, A to Z, from its first medicine to the next page's first, so a reader holding
a bottle marked "Zestril" finds it where Z is.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from flask import abort, current_app, render_template

from portal.content import Library
from portal.content.pages import PAGE_KINDS, Page
from portal.site import library, per_library, site
from portal.site.listing_pages import list_urls, page_count

LIST_ENDPOINTS = {"condition": "site.conditions", "medication": "site.medications", "topic": "site.topics"}


@dataclass(frozen=True)
class GuideList:
    """A kind of guide's list in one language, cut into its pages."""

    pages: list[list[Page]]  # each page's guides, A to Z (one empty page when there are none)
    brands: list[list[tuple[str, Page]]]  # each page's brand names with their medicine (medicines only)

    def shape(self) -> str:
        """Where every guide and brand name stands (which page, the number of pages): for the build's
        fingerprints, which add what each page shows of its own guides."""
        return "\n".join(" ".join([*(page.slug for page in pages), "|",
                                   *(f"{brand}>{page.slug}" for brand, page in brands)])
                         for pages, brands in zip(self.pages, self.brands))


def sort_key(page: Page) -> str:
    """A medicine by its common name (the list shows its brand names beside it), anything else by its title."""
    return (page.front["generic_name"] if page.kind == "medication" else page.title).casefold()


def guide_list(lib: Library, kind: str, lang: str, size: int) -> GuideList:
    guides = sorted((lib.page(kind, slug, lang) for slug in lib.pages_of(kind)), key=sort_key)
    pages = [guides[start: start + size] for start in range(0, len(guides), size)] or [[]]
    brands: list[list[tuple[str, Page]]] = [[] for _ in pages]
    if kind == "medication":
        starts = [sort_key(page[0]) for page in pages[1:]]
        named = sorted(((brand, page) for page in guides for brand in page.front["brand_names"]),
                       key=lambda item: (item[0].casefold(), sort_key(item[1])))
        for brand, page in named:
            brands[bisect_right(starts, brand.casefold())].append((brand, page))
    return GuideList(pages, brands)


def _list_of(kind: str, lang: str) -> GuideList:
    """The list as the current library has it (every page of a list is rendered from the same)."""
    lib, size = library(), current_app.config["PORTAL_GUIDE_LIST_PAGE_SIZE"]
    return per_library(lib, ("guides", kind, lang, size), lambda: guide_list(lib, kind, lang, size))


def guide_list_pages(lib: Library, size: int, lang: str) -> list[tuple[str, dict]]:
    """(endpoint, values) of the further pages of the lists (page 2 on), for the build's plan and the sitemap."""
    return [(LIST_ENDPOINTS[kind], {"lang": lang, "number": number}) for kind in PAGE_KINDS
            for number in range(2, page_count(len(lib.pages_of(kind)), size) + 1)]


def _render(kind: str, template: str, lang: str, number: int):
    listed = _list_of(kind, lang)
    if not 1 <= number <= len(listed.pages):
        abort(404)
    count = len(listed.pages)
    data = {"pages": list_urls(LIST_ENDPOINTS[kind], count, lang=lang)}
    return render_template(template, lang=lang, pages=listed.pages[number - 1], brands=listed.brands[number - 1],
                           page=number, count=count, data=data)


@site.route("/<lang:lang>/conditions/", defaults={"number": 1})
@site.route("/<lang:lang>/conditions/page/<int:number>/")
def conditions(lang, number):
    return _render("condition", "site/conditions.html", lang, number)


@site.route("/<lang:lang>/medications/", defaults={"number": 1})
@site.route("/<lang:lang>/medications/page/<int:number>/")
def medications(lang, number):
    return _render("medication", "site/medications.html", lang, number)


@site.route("/<lang:lang>/topics/", defaults={"number": 1})
@site.route("/<lang:lang>/topics/page/<int:number>/")
def topics(lang, number):
    return _render("topic", "site/topics.html", lang, number)
