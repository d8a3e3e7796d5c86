"""What can be assigned or taught: 'condition:asthma', 'medication:albuterol', 'topic:preventing-falls',
'resource:988-lifeline'.

Each item names a page of the content library; its title and path come from the library in the
reader's language, so a link never carries anything but page names.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.care.errors import CareError
from portal.content import Library

from portal.content.pages import PAGE_KINDS
from portal.search.documents import page_path

KINDS = (*PAGE_KINDS, "resource")
TEACHABLE = PAGE_KINDS  # what an education record's topics may name


@dataclass(frozen=True)
class Item:
    kind: str
    slug: str
    title: str
    path: str  # relative to the site's base URL: es/conditions/asthma/

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.slug}"


def resolve(library: Library, ref: str, lang: str) -> Item | None:
    """The item `ref` names, titled in `lang` (or English), or None if there is no such page."""
    kind, _, slug = ref.partition(":")
    if kind == "resource":
        entry = library.resources.get(slug)
        title = entry.data.name if entry else None
    elif kind in PAGE_KINDS:
        page = library.page(kind, slug, lang)
        title = page.title if page else None
    else:
        return None
    return Item(kind, slug, title, page_path(lang, kind, slug)) if title else None


def resolve_all(library: Library, refs: list[str], lang: str, field: str, kinds=KINDS) -> list[Item]:
    """Every item of `refs`, or a CareError naming each one that is unknown or repeated."""
    errors, items = [], []
    for index, ref in enumerate(refs):
        item = resolve(library, ref, lang)
        if item is None or item.kind not in kinds:
            errors.append({"field": f"{field}[{index}]", "detail": f"'{ref}' is not a page of the library; write "
                           f"kind:slug with kind one of {', '.join(kinds)}, like condition:asthma"})
        elif item in items:
            errors.append({"field": f"{field}[{index}]", "detail": f"'{ref}' is listed twice"})
        else:
            items.append(item)
    if errors:
        raise CareError(422, "Invalid request", errors[0]["detail"], errors)
    return items
