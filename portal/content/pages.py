"""Read one content file (a guide, a sheet, a topic or a resource) into its model, with every error it has.

`read_page` and `read_resource` are pure functions of the file's bytes, so its result can be cached by content
hash and computed in worker processes (see portal.content.cache).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from portal.content.body import Link, Section, parse_body
from portal.content.care_plan import care_plan_problems, headings
from portal.content.duplicates import clues_of
from portal.content.errors import ContentError
from portal.content.frontmatter import YamlDocument, parse_yaml, split_markdown_file
from portal.content.models import ConditionMeta, GoalTemplate, MedicationMeta, TopicMeta
from portal.content.resource_models import Resource
from portal.content.review import review_errors, without_review_fields
from portal.content.safety import page_problems
from portal.content.plain_language import PlainLanguage, review
from portal.content.readability import MAX_GRADE
from portal.content.schema_errors import schema_errors
from portal.content.sections import SECTIONS, heading

SOURCE_LANGUAGE = "en"
META_MODELS = {"condition": ConditionMeta, "medication": MedicationMeta, "topic": TopicMeta}
PAGE_KINDS = tuple(META_MODELS)  # the kinds of Markdown page, in the order lists show them
# The front matter fields that name other pages, and the kind of page each names.
RELATED_FIELDS = {"related_conditions": "condition", "related_medications": "medication",
                  "related_topics": "topic", "related_resources": "resource", "treats": "condition"}


@dataclass
class Page:
    """A condition guide, medication sheet or topic in one language."""

    kind: str  # "condition", "medication" or "topic"
    slug: str
    lang: str
    path: str
    meta: ConditionMeta | MedicationMeta | TopicMeta
    sections: list[Section]
    links: list[Link] = field(default_factory=list)
    plain_language: PlainLanguage | None = None
    meta_json: str = ""  # the front matter as JSON: what other pages may show of this one
    source_hash: str = ""  # English pages: what a translation's `translation.source` must name
    digest: str = ""  # hash of the file and the code that read it (set by portal.content.cache)
    # The slugs its front matter names, by field (RELATED_FIELDS): kept apart from `meta` so the library's
    # link check does not need the model of every page (portal.content.heads).
    related: dict[str, list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.related = {name: list(getattr(self.meta, name, [])) for name in RELATED_FIELDS}

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def summary(self) -> str:
        return self.meta.summary

    @property
    def front(self) -> dict:
        """The front matter's fields by name, for what a list of pages shows of each (`front["also_called"]`,
        `page.front.also_called` in a template). A page loaded from the cache answers from its head, without
        reading its model (portal.content.heads)."""
        return vars(self.meta)

    @property
    def care_plan(self) -> list[GoalTemplate]:
        """The care-plan goal templates of a condition guide in this language (none for other kinds)."""
        return getattr(self.meta, "care_plan", [])

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def heading_title(self, key: str) -> str:
        """The title of the `##` or `###` heading whose id is `key` (a care-plan step's section)."""
        return headings(self).get(key, "")


@dataclass
class FileRead:
    """What reading one file gave: its model (if valid), its problems, and its field line numbers."""

    item: Page | Resource | None
    errors: list[ContentError]
    warnings: list[ContentError]
    document: YamlDocument | None
    clues: dict | None = None  # a resource's duplicate clues (portal.content.duplicates), kept with it in the cache


def read_resource(file: Path, rel: str) -> FileRead:
    """Parse and validate one resource YAML file."""
    document, errors = parse_yaml(file.read_text(encoding="utf-8"), rel)
    if document is None:
        return FileRead(None, errors, [], None)
    try:
        resource = Resource.model_validate(document.data if document.data is not None else {})
    except ValidationError as exc:
        return FileRead(None, errors + list(schema_errors(exc, document, rel, Resource)), [], document)
    return FileRead(resource, errors, [], document, clues_of(resource))


def source_hash(data: bytes) -> str:
    """The short hash of an English file that a translation (`translation.source`) and a clinical review
    (`clinical_review.source_hash`) record; the review fields are left out (portal.content.review)."""
    return hashlib.sha256(without_review_fields(data)).hexdigest()[:12]


def read_page(kind: str, slug: str, lang: str, file: Path, rel: str) -> FileRead:
    """Parse, validate and render one page file."""
    data = file.read_bytes()
    split, errors = split_markdown_file(data.decode("utf-8"), rel)
    warnings: list[ContentError] = []
    body = parse_body(split.body, split.body_first_line, lang)
    errors += [ContentError(rel, line, field_name, problem, fix) for line, field_name, problem, fix in body.unsafe]
    errors += section_errors(kind, lang, rel, body.sections, split.body_first_line)
    meta = None
    if split.meta is not None:
        model = META_MODELS[kind]
        try:
            meta = model.model_validate(split.meta.data)
        except ValidationError as exc:
            errors += schema_errors(exc, split.meta, rel, model)
    if meta is None:
        return FileRead(None, errors, warnings, split.meta)
    page = Page(kind, slug, lang, rel, meta, body.sections, body.links, meta_json=meta.model_dump_json(),
                source_hash=source_hash(data) if lang == SOURCE_LANGUAGE else "")
    errors += translation_errors(page, split.meta)
    for problem in (review_errors(page, split.meta, SOURCE_LANGUAGE)
                    + page_problems(page, split.body, split.body_first_line) + care_plan_problems(page, split.meta)):
        (warnings if problem.severity == "warning" else errors).append(problem)
    if lang == "es":
        errors += spanish_readability_errors(page, split.body_first_line)
    if lang == SOURCE_LANGUAGE:
        names = (meta.generic_name, *meta.brand_names) if kind == "medication" else ()
        page.plain_language = review(kind, meta.summary, body.sections, names, split.body_first_line)
        problems = plain_language_errors(page)
        (warnings if meta.readability_exception else errors).extend(problems)
    return FileRead(page, errors, warnings, split.meta)


def translation_errors(page: Page, document: YamlDocument) -> list[ContentError]:
    """English pages are the source; every other page says how it was translated."""
    translation = page.meta.translation
    if page.lang == SOURCE_LANGUAGE and translation is not None:
        return [ContentError(page.path, document.line_of(("translation",)), "translation",
                             "the English page is the source, not a translation", "remove the translation block")]
    if page.lang != SOURCE_LANGUAGE and translation is None:
        return [ContentError(page.path, document.first_line, "translation", "a translation must say how it was made",
                             "add 'translation:' with 'status: machine' (or reviewed) and 'source:' the "
                             "English page's 12-character hash (portal report translations shows it)")]
    if translation is not None and translation.status == "reviewed" and not translation.reviewed_by:
        return [ContentError(page.path, document.line_of(("translation", "status")), "translation.reviewed_by",
                             "a reviewed translation must name its reviewer", "add 'reviewed_by: Name, role'")]
    return []


def spanish_readability_errors(page: Page, first_line: int) -> list[ContentError]:
    """Spanish pages: Szigriszt-Pazos (INFLESZ scale) at least 55, 'normal'; aim for 65."""
    from portal.content.readability import MIN_INFLESZ, inflesz_of, prose_of

    score = inflesz_of(prose_of(f"<p>{page.summary}</p>" + "".join(s.html for s in page.sections)))
    if score >= MIN_INFLESZ or page.meta.readability_exception is not None:
        return []
    return [ContentError(page.path, first_line, "readability",
                         f"Szigriszt-Pazos score is {score} (INFLESZ); at least {MIN_INFLESZ} is required",
                         "use shorter sentences and shorter words, aim for 65 ('bastante fácil')")]


def section_errors(kind: str, lang: str, rel: str, sections: list[Section], first_line: int) -> list[ContentError]:
    """Required sections present and in order; the help section has its 911 and clinic lists."""
    errors = []
    found = [s.key for s in sections if s.known]
    for key, required in SECTIONS[kind]:
        if required and key not in found:
            errors.append(ContentError(rel, first_line, "body", f"the section '## {heading(key, lang)}' is missing",
                                       f"add a '## {heading(key, lang)}' heading with its text"))
    order = [key for key, _ in SECTIONS[kind] if key in found]
    if [k for k in found if k in order] != order:
        wrong = next(s for s, k in zip([s for s in sections if s.known], order) if s.key != k)
        errors.append(ContentError(rel, wrong.line, "body", f"the section '## {wrong.title}' is out of order",
                                   "put the sections in this order: " + ", ".join(heading(k, lang) for k in order)))
    help_section = next((s for s in sections if s.key == "when-to-get-help"), None)
    if help_section is not None:
        for part_key in ("emergency", "clinic"):
            if not any(p.key == part_key for p in help_section.parts):
                errors.append(ContentError(rel, help_section.line, "body",
                                           f"'{help_section.title}' has no '### {heading(part_key, lang)}' list",
                                           f"add '### {heading(part_key, lang)}' with a bulleted list under it"))
    return errors


def plain_language_errors(page: Page) -> list[ContentError]:
    """Reading grade above 8 and unmet PEMAT items; warnings instead when a reviewed exception exists."""
    result = page.plain_language
    excepted = page.meta.readability_exception is not None
    problems = []
    if result.grade > MAX_GRADE:
        problems.append((1, "readability", f"reading grade is {result.grade} (Flesch-Kincaid); "
                         f"at most {MAX_GRADE:g} is allowed",
                         "use shorter sentences and shorter words, aim for grade 6; "
                         "run 'portal report readability' to see the long sentences"))
    for item in result.pemat_failed:
        problems.append((item.line, "plain language", f"PEMAT '{item.name}' not met: {item.detail}", item.fix))
    return [ContentError(page.path, line, field, problem,
                         "allowed by the page's readability_exception" if excepted else fix,
                         "warning" if excepted else "error")
            for line, field, problem, fix in problems]
