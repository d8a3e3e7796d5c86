"""The search engine behind the API: analyzers per language, the on-disk cache, the code lookup."""
from __future__ import annotations

import pytest

from conftest import STARTER
from portal.content import load_library
from portal.search import open_index
from portal.search.codes import CodeError, find_by_code, looks_like_code
from portal.search.documents import build_documents
from portal.search.synonyms import Synonyms
from portal.search.whoosh_index import analyzer, fold


def words(lang: str, text: str, mode: str = "query") -> list[str]:
    return [token.text for token in analyzer(lang)(text, mode=mode)]


def test_english_and_spanish_are_stemmed_and_folded():
    assert words("en", "Swollen ankles, wheezing") == ["swollen", "ankl", "wheez"]
    assert words("es", "presión arterial") == words("es", "presion arterial")


def test_chinese_is_split_into_pairs_of_characters():
    assert words("zh", "喘不过气") == ["喘不", "不过", "过气"]
    assert words("zh", "降压药 lisinopril", mode="index") == ["降压", "压药", "降", "压", "药", "lisinopril"]


def test_vietnamese_and_arabic_match_without_marks():
    assert fold("tiểu đường") == "tieu duong"
    assert words("vi", "Tiểu Đường") == words("vi", "tieu duong")
    assert words("ar", "السُّكَّري") == words("ar", "سكري") == ["سكري"]


def test_index_is_stored_by_content_hash_and_reopened(content_dir, tmp_path):
    library = load_library(content_dir, ("en", "es"))
    cache = tmp_path / "cache"
    first = open_index(library, Synonyms(), ("en", "es"), "/", cache)
    [folder] = (cache / "search").glob("whoosh-*")
    stamp = folder.stat().st_mtime_ns
    again = open_index(library, Synonyms(), ("en", "es"), "/", cache)
    assert list((cache / "search").glob("whoosh-*")) == [folder] and folder.stat().st_mtime_ns == stamp
    assert again.search("lisinopril", "en").hits[0].slug == first.search("lisinopril", "en").hits[0].slug
    guide = content_dir / "medications" / "lisinopril" / "en.md"
    guide.write_text(guide.read_text().replace("title: Lisinopril", "title: Lisinopril tablets"))
    changed = open_index(load_library(content_dir, ("en", "es")), Synonyms(), ("en", "es"), "/", cache)
    assert [p.name for p in (cache / "search").glob("whoosh-*")] != [folder.name]  # rebuilt, old one removed
    assert changed.search("tablets", "en").hits[0].slug == "lisinopril"


def test_code_lookup_prefers_the_most_specific_guide(content_dir):
    library = load_library(content_dir, ("en", "es"))
    documents = build_documents(library, Synonyms(), ("en",))
    hypertension = next(d for d in documents if d.slug == "high-blood-pressure")
    hypertension.icd10 = ["I10", "I1"]  # a broader code on the same page must not change the answer
    specific = next(d for d in documents if d.slug == "heart-failure")
    specific.icd10 = ["I10.9"]
    assert [d.slug for d in find_by_code(documents, "I10.9", "icd10", "en")] == ["heart-failure", "high-blood-pressure"]
    assert looks_like_code("e11.65") == "icd10" and looks_like_code("6809") == "rxnorm"
    assert looks_like_code("water pill") is None
    with pytest.raises(CodeError, match="not an ICD-10-CM code"):
        find_by_code(documents, "U07", "icd10", "en")


def test_a_served_worker_opens_the_search_index_as_it_boots_not_in_a_request(monkeypatch, tmp_path):
    import importlib

    import portal.wsgi

    monkeypatch.setenv("PORTAL_CONTENT_DIR", str(STARTER))
    monkeypatch.setenv("PORTAL_CACHE_DIR", str(tmp_path))
    app = importlib.reload(portal.wsgi).app
    assert app.extensions["portal.search"]["index"] is not None  # before any request
    assert list((tmp_path / "search").glob("whoosh-*"))
