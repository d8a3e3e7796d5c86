"""Read every content file, validate it into models, and check the library as a whole.

`load_library(root)` returns a `Library` or raises `ContentErrors` listing every problem.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from portal.content.body import Section, parse_body
from portal.content.errors import ContentError, ContentErrors
from portal.content.frontmatter import YamlDocument, parse_yaml, split_markdown_file
from portal.content.models import SLUG_RE, ConditionMeta, MedicationMeta, Resource, Taxonomy
from portal.content.plain_language import PlainLanguage, review
from portal.content.sections import SECTIONS, heading

SOURCE_LANGUAGE = "en"
KIND_DIRS = {"condition": "conditions", "medication": "medications"}
META_MODELS = {"condition": ConditionMeta, "medication": MedicationMeta}


@dataclass
class Page:
    """A condition guide or medication sheet in one language."""

    kind: str  # "condition" or "medication"
    slug: str
    lang: str
    path: str
    meta: ConditionMeta | MedicationMeta
    sections: list[Section]
    plain_language: PlainLanguage | None = None

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def summary(self) -> str:
        return self.meta.summary

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


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
    resources: dict[str, ResourceEntry] = field(default_factory=dict)
    taxonomy: Taxonomy | None = None
    warnings: list[ContentError] = field(default_factory=list)

    def pages_of(self, kind: str) -> dict[str, dict[str, Page]]:
        return self.conditions if kind == "condition" else self.medications

    def page(self, kind: str, slug: str, lang: str) -> Page | None:
        """The page in `lang`, or in English when it has no translation yet."""
        versions = self.pages_of(kind).get(slug)
        if not versions:
            return None
        return versions.get(lang) or versions.get(SOURCE_LANGUAGE)

    def all_pages(self):
        for kind in ("condition", "medication"):
            for versions in self.pages_of(kind).values():
                yield from versions.values()

    def category(self, category_id: str):
        return next((c for c in self.taxonomy.categories if c.id == category_id), None)

    def resources_in(self, category_id: str) -> list[ResourceEntry]:
        return sorted((r for r in self.resources.values() if category_id in r.data.categories),
                      key=lambda r: (r.data.example, r.data.name.casefold()))

    def medications_for(self, condition_slug: str) -> list[str]:
        """Medication slugs that list this condition in `treats`."""
        return sorted(slug for slug, versions in self.medications.items()
                      if condition_slug in versions[SOURCE_LANGUAGE].meta.treats)


def _pydantic_errors(exc: ValidationError, document: YamlDocument, path: str, model: type[BaseModel]):
    """Turn pydantic's errors into ContentErrors that say what to write instead."""
    for error in exc.errors():
        loc = error["loc"]
        field_name = ".".join(str(p) if isinstance(p, str) else f"[{p + 1}]" for p in loc).replace(".[", "[")
        kind, ctx = error["type"], error.get("ctx") or {}
        top = model.model_fields.get(str(loc[0])) if loc else None
        example = (top.examples or [None])[0] if top and len(loc) == 1 else None
        if kind == "content":
            problem, fix = ctx["problem"], ctx["fix"]
        elif kind == "missing":
            problem = "is required but missing"
            fix = f"add '{loc[-1]}: {example}'" if example else f"add '{loc[-1]}'"
        elif kind == "extra_forbidden":
            known = list(model.model_fields) if len(loc) == 1 else []
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            problem = "is not a known field"
            fix = f"did you mean '{close[0]}'?" if close else "remove it, or check its spelling and indentation"
        elif kind.startswith("date"):
            problem = f"'{error.get('input')}' is not a date"
            fix = "write the date as YYYY-MM-DD, for example 2026-11-20"
        elif kind.startswith("url"):
            problem = f"'{error.get('input')}' is not a web address"
            fix = "write the full address, starting with https://"
        elif kind in ("too_short", "too_long"):
            got = len(error.get("input") or [])
            low, high = ctx.get("min_length"), ctx.get("max_length")
            problem = f"has {got} item(s)"
            if str(loc[0]) == "teach_back":
                fix = "write 3 to 5 teach-back questions"
            elif kind == "too_short":
                fix = f"give at least {low}" + (f", for example {example}" if example else "")
            else:
                fix = f"give at most {high}"
        elif kind == "literal_error":
            problem = f"'{error.get('input')}' is not allowed here"
            fix = f"use one of: {ctx.get('expected')}"
        elif kind == "list_type":
            problem = "should be a list"
            fix = f"write a list like {example}" if example else "write a list: [a, b], or one '- item' per line"
        elif kind in ("string_type", "string_too_short"):
            problem = "should be some text" if kind == "string_type" else "is empty"
            fix = f"write text, like {example}" if example else "write the text, in quotes if it has a ':'"
        elif kind == "string_pattern_mismatch":
            problem = f"'{error.get('input')}' is not in the expected form"
            fix = f"write it like {top.examples[0] if top and top.examples else ctx.get('pattern')}"
        elif kind == "model_type" or kind == "dict_type":
            problem = "should be a group of fields"
            fix = "write the fields indented under it, one 'name: value' per line"
        else:
            problem, fix = error["msg"], "see docs/content-format.md for what this field holds"
        yield ContentError(path, document.line_of(loc), field_name or "front matter", problem, fix)


