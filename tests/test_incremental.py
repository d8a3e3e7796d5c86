"""An incremental build gives exactly the tree a clean build gives, after every kind of change.

The search index is the exception: after a few pages changed, the build indexes just them (and a
sample of the others) into pagefind-delta/ and keeps pagefind/ as it was. The site is then the same
as a clean build's outside the indexes, and the pages its search can find (the base's, less those the
delta's state.json hides, and the delta's, less its sample) are the same as the clean build's.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

import portal.build
import portal.fingerprints
from portal.build import BuildError, build
from portal.config import load_settings


# Pagefind writes the values of a filter in no fixed order (a hash map), so its filter files, and the
# files naming them by hash, differ between two builds of the same site: they are compared by content.
UNORDERED = re.compile(r"pagefind/(?:filter/(\w+)_\w+\.pf_filter|pagefind\.(\w+)_\w+\.pf_meta|pagefind-entry\.json)$")


def tree(folder: Path) -> dict[str, object]:
    files: dict[str, object] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel, data = path.relative_to(folder).as_posix(), path.read_bytes()
        unordered = UNORDERED.match(rel)
        if unordered is None:
            files[rel] = hashlib.sha256(data).hexdigest()
        elif unordered.group(1):
            files.setdefault(f"pagefind/filter/{unordered.group(1)}", []).append(bytes(sorted(gzip.decompress(data))))
            files[f"pagefind/filter/{unordered.group(1)}"].sort()
        else:
            files[rel if not unordered.group(2) else f"pagefind/{unordered.group(2)}.pf_meta"] = len(gzip.decompress(data)
                                                                                                  if unordered.group(2)
                                                                                                  else data)
    return files


def state(site: Path) -> dict:
    return json.loads((site / "pagefind-delta" / "state.json").read_text())


def fragment(path: Path) -> dict:
    return json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))


def searchable(site: Path) -> dict[str, list[dict]]:
    """What the browser's search can find in a built site: each page's indexed text, metadata and filters
    (Pagefind's fragment), by its address; one result of each id, as search.js shows them."""
    now = state(site)
    hidden = set(now.get("hide_base", [])) | set(now.get("hide_delta", []))
    found: dict[str, list[dict]] = {}
    seen = set()
    for bundle in ("pagefind", "pagefind-delta") if now["delta"] else ("pagefind",):
        for path in sorted((site / bundle / "fragment").glob("*.pf_fragment")):
            if path.stem not in hidden and path.stem not in seen:
                seen.add(path.stem)
                data = fragment(path)
                found.setdefault(data["url"], []).append(data)
    return found


def folders(site: Path) -> dict[str, None]:
    return dict.fromkeys(sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir()))


def outside_index(files: dict[str, object]) -> dict[str, object]:
    return {rel: data for rel, data in files.items() if not rel.startswith(("pagefind/", "pagefind-delta/"))}


def assert_same_as_clean(settings: dict, incremental: Path, clean: Path) -> None:
    """The incremental site is the clean build's, the search index aside if it has a delta; and its search
    finds the same pages with the same text."""
    expected = clean_build(settings, clean)
    assert state(clean) == {"delta": False}
    if state(incremental)["delta"]:
        assert outside_index(tree(incremental)) == outside_index(expected)
        assert outside_index(folders(incremental)) == outside_index(folders(clean))  # none left empty
    else:
        assert tree(incremental) == expected
        assert folders(incremental) == folders(clean)
    assert searchable(incremental) == searchable(clean)


def edit_content(content: Path) -> None:
    guide = content / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("Eat less salt.", "Eat less salt. Read food labels."))


def edit_title(content: Path) -> None:
    guide = content / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("title: Heart failure", "title: Heart failure (weak heart)"))


def delete_content(content: Path) -> None:
    (content / "resources" / "example-pantry.yaml").unlink()
    taxonomy = content / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text())  # the category stays; its list is now empty


def add_content(content: Path) -> None:
    shutil.copy(content / "resources" / "crisis-line.yaml", content / "resources" / "another-line.yaml")
    path = content / "resources" / "another-line.yaml"
    path.write_text(path.read_text().replace("988 Suicide & Crisis Lifeline", "Another line")
                    .replace("https://988lifeline.org", "https://another-line.example.org"))


