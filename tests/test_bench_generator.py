"""The benchmark's synthetic content is valid portal content, and the same every time."""
from __future__ import annotations

from bench.generate import generate
from conftest import ROOT
from portal.content import load_library
from test_incremental import tree


def test_generated_content_is_valid_and_deterministic(tmp_path):
    counts = generate(tmp_path / "a", 60)
    generate(tmp_path / "b", 60)
    assert counts == {"condition": 24, "medication": 18, "resource": 18}
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    library = load_library(tmp_path / "a")
    assert (len(library.conditions), len(library.medications), len(library.resources)) == (24, 18, 18)
    # Cross-links point at synthetic pages, never at starter-library slugs.
    page = library.conditions["condition-00003"]["en"]
    assert page.meta.related_medications and all(s.startswith("medication-") for s in page.meta.related_medications)
    assert str(ROOT) not in (tmp_path / "a" / "conditions" / "condition-00003" / "en.md").read_text()
