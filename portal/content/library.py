"""Read every content file, validate it into models, and check the library as a whole.

`load_library(root)` returns a `Library` or raises `ContentErrors` listing every problem.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from pydantic import ValidationError

from portal.content.cache import ContentCache, read_files
from portal.content.care_plan import care_plan_translation_problems
from portal.content.duplicates import Listing, likely_duplicates
from portal.content.errors import ContentError, ContentErrors
from portal.content.frontmatter import YamlDocument, parse_yaml
from portal.content.models import SLUG_RE
from portal.content.resource_models import Resource, Taxonomy
from portal.content.pages import PAGE_KINDS, RELATED_FIELDS, SOURCE_LANGUAGE, Page
from portal.content.review import ReviewState, review_state
from portal.content.safety import translation_problems
from portal.content.schema_errors import schema_errors

KIND_DIRS = {"condition": "conditions", "medication": "medications", "topic": "topics"}
OPTIONAL_KINDS = {"topic"}  # a library without topics/ is complete


@dataclass
class ResourceEntry:
    """A community resource with the file it came from."""

    slug: str
    path: str
    data: Resource


@dataclass
class Library:
    """All content, validated: the one model the site, search and API read."""

    root: Path
    conditions: dict[str, dict[str, Page]] = field(default_factory=dict)  # slug -> lang -> page
    medications: dict[str, dict[str, Page]] = field(default_factory=dict)
    topics: dict[str, dict[str, Page]] = field(default_factory=dict)
    resources: dict[str, ResourceEntry] = field(default_factory=dict)
    taxonomy: Taxonomy | None = None
    warnings: list[ContentError] = field(default_factory=list)

    def pages_of(self, kind: str) -> dict[str, dict[str, Page]]:
        return {"condition": self.conditions, "medication": self.medications, "topic": self.topics}[kind]

    def page(self, kind: str, slug: str, lang: str) -> Page | None:
        """The page in `lang`, or in English when it has no translation yet."""
        versions = self.pages_of(kind).get(slug)
        if not versions:
            return None
        return versions.get(lang) or versions.get(SOURCE_LANGUAGE)

    def translation_status(self, kind: str, slug: str, lang: str) -> str:
        """source (English), missing, outdated (English changed since), machine or reviewed."""
        if lang == SOURCE_LANGUAGE:
            return "source"
        versions = self.pages_of(kind)[slug]
        page = versions.get(lang)
        if page is None:
            return "missing"
        source = versions.get(SOURCE_LANGUAGE)
        if source is not None and page.meta.translation.source != source.source_hash:
            return "outdated"
        return page.meta.translation.status

    def review_state(self, kind: str, slug: str, today: dt.date | None = None) -> ReviewState:
        """The clinical review state of the page (of its English text, which clinicians review)."""
        return review_state(self.pages_of(kind)[slug][SOURCE_LANGUAGE], today or dt.date.today())

    def all_pages(self):
        for kind in PAGE_KINDS:
            for versions in self.pages_of(kind).values():
                yield from versions.values()

    def categories_in_use(self) -> list:
        """The taxonomy's categories that have at least one resource, in taxonomy order."""
        used = {c for entry in self.resources.values() for c in entry.data.categories}
        return [c for c in self.taxonomy.categories if c.id in used] if self.taxonomy else []

    def resources_in(self, category_id: str) -> list[ResourceEntry]:
        return sorted((r for r in self.resources.values() if category_id in r.data.categories), key=a_to_z)


def a_to_z(entry: ResourceEntry) -> tuple:
    """The order of the directory's lists: by name, the made-up examples last."""
    return entry.data.example, entry.data.name.casefold()