def move_listing(content: Path) -> None:
    """The pantry moves to Nevada: the site ships Nevada's ZIP code centers instead of California's."""
    path = content / "resources" / "example-pantry.yaml"
    path.write_text(path.read_text().replace("city: Riverside", "city: Reno").replace("state: CA", "state: NV")
                    .replace('zip: "92501"', 'zip: "89501"'))


def edit_listing(content: Path) -> None:
    """A listing that guides name (their "Community help") gets a new description and name."""
    path = content / "resources" / "crisis-line.yaml"
    path.write_text(path.read_text().replace("Free, private help", "Free, private, kind help")
                    .replace("name: 988 Suicide & Crisis Lifeline", "name: 988 Lifeline"))


def rename_treated_condition(content: Path) -> None:
    """The condition a medicine is "Used for" (and that a topic may name) gets a new title and summary."""
    guide = content / "conditions" / "high-blood-pressure" / "en.md"
    guide.write_text(guide.read_text().replace("title: High blood pressure", "title: High blood pressure (hypertension)")
                     .replace("This guide shows how", "This guide tells how"))


def review_english(content: Path) -> None:
    """Only the English page's front matter changes (its review date): its translations show its review."""
    guide = content / "conditions" / "high-blood-pressure" / "en.md"
    guide.write_text(guide.read_text().replace("last_reviewed: 2026-11-01", "last_reviewed: 2024-01-01"))


def rename_category(content: Path) -> None:
    taxonomy = content / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text().replace("name: Mental health", "name: Mental health and stress"))


CHANGES = {"content edit": edit_content, "title edit": edit_title, "content delete": delete_content,
           "content add": add_content, "listing moved": move_listing}
# Edits that other pages show (titles, listings, the English page's review, the kinds of help).
SHOWN_CHANGES = {"title edit": edit_title, "listing edit": edit_listing,
                 "treated condition renamed": rename_treated_condition, "English review date": review_english,
                 "category renamed": rename_category}


