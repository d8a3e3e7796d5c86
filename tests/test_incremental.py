"""An incremental build gives exactly the tree a clean build gives, after every kind of change."""
from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from pathlib import Path

import pytest

import portal.fingerprints
from portal.build import build
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


CHANGES = {"content edit": edit_content, "title edit": edit_title, "content delete": delete_content,
           "content add": add_content}


@pytest.fixture
def site_dirs(tmp_path, content_dir):
    settings = load_settings({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_CACHE_DIR": str(tmp_path / "cache")},
                             environ={})
    return settings, tmp_path / "incremental", tmp_path / "clean"


def clean_build(settings: dict, output: Path) -> dict[str, str]:
    build({**settings, "PORTAL_CACHE_DIR": ""}, output, workers=1)
    return tree(output)


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_equals_clean_after_content_change(site_dirs, content_dir, change):
    settings, incremental, clean = site_dirs
    first = build(settings, incremental)
    assert first.rendered == first.pages
    CHANGES[change](content_dir)
    again = build(settings, incremental)
    assert again.rendered > 0
    assert tree(incremental) == clean_build(settings, clean)


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
    assert [rel for rel in changed if not rel.startswith("pagefind/")] == expected
    assert "pagefind/pagefind-entry.json" in changed  # the search index holds the new text
    assert set(before) - set(after) <= {rel for rel in before if rel.startswith("pagefind/")}


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
    assert tree(incremental) == clean_build(settings, clean)
    assert 'id="edited-note"' in (incremental / "en" / "index.html").read_text()


def test_incremental_equals_clean_after_config_edit(site_dirs):
    settings, incremental, clean = site_dirs
    build(settings, incremental)
    settings = {**settings, "PORTAL_CLINIC_PHONE": "(951) 555-0199"}
    again = build(settings, incremental)
    assert again.rendered == again.pages
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
    assert tree(incremental) == clean_build(settings, clean)
    if change == "content delete":
        assert before - lists() == {f"{lang}/resources/page/2/index.html" for lang in ("en", "es", "zh", "vi", "ar")
                                    } | {"directory/zip/CA.json"}
    else:
        assert lists() - before == {f"{lang}/{page}/index.html" for lang in ("en", "es", "zh", "vi", "ar")
                                    for page in ("resources/page/3", "categories/mental-health/page/2")}
