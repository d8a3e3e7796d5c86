"""What patients expect from the sites they already use, in real Chromium: read aloud, text size,
dark mode, sending a page, and reading offline as an installed web app."""
from __future__ import annotations

import json
import struct
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal import create_app
from portal.content import load_library
from portal.sitecheck import check_site
from conftest import FIXTURES, LANGUAGES, STARTER
from test_browser import browser, page  # noqa: F401  (the Chromium fixtures)

GUIDE = "/sub/en/conditions/asthma/"

# A stand-in for the browser's speech synthesis (headless Chromium has no voices): one voice on the
# device for American English, and for Arabic only a network voice, which the site must not use.
# Voices arrive when the test calls __speech.loadVoices(), as they do some time after a real page loads.
FAKE_SPEECH = """
(() => {
  const voices = [
    {name: "On-device English", lang: "en-US", localService: true, default: true, voiceURI: "local-en"},
    {name: "Cloud Arabic", lang: "ar-SA", localService: false, default: false, voiceURI: "cloud-ar"},
  ];
  const speech = {calls: [], utterances: [], loaded: false, listeners: []};
  speech.loadVoices = () => { speech.loaded = true; speech.listeners.forEach((f) => f(new Event("voiceschanged"))); };
  speech.fire = (index, type) => { const u = speech.utterances[index]; if (u["on" + type]) u["on" + type]({utterance: u}); };
  window.__speech = speech;
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; this.voice = null; this.lang = ""; } };
  Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
    getVoices: () => (speech.loaded ? voices.slice() : []),
    speak: (u) => { speech.calls.push("speak"); speech.utterances.push(u); },
    pause: () => speech.calls.push("pause"),
    resume: () => speech.calls.push("resume"),
    cancel: () => speech.calls.push("cancel"),
    addEventListener: (type, listener) => { if (type === "voiceschanged") speech.listeners.push(listener); },
  }});
})();
"""


@pytest.fixture
def speaking_page(browser):  # noqa: F811
    context = browser.new_context()
    context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    yield page
    context.close()


def test_read_aloud_speaks_the_sections_in_order_with_a_device_voice(speaking_page, site_server):
    page = speaking_page
    page.goto(site_server + GUIDE)
    controls = page.locator("[data-read-aloud]")
    assert controls.is_hidden()  # no voices yet
    page.evaluate("__speech.loadVoices()")
    start = page.get_by_role("button", name="Read aloud")
    assert start.is_visible()
    assert Axe().run(page).violations_count == 0
    start.click()

    spoken = page.evaluate("__speech.utterances.map((u) => ({text: u.text, voice: u.voice.voiceURI, lang: u.lang}))")
    asthma = load_library(STARTER, LANGUAGES).conditions["asthma"]["en"]
    titles = ([section.title for section in asthma.sections if section.title]
              + ["Goals you can set with your care team"] * bool(asthma.care_plan) + ["Check what you learned"])
    assert spoken[0]["text"].split("\n")[0] == asthma.title and asthma.summary in spoken[0]["text"]
    assert "Read aloud" not in spoken[0]["text"] and "Print this page" not in spoken[0]["text"]
    assert [s["text"].split("\n")[0] for s in spoken[1:]] == titles
    assert len(spoken) == 1 + len(titles)  # the header, each section, the questions; not "Related pages"
    assert all(s["voice"] == "local-en" and s["lang"] == "en-US" for s in spoken)
    assert any("911" in s["text"] for s in spoken)

    def reading() -> list[str]:
        return page.evaluate("[...document.querySelectorAll('.reading-now')].map((s) => s.querySelector('h1, h2').textContent)")

    page.evaluate("__speech.fire(0, 'start')")
    assert reading() == [asthma.title]
    page.evaluate("__speech.fire(0, 'end'); __speech.fire(1, 'start')")
    assert reading() == [titles[0]]
    page.wait_for_function("document.querySelector('.reading-now').getBoundingClientRect().top < 200")  # scrolled to it

    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="Stop reading").click()
    assert page.evaluate("__speech.calls.filter((c) => c !== 'speak')") == ["cancel", "pause", "resume", "cancel"]
    assert reading() == [] and start.is_visible() and start.evaluate("(b) => b === document.activeElement")