class _Loader:
    """Collects every error while reading a content tree."""

    def __init__(self, root: Path, languages: tuple[str, ...]):
        self.root = root
        self.languages = languages
        self.errors: list[ContentError] = []
        self.library = Library(root=root)
        self.meta_lines: dict[str, YamlDocument] = {}

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent if self.root.name else self.root))
        except ValueError:
            return str(path)

    def error(self, path: str, line: int, field: str, problem: str, fix: str) -> None:
        self.errors.append(ContentError(path, line, field, problem, fix))

    def load(self) -> Library:
        if not self.root.is_dir():
            self.error(str(self.root), 1, "content", "the content folder does not exist",
                       "give the folder that holds conditions/, medications/ and resources/")
            return self.library
        self.load_taxonomy()
        for kind in ("condition", "medication"):
            self.load_pages(kind)
        self.load_resources()
        self.check_links()
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
            self.errors += _pydantic_errors(exc, document, rel, Taxonomy)
            return
        seen: set[str] = set()
        for index, category in enumerate(self.library.taxonomy.categories):
            if category.id in seen:
                self.error(rel, document.line_of(("categories", index, "id")), f"categories[{index + 1}].id",
                           f"category '{category.id}' is listed twice", "give each category its own id")
            seen.add(category.id)

    def load_pages(self, kind: str) -> None:
        folder = self.root / KIND_DIRS[kind]
        if not folder.is_dir():
            self.error(self.rel(folder), 1, KIND_DIRS[kind], "the folder is missing",
                       f"create {self.rel(folder)}/ with one folder per {kind}")
            return
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith((".", "_")):
                continue
            rel = self.rel(entry)
            if not entry.is_dir():
                self.error(rel, 1, "file", f"a {kind} must be a folder with one file per language",
                           f"move it to {self.rel(folder)}/{entry.stem}/en.md")
                continue
            if not SLUG_RE.match(entry.name):
                self.error(rel, 1, "slug", f"'{entry.name}' is not a valid slug",
                           "rename the folder with lower-case letters, digits and hyphens only")
                continue
            versions: dict[str, Page] = {}
            for file in sorted(entry.iterdir()):
                lang = file.stem
                if file.suffix != ".md" or lang not in self.languages:
                    self.error(self.rel(file), 1, "file", f"'{file.name}' is not a language file",
                               f"name it after a configured language: {', '.join(l + '.md' for l in self.languages)}")
                    continue
                page = self.load_page(kind, entry.name, lang, file)
                if page is not None:
                    versions[lang] = page
            if not (entry / f"{SOURCE_LANGUAGE}.md").exists():
                self.error(rel, 1, "file", "the English page is missing",
                           f"add {rel}/{SOURCE_LANGUAGE}.md; translations are made from it")
            if versions:
                self.library.pages_of(kind)[entry.name] = versions

    def load_page(self, kind: str, slug: str, lang: str, file: Path) -> Page | None:
        rel = self.rel(file)
        split, errors = split_markdown_file(file.read_text(encoding="utf-8"), rel)
        self.errors += errors
        body = parse_body(split.body, split.body_first_line, lang)
        for line, problem, fix in body.unsafe:
            self.error(rel, line, "body", problem, fix)
        self.check_sections(kind, lang, rel, body.sections, split.body_first_line)
        meta = None
        if split.meta is not None:
            model = META_MODELS[kind]
            try:
                meta = model.model_validate(split.meta.data)
            except ValidationError as exc:
                self.errors += _pydantic_errors(exc, split.meta, rel, model)
            self.meta_lines[rel] = split.meta
        if meta is None:
            return None
        page = Page(kind, slug, lang, rel, meta, body.sections)
        page.links = body.links  # checked once every slug is known
        if lang == SOURCE_LANGUAGE:
            names = (meta.generic_name, *meta.brand_names) if kind == "medication" else ()
            page.plain_language = review(kind, meta.summary, body.sections, names, split.body_first_line)
            self.check_plain_language(page)
        return page

    def check_sections(self, kind: str, lang: str, rel: str, sections: list[Section], first_line: int) -> None:
        found = [s.key for s in sections if s.known]
        for key, required in SECTIONS[kind]:
            if required and key not in found:
                self.error(rel, first_line, "body", f"the section '## {heading(key, lang)}' is missing",
                           f"add a '## {heading(key, lang)}' heading with its text")
        order = [key for key, _ in SECTIONS[kind] if key in found]
        if [k for k in found if k in order] != order:
            wrong = next(s for s, k in zip([s for s in sections if s.known], order) if s.key != k)
            self.error(rel, wrong.line, "body", f"the section '## {wrong.title}' is out of order",
                       "put the sections in this order: " + ", ".join(heading(k, lang) for k in order))
        help_section = next((s for s in sections if s.key == "when-to-get-help"), None)
        if help_section is not None:
            for part_key in ("emergency", "clinic"):
                if not any(p.key == part_key for p in help_section.parts):
                    self.error(rel, help_section.line, "body",
                               f"'{help_section.title}' has no '### {heading(part_key, lang)}' list",
                               f"add '### {heading(part_key, lang)}' with a bulleted list under it")

    def check_plain_language(self, page: Page) -> None:
        result = page.plain_language
        excepted = page.meta.readability_exception is not None
        problems = []
        if result.grade > 8:
            problems.append((1, "readability", f"reading grade is {result.grade} (Flesch-Kincaid); at most 8 is allowed",
                             "use shorter sentences and shorter words, aim for grade 6; "
                             "run 'portal report readability' to see the long sentences"))
        for item in result.pemat_failed:
            problems.append((item.line, "plain language", f"PEMAT '{item.name}' not met: {item.detail}", item.fix))
        for line, field, problem, fix in problems:
            target = self.library.warnings if excepted else self.errors
            target.append(ContentError(page.path, line, field, problem,
                                       fix if not excepted else "allowed by the page's readability_exception",
                                       "warning" if excepted else "error"))

    def load_resources(self) -> None:
        folder = self.root / "resources"
        if not folder.is_dir():
            self.error(self.rel(folder), 1, "resources", "the folder is missing", "create content/resources/")
            return
        names: dict[str, str] = {}
        for file in sorted(folder.iterdir()):
            rel = self.rel(file)
            if file.name.startswith((".", "_")) or file.is_dir():
                continue
            if file.suffix not in (".yaml", ".yml"):
                self.error(rel, 1, "file", "resources are YAML files", f"rename it {file.stem}.yaml")
                continue
            slug = file.stem
            if not SLUG_RE.match(slug):
                self.error(rel, 1, "slug", f"'{slug}' is not a valid file name",
                           "rename the file with lower-case letters, digits and hyphens only")
                continue
            if slug in self.library.resources:
                self.error(rel, 1, "slug", f"there is already a resource named '{slug}'",
                           f"keep one of {self.library.resources[slug].path} and {rel}")
                continue
            document, errors = parse_yaml(file.read_text(encoding="utf-8"), rel)
            self.errors += errors
            if document is None:
                continue
            self.check_categories(rel, document)
            try:
                resource = Resource.model_validate(document.data if document.data is not None else {})
            except ValidationError as exc:
                self.errors += _pydantic_errors(exc, document, rel, Resource)
                continue
            self.meta_lines[rel] = document
            key = resource.name.casefold()
            if key in names:
                self.error(rel, document.line_of(("name",)), "name", f"'{resource.name}' is already listed",
                           f"this resource is in {names[key]}; update that file instead")
            names.setdefault(key, rel)
            self.library.resources[slug] = ResourceEntry(slug, rel, resource)

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

    def check_links(self) -> None:
        """Every slug a page names must exist; a slug names one page across all kinds."""
        lib = self.library
        known = {"condition": lib.conditions, "medication": lib.medications, "resource": lib.resources}
        owners: dict[str, str] = {}
        for kind, items in known.items():
            for slug, item in items.items():
                if slug in owners:
                    path = item.path if kind == "resource" else next(iter(item.values())).path
                    self.error(path, 1, "slug",
                               f"'{slug}' is also the slug of a {owners[slug]}",
                               "give each page its own slug; care records name topics by slug")
                owners.setdefault(slug, kind)
        fields = {"related_conditions": "condition", "related_medications": "medication",
                  "related_resources": "resource", "treats": "condition"}
        for page in list(lib.all_pages()):
            document = self.meta_lines.get(page.path)
            for name, kind in fields.items():
                for index, slug in enumerate(getattr(page.meta, name, [])):
                    if slug not in known[kind]:
                        self.unknown(page.path, document.line_of((name, index)), f"{name}[{index + 1}]",
                                     kind, slug)
            for link in page.links:
                if link.slug not in known[link.kind]:
                    self.unknown(page.path, link.line, "body link", link.kind, link.slug)
    def unknown(self, path: str, line: int, field: str, kind: str, slug: str) -> None:
        items = {"condition": self.library.conditions, "medication": self.library.medications,
                 "resource": self.library.resources}[kind]
        close = difflib.get_close_matches(slug, sorted(items), n=1, cutoff=0.75)
        self.error(path, line, field, f"there is no {kind} '{slug}'",
                   f"did you mean '{close[0]}'?" if close else
                   f"use the folder or file name of an existing {kind}, or add that {kind} first")


def load_library(root: str | Path, languages: tuple[str, ...] = (SOURCE_LANGUAGE,)) -> Library:
    """Load and validate a content tree; raise ContentErrors listing every problem found."""
    loader = _Loader(Path(root), tuple(languages))
    library = loader.load()
    if loader.errors:
        exc = ContentErrors(loader.errors)
        exc.warnings = library.warnings
        raise exc
    return library