class _Loader:
    """Collects every error while reading a content tree."""

    def __init__(self, root: Path, languages: tuple[str, ...], cache: ContentCache, progress=None,
                 changed: set[Path] | None = None):
        self.root = root
        self.changed = changed
        self.cache = cache
        self.progress = progress
        self.languages = languages
        self.errors: list[ContentError] = []
        self.library = Library(root=root)
        self.meta_lines: dict[str, YamlDocument] = {}

    def rel(self, path: Path) -> str:
        """The path as contributors see it: from the folder holding the content folder."""
        base = str(self.root.parent if self.root.name else self.root)
        text = str(path)
        if base in ("", "."):
            return text
        return text[len(base) + 1:] if text.startswith(base + os.sep) else text

    def error(self, path: str, line: int, field: str, problem: str, fix: str) -> None:
        self.errors.append(ContentError(path, line, field, problem, fix))

    def load(self) -> Library:
        if not self.root.is_dir():
            self.error(str(self.root), 1, "content", "the content folder does not exist",
                       "give the folder that holds conditions/, medications/, topics/ and resources/")
            return self.library
        self.load_taxonomy()
        tasks = [task for kind in PAGE_KINDS for task in self.page_files(kind)]
        tasks += self.resource_files()
        listings: list[Listing] = []
        for task, result in zip(tasks, read_files(tasks, self.cache, progress=self.progress)):
            kind, slug, lang, _file, rel = task
            self.errors += result.errors
            self.library.warnings += result.warnings
            if result.document is not None:
                self.meta_lines[rel] = result.document
                if kind == "resource":
                    self.check_categories(rel, result.document)
                    self.check_resource_languages(rel, result.document)
            if result.item is None:
                continue
            if kind != "resource":
                self.library.pages_of(kind).setdefault(slug, {})[lang] = result.item
                continue
            self.library.resources[slug] = ResourceEntry(slug, rel, result.item)
            listings.append(Listing(slug, rel, Path(_file), result.item, result.clues))
        self.check_duplicates(listings)
        self.check_links()
        self.check_translated_numbers()
        self.check_care_plans()
        return self.library

    def load_taxonomy(self) -> None:
        path = self.root / "taxonomy.yaml"
        rel = self.rel(path)
        if not path.exists():
            self.error(rel, 1, "taxonomy", "the category list is missing",
                       "create content/taxonomy.yaml with a 'categories:' list (see docs/content-format.md)")
            return
        document, errors = parse_yaml(path.read_text(encoding="utf-8"), rel)
        self.errors += errors
        if document is None:
            return
        try:
            self.library.taxonomy = Taxonomy.model_validate(document.data)
        except ValidationError as exc:
            self.errors += schema_errors(exc, document, rel, Taxonomy)
            return
        seen: set[str] = set()
        for index, category in enumerate(self.library.taxonomy.categories):
            if category.id in seen:
                self.error(rel, document.line_of(("categories", index, "id")), f"categories[{index + 1}].id",
                           f"category '{category.id}' is listed twice", "give each category its own id")
            seen.add(category.id)

    def page_files(self, kind: str) -> list[tuple]:
        """(kind, slug, lang, file, rel) of every page file; misplaced files are errors."""
        folder = self.root / KIND_DIRS[kind]
        if not folder.is_dir() and kind in OPTIONAL_KINDS:
            return []
        if not folder.is_dir():
            self.error(self.rel(folder), 1, KIND_DIRS[kind], "the folder is missing",
                       f"create {self.rel(folder)}/ with one folder per {kind}")
            return []
        tasks = []
        # os.scandir and plain names and paths: a library of 10,000 pages is listed in a fraction of pathlib's time.
        with os.scandir(folder) as listing:
            entries = sorted((e.name, e.is_dir()) for e in listing if not e.name.startswith((".", "_")))
        parent, rel_parent = str(folder), self.rel(folder)
        for name, is_dir in entries:
            entry, rel = f"{parent}{os.sep}{name}", f"{rel_parent}{os.sep}{name}"
            if not is_dir:
                self.error(rel, 1, "file", f"a {kind} must be a folder with one file per language",
                           f"move it to {rel_parent}/{_split(name)[0]}/en.md")
                continue
            if not SLUG_RE.match(name):
                self.error(rel, 1, "slug", f"'{name}' is not a valid slug",
                           "rename the folder with lower-case letters, digits and hyphens only")
                continue
            files = sorted(os.listdir(entry))
            for file_name in files:
                stem, dot, suffix = file_name.rpartition(".")
                if not dot:
                    stem, suffix = file_name, ""
                if suffix == "md" and stem not in self.languages and is_language(stem):
                    continue  # a translation into a language this site does not publish
                if suffix != "md" or stem not in self.languages:
                    self.error(f"{rel}{os.sep}{file_name}", 1, "file", f"'{file_name}' is not a language file",
                               f"name it after a configured language: {', '.join(l + '.md' for l in self.languages)}")
                    continue
                tasks.append((kind, name, stem, f"{entry}{os.sep}{file_name}", f"{rel}{os.sep}{file_name}"))
            if f"{SOURCE_LANGUAGE}.md" not in files:
                self.error(rel, 1, "file", "the English page is missing",
                           f"add {rel}/{SOURCE_LANGUAGE}.md; translations are made from it")
        return tasks

    def resource_files(self) -> list[tuple]:
        """("resource", slug, "", file, rel) of every resource file; misnamed files are errors."""
        folder = self.root / "resources"
        if not folder.is_dir():
            self.error(self.rel(folder), 1, "resources", "the folder is missing", "create content/resources/")
            return []
        tasks, seen = [], {}
        with os.scandir(folder) as listing:
            entries = sorted((e.name, e.is_dir()) for e in listing)
        parent, rel_parent = str(folder), self.rel(folder)
        for name, is_dir in entries:
            rel = f"{rel_parent}{os.sep}{name}"
            if name.startswith((".", "_")) or is_dir:
                continue
            slug, suffix = _split(name)
            if suffix not in (".yaml", ".yml"):
                self.error(rel, 1, "file", "resources are YAML files", f"rename it {slug}.yaml")
                continue
            if not SLUG_RE.match(slug):
                self.error(rel, 1, "slug", f"'{slug}' is not a valid file name",
                           "rename the file with lower-case letters, digits and hyphens only")
                continue
            if slug in seen:
                self.error(rel, 1, "slug", f"there is already a resource named '{slug}'",
                           f"keep one of {seen[slug]} and {rel}")
                continue
            seen[slug] = rel
            tasks.append(("resource", slug, "", f"{parent}{os.sep}{name}", rel))
        return tasks

    def check_duplicates(self, listings: list[Listing]) -> None:
        """A listing that looks like another is blamed on the changed file (see portal.content.duplicates)."""
        for index, listing in enumerate(listings):
            for position, slug in enumerate(listing.data.not_duplicate_of):
                if slug == listing.slug or slug not in self.library.resources:
                    line = self.meta_lines[listing.rel].line_of(("not_duplicate_of", position))
                    close = difflib.get_close_matches(slug, sorted(self.library.resources), n=1, cutoff=0.75)
                    self.error(listing.rel, line, f"not_duplicate_of[{position + 1}]",
                               f"'{slug}' is this listing itself" if slug == listing.slug else
                               f"there is no resource '{slug}'",
                               f"did you mean '{close[0]}'?" if close and close[0] != listing.slug else
                               "name the file (without .yaml) of the other listing")
        for fix, other, clues in likely_duplicates(listings, self.changed):
            document = self.meta_lines[fix.rel]
            reasons = " and ".join(clue.reason for clue in clues)
            self.error(fix.rel, document.line_of(clues[0].field), _dotted(clues[0].field),
                       f"likely the same service as {other.rel} ('{other.data.name}'): {reasons}",
                       f"update {other.rel} instead; if they are different services, "
                       f"add 'not_duplicate_of: [{other.slug}]'")

    def check_categories(self, rel: str, document: YamlDocument) -> None:
        """Categories must exist in the taxonomy; checked even when other fields are wrong."""
        taxonomy = self.library.taxonomy
        raw = document.data.get("categories") if isinstance(document.data, dict) else None
        if taxonomy is None or not isinstance(raw, list):
            return
        known = sorted(c.id for c in taxonomy.categories)
        for index, category in enumerate(raw):
            if category not in known:
                close = difflib.get_close_matches(str(category), known, n=1)
                self.error(rel, document.line_of(("categories", index)), f"categories[{index + 1}]",
                           f"'{category}' is not a category in content/taxonomy.yaml",
                           f"did you mean '{close[0]}'?" if close else "use one of: " + ", ".join(known))

    def check_resource_languages(self, rel: str, document: YamlDocument) -> None:
        """A resource's translations must be in the site's other languages; checked even when other fields are wrong."""
        raw = document.data.get("translations") if isinstance(document.data, dict) else None
        others = [lang for lang in self.languages if lang != SOURCE_LANGUAGE]
        for lang in raw if isinstance(raw, dict) else []:
            if lang not in others and not (lang != SOURCE_LANGUAGE and is_language(str(lang))):
                self.error(rel, document.line_of(("translations", lang)), f"translations.{lang}",
                           f"'{lang}' is not a language code of the site's other languages",
                           "use one of: " + ", ".join(others) if others else "remove it")

    def check_links(self) -> None:
        """Every slug a page names must exist; a slug names one page across all kinds."""
        lib = self.library
        known = self.known()
        owners: dict[str, str] = {}
        for kind, items in known.items():
            for slug, item in items.items():
                if slug in owners:
                    path = item.path if kind == "resource" else next(iter(item.values())).path
                    self.error(path, 1, "slug",
                               f"'{slug}' is also the slug of a {owners[slug]}",
                               "give each page its own slug; care records name topics by slug")
                owners.setdefault(slug, kind)
        for page in list(lib.all_pages()):
            document = self.meta_lines.get(page.path)
            for name, slugs in page.related.items():
                kind = RELATED_FIELDS[name]
                for index, slug in enumerate(slugs):
                    if slug not in known[kind]:
                        self.unknown(page.path, document.line_of((name, index)), f"{name}[{index + 1}]",
                                     kind, slug)
            for link in page.links:
                if link.slug not in known[link.kind]:
                    self.unknown(page.path, link.line, "body link", link.kind, link.slug)

    def check_translated_numbers(self) -> None:
        """Numbers with units in an English page reach each translation (portal.content.safety)."""
        for kind in PAGE_KINDS:
            for slug, versions in self.library.pages_of(kind).items():
                english = versions.get(SOURCE_LANGUAGE)
                for lang, page in versions.items():
                    if english is None or lang == SOURCE_LANGUAGE:
                        continue
                    outdated = (page.meta.translation is not None
                                and self.library.translation_status(kind, slug, lang) == "outdated")
                    for problem in translation_problems(english, page, outdated):
                        (self.library.warnings if problem.severity == "warning" else self.errors).append(problem)

    def check_care_plans(self) -> None:
        """A translated guide carries the English guide's care-plan goals (portal.content.care_plan)."""
        for slug, versions in self.library.conditions.items():
            english = versions.get(SOURCE_LANGUAGE)
            for lang, page in versions.items():
                if english is None or lang == SOURCE_LANGUAGE or not (english.care_plan or page.care_plan):
                    continue
                outdated = (page.meta.translation is not None
                            and self.library.translation_status("condition", slug, lang) == "outdated")
                for problem in care_plan_translation_problems(english, page, self.meta_lines[page.path], outdated):
                    (self.library.warnings if problem.severity == "warning" else self.errors).append(problem)

    def known(self) -> dict[str, dict]:
        """Slug -> item of each kind a page may name."""
        lib = self.library
        return {**{kind: lib.pages_of(kind) for kind in PAGE_KINDS}, "resource": lib.resources}

    def unknown(self, path: str, line: int, field: str, kind: str, slug: str) -> None:
        items = self.known()[kind]
        close = difflib.get_close_matches(slug, sorted(items), n=1, cutoff=0.75)
        self.error(path, line, field, f"there is no {kind} '{slug}'",
                   f"did you mean '{close[0]}'?" if close else
                   f"use the folder or file name of an existing {kind}, or add that {kind} first")


