"""Lighthouse 12 (tools/lighthouse, pinned by its lockfile; `make lighthouse` installs it) on Debian's
Chromium: a guide, a listing and the search page of the starter site score 100 in accessibility, best
practices and SEO.

The site is built with a full base URL (as a clinic publishes it) and served on 127.0.0.1; Chromium runs
with its background networking off, so a run asks nothing of any other machine.
"""
from __future__ import annotations

import json
import os
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, STARTER
from portal.cli import main

LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "seo")
# Chromium still tries its component updater and network clock at start: the host resolver rule fails
# every name but 127.0.0.1 inside the browser, so not even a DNS query leaves the machine.
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
                " --disable-sync --no-first-run --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'")
PAGES = {"guide": "en/conditions/asthma/", "listing": "en/resources/example-food-pantry/", "search": "en/search/"}
RUN_TIMEOUT = 240  # seconds for one Lighthouse run; a run on a quiet machine takes about ten


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def published_site(tmp_path_factory):
    """The starter site built for http://127.0.0.1:<port>/sub/ and served at that address."""
    root = tmp_path_factory.mktemp("published")
    with ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root))) as server:
        base_url = f"http://127.0.0.1:{server.server_address[1]}/sub/"
        built = CliRunner().invoke(main, ["build", "--content", str(STARTER), "--output", str(root / "sub"),
                                          "--base-url", base_url])
        assert built.exit_code == 0, built.output
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield base_url
        server.shutdown()


def lighthouse(url: str, report: Path) -> dict:
    """Run the pinned Lighthouse CLI on url, with Debian's Chromium; its JSON report."""
    assert LIGHTHOUSE.exists(), f"Lighthouse is not installed: run `make lighthouse` ({LIGHTHOUSE} is missing)"
    command = [str(LIGHTHOUSE), url, f"--only-categories={','.join(CATEGORIES)}", "--output=json",
               f"--output-path={report}", "--quiet", "--disable-full-page-screenshot", "--throttling-method=provided",
               "--max-wait-for-load=30000", f"--chrome-flags={CHROME_FLAGS}"]
    env = dict(os.environ, CHROME_PATH="/usr/bin/chromium")
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert run.returncode == 0, f"Lighthouse failed on {url}:\n{run.stderr[-3000:]}"
    return json.loads(report.read_text(encoding="utf-8"))


def failing_audits(report: dict, category: str) -> list[str]:
    """The audits that cost the category points, with what Lighthouse says about each."""
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            items = (audit.get("details") or {}).get("items") or []
            lines.append(f"{audit['id']}: {audit['title']} {json.dumps(items)[:600]}")
    return lines


@pytest.mark.parametrize("kind", PAGES)
def test_lighthouse_scores_100(published_site, tmp_path, kind):
    report = lighthouse(published_site + PAGES[kind], tmp_path / "report.json")
    assert "runtimeError" not in report, report["runtimeError"]
    assert report["finalDisplayedUrl"] == published_site + PAGES[kind]
    scores = {category: report["categories"][category]["score"] for category in CATEGORIES}
    problems = {category: failing_audits(report, category) for category in CATEGORIES if scores[category] != 1}
    assert scores == dict.fromkeys(CATEGORIES, 1), json.dumps({**problems, "warnings": report["runWarnings"]},
                                                                    indent=1, ensure_ascii=False)
