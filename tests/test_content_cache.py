"""The content cache (portal.content.cache): heads in the index, whole entries read when a page's parts
are used, and every damaged or missing part costing a read of the file again, never a wrong page."""
from __future__ import annotations

import pickle
import threading
import time
from pathlib import Path

import pytest

from portal.content import load_library
from portal.content.cache import ContentCache, read_files
from portal.content.duplicates import clues_of
from portal.content.errors import ContentErrors
from portal.content.frontmatter import YamlDocument
from portal.content.heads import LazyDocument, LazyPage
from portal.content.pages import Page

LANGUAGES = ("en", "es")
GUIDE = ("condition", "heart-failure")  # no translation: its checks need only its head


def everything(library) -> dict:
    """What a load gives, page by page, every part used (and so loaded)."""
    pages = {page.path: (page.kind, page.slug, page.lang, page.meta, page.sections, page.links, page.plain_language,
                         page.meta_json, page.source_hash, page.digest, page.related)
             for page in library.all_pages()}
    resources = {slug: entry.data for slug, entry in library.resources.items()}
    return {"pages": pages, "resources": resources, "warnings": library.warnings}


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def load(content_dir, cache):
    return load_library(content_dir, LANGUAGES, cache)


def entry_files(cache: Path) -> list[Path]:
    return [p for p in cache.glob("??/*") if p.is_file()]


def test_a_second_load_gives_heads_whose_parts_are_read_when_used(content_dir, cache):
    read = load_library(content_dir, LANGUAGES)
    fresh = everything(read)
    load(content_dir, cache)
    library = load(content_dir, cache)
    page = library.page(*GUIDE, "en")
    assert type(page) is LazyPage and "meta" not in page.__dict__ and "sections" not in page.__dict__
    assert page.related["related_conditions"] == ["high-blood-pressure"]  # the link check needs no model
    # What the list pages show of every page comes from the head: the same as the model says.
    model = read.page(*GUIDE, "en")
    assert (page.title, page.summary, page.front["also_called"]) == (model.title, model.summary,
                                                                      model.meta.also_called)
    assert type(page) is LazyPage
    assert page.meta.icd10 == ["I50"]  # its meta: read from the whole entry, and a plain page from then on
    assert type(page) is Page and "_front" not in page.__dict__
    assert (page.title, page.front["also_called"]) == (model.title, model.meta.also_called)
    assert everything(library) == fresh


def test_a_missing_or_damaged_index_costs_reading_the_whole_entries(content_dir, cache):
    fresh = everything(load_library(content_dir, LANGUAGES))
    load(content_dir, cache)
    index = cache / "index.pickle"
    for spoil in (lambda: index.write_bytes(index.read_bytes()[: len(index.read_bytes()) // 2]),
                  lambda: index.unlink()):
        spoil()
        library = load(content_dir, cache)
        assert not any(type(page) is LazyPage for page in library.all_pages())
        assert everything(library) == fresh
        assert type(load(content_dir, cache).page(*GUIDE, "en")) is LazyPage  # the heads were kept again


def test_a_damaged_head_costs_reading_its_whole_entry(content_dir, cache):
    fresh = everything(load_library(content_dir, LANGUAGES))
    load(content_dir, cache)
    index = cache / "index.pickle"
    entries = pickle.loads(index.read_bytes())
    for name, known in entries.items():
        entries[name] = (*known[:5], known[5][:20])
    index.write_bytes(pickle.dumps(entries))
    library = load(content_dir, cache)
    assert everything(library) == fresh


@pytest.mark.parametrize("spoil", ["missing", "damaged"])
def test_a_missing_or_damaged_entry_costs_reading_the_file_again(content_dir, cache, spoil):
    fresh = everything(load_library(content_dir, LANGUAGES))
    load(content_dir, cache)
    library = load(content_dir, cache)
    for path in entry_files(cache):
        if spoil == "missing":
            path.unlink()
        else:
            path.write_bytes(path.read_bytes()[:100])
    key = library.page(*GUIDE, "en").digest
    assert everything(library) == fresh
    assert pickle.loads((cache / key[:2] / key).read_bytes()).item.sections  # kept again


def test_a_file_changed_after_the_load_is_never_shown_from_a_stale_head(content_dir, cache):
    load(content_dir, cache)
    library = load(content_dir, cache)
    page = library.page(*GUIDE, "en")
    for path in entry_files(cache):
        path.unlink()
    file = content_dir / "conditions" / GUIDE[1] / "en.md"
    file.write_text(file.read_text() + "\nOne more sentence.\n")
    with pytest.raises(ContentErrors, match="changed while the site was being built"):
        page.sections  # noqa: B018


def test_a_head_document_reads_its_data_and_lines_when_asked(content_dir, cache):
    file = content_dir / "conditions" / GUIDE[1] / "en.md"
    task = (*GUIDE, "en", file, f"content/conditions/{GUIDE[1]}/en.md")
    [fresh] = read_files([task], ContentCache(None))
    read_files([task], ContentCache(cache))
    [result] = read_files([task], ContentCache(cache))
    document = result.document
    assert type(document) is LazyDocument and "data" not in document.__dict__
    assert document.line_of(("summary",)) == fresh.document.line_of(("summary",)) > 1
    assert type(document) is YamlDocument and document.data == fresh.document.data


def test_a_head_pickles_as_the_whole_page(content_dir, cache):
    load(content_dir, cache)
    page = load(content_dir, cache).page(*GUIDE, "en")
    copy = pickle.loads(pickle.dumps(page))
    assert type(copy) is Page and copy == page and copy.sections == page.sections


def test_a_resource_keeps_its_duplicate_clues_with_it(content_dir, cache):
    file = content_dir / "resources" / "example-pantry.yaml"
    task = ("resource", "example-pantry", "", file, "content/resources/example-pantry.yaml")
    read_files([task], ContentCache(cache))
    [result] = read_files([task], ContentCache(cache))
    assert result.clues == clues_of(result.item) and any(key.startswith("phone:") for key in result.clues)


def test_threads_using_a_head_first_at_once_both_get_the_page(content_dir, cache):
    load(content_dir, cache)
    library = load(content_dir, cache)
    page = library.page(*GUIDE, "en")
    body = page.__dict__["_body"]

    def slow():
        time.sleep(0.1)  # the other thread comes in meanwhile
        return body()

    page.__dict__["_body"] = slow
    document = LazyDocument(1, slow)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append((page.title, document.data["title"]))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [(page.title, page.title)] * 2