def _split(name: str) -> tuple[str, str]:
    """A file name's stem and suffix, as pathlib splits them: 'a.b.yaml' -> ('a.b', '.yaml'), 'a.' -> ('a.', '')."""
    dot = name.rfind(".")
    return (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")


def _dotted(path: tuple) -> str:
    """('phones', 0, 'number') -> 'phones[1].number', as the schema errors name fields."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else ("." if text else "") + part
    return text


def read_taxonomy(root: str | Path) -> tuple[Taxonomy | None, list[ContentError]]:
    """Only content/taxonomy.yaml, checked as `portal check` checks it, for tools that need the categories."""
    loader = _Loader(Path(root), (SOURCE_LANGUAGE,), ContentCache(None))
    loader.load_taxonomy()
    return (loader.library.taxonomy if not loader.errors else None), loader.errors


@cache
def is_language(code: str) -> bool:
    """A real language code (fr, zh, pt_BR), even if this site does not publish that language."""
    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def load_library(root: str | Path, languages: tuple[str, ...] = (SOURCE_LANGUAGE,),
                 cache_dir: str | Path | None = None, progress=None, changed: set[Path] | None = None) -> Library:
    """Load and validate a content tree; raise ContentErrors listing every problem found.

    With `cache_dir`, pages whose files did not change since the last load are not parsed again.
    `changed` (resolved paths, e.g. the files of a pull request) are the files blamed for duplicates.
    """
    loader = _Loader(Path(root), tuple(languages), ContentCache(cache_dir), progress, changed)
    library = loader.load()
    if loader.errors:
        exc = ContentErrors(loader.errors)
        exc.warnings = library.warnings
        raise exc
    return library
