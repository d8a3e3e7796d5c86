"""The static build: every page of the starter library, links checked, failures leave the old site."""
from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.request import urlopen

import pytest

from portal.cli import main
from portal.content import load_library
from portal.sitecheck import check_site
from conftest import LANGUAGES, STARTER, fetch


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_starter_page_is_built(starter_site):
    library = load_library(STARTER, LANGUAGES)
    assert len(library.conditions) >= 12 and len(library.medications) >= 15 and len(library.resources) >= 25
    expected = ["index.html", "404.html", "sitemap.xml", "robots.txt", ".nojekyll", "static/site.css",
                "static/print.js", "static/language.js"]
    for lang in LANGUAGES:  # every page in every language, translated or with the English fallback
        expected += [f"{lang}/index.html", f"{lang}/about/index.html", f"{lang}/conditions/index.html",
                     f"{lang}/medications/index.html", f"{lang}/resources/index.html"]
        expected += [f"{lang}/conditions/{slug}/index.html" for slug in library.conditions]
        expected += [f"{lang}/medications/{slug}/index.html" for slug in library.medications]
        expected += [f"{lang}/resources/{slug}/index.html" for slug in library.resources]
    missing = [path for path in expected if not (starter_site / path).is_file()]
    assert not missing
    assert check_site(starter_site, "/sub/") == []


def test_every_file_the_directory_script_reads_is_built(starter_site):
    """The link check reads links; the addresses the directory's script fetches (the other pages of a
    list, the ZIP code centers of the states served) are checked here, on every list page."""
    import json
    import re

    lists = [p for lang in LANGUAGES for p in [starter_site / lang / "resources" / "index.html",
                                                *(starter_site / lang / "categories").rglob("index.html")]]
    assert len(lists) > len(LANGUAGES)
    wanted = set()
    for page in lists:
        data = json.loads(re.search(r'<script type="application/json" id="directory-data">(.*?)</script>',
                                    page.read_text(), re.S).group(1))
        wanted |= {*data["pages"], *(url for urls in data.get("categories", {}).values() for url in urls),
                   *((data["near"] or {}).get("files") or {}).values()}
    assert "/sub/directory/zip/CA.json" in wanted  # the starter's examples are in Riverside, CA
    missing = [url for url in wanted if not (starter_site.parent / url.lstrip("/")).is_file()
               and not (starter_site.parent / url.lstrip("/") / "index.html").is_file()]
    assert not missing
    assert not (starter_site / "directory" / "zip" / "NY.json").exists()  # only the area the listings serve


def test_sub_path_links_work_over_http(site_server):
    """The site built for /sub/ works when a plain web server hosts it at /sub/."""
    home = fetch(site_server + "/sub/en/")
    assert 'href="/sub/en/conditions/type-2-diabetes/"' in home
    for path in ("/sub/en/conditions/type-2-diabetes/", "/sub/static/site.css", "/sub/en/medications/metformin/",
                 "/sub/en/resources/988-lifeline/"):
        with urlopen(site_server + path) as response:
            assert response.status == 200
    guide = fetch(site_server + "/sub/en/conditions/type-2-diabetes/")
    assert 'href="/sub/en/medications/metformin/"' in guide and 'href="/sub/static/site.css"' in guide


def test_guide_page_weight_is_small(starter_site):
    """A guide page with every stylesheet and script it loads stays small for a cheap phone on a slow
    network: at most 20 KB as a compressing static host sends it (gzip), 48 KB as stored."""
    import gzip
    import re

    for guide in ("en/conditions/heart-failure/index.html", "en/medications/insulin/index.html"):
        html = (starter_site / guide).read_text()
        assets = sorted(set(re.findall(r'(?:href|src)="/sub/(static/[^"]+\.(?:css|js))"', html)))
        assert "static/site.css" in assets and len(assets) >= 3
        files = [starter_site / p for p in (guide, *assets)]
        stored = sum(f.stat().st_size for f in files)
        sent = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
        assert sent <= 20 * 1024 and stored <= 48 * 1024, f"{guide}: {sent} bytes sent, {stored} stored"