def test_read_aloud_is_hidden_without_a_voice_on_the_device_for_the_language(speaking_page, site_server):
    speaking_page.goto(site_server + "/sub/ar/conditions/type-2-diabetes/")
    speaking_page.evaluate("__speech.loadVoices()")
    assert speaking_page.locator("[data-read-aloud]").is_hidden()  # the cloud voice is never used
    assert speaking_page.evaluate("__speech.calls") == []


def test_text_size_is_remembered_and_set_before_the_page_is_drawn(page, site_server):  # noqa: F811
    page.goto(site_server + GUIDE)
    larger = page.get_by_role("button", name="Larger text")
    normal_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    larger.click()
    larger.click()
    assert page.evaluate("[document.documentElement.dataset.textSize, localStorage.getItem('cgp-text-size')]") \
        == ["larger", "larger"]
    assert larger.get_attribute("aria-disabled") == "true"
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == normal_size * 1.5
    # On the next page, the size is on <html> before <body> exists, so nothing is drawn at the old size.
    page.add_init_script("""new MutationObserver((records, observer) => {
        if (document.body) { window.__sizeAtBody = document.documentElement.dataset.textSize || null; observer.disconnect(); }
      }).observe(document, {childList: true, subtree: true});""")
    page.goto(site_server + "/sub/en/medications/warfarin/")
    assert page.evaluate("window.__sizeAtBody") == "larger"
    page.get_by_role("button", name="Smaller text").click()
    assert page.evaluate("localStorage.getItem('cgp-text-size')") == "large"


def test_the_largest_text_reflows_at_320_css_pixels(browser, site_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 320, "height": 640})
    context.add_init_script("localStorage.setItem('cgp-text-size', 'larger')")
    page = context.new_page()
    for path in [GUIDE, "/sub/en/medications/warfarin/", "/sub/en/resources/", "/sub/en/", "/sub/ar/conditions/copd/"]:
        page.goto(site_server + path)
        assert page.evaluate("document.documentElement.dataset.textSize") == "larger"
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    context.close()


def test_dark_mode_follows_the_device_with_enough_contrast(browser, site_server):  # noqa: F811
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    contrast = {"runOnly": ["color-contrast"], "resultTypes": ["violations"]}
    for path in ["/sub/en/conditions/heart-failure/", "/sub/en/resources/", "/sub/en/search/",
                 "/sub/en/resources/example-food-pantry/", "/sub/vi/medications/metformin/"]:
        page.goto(site_server + path)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 23, 27)"
        results = Axe().run(page, options=contrast)
        assert results.violations_count == 0, results.generate_report()
    page.focus("main a")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineColor") == "rgb(255, 191, 71)"
    page.emulate_media(media="print")  # a handout is printed dark text on white, whatever the screen shows
    assert page.evaluate("[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]") \
        == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    context.close()


def test_send_this_page_uses_the_share_sheet_with_the_clean_address(browser, site_server):  # noqa: F811
    context = browser.new_context()
    context.add_init_script("navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };")
    page = context.new_page()
    page.goto(site_server + GUIDE + "?utm_source=newsletter&fbclid=abc#s-when-to-get-help")
    assert page.locator("[data-share-sms]").is_hidden() and page.locator("[data-share-email]").is_hidden()
    page.get_by_role("button", name="Send this page").click()
    assert page.evaluate("window.__shared") == {"title": "Asthma", "url": site_server + GUIDE}
    context.close()


def test_send_this_page_by_text_or_email_without_a_share_sheet(browser, site_server):  # noqa: F811
    context = browser.new_context()
    context.add_init_script("delete Navigator.prototype.share; delete navigator.share;")
    page = context.new_page()
    page.goto(site_server + "/sub/en/resources/988-lifeline/?ref=clinic")
    name = page.locator("h1").inner_text()
    address = site_server + "/sub/en/resources/988-lifeline/"
    assert page.get_by_role("button", name="Send this page").is_hidden()
    assert page.get_by_role("link", name="Send by text message").get_attribute("href") \
        == "sms:?&body=" + quote(f"{name} {address}", safe="~()*!.'")
    assert page.get_by_role("link", name="Send by email").get_attribute("href") \
        == f"mailto:?subject={quote(name, safe='~()*!.')}&body={quote(name + chr(10) + address, safe='~()*!.')}"
    context.close()


