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


def test_the_build_without_its_index_step_still_builds_the_rest(tmp_path):
    """bench/pelican.py's "portal without the index step" replaces build.index; it must keep matching it."""
    import os
    import subprocess
    import sys

    content = tmp_path / "content"
    generate(content, 30)
    env = {**os.environ, "PORTAL_CACHE_DIR": str(tmp_path / "cache"), "PORTAL_LANGUAGES": "en"}
    done = subprocess.run([sys.executable, "bench/build_without_index.py", "--content", str(content),
                           "--output", str(tmp_path / "site")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "site" / "en" / "conditions" / "condition-00001" / "index.html").is_file()
    assert not (tmp_path / "site" / "pagefind").exists()