def test_failed_build_leaves_the_previous_site(content_dir, runner, tmp_path):
    output = tmp_path / "site"
    assert runner.invoke(main, ["build", "--content", str(content_dir), "--output", str(output)]).exit_code == 0
    before = tree_digest(output)
    (content_dir / "conditions" / "heart-failure" / "en.md").write_text("no front matter here")
    result = runner.invoke(main, ["build", "--content", str(content_dir), "--output", str(output)])
    assert result.exit_code == 1
    assert "heart-failure/en.md:1: front matter: the file does not start with front matter" in result.output
    assert f"Build failed: the site in {output} was not changed." in result.output
    assert tree_digest(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]  # no staging folder left


def _add_weight_chart_link(content_dir: Path) -> None:
    guide = content_dir / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("Weigh yourself each morning.",
                                               "Weigh yourself each morning. See [the chart](/en/weight-chart/)."))


def test_a_link_the_site_check_would_refuse_fails_the_content_check_at_its_source_line(content_dir, runner,
                                                                                        tmp_path):
    output = tmp_path / "site"
    _add_weight_chart_link(content_dir)
    result = runner.invoke(main, ["build", "--content", str(content_dir), "--output", str(output)])
    assert result.exit_code == 1
    assert ("content/conditions/heart-failure/en.md:22: body link: '/en/weight-chart/' is not a web address or a "
            "page of this site (link to a page of this site by kind and folder name, like medication:lisinopril or "
            "condition:asthma; or write the full address, starting with https://, with no spaces)"
            ) in result.output.splitlines()
    assert not output.exists()


