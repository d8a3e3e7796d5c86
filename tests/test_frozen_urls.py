"""The build's URLs, built from the URL map (portal.frozen_urls), are Frozen-Flask's own, under any base URL."""
from __future__ import annotations

import pytest
from flask_frozen import Freezer

from portal.build import _freezer, make_site, plan
from portal.config import load_settings
from portal.content import load_library
from portal.frozen_urls import page_urls
from conftest import STARTER


def _frozen_flask_urls(app, pages, destination) -> list[str]:
    """What the build asked Frozen-Flask for before: all_urls() over the planned pages (nothing is written)."""
    return list(_freezer(app, destination, pages, static=False).all_urls())


@pytest.mark.parametrize("base", ["/", "/clinic-portal/", "https://clinic.example.org/sub/"])
def test_every_planned_url_is_the_one_frozen_flask_builds(base, tmp_path):
    settings = load_settings({"PORTAL_CONTENT_DIR": str(STARTER), "PORTAL_BASE_URL": base,
                              "PORTAL_CACHE_DIR": str(tmp_path / "cache")}, environ={})
    library = load_library(settings["PORTAL_CONTENT_DIR"], settings["PORTAL_LANGUAGES"])
    app = make_site(library, settings)
    pages = plan(app)
    built = page_urls(app, [(page.endpoint, page.values) for page in pages])
    assert built == _frozen_flask_urls(app, pages, tmp_path / "site")
    assert "/en/" in built and "/en/conditions/asthma/" in built
    assert not any(url.startswith(("/clinic", "/sub/")) for url in built)


def test_a_quoted_value_is_unquoted_as_frozen_flask_does(app):
    pages = [("site.condition", {"lang": "en", "slug": "a b"}), ("site.home", {"lang": "es"})]
    app.config["FREEZER_BASE_URL"] = "http://localhost/clinic-portal/"
    freezer = Freezer(app, with_static_files=False, with_no_argument_rules=False, log_url_for=False)
    freezer.register_generator(lambda: iter(pages))
    assert page_urls(app, pages) == list(freezer.all_urls()) == ["/en/conditions/a b/", "/es/"]