def test_without_javascript_the_controls_that_need_it_stay_hidden(browser, site_server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server + GUIDE)
    for selector in ["[data-read-aloud]", "[data-text-size-tools]", "[data-share]", "[data-offline-notice]"]:
        assert page.locator(selector).is_hidden(), selector
    assert page.locator(".get-help").is_visible()
    context.close()


def kept(page, path: str) -> bool:
    return page.evaluate("(path) => caches.open('cgp:/sub/:pages').then((c) => c.match(path)).then((r) => !!r)", path)


def test_the_reading_list_names_its_pages_from_the_pages_themselves(page, site_server, starter_site):  # noqa: F811
    """The reading list holds no catalog of the site: each chosen page gives its title (in the reader's
    language, or marked English while it is not translated); an address the site does not have is left out,
    and a reference that is not a page is ignored."""
    html = (starter_site / "ar" / "read" / "index.html").read_text()
    assert "Anxiety" not in html and "988 Suicide" not in html and len(html) < 12_000  # the same at any size
    starter = load_library(STARTER, LANGUAGES)
    english = next(slug for slug in starter.conditions if starter.page("condition", slug, "ar").lang == "en")
    arabic = next(slug for slug in starter.medications if starter.page("medication", slug, "ar").lang == "ar")
    refs = f"condition:{english},medication:{arabic},resource:988-lifeline,condition:no-such-page,topic:../../x,c:{english}"
    page.goto(site_server + "/sub/ar/read/#" + quote(refs))
    page.wait_for_selector("#reading-list a", state="visible")
    links = page.locator("#reading-list a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        f"/sub/ar/conditions/{english}/", f"/sub/ar/medications/{arabic}/", "/sub/ar/resources/988-lifeline/"]
    assert links.nth(0).inner_text() == starter.page("condition", english, "en").title
    assert links.nth(0).get_attribute("lang") == "en"  # (no Arabic version yet: the Arabic address shows the English)
    assert links.nth(1).inner_text() == starter.page("medication", arabic, "ar").title
    assert links.nth(1).get_attribute("lang") is None
    # A listing's name without an Arabic version: marked English, left to right, so "988" stays in front.
    assert links.nth(2).inner_text() == "988 Suicide & Crisis Lifeline"
    assert links.nth(2).get_attribute("lang") == "en" and links.nth(2).get_attribute("dir") == "ltr"
    box = page.evaluate("""() => { const a = document.querySelectorAll('#reading-list a')[2], r = document.createRange();
        r.selectNodeContents(a.firstChild); r.setStart(a.firstChild, 0); r.setEnd(a.firstChild, 3);
        const digits = r.getBoundingClientRect(); r.setStart(a.firstChild, 4); r.setEnd(a.firstChild, 11);
        return [digits.left, r.getBoundingClientRect().left]; }""")
    assert box[0] < box[1]  # on screen, "988" is left of "Suicide"
    assert page.locator("#reading-empty").is_hidden()

    page.goto(site_server + "/sub/en/read/#condition:no-such-page")
    page.wait_for_selector("#reading-empty", state="visible")
    assert page.locator("#reading-list").is_hidden()
    # A host whose catch-all rule answers a missing page with the 404 page and status 200.
    missing = (starter_site / "404.html").read_text()
    page.route("**/sub/en/conditions/no-such-page/", lambda route: route.fulfill(status=200, body=missing,
                                                                                  content_type="text/html"))
    # (Only what follows '#' changes, as when a second list is opened in the same tab: the page draws it.)
    page.goto(site_server + "/sub/en/read/#condition:no-such-page,condition:" + english)
    page.wait_for_selector("#reading-list a", state="visible")
    assert page.locator("#reading-list a").all_inner_texts() == [starter.page("condition", english, "en").title]


def test_pages_opened_before_are_readable_offline(browser, site_server):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_server + GUIDE)  # the first visit installs the service worker
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)") == site_server + "/sub/sw.js"
    page.wait_for_function("() => caches.open('cgp:/sub/:pages').then((c) => c.match('" + GUIDE + "')).then((r) => !!r)")
    page.goto(site_server + "/sub/en/medications/warfarin/")
    page.goto(site_server + "/sub/en/read/#condition:type-2-diabetes")  # the reading list keeps its pages
    page.wait_for_function("() => caches.open('cgp:/sub/:pages').then((c) => c.match('/sub/en/conditions/type-2-diabetes/')).then((r) => !!r)")
    assert kept(page, "/sub/en/medications/warfarin/") and not kept(page, "/sub/en/conditions/copd/")

    context.set_offline(True)
    page.goto(site_server + "/sub/en/medications/warfarin/")
    assert page.locator("h1").inner_text() == "Warfarin"
    page.reload()
    assert page.locator("h1").inner_text() == "Warfarin"
    assert page.get_by_text("You are offline. Pages you opened before are still here.").is_visible()
    page.goto(site_server + GUIDE + "?from=text")
    assert page.locator("h1").inner_text() == "Asthma"
    page.goto(site_server + "/sub/en/read/#condition:type-2-diabetes")
    page.get_by_role("link", name="Type 2 diabetes").click()
    page.wait_for_url("**/conditions/type-2-diabetes/")
    assert page.locator("h1").inner_text() == "Type 2 diabetes"

    page.goto(site_server + "/sub/en/conditions/copd/")  # never opened on this device
    assert page.locator("h1").inner_text() == "You are offline"
    assert "Pages you opened before are still here." in page.locator("main").inner_text()
    page.wait_for_selector("[data-offline-pages] a")
    titles = page.locator("[data-offline-pages] a").all_inner_texts()
    assert {"Asthma", "Warfarin", "Type 2 diabetes"} <= set(titles)
    context.close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_build_has_a_manifest_icons_and_a_service_worker_at_its_root(starter_site):
    manifest = json.loads((starter_site / "es" / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == "/sub/es/" and manifest["scope"] == "/sub/" and manifest["display"] == "standalone"
    assert manifest["lang"] == "es" and manifest["theme_color"] and manifest["background_color"]
    sizes = {(icon["sizes"], icon["purpose"]): icon["src"] for icon in manifest["icons"]}
    assert set(sizes) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (size, _), src in sizes.items():
        width = int(size.split("x")[0])
        assert png_size((starter_site / src.removeprefix("/sub/")).read_bytes()) == (width, width)
    worker = (starter_site / "sw.js").read_text()
    assert '"base": "/sub/"' in worker and "/sub/static/site.css" in worker and "/sub/ar/read/" in worker
    assert "pagefind/" not in worker.split("const SETTINGS")[1].split("\n")[0]  # the index is not precached
    page = (starter_site / "en" / "conditions" / "asthma" / "index.html").read_text()
    assert '<link rel="manifest" href="/sub/en/manifest.webmanifest">' in page
    assert 'rel="canonical"' not in page  # the base URL is a path: share.js uses the page's own address
    assert "/sub/en/offline/" not in (starter_site / "sitemap.xml").read_text()


def test_canonical_address_when_the_base_url_is_absolute():
    app = create_app({"PORTAL_CONTENT_DIR": str(FIXTURES / "content"), "PORTAL_BASE_URL": "https://clinic.example/portal/"})
    html = app.test_client().get("/en/", base_url="https://clinic.example/portal/").get_data(as_text=True)
    assert '<link rel="canonical" href="https://clinic.example/portal/en/">' in html


def test_the_site_check_follows_the_manifest_to_its_icons(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "index.html").write_text("<p>Choose your language</p>")
    (tmp_path / "en" / "index.html").write_text('<link rel="manifest" href="/sub/en/manifest.webmanifest">')
    manifest = {"start_url": "/sub/en/", "scope": "/sub/", "icons": [{"src": "/sub/static/icons/icon-192.png"}]}
    (tmp_path / "en" / "manifest.webmanifest").write_text(json.dumps(manifest))
    assert check_site(tmp_path, "/sub/") == ["en/manifest.webmanifest: broken link /sub/static/icons/icon-192.png "
                                             "(no file static/icons/icon-192.png)"]
    (tmp_path / "en" / "manifest.webmanifest").write_text("{not json")
    assert check_site(tmp_path, "/sub/") == ["en/manifest.webmanifest: the web app manifest is not valid JSON "
                                             "(it is written by portal/site/webapp.py)"]