def test_a_broken_link_in_a_built_page_names_its_content_file_and_line(content_dir, runner, tmp_path, monkeypatch):
    """Should the content check ever let a bad link through, the build's own check still names the source."""
    monkeypatch.setattr("portal.content.markup.link_problem", lambda url: None)
    output = tmp_path / "site"
    _add_weight_chart_link(content_dir)
    result = runner.invoke(main, ["build", "--content", str(content_dir), "--output", str(output)],
                           env={"PORTAL_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 1
    assert ("  content/conditions/heart-failure/en.md:22 (built page en/conditions/heart-failure/index.html): "
            "broken link /en/weight-chart/ (no file en/weight-chart/index.html)") in result.output.splitlines()
    # The other languages show the English page (no translation yet): the English file is still the one to fix.
    assert ("  content/conditions/heart-failure/en.md:22 (built page zh/conditions/heart-failure/index.html): "
            "broken link /en/weight-chart/ (no file en/weight-chart/index.html)") in result.output.splitlines()
    assert not output.exists()


def test_site_check_refuses_the_links_the_content_check_refuses(tmp_path):
    (tmp_path / "index.html").write_text(
        '<a href="not a url">x</a><a href="data:text/html,hi">d</a><a href="jav&#x09;ascript:go()">j</a>'
        '<a href="ftp://files.example/">f</a><a href="https://medlineplus.gov/">ok</a><a href="tel:988">ok</a>')
    assert check_site(tmp_path, "/", where=lambda page, url: f"source of {page}") == [
        "source of index.html: 'not a url' is not a web address: it has spaces or hidden characters "
        "(write the full address, starting with https://, with no spaces)",
        "source of index.html: a data: address is not allowed (link to an https:// page instead; pages cannot carry "
        "files)",
        "source of index.html: a javascript: link is not allowed (link to an https:// page instead)",
        "source of index.html: 'ftp:' links are not allowed (use an https://, mailto: or tel: address)",
    ]


def test_site_check_finds_missing_anchor_and_third_party_load(tmp_path):
    (tmp_path / "index.html").write_text(
        '<a href="/page.html#nowhere">x</a><script src="https://cdn.example/x.js"></script>'
        '<a href="https://medlineplus.gov/">ok</a><a href="/page.html#here">ok</a>')
    (tmp_path / "page.html").write_text('<h2 id="here">Here</h2>')
    assert check_site(tmp_path, "/") == [
        "index.html: link /page.html#nowhere names #nowhere, which is not on that page",
        "index.html: loads https://cdn.example/x.js from another site (serve it from the site itself)",
    ]


def test_starter_library_cites_public_domain_sources_and_911():
    """Every page cites a US government source and tells the reader when to call 911."""
    library = load_library(STARTER, LANGUAGES)
    for page in library.all_pages():
        hosts = {source.url.host for source in page.meta.sources}
        assert any(h.endswith((".gov", "nih.gov")) for h in hosts), page.path
        help_section = page.section("when-to-get-help")
        emergency = next(p for p in help_section.parts if p.key == "emergency")
        assert "911" in emergency.title and "<li>" in emergency.html, page.path


def test_build_reports_progress_and_what_it_rendered(content_dir, runner, tmp_path):
    output = tmp_path / "site"
    arguments = ["build", "--content", str(content_dir), "--output", str(output)]
    first = runner.invoke(main, arguments, env={"PORTAL_CACHE_DIR": str(tmp_path / "cache")})
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert "  reading 7 new or changed of 7 content files" in lines
    # 110 pages, and the ZIP code centers of California (where the pantry is) for "near me"
    assert any(line.startswith("  rendering 111 of 111 pages on ") for line in lines)  # 1 or 2 cores, by machine
    assert "  indexed 30 pages for search" in lines
    assert lines[-1].startswith(f"Built 111 pages into {output} in ")
    assert lines[-1].endswith("(111 rendered, 0 unchanged).")
    again = runner.invoke(main, arguments, env={"PORTAL_CACHE_DIR": str(tmp_path / "cache")})
    assert again.output.splitlines()[-1].endswith("(0 rendered, 111 unchanged).")
    assert "indexing the pages for search (Pagefind)" not in again.output  # no page changed: index kept


def test_full_base_url_build_has_absolute_sitemap_and_prefixed_links(content_dir, runner, tmp_path):
    output = tmp_path / "site"
    result = runner.invoke(main, ["build", "--content", str(content_dir), "--output", str(output),
                                  "--base-url", "https://clinic.example/portal/"])
    assert result.exit_code == 0, result.output
    sitemap = (output / "sitemap.xml").read_text()
    assert "<loc>https://clinic.example/portal/en/conditions/heart-failure/</loc>" in sitemap
    assert "Sitemap: https://clinic.example/portal/sitemap.xml" in (output / "robots.txt").read_text()
    assert 'href="/portal/static/site.css"' in (output / "en" / "index.html").read_text()


def test_build_with_a_full_base_url_names_the_site_everywhere(content_dir, runner, tmp_path):
    """hreflang (with x-default), sitemap, robots.txt, printed address and 404 pages all carry the host."""
    output = tmp_path / "sub"
    result = runner.invoke(main, ["build", "--content", str(content_dir), "--output", str(output),
                                  "--base-url", "https://clinic.example.org/sub/"])
    assert result.exit_code == 0, result.output
    guide = (output / "es" / "conditions" / "heart-failure" / "index.html").read_text()
    assert '<link rel="alternate" hreflang="ar" href="https://clinic.example.org/sub/ar/conditions/heart-failure/">' in guide
    assert '<link rel="alternate" hreflang="x-default" href="https://clinic.example.org/sub/">' in guide
    assert '<bdi dir="ltr">https://clinic.example.org/sub/es/conditions/heart-failure/</bdi>' in guide  # print footer
    assert "<loc>https://clinic.example.org/sub/en/conditions/heart-failure/</loc>" in (output / "sitemap.xml").read_text()
    assert "Sitemap: https://clinic.example.org/sub/sitemap.xml" in (output / "robots.txt").read_text()
    for lang in ("en", "es", "zh", "vi", "ar"):  # a missing page in each language, with full links home
        assert f'href="https://clinic.example.org/sub/{lang}/"' in (output / lang / "404.html").read_text()
    assert 'lang="ar" dir="rtl"' in (output / "404.html").read_text()
    assert 'href="/sub/static/favicon.svg"' in guide and (output / "static" / "favicon.svg").is_file()
    code = (output / "en" / "code" / "index.html").read_text()  # built without PORTAL_API_URL: no code entry
    assert 'id="code-form"' not in code and "code.js" not in code


def test_path_only_base_url_keeps_relative_alternates(starter_site):
    guide = (starter_site / "en" / "conditions" / "asthma" / "index.html").read_text()
    assert '<link rel="alternate" hreflang="es" href="/sub/es/conditions/asthma/">' in guide
    assert '<link rel="alternate" hreflang="x-default" href="/sub/">' in guide
    assert (starter_site / "ar" / "404.html").is_file()
