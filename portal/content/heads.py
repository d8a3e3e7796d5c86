"""The light part of a cached page, which every build reads; the rest is read when first used.

A rebuild loads every page of the library but renders only the pages that changed, so most pages
are never asked for their front matter model, sections or plain-language review: unpickling them
was most of the cost of loading a large library. A page's head holds what the whole-library checks
and the build's plan use (slugs, path, links, the slugs it names, its front matter as JSON, its
hashes); its `meta`, `sections` and `plain_language`, and its document's data and line numbers,
are read from the page's full cache entry (portal.content.cache) the first time any of them is
used, after which it is a plain `Page` (or `YamlDocument`).
"""
from __future__ import annotations

import json
import pickle
import threading
from typing import Callable

from portal.content.frontmatter import YamlDocument
from portal.content.pages import FileRead, Page

LAZY = ("meta", "sections", "plain_language")  # what a page's head leaves out
Body = Callable[[], FileRead]  # the page's full result, from the cache or read again
_LOADING = threading.Lock()  # a served site's threads may use the same page first at once


def _lazy(name: str) -> property:
    def get(self):
        self._load()
        return self.__dict__[name]

    def set_(self, value):
        self._load()
        self.__dict__[name] = value

    return property(get, set_, doc=f"The page's {name}, read from its full cache entry when first used.")


class LazyPage(Page):
    """A page from its head: becomes a plain `Page` when a part it left out is first used."""

    meta = _lazy("meta")
    sections = _lazy("sections")
    plain_language = _lazy("plain_language")

    # A list page (every condition, A to Z) shows the title, summary and other names of every page of a kind:
    # from the head's front matter as JSON (the model's own dump), so a rebuild need not read them all.
    @property
    def front(self) -> dict:
        if "_front" not in self.__dict__:
            self.__dict__["_front"] = json.loads(self.meta_json)
        return self.__dict__["_front"]

    @property
    def title(self) -> str:
        return self.__dict__["_title"]  # (kept in the head: the home page's fingerprint reads every title)

    @property
    def summary(self) -> str:
        return self.front["summary"]

    def _load(self) -> None:
        if self.__class__ is not LazyPage:
            return
        with _LOADING:
            if self.__class__ is not LazyPage:
                return  # another thread loaded it meanwhile
            full = self.__dict__["_body"]().item
            for name in LAZY:
                self.__dict__[name] = full.__dict__[name]
            del self.__dict__["_body"]
            self.__dict__.pop("_front", None)
            self.__dict__.pop("_title", None)
            self.__class__ = Page

    def __eq__(self, other):
        self._load()
        return self == other

    def __reduce_ex__(self, protocol):
        self._load()  # pickled whole, as the plain page it is
        return self.__reduce_ex__(protocol)


class LazyDocument(YamlDocument):
    """A page's front matter document from its head: data and lines are read when first used."""

    def __init__(self, first_line: int, body: Body):
        self.first_line, self._body = first_line, body

    def __getattr__(self, name: str):
        if name not in ("data", "_lines", "_text"):  # only attributes that are not there come here
            raise AttributeError(name)
        with _LOADING:
            if self.__class__ is LazyDocument:  # (else another thread loaded it meanwhile)
                self.__dict__.update(self.__dict__["_body"]().document.__dict__)
                del self.__dict__["_body"]
                self.__class__ = YamlDocument
        return getattr(self, name)

    def __reduce_ex__(self, protocol):
        self.data  # noqa: B018 (loads it)
        return self.__reduce_ex__(protocol)


def head_of(result: FileRead) -> bytes:
    """The head of a cacheable result (no errors, a valid item), pickled. Resources are kept whole:
    the directory and the build's plan use every field of every resource."""
    page = result.item
    if not isinstance(page, Page):
        return pickle.dumps(("resource", result), protocol=pickle.HIGHEST_PROTOCOL)
    state = {name: value for name, value in page.__dict__.items() if name not in LAZY}
    state["_title"] = page.meta.title
    return pickle.dumps(("page", state, result.warnings, result.document.first_line),
                        protocol=pickle.HIGHEST_PROTOCOL)


def from_head(data: bytes, body: Body) -> FileRead:
    """The result a head stands for; `body` gives the full result when a page's left-out part is used."""
    head = pickle.loads(data)
    if head[0] == "resource":
        return head[1]
    _, state, warnings, first_line = head
    page = LazyPage.__new__(LazyPage)
    page.__dict__.update(state)
    page.__dict__["_body"] = body
    return FileRead(page, [], warnings, LazyDocument(first_line, body))
