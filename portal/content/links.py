"""Which links a page may hold: one judgement for `portal check` and for the build's site check.

`link_problem(url, in_source=True)` judges a link as a content file writes it (after Markdown
and HTML entities are decoded, as a browser reads it); `in_source=False` judges a link in a
built page, where the site's own paths and anchors are allowed and resolved by portal.sitecheck.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

LINK_KINDS = ("condition", "medication", "topic", "resource")  # content cross-links: condition:slug
WEB_SCHEMES = ("https", "http", "mailto", "tel")  # what a content file may link to elsewhere
SITE_SCHEMES = (*WEB_SCHEMES, "sms")  # the site's own templates also write tap-to-text links
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_ADDRESS_FIX = "write the full address, starting with https://, with no spaces"
_KIND_FIX = "link to a page of this site by kind and folder name, like medication:lisinopril or condition:asthma"


def link_problem(url: str, in_source: bool = True) -> tuple[str, str] | None:
    """(problem, fix) when a link is not allowed, else None.

    Browsers ignore tabs and line breaks inside a URL, so `jav&#x09;ascript:` is a javascript:
    link; such characters are refused in any address.
    """
    bare = re.sub(r"[\t\n\r]", "", url.strip("\x00- "))
    scheme = (_SCHEME.match(bare).group(1) if _SCHEME.match(bare) else "").lower()
    if scheme in ("javascript", "vbscript"):
        return f"a {scheme}: link is not allowed", "link to an https:// page instead"
    if scheme == "data":
        return "a data: address is not allowed", "link to an https:// page instead; pages cannot carry files"
    shown = url if len(url) <= 60 else url[:57] + "..."
    if not url:
        return "the link has no address", _ADDRESS_FIX
    if _HIDDEN.search(url):
        return f"'{shown}' is not a web address: it has spaces or hidden characters", _ADDRESS_FIX
    if in_source and scheme in LINK_KINDS:
        slug = url[len(scheme) + 1:]
        return None if _SLUG.match(slug) else (f"'{shown}' is not a link to a page of this site", _KIND_FIX)
    if scheme:
        if scheme not in (WEB_SCHEMES if in_source else SITE_SCHEMES):
            return f"'{scheme}:' links are not allowed", "use an https://, mailto: or tel: address"
        if scheme in ("http", "https") and not _has_host(url):
            return f"'{shown}' is not a web address", _ADDRESS_FIX
        return None
    if not in_source:
        return None  # the site's own pages and anchors: portal.sitecheck resolves them
    if url.startswith("#"):
        return (f"'{shown}' points inside the page, which the check cannot follow",
                "name the section in words instead, like 'see When to get help below'")
    return f"'{shown}' is not a web address or a page of this site", f"{_KIND_FIX}; or {_ADDRESS_FIX}"


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False