@pytest.fixture
def site_dirs(tmp_path, content_dir):
    settings = load_settings({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_CACHE_DIR": str(tmp_path / "cache")},
                             environ={})
    return settings, tmp_path / "incremental", tmp_path / "clean"


def clean_build(settings: dict, output: Path) -> dict[str, str]:
    build({**settings, "PORTAL_CACHE_DIR": ""}, output, workers=1)
    return tree(output)


@pytest.mark.parametrize("limit", ["auto", 0])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_equals_clean_after_content_change(site_dirs, content_dir, change, limit):
    settings, incremental, clean = site_dirs
    settings = {**settings, "PORTAL_SEARCH_DELTA_MAX_PAGES": limit}
    first = build(settings, incremental)
    assert first.rendered == first.pages
    CHANGES[change](content_dir)
    again = build(settings, incremental)
    assert again.rendered > 0
    assert state(incremental)["delta"] is (limit != 0)  # 0: every build indexes every page
    assert_same_as_clean(settings, incremental, clean)
    if change == "listing moved":  # (the plan keeps the states served between builds: portal.build_memo)
        assert (incremental / "directory" / "zip" / "NV.json").is_file()
        assert not (incremental / "directory" / "zip" / "CA.json").exists()


@pytest.mark.parametrize("change", sorted(SHOWN_CHANGES))
def test_an_edit_other_pages_show_renders_them_and_the_lists_only(site_dirs, content_dir, change):
    """A page is rendered again when what it shows of another page changes (a related guide's title, a
    listing it names, its English version's review), and is kept when nothing it shows did."""
    settings, incremental, clean = site_dirs
    first = build(settings, incremental)
    SHOWN_CHANGES[change](content_dir)
    again = build(settings, incremental)
    assert 0 < again.rendered < first.rendered
    assert_same_as_clean(settings, incremental, clean)


def test_unchanged_rebuild_renders_nothing_and_rewrites_nothing(site_dirs):
    settings, incremental, _ = site_dirs
    build(settings, incremental)
    before = {p: p.stat().st_mtime_ns for p in incremental.rglob("*") if p.is_file()}
    again = build(settings, incremental)
    assert again.rendered == 0
    assert {p: p.stat().st_mtime_ns for p in incremental.rglob("*") if p.is_file()} == before


def test_body_edit_rewrites_only_that_guide(site_dirs, content_dir):
    settings, incremental, _ = site_dirs
    build(settings, incremental)
    before = {p.relative_to(incremental).as_posix(): p.stat().st_mtime_ns
              for p in incremental.rglob("*") if p.is_file()}
    edit_content(content_dir)
    # The English page, and the pages that show it while no translation exists.
    expected = sorted(f"{lang}/conditions/heart-failure/index.html" for lang in ("en", "es", "zh", "vi", "ar"))
    assert build(settings, incremental).rendered == len(expected)
    after = {p.relative_to(incremental).as_posix(): p.stat().st_mtime_ns
             for p in incremental.rglob("*") if p.is_file()}
    changed = sorted(rel for rel in after if after[rel] != before.get(rel))
    assert [rel for rel in changed if not rel.startswith("pagefind-delta/")] == expected
    # The full index is untouched; the delta index holds the new text, and its state hides the old.
    assert {"pagefind-delta/pagefind-entry.json", "pagefind-delta/state.json"} <= set(changed)
    assert set(before) - set(after) == set()
    old_ids = {path.stem for path in (incremental / "pagefind" / "fragment").glob("*.pf_fragment")
               if "/conditions/heart-failure/" in fragment(path)["url"]}
    assert len(old_ids) == len(expected)
    assert set(state(incremental)["hide_base"]) == old_ids
    new = [fragment(path) for path in (incremental / "pagefind-delta" / "fragment").glob("*.pf_fragment")
           if path.stem not in state(incremental)["hide_delta"]]
    assert sorted(data["url"] for data in new) == sorted(f"/{rel.removesuffix('index.html')}" for rel in expected)
    assert all("Read food labels" in data["content"].replace("\u200b", "") for data in new)  # zh: words split


def edit_summary(content: Path) -> None:
    guide = content / "conditions" / "heart-failure" / "en.md"
    text = guide.read_text()
    start = text.index("summary: ") + len("summary: ")
    guide.write_text(text[:start] + "In short, " + text[start:])


def rendered_by_rebuild(settings: dict, site: Path, change, monkeypatch) -> list[str]:
    """The URLs a rebuild after `change` renders."""
    build(settings, site)
    rendered = []
    freezer = portal.build._freezer
    monkeypatch.setattr(portal.build, "_freezer",
                        lambda app, destination, pages, static: rendered.extend(p.url for p in pages) or
                        freezer(app, destination, pages, static))
    change()
    build(settings, site, workers=1)
    monkeypatch.setattr(portal.build, "_freezer", freezer)
    return rendered


def test_a_guides_summary_edit_leaves_the_directory_and_unrelated_pages(site_dirs, content_dir, monkeypatch):
    settings, incremental, clean = site_dirs
    rendered = rendered_by_rebuild(settings, incremental, lambda: edit_summary(content_dir), monkeypatch)
    assert {f"/{lang}/conditions/heart-failure/" for lang in ("en", "es", "zh", "vi", "ar")} <= set(rendered)
    assert "/en/conditions/" in rendered and "/es/conditions/high-blood-pressure/" in rendered  # it names heart failure
    unrelated = [url for url in rendered if "/resources/" in url or "/categories/" in url or "lisinopril" in url
                 or "preventing-falls" in url or "/directory/" in url]
    assert unrelated == []  # the directory shows no guide; these guides do not name heart failure
    assert "/sitemap.xml" not in rendered  # the same addresses
    assert_same_as_clean(settings, incremental, clean)


def test_a_summary_edit_renders_the_page_of_the_list_that_shows_it_only(site_dirs, content_dir, monkeypatch):
    """One guide a page of the lists: heart failure's summary is on the first page of the conditions (before
    high blood pressure, A to Z); the second page, the other lists, the reading list and the home page
    (titles only) stay."""
    settings, incremental, clean = site_dirs
    settings = {**settings, "PORTAL_GUIDE_LIST_PAGE_SIZE": 1}
    rendered = rendered_by_rebuild(settings, incremental, lambda: edit_summary(content_dir), monkeypatch)
    assert {f"/{lang}/conditions/" for lang in ("en", "es", "zh", "vi", "ar")} <= set(rendered)
    assert [url for url in rendered if "/page/" in url or "/read/" in url or url.endswith(("/medications/", "/topics/"))
            or url in ("/en/", "/es/", "/en/search/")] == []  # (the home page lists titles only)
    assert_same_as_clean(settings, incremental, clean)
    assert "In short," in (incremental / "en" / "conditions" / "index.html").read_text()


def test_a_title_edit_that_reorders_a_list_renders_its_pages_and_the_home_page(site_dirs, content_dir, monkeypatch):
    settings, incremental, clean = site_dirs
    settings = {**settings, "PORTAL_GUIDE_LIST_PAGE_SIZE": 1}
    guide = content_dir / "conditions" / "heart-failure" / "en.md"
    rendered = rendered_by_rebuild(settings, incremental, lambda: guide.write_text(
        guide.read_text().replace("title: Heart failure", "title: Weak heart (heart failure)")), monkeypatch)
    assert {"/en/conditions/", "/en/conditions/page/2/", "/en/"} <= set(rendered)  # (the home page lists titles)
    assert not [url for url in rendered if url.endswith(("/medications/", "/topics/")) or "/read/" in url]
    assert_same_as_clean(settings, incremental, clean)
    first, second = ((incremental / "en" / "conditions" / page / "index.html").read_text() for page in ("", "page/2"))
    assert "High blood pressure" in first and "Weak heart (heart failure)" in second


def test_a_listing_edit_renders_its_pages_its_lists_and_the_guides_naming_it(site_dirs, content_dir, monkeypatch):
    settings, incremental, clean = site_dirs
    rendered = rendered_by_rebuild(settings, incremental, lambda: edit_listing(content_dir), monkeypatch)
    assert {"/en/resources/crisis-line/", "/en/resources/", "/en/categories/mental-health/",
            "/en/conditions/high-blood-pressure/", "/ar/topics/preventing-falls/"} <= set(rendered)
    unrelated = [url for url in rendered if "/categories/food/" in url or "example-pantry" in url
                 or "heart-failure" in url or "lisinopril" in url or url.endswith(("/conditions/", "/medications/"))]
    assert unrelated == []  # the pantry's kind of help, its page, guides that do not name the line, lists of guides
    assert "/sitemap.xml" not in rendered and "/en/" in rendered  # the home page lists the kinds of help
    assert "/en/read/" not in rendered  # the reading list asks the pages it lists for their names, in the browser
    assert_same_as_clean(settings, incremental, clean)


def test_what_pages_show_of_each_other_is_worked_out_again_only_after_a_front_matter_edit(site_dirs, content_dir,
                                                                                          monkeypatch):
    settings, incremental, _ = site_dirs
    build(settings, incremental)
    worked_out = []
    for name in ("_shown", "_shown_lists"):
        monkeypatch.setattr(portal.build, name, lambda *args, name=name, made=getattr(portal.build, name):
                            worked_out.append(name) or made(*args))
    edit_content(content_dir)  # a guide's text: kept from the last build
    assert build(settings, incremental).rendered and worked_out == []
    edit_title(content_dir)
    build(settings, incremental)
    assert sorted(worked_out) == ["_shown", "_shown_lists"]
    edit_listing(content_dir)  # the lists of guides show nothing of the listings
    build(settings, incremental)
    assert sorted(worked_out) == ["_shown", "_shown", "_shown_lists"]


def test_incremental_equals_clean_after_template_edit(site_dirs, tmp_path):
    settings, incremental, clean = site_dirs
    templates = tmp_path / "templates"
    (templates / "site").mkdir(parents=True)
    base = Path(portal.fingerprints.__file__).parent / "site" / "templates" / "site" / "base.html"
    override = templates / "site" / "base.html"
    override.write_text(base.read_text())
    settings = {**settings, "PORTAL_TEMPLATES_DIR": str(templates)}
    build(settings, incremental)
    edited = base.read_text().replace('<p class="emergency-note">', '<p class="emergency-note" id="edited-note">')
    assert edited != base.read_text()
    override.write_text(edited)
    again = build(settings, incremental)
    assert again.rendered == again.pages
    assert state(incremental) == {"delta": False}  # every page changed: the build indexed them all again
    assert tree(incremental) == clean_build(settings, clean)
    assert 'id="edited-note"' in (incremental / "en" / "index.html").read_text()


def test_incremental_equals_clean_after_config_edit(site_dirs):
    settings, incremental, clean = site_dirs
    build(settings, incremental)
    settings = {**settings, "PORTAL_CLINIC_PHONE": "(951) 555-0199"}
    again = build(settings, incremental)
    assert again.rendered == again.pages
    assert state(incremental) == {"delta": False}
    assert tree(incremental) == clean_build(settings, clean)
    assert "555-0199" in (incremental / "en" / "conditions" / "heart-failure" / "index.html").read_text()


def test_failed_incremental_build_leaves_the_site(site_dirs, content_dir, monkeypatch):
    settings, incremental, _ = site_dirs
    build(settings, incremental)
    before = tree(incremental)
    # `portal check` refuses such a link; let it through to make the build fail after rendering.
    monkeypatch.setattr("portal.content.markup.link_problem", lambda url: None)
    guide = content_dir / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("Eat less salt.", "See [the chart](/en/nowhere/)."))
    from portal.build import BuildError

    with pytest.raises(BuildError):
        build(settings, incremental)
    assert tree(incremental) == before
    guide.write_text(guide.read_text().replace("See [the chart](/en/nowhere/).", "Eat less salt."))
    assert build(settings, incremental).rendered == 0  # the failed build left nothing half-done
    assert tree(incremental) == before


