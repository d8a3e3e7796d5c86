"""Five languages: per-language URLs, translated interface, fallbacks, translation status, RTL."""
from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from conftest import ROOT
from portal.cli import main
from portal.config import load_settings

LANGUAGES = load_settings({}, environ={})["PORTAL_LANGUAGES"]


def soup_of(client, url, status=200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.data, "html.parser")


def test_catalog_template_holds_every_interface_string():
    """messages.pot is up to date with the code: run 'make translations' after adding a string."""
    method_map = [("portal/**.py", "python"), ("portal/site/templates/**.html", "jinja2"),
                  ("portal/console/templates/**.html", "jinja2")]
    in_code = {message for _, _, message, _, _ in extract_from_dir(ROOT, method_map) if isinstance(message, str)}
    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        in_template = {m.id for m in read_po(handle) if m.id}
    assert in_code == in_template


def test_every_shipped_language_translates_every_interface_string():
    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    assert LANGUAGES == ("en", "es", "zh", "vi", "ar")
    for lang in LANGUAGES[1:]:
        with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle)
        done = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
        assert wanted - done == set(), f"{lang}: untranslated {sorted(wanted - done)[:5]}"
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1] or ""))
            for string in strings:
                assert set(re.findall(r"%\(\w+\)[sd]", string)) == wanted, f"{lang}: placeholder lost in {ids[0]!r}"


def test_pages_are_in_the_readers_language(client):
    soup = soup_of(client, "/es/conditions/high-blood-pressure/")
    assert soup.html["lang"] == "es" and soup.html["dir"] == "ltr"
    assert soup.h1.get_text() == "Presión arterial alta"
    assert soup.find("a", class_="skip-link").get_text() != "Skip to main content"
    assert soup.find("section", class_="get-help").h2.get_text() == "Cuándo pedir ayuda"
    assert soup.find("time").get_text() == "1 de noviembre de 2026"
    notice = soup.find("p", class_="notice")
    assert "quiet" in notice["class"] and notice.a["href"] == "/en/conditions/high-blood-pressure/"
    arabic = soup_of(client, "/ar/conditions/high-blood-pressure/")
    assert arabic.html["lang"] == "ar" and arabic.html["dir"] == "rtl"


def test_missing_translation_falls_back_to_english_with_a_notice(client):
    soup = soup_of(client, "/es/conditions/heart-failure/")
    assert soup.html["lang"] == "es"
    notice = soup.find("p", class_="notice")
    assert "quiet" not in notice["class"] and "Español" in notice.get_text()
    article = soup.find("article")
    assert article["lang"] == "en" and article["dir"] == "ltr" and soup.h1.get_text() == "Heart failure"


def test_language_switcher_stays_on_the_same_page(client):
    soup = soup_of(client, "/vi/medications/lisinopril/")
    switcher = soup.find("nav", class_="languages")
    links = {a["lang"]: a["href"] for a in switcher.find_all("a")}
    assert links == {lang: f"/{lang}/medications/lisinopril/" for lang in LANGUAGES}
    assert switcher.find("a", attrs={"aria-current": "true"})["lang"] == "vi"
    assert [a.get_text() for a in switcher.find_all("a")] == ["English", "Español", "中文", "Tiếng Việt", "العربية"]
    alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate")}
    assert alternates == {**links, "x-default": "/"}  # a path-only base URL: paths, as the links are


def test_root_offers_every_language_in_its_own_name(client):
    soup = soup_of(client, "/")
    names = [(a["lang"], a.get_text()) for a in soup.find("main").find_all("a")]
    assert names == [("en", "English"), ("es", "Español"), ("zh", "中文"), ("vi", "Tiếng Việt"), ("ar", "العربية")]
    assert not soup.find("meta", attrs={"http-equiv": "refresh"})
    assert soup.find("script", src="/static/language.js")["data-languages"] == "en es zh vi ar"


def test_changed_english_page_makes_its_translation_outdated(content_dir, runner, app):
    report = runner.invoke(main, ["report", "translations", str(content_dir)])
    assert "es: 3 missing, 0 outdated, 1 machine, 0 reviewed" in report.output
    guide = content_dir / "conditions" / "high-blood-pressure" / "en.md"
    guide.write_text(guide.read_text().replace("Eat less salt.", "Eat less salt and fewer chips."))
    report = runner.invoke(main, ["report", "translations", str(content_dir), "--format", "markdown"])
    assert report.exit_code == 0, report.output
    assert "### es: 3 missing, 1 outdated, 0 machine, 0 reviewed" in report.output
    assert any(line.startswith("| conditions/high-blood-pressure | outdated |") for line in report.output.splitlines())
    from portal import create_app

    fresh = create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()
    notice = soup_of(fresh, "/es/conditions/high-blood-pressure/").find("p", class_="notice")
    assert "quiet" not in notice["class"] and notice.a["hreflang"] == "en"


def test_translation_needs_its_status(content_dir, runner, monkeypatch):
    page = content_dir / "conditions" / "high-blood-pressure" / "es.md"
    page.write_text(page.read_text().replace("translation:\n  status: machine\n", "").replace(
        "  source: 9ec2e4701611\n", ""))
    monkeypatch.chdir(content_dir.parent)
    result = runner.invoke(main, ["check", "content"])
    assert result.exit_code == 1
    assert ("content/conditions/high-blood-pressure/es.md:2: translation: a translation must say how it was made "
            "(add 'translation:' with 'status: machine' (or reviewed) and 'source:' the English page's "
            "12-character hash (portal report translations shows it))") in result.output.splitlines()


def test_hard_spanish_fails_the_readability_check(content_dir, runner, monkeypatch):
    page = content_dir / "conditions" / "high-blood-pressure" / "es.md"
    hard = ("La hipertensión arterial sistémica constituye una enfermedad cardiovascular crónica caracterizada "
            "por la elevación persistente de la presión intravascular, condicionando complicaciones multiorgánicas "
            "significativas que requieren intervención farmacológica individualizada y monitorización periódica.")
    text = page.read_text()
    for simple in ("La presión arterial es la fuerza de la sangre en sus venas.", "Tome sus pastillas todos los días.",
                   "Coma menos sal.", "Camine casi todos los días.", "Tiene dolor en el pecho.",
                   "Se siente mareado al ponerse de pie."):
        text = text.replace(simple, hard)
    page.write_text(text)
    monkeypatch.chdir(content_dir.parent)
    result = runner.invoke(main, ["check", "content"])
    assert result.exit_code == 1
    line = next(l for l in result.output.splitlines() if "Szigriszt-Pazos" in l)
    assert line.startswith("content/conditions/high-blood-pressure/es.md:22: readability: Szigriszt-Pazos score is ")
    assert line.endswith("(INFLESZ); at least 55 is required (use shorter sentences and shorter words, "
                         "aim for 65 ('bastante fácil'))")


def test_the_built_site_is_in_each_pages_language(starter_site):
    """Every frozen page renders in its own language (Frozen-Flask shares one app context across pages)."""
    for lang in LANGUAGES:
        expected = "Skip to main content"
        if lang != "en":
            with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
                expected = read_po(handle).get(expected).string
        for path in (f"{lang}/index.html", f"{lang}/conditions/asthma/index.html",
                     f"{lang}/resources/988-lifeline/index.html"):
            soup = BeautifulSoup((starter_site / path).read_text(), "html.parser")
            assert soup.find("a", class_="skip-link").get_text() == expected, path
