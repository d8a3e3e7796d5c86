"""The public pages, checked as parsed HTML: structure, landmarks, cross-links, safety boxes."""
from __future__ import annotations

from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from portal.content.body import render_markdown


def soup_of(client, url, status=200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.data, "html.parser")


PAGES = ["/en/", "/en/conditions/", "/en/conditions/high-blood-pressure/", "/en/medications/",
         "/en/medications/lisinopril/", "/en/resources/", "/en/resources/crisis-line/", "/en/about/", "/404.html"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_accessible_structure(client, url):
    soup = soup_of(client, url)
    assert soup.html["lang"] == "en" and soup.html["dir"] == "ltr"
    assert len(soup.find_all("h1")) == 1
    assert soup.find("main", id="main") and soup.find("header") and soup.find("footer") and soup.find("nav")
    skip = soup.find("a", class_="skip-link")
    assert skip["href"] == "#main"
    assert soup.title.string.endswith("| Care Guide Portal")
    assert not soup.find("script", src=lambda s: s and not s.startswith("/static/"))
    assert soup.find("link", rel="stylesheet")["href"] == "/static/site.css"


def test_condition_page_shows_the_guide(client):
    soup = soup_of(client, "/en/conditions/high-blood-pressure/")
    assert soup.h1.get_text() == "High blood pressure"
    assert soup.find("p", class_="also").get_text() == "Also called: hypertension, pressure"
    sections = [h.get_text() for h in soup.find_all("h2")]
    assert sections[:5] == ["What it is", "What you can do", "Your medicines", "When to get help",
                            "Questions to ask your care team"]
    box = soup.find("section", class_="get-help")
    emergency, clinic = box.find("div", class_="help-emergency"), box.find("div", class_="help-clinic")
    assert "Call 911 if" in emergency.h3.get_text()
    assert [li.get_text() for li in emergency.find_all("li")] == [
        "You have chest pain.", "You cannot talk or move one side of your body."]
    assert clinic.h3.get_text() == "Call your clinic if"
    phone = clinic.find("p", class_="clinic-phone")
    assert phone.a["href"] == "tel:+19515550100" and "Riverside Clinic" in phone.get_text()
    teach_back = soup.find("section", class_="teach-back")
    assert len(teach_back.find_all("li")) == 3
    # The body's medication:lisinopril link points at the medication page.
    body_link = soup.find("section", attrs={"aria-labelledby": "s-your-medicines"}).a
    assert body_link["href"] == "/en/medications/lisinopril/" and body_link.get_text() == "lisinopril"
    related = soup.find("section", class_="related")
    assert {a["href"] for a in related.find_all("a")} >= {
        "/en/medications/lisinopril/", "/en/conditions/heart-failure/", "/en/resources/crisis-line/"}
    footer = soup.find("footer", class_="guide-footer")
    assert footer.time["datetime"] == "2026-11-01" and footer.time.get_text() == "November 1, 2026"
    assert footer.find("ul", class_="sources").a["href"] == "https://medlineplus.gov/highbloodpressure.html"
    assert "ICD-10-CM codes: I10" in footer.get_text()
    assert soup.find("button", attrs={"data-print": True}).has_attr("hidden")
    assert soup.find("script", src="/static/print.js")
    assert "print-only" in soup.find("p", class_="print-info")["class"]


def test_medication_page_shows_names_and_uses(client):
    soup = soup_of(client, "/en/medications/lisinopril/")
    facts = {div.dt.get_text(): div.dd for div in soup.find("dl", class_="facts").find_all("div")}
    assert facts["Common name"].get_text() == "lisinopril"
    assert facts["Brand names"].get_text() == "Zestril, Prinivil"
    assert facts["Used for"].a["href"] == "/en/conditions/high-blood-pressure/"
    assert "RxNorm code: 29046" in soup.find("footer", class_="guide-footer").get_text()
    ordered = soup.find("section", attrs={"aria-labelledby": "s-how-to-take-it"}).find("ol")
    assert len(ordered.find_all("li")) == 2


def test_medications_index_finds_brand_names(client):
    soup = soup_of(client, "/en/medications/")
    brands = [li.get_text(" ", strip=True) for li in soup.find("ul", class_="brand-list").find_all("li")]
    assert brands == ["Prinivil: Lisinopril", "Zestril: Lisinopril"]


def test_home_offers_four_ways_in(client):
    soup = soup_of(client, "/en/")
    headings = [h.get_text() for h in soup.find_all("h2")]
    assert headings == ["Find a health condition", "Find a medicine", "Stay safe and well",
                        "Find help in your community"]
    need = soup.find("section", attrs={"aria-labelledby": "by-need"})
    assert [a["href"] for a in need.find_all("a")] == ["/en/categories/food/", "/en/categories/mental-health/"]


def test_unknown_pages_are_404_with_a_way_back(client):
    for url in ("/en/conditions/nope/", "/xx/", "/en/resources/nope/"):
        soup = soup_of(client, url, status=404)
        assert soup.h1.get_text() == "Page not found"
        assert soup.find("a", href="/en/conditions/")


def test_sitemap_and_robots(client):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [loc.text for loc in ElementTree.fromstring(response.data).iter(namespace + "loc")]
    assert "/en/conditions/heart-failure/" in locs and "/en/resources/crisis-line/" in locs
    assert "/es/categories/food/" in locs
    # five languages: indexes, guides, sheets, topics, resources, categories
    assert len(locs) == 5 * (6 + 2 + 1 + 1 + 2 + 2)
    assert client.get("/robots.txt").data.decode() == "User-agent: *\nAllow: /\n"


def test_full_base_url_makes_sitemap_absolute(content_dir):
    from portal import create_app

    app = create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_BASE_URL": "https://clinic.example/portal"})
    client = app.test_client()
    assert "Sitemap: https://clinic.example/portal/sitemap.xml" in client.get("/robots.txt").data.decode()
    assert "<loc>https://clinic.example/en/</loc>" in client.get("/sitemap.xml").data.decode()


@pytest.mark.parametrize("markdown, forbidden", [
    ("<script>alert(1)</script>", "<script"),
    ("[x](javascript:alert(1))", "javascript:"),
    ('<a href="#" onclick="steal()">x</a>', "onclick"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<img src="https://tracker.example/p.gif">', "<img"),
])
def test_markdown_is_sanitized(markdown, forbidden):
    assert forbidden not in render_markdown(markdown)


def test_markdown_keeps_safe_formatting():
    html = render_markdown("**Bold** and [MedlinePlus](https://medlineplus.gov/) and [x](condition:asthma)\n\n- one")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.strong.get_text() == "Bold"
    assert [a["href"] for a in soup.find_all("a")] == ["https://medlineplus.gov/", "condition:asthma"]
    assert soup.li.get_text() == "one"


def test_clinic_templates_replace_built_in_ones(content_dir, tmp_path):
    from portal import create_app

    (tmp_path / "theme" / "site").mkdir(parents=True)
    (tmp_path / "theme" / "site" / "about.html").write_text(
        '{% extends "site/base.html" %}{% block title %}About us{% endblock %}'
        "{% block main %}<h1>About Riverside Clinic</h1>{% endblock %}")
    app = create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_TEMPLATES_DIR": str(tmp_path / "theme")})
    soup = soup_of(app.test_client(), "/en/about/")
    assert soup.h1.get_text() == "About Riverside Clinic"
    assert soup.find("a", class_="skip-link")  # the built-in base template still wraps it


# --- issue 13: faults a reader meets ------------------------------------------------------------------

def test_body_phone_numbers_are_tap_to_call_and_isolated_left_to_right():
    html = render_markdown("Call Poison Control at 1-800-222-1222 or 911. Text 988. Keep it under 120/80 mm Hg "
                           "and 38.3°C. [Call us](tel:+19515550100) at 10 `code 211`.")
    soup = BeautifulSoup(html, "html.parser")
    links = {a.get_text(): a["href"] for a in soup.find_all("a")}
    assert links == {"1-800-222-1222": "tel:+18002221222", "911": "tel:911", "988": "tel:988",
                     "Call us": "tel:+19515550100"}
    isolated = [(b.get_text(), b["dir"]) for b in soup.find_all("bdi")]
    assert isolated == [("1-800-222-1222", "ltr"), ("120/80 mm Hg", "ltr"), ("38.3°C", "ltr")]
    assert soup.code.get_text() == "code 211"  # nothing is linked inside code or inside a link


def test_a_short_code_inside_a_longer_number_is_not_a_phone():
    soup = BeautifulSoup(render_markdown("Item 9110 and 2,911 and 911-0000 are not 911."), "html.parser")
    assert [a.get_text() for a in soup.find_all("a")] == ["911"]


def test_structured_numbers_and_codes_are_isolated_on_arabic_pages(client):
    guide = soup_of(client, "/ar/conditions/high-blood-pressure/")
    assert guide.find("p", class_="clinic-phone").a.bdi.get_text() == "(951) 555-0100"
    assert [b.get_text() for b in guide.find("p", class_="codes").find_all("bdi", dir="ltr")] == ["I10"]
    assert guide.find(class_="emergency-note").find("a", href="tel:911").get_text() == "911"
    pantry = soup_of(client, "/ar/resources/example-pantry/")
    assert pantry.find("a", href="tel:+19515550142").bdi["dir"] == "ltr"
    lines = [b.get_text() for b in pantry.address.find_all("bdi", dir="ltr")]
    assert lines[-1] == "Riverside, CA 92501" and len(lines) == 2
    category = soup_of(client, "/ar/categories/food/")
    assert category.address.bdi["dir"] == "ltr" and category.find("p", class_="phone").a.bdi


def test_english_listing_text_on_other_languages_is_marked_english(client):
    for lang in ("zh", "vi", "ar"):
        soup = soup_of(client, f"/{lang}/resources/")
        card = soup.select_one("#listings > li.resource-card")
        name, description = card.h3.a.span, card.find("p").span
        assert (name["lang"], name["dir"]) == ("en", "ltr") and name.get_text() == "988 Suicide & Crisis Lifeline"
        assert description["lang"] == "en" and description["dir"] == "ltr"
        page = soup_of(client, f"/{lang}/resources/example-pantry/")
        assert page.h1.span["lang"] == "en" and page.find("p", class_="lead").span["lang"] == "en"
    english = soup_of(client, "/en/resources/")
    assert not english.select("#listings span[lang]")


@pytest.mark.parametrize("url", ["/en/conditions/high-blood-pressure/", "/es/medications/lisinopril/",
                                 "/en/topics/preventing-falls/"])
def test_every_guide_jumps_to_when_to_get_help_from_its_top(client, url):
    soup = soup_of(client, url)
    jump = soup.select_one(".guide-header .jump-help a")
    target = soup.find(id=jump["href"].lstrip("#"))
    assert target.name == "h2" and target.get_text() == jump.get_text()
    assert target.find_parent("section")["class"] == ["get-help"]


def test_every_page_names_the_favicon_from_the_site(client):
    soup = soup_of(client, "/en/")
    assert soup.find("link", rel="icon")["href"] == "/static/favicon.svg"
    with client.get("/static/favicon.svg") as response:
        assert response.status_code == 200 and b"<svg" in response.data
        assert b"http" not in response.data.replace(b'xmlns="http://www.w3.org/2000/svg"', b"")  # loads nothing


def test_missing_pages_in_every_language(client):
    spanish = soup_of(client, "/es/404.html")
    assert spanish.html["lang"] == "es" and spanish.h1.get_text() not in ("", "Page not found")
    assert soup_of(client, "/es/conditions/nope/", status=404).h1.get_text() == spanish.h1.get_text()
    arabic = soup_of(client, "/ar/nope/", status=404)
    assert arabic.html["dir"] == "rtl" and arabic.find("a", href="/ar/conditions/")
    root = soup_of(client, "/404.html")
    others = {s["lang"]: s for s in root.find_all("section", class_="not-found-other")}
    assert set(others) == {"es", "zh", "vi", "ar"} and others["ar"]["dir"] == "rtl"
    assert others["es"].h2.get_text() == spanish.h1.get_text() and others["es"].find("a", href="/es/")


def _code_page(content_dir, **settings):
    from portal import create_app

    app = create_app({"PORTAL_CONTENT_DIR": str(content_dir), **settings})
    app.config["SITE_IS_STATIC"] = settings.pop("static", False)
    return soup_of(app.test_client(), "/en/code/")


def test_code_page_without_an_api_says_codes_are_not_used(content_dir):
    built = _code_page(content_dir, static=True)  # a static build with PORTAL_API_URL empty
    assert not built.find("form", id="code-form") and not built.find("script", src="/static/code.js")
    assert "does not use reading codes" in built.find("p", class_="lead").get_text()
    assert not built.select('.site-header nav:not(.languages) a[href$="/code/"]')  # no link offers code entry
    with_api = _code_page(content_dir, static=True, PORTAL_API_URL="https://api.clinic.example")
    assert with_api.find("form", id="code-form")["data-api"] == "https://api.clinic.example"
    live = _code_page(content_dir)  # 'portal serve': the API is the site's own origin
    assert live.find("form", id="code-form") and live.find("script", src="/static/code.js")


def test_full_base_url_makes_alternates_and_printed_address_absolute(content_dir):
    from portal import create_app

    app = create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_BASE_URL": "https://clinic.example.org/sub/"})
    soup = soup_of(app.test_client(), "/es/conditions/heart-failure/")
    alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate")}
    assert alternates["en"] == "https://clinic.example.org/en/conditions/heart-failure/"
    assert alternates["x-default"] == "https://clinic.example.org/"
    assert "https://clinic.example.org/es/conditions/heart-failure/" in soup.find(class_="print-info").get_text()