@pytest.mark.parametrize("change", ["content delete", "content add"])
def test_incremental_equals_clean_when_the_lists_gain_or_lose_a_page(site_dirs, content_dir, change):
    """One listing a page: a listing deleted or added takes a page of the list away or adds one,
    and with the only listing in California gone, the state's ZIP code file goes too."""
    settings, incremental, clean = site_dirs
    settings = {**settings, "PORTAL_DIRECTORY_PAGE_SIZE": 1}

    def lists() -> set[str]:
        return {p.relative_to(incremental).as_posix() for p in incremental.rglob("*") if p.is_file()
                and ("/page/" in p.as_posix() or p.suffix == ".json" and p.parent.name == "zip")}

    build(settings, incremental)
    before = lists()
    assert {"en/resources/page/2/index.html", "directory/zip/CA.json"} <= before
    CHANGES[change](content_dir)
    build(settings, incremental)
    assert_same_as_clean(settings, incremental, clean)
    if change == "content delete":
        assert before - lists() == {f"{lang}/resources/page/2/index.html" for lang in ("en", "es", "zh", "vi", "ar")
                                    } | {"directory/zip/CA.json"}
    else:
        assert lists() - before == {f"{lang}/{page}/index.html" for lang in ("en", "es", "zh", "vi", "ar")
                                    for page in ("resources/page/3", "categories/mental-health/page/2")}


