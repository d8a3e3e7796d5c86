"""Search figures: python bench/search.py [--pages 10000] [--rounds 5].

1. API search latency: every query of tests/search_cases.yaml through /api/v1/search (Flask test
   client, Whoosh index already open), `--rounds` times; median and 95th percentile.
2. What a first static search downloads: a synthetic site of `--pages` content pages is built
   (bench/generate.py, with its Pagefind index), served by a plain HTTP server, and Chromium
   opens its search page with a query; every response of that visit is summed (the page, its CSS
   and JS, and Pagefind's files). A plain server sends no compression, so these are the bytes on
   the wire from such a host; the gzip figure is what a host that compresses text sends.
Writes bench/results/<date>-search-<pages>.json and prints a Markdown table (bench/README.md).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from portal import create_app  # noqa: E402

QUERIES = ["diabetes", "water pill", "short of breath"]  # static searches measured on the large site
TEXT = (".html", ".css", ".js", ".json")


def api_latency(rounds: int, cache: Path) -> dict:
    """Median and p95 milliseconds of /api/v1/search over the relevance set (starter library)."""
    cases = yaml.safe_load((ROOT / "tests" / "search_cases.yaml").read_text(encoding="utf-8"))["cases"]
    app = create_app({"PORTAL_CONTENT_DIR": str(ROOT / "content"), "PORTAL_CACHE_DIR": str(cache)})
    client = app.test_client()
    started = time.perf_counter()
    client.get("/api/v1/search", query_string={"q": "warm up"})  # builds (or opens) the index
    opened = time.perf_counter() - started
    times = []
    for _ in range(rounds):
        for case in cases:
            started = time.perf_counter()
            response = client.get("/api/v1/search", query_string={"q": str(case["q"]), "lang": case["lang"]})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    times.sort()
    return {"queries": len(times), "index built s": round(opened, 2), "median ms": round(statistics.median(times), 1),
            "p95 ms": round(times[int(len(times) * 0.95) - 1], 1), "max ms": round(times[-1], 1)}


def build_site(pages: int, work: Path) -> Path:
    content, output = work / f"content-{pages}", work / f"site-{pages}" / "sub"
    if not (output / "pagefind" / "pagefind-entry.json").is_file():
        generate(content, pages)
        env = {**os.environ, "PORTAL_CACHE_DIR": str(work / f"cache-{pages}"), "PORTAL_LANGUAGES": "en"}
        subprocess.run([sys.executable, "build.py", "--content", str(content), "--output", str(output),
                        "--base-url", "/sub/"], cwd=ROOT, env=env, check=True)
    return output


def static_bytes(site: Path) -> dict:
    """Bytes Chromium downloads to open the search page and run one query, per query."""
    from playwright.sync_api import sync_playwright

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site.parent)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    figures = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for query in QUERIES:
                context = browser.new_context()  # a first visit: nothing cached
                page = context.new_page()
                seen: list[tuple[str, int, int]] = []

                def record(response, seen=seen):
                    if response.ok:
                        body = response.body()
                        gz = len(gzip.compress(body)) if response.url.split("?")[0].endswith(TEXT) else len(body)
                        seen.append((response.url, len(body), gz))

                page.on("response", record)
                page.goto(f"{base}/sub/en/search/?q={query.replace(' ', '+')}")
                page.wait_for_function("() => { const s = document.querySelector('[data-search-status]');"
                                       " return s.textContent && !s.textContent.endsWith('…'); }")
                page.wait_for_load_state("networkidle")
                search_only = [s for s in seen if "/pagefind/" in s[0]]
                figures[query] = {"requests": len(seen), "bytes": sum(s[1] for s in seen),
                                  "bytes gzip": sum(s[2] for s in seen),
                                  "pagefind bytes": sum(s[1] for s in search_only),
                                  "results": page.locator("[data-search-results] li").count()}
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10000, help="content pages of the synthetic site")
    parser.add_argument("--rounds", type=int, default=5, help="times each relevance query is run")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "care-guide-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    cache = args.work / "search-cache"
    shutil.rmtree(cache, ignore_errors=True)
    latency = api_latency(args.rounds, cache)
    site = build_site(args.pages, args.work)
    weight = static_bytes(site)
    index_bytes = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    report = {"machine": {"cores": os.cpu_count(), "date": dt.datetime.now().isoformat(timespec="seconds")},
              "api": latency, "static": {"content pages": args.pages, "index bytes on disk": index_bytes,
                                         "first search": weight}}
    out = ROOT / "bench" / "results" / f"{dt.date.today().isoformat()}-search-{args.pages}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    print(f"\nwritten to {out.relative_to(ROOT)}")


def render(report: dict) -> str:
    api, static = report["api"], report["static"]
    lines = [f"API search over the relevance set ({api['queries']} queries): median {api['median ms']} ms, "
             f"p95 {api['p95 ms']} ms, max {api['max ms']} ms (index built or opened in {api['index built s']} s)", "",
             f"First static search on a site of {static['content pages']:,} content pages "
             f"(Pagefind index {static['index bytes on disk']:,} bytes on disk):", "",
             "| query | requests | bytes (plain host) | bytes (gzip host) | of which Pagefind | results |",
             "|---|---|---|---|---|---|"]
    for query, f in static["first search"].items():
        lines.append(f"| {query} | {f['requests']} | {f['bytes']:,} | {f['bytes gzip']:,} | {f['pagefind bytes']:,} "
                     f"| {f['results']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