def edit_other_guide(content: Path) -> None:
    guide = content / "conditions" / "high-blood-pressure" / "en.md"
    text = guide.read_text()
    sentence = next(line for line in text.splitlines() if line.startswith("- "))
    guide.write_text(text.replace(sentence, sentence + " Write it down.", 1))


def test_the_delta_holds_every_change_since_the_full_index_until_past_the_limit(site_dirs, content_dir):
    """Each delta indexes every page changed since the full index (not just since the last build); once they
    are more than PORTAL_SEARCH_DELTA_MAX_PAGES, the build indexes every page again and drops the delta."""
    settings, incremental, clean = site_dirs
    settings = {**settings, "PORTAL_SEARCH_DELTA_MAX_PAGES": 6}
    build(settings, incremental)
    base = {rel: data for rel, data in tree(incremental).items() if rel.startswith("pagefind/")}
    edit_content(content_dir)  # 5 pages: the English guide and the 4 that show it untranslated
    build(settings, incremental)
    first = state(incremental)
    assert first["delta"] and len(first["hide_base"]) == 5
    assert {rel: data for rel, data in tree(incremental).items() if rel.startswith("pagefind/")} == base
    assert_same_as_clean(settings, incremental, clean)
    edit_other_guide(content_dir)  # 5 more: 10 changed since the full index, past the limit of 6
    build(settings, incremental)
    assert state(incremental) == {"delta": False}
    assert sorted(p.name for p in (incremental / "pagefind-delta").iterdir()) == ["state.json"]  # no stale files
    assert_same_as_clean(settings, incremental, clean)


def test_two_deltas_in_a_row_keep_the_first_change(site_dirs, content_dir):
    settings, incremental, clean = site_dirs
    build(settings, incremental)
    edit_content(content_dir)
    build(settings, incremental)
    first = set(state(incremental)["hide_base"])
    edit_other_guide(content_dir)
    build(settings, incremental)
    assert state(incremental)["delta"] and first < set(state(incremental)["hide_base"])
    assert_same_as_clean(settings, incremental, clean)
    found = searchable(incremental)
    assert "Read food labels" in found["/en/conditions/heart-failure/"][0]["content"]


def _drop_search_cache(settings: dict, site: Path) -> None:
    caches = list((Path(settings["PORTAL_CACHE_DIR"]) / "builds").glob("*.search.json"))
    assert len(caches) == 1
    caches[0].unlink()


def _drop_base_entry(settings: dict, site: Path) -> None:
    (site / "pagefind" / "pagefind-entry.json").unlink()


def _spoil_search_cache(settings: dict, site: Path) -> None:
    next((Path(settings["PORTAL_CACHE_DIR"]) / "builds").glob("*.search.json")).write_text("{not json")


@pytest.mark.parametrize("spoil", [_drop_search_cache, _drop_base_entry, _spoil_search_cache],
                         ids=["no url-to-id map", "no base index", "map not JSON"])
def test_without_the_id_map_or_the_base_the_build_indexes_every_page(site_dirs, content_dir, spoil):
    settings, incremental, clean = site_dirs
    build(settings, incremental)
    spoil(settings, incremental)
    edit_content(content_dir)
    build(settings, incremental)
    assert state(incremental) == {"delta": False}
    assert tree(incremental) == clean_build(settings, clean)
    edit_other_guide(content_dir)  # and the map is back for the next build
    build(settings, incremental)
    assert state(incremental)["delta"]
    assert_same_as_clean(settings, incremental, clean)


def _search_cache(settings: dict) -> Path:
    return next((Path(settings["PORTAL_CACHE_DIR"]) / "builds").glob("*.search.json"))


def test_a_delta_build_takes_the_base_files_from_the_search_cache(site_dirs, content_dir, monkeypatch):
    """The base index's files are listed when it is made (they change only with it), not found again by each
    build; the list stays true to the folder."""
    settings, incremental, clean = site_dirs
    build(settings, incremental)
    on_disk = sorted(p.relative_to(incremental).as_posix() for p in (incremental / "pagefind").rglob("*") if p.is_file())
    assert json.loads(_search_cache(settings).read_text())["files"] == on_disk
    listed = []
    monkeypatch.setattr(portal.build, "bundle_files", lambda site, name="pagefind": listed.append(name) or set(
        p.relative_to(site).as_posix() for p in (site / name).rglob("*") if p.is_file()))
    edit_content(content_dir)
    build(settings, incremental)
    assert state(incremental)["delta"] and listed == ["pagefind-delta"]  # pagefind/ was not listed again
    assert json.loads(_search_cache(settings).read_text())["files"] == on_disk
    assert_same_as_clean(settings, incremental, clean)


def test_a_search_cache_without_the_file_list_keeps_the_delta(site_dirs, content_dir):
    """A search cache written before it listed the base's files: the files are found on disk and listed."""
    settings, incremental, clean = site_dirs
    build(settings, incremental)
    cache = json.loads(_search_cache(settings).read_text())
    files = cache.pop("files")
    _search_cache(settings).write_text(json.dumps(cache))
    edit_content(content_dir)
    build(settings, incremental)
    assert state(incremental)["delta"]
    assert json.loads(_search_cache(settings).read_text())["files"] == files


def test_a_base_script_gone_since_the_list_fails_the_build(site_dirs, content_dir):
    """The search page's script and entry file are looked for on disk, as before the list was kept."""
    settings, incremental, clean = site_dirs
    build(settings, incremental)
    (incremental / "pagefind" / "pagefind.js").unlink()
    edit_content(content_dir)
    with pytest.raises(BuildError, match="search index is incomplete"):
        build(settings, incremental)
