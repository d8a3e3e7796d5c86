"""The search delta's figures: python bench/search_delta.py [--pages 1000].

A synthetic site (bench/generate.py, English) is built with its full index, one guide's body
sentence is edited and the site rebuilt: that build indexes the edited page, with its background
sample of unchanged pages, into pagefind-delta/. Then, in Chromium, for the edited guide's title word:

1. Its score and rank in Pagefind's results (as search.js filters them) with the delta as built,
   with a delta of the edited page alone (no sample), and in a full index of the edited site (what a
   clean build gives). Pagefind ranks with BM25: a word's weight falls with the share of the index's
   pages that have it, so in a delta of one page every word weighs ln(1 + 0.5/1.5) = 0.29.
2. What a first search downloads with the delta (state.json and the delta's entry, metadata, index
   chunks and fragments) and without one.
Prints a Markdown table (bench/README.md).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from portal.build import _index_delta  # noqa: E402
from portal.search.pagefind import BUNDLE, DELTA, SAMPLE_PAGES, STATE, index_site, page_ids, sample, write_state  # noqa: E402

EDITED = "conditions/condition-00001/en.md"
OLD, NEW = "Everyone feels worried or nervous at times.", "Everyone feels worried or nervous some days."
PAGE = "/en/conditions/condition-00001/"
# Pagefind's results for a word, as search.js filters them (state.json's hidden ids, each page once).
MEASURE = """async (word) => {
    const pf = await import(document.querySelector('[data-search]').dataset.pagefind);
    await pf.options({ baseUrl: "/", noWorker: true, ranking: { diacriticSimilarity: 0 } });
    const state = await (await fetch("/pagefind-delta/state.json")).json();
    if (state.delta) await pf.mergeIndex("/pagefind-delta/");
    const hidden = new Set([...(state.hide_base || []), ...(state.hide_delta || [])]);
    const results = (await pf.search(word)).results.filter((r) => !hidden.has(r.id));
    const urls = await Promise.all(results.map(async (r) => (await r.data()).url));
    const rank = urls.indexOf("%s");
    return { rank: rank + 1, score: rank >= 0 ? results[rank].score : null, results: results.length,
             best: results.length ? results[0].score : null };
}""" % PAGE


def build(content: Path, output: Path, cache: Path) -> None:
    env = {**os.environ, "PORTAL_CACHE_DIR": str(cache), "PORTAL_LANGUAGES": "en"}
    subprocess.run([sys.executable, "build.py", "--content", str(content), "--output", str(output)],
                   cwd=ROOT, env=env, check=True, capture_output=True)


def serve(site: Path, index_root: Path):
    """A server of the site whose pagefind/ and pagefind-delta/ come from `index_root`."""
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def translate_path(self, path):
            clean = path.split("?")[0]
            if clean.startswith(("/pagefind/", "/pagefind-delta/")):
                return str(index_root / clean.lstrip("/"))
            return super().translate_path(path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def variants(site: Path, work: Path, sizes: list[int]) -> dict[str, Path]:
    """Folders holding pagefind/ and pagefind-delta/: the delta as built, a delta without its sample,
    deltas with samples of other sizes (made as the build makes its delta), and a full index of the same pages."""
    built, alone, full = work / "v-built", work / "v-alone", work / "v-full"
    others = {size: work / f"v-sample-{size}" for size in sizes if size != SAMPLE_PAGES}
    for folder in (built, alone, full, *others.values()):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for name in (BUNDLE, DELTA):
        shutil.copytree(site / name, built / name)
    state = json.loads((site / DELTA / STATE).read_text())
    assert state["delta"] and state["hide_base"], state
    shutil.copytree(site / BUNDLE, alone / BUNDLE)
    index_site([site], {PAGE.lstrip("/") + "index.html"}, alone, DELTA)
    write_state(alone / DELTA, {**state, "hide_delta": []})
    base_ids = page_ids(site / BUNDLE)
    edited = PAGE.lstrip("/") + "index.html"
    for size, folder in others.items():
        shutil.copytree(site / BUNDLE, folder / BUNDLE)
        _index_delta(folder, [site], set(), {"ids": base_ids, "dirty": []}, {edited}, {edited},
                     sample(base_ids, {edited}, size))
    index_site([site], {p.relative_to(site).as_posix() for p in site.rglob("*.html")}, full)
    write_state(full / DELTA, {"delta": False})
    return {f"delta with its sample of {SAMPLE_PAGES} (as built)": built,
            **{f"delta with a sample of {size}": folder for size, folder in others.items()},
            "delta of the edited page alone": alone, "full index (clean build)": full}


def measure(site: Path, roots: dict[str, Path], word: str, more_words: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, root in roots.items():
            server = serve(site, root)
            try:
                base = f"http://127.0.0.1:{server.server_address[1]}"
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{base}/en/search/")
                page.wait_for_load_state("networkidle")
                figures[name] = page.evaluate(MEASURE, word)
                figures[name]["words"] = {other: page.evaluate(MEASURE, other) for other in more_words}
                context.close()
                # A first search as a reader makes it, through search.js: what it downloads.
                context = browser.new_context()
                page = context.new_page()
                seen: list[tuple[str, int]] = []
                page.on("response", lambda r, seen=seen: r.ok and seen.append((r.url, len(r.body()))))
                page.goto(f"{base}/en/search/?q={word}")
                page.wait_for_function("() => { const s = document.querySelector('[data-search-status]');"
                                       " return s.textContent && !s.textContent.endsWith('…'); }")
                page.wait_for_load_state("networkidle")
                first = page.locator("[data-search-results] li h2 a").first.get_attribute("href")
                figures[name].update(first_result=first, bytes=sum(b for _, b in seen),
                                     pagefind_bytes=sum(b for u, b in seen if "/pagefind/" in u),
                                     delta_bytes=sum(b for u, b in seen if "/pagefind-delta/" in u),
                                     delta_requests=sum(1 for u, _ in seen if "/pagefind-delta/" in u))
                context.close()
            finally:
                server.shutdown()
                server.server_close()
        browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="content pages of the synthetic site")
    parser.add_argument("--word", default="anxiety", help="a word of the edited guide's title")
    parser.add_argument("--words", nargs="*", default=["worried", "panic", "breathing", "caffeine", "therapy",
                                                         "muscles", "asleep", "alcohol", "doctor", "fear"],
                        help="more words of the edited guide: the edited page's score for each, in every variant")
    parser.add_argument("--samples", type=int, nargs="*", default=[SAMPLE_PAGES],
                        help="sample sizes to compare, each made into a delta as the build makes one")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "care-guide-bench-delta")
    args = parser.parse_args()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    content, site, cache = work / "content", work / "site", work / "cache"
    generate(content, args.pages)
    build(content, site, cache)
    guide = content / EDITED
    guide.write_text(guide.read_text().replace(OLD, NEW))
    build(content, site, cache)
    figures = measure(site, variants(site, work, args.samples), args.word, args.words)
    print(json.dumps(figures, indent=2))
    print(f"\n| {args.pages:,} pages, '{args.word}' | rank of the edited page | its score | best score | results "
          f"| first search: bytes | of which pagefind-delta/ |")
    print("|---|---|---|---|---|---|---|")
    for name, f in figures.items():
        print(f"| {name} | {f['rank']} | {f['score']:.2f} | {f['best']:.2f} | {f['results']} | {f['bytes']:,} "
              f"| {f['delta_bytes']:,} ({f['delta_requests']} requests) |")
    full = figures["full index (clean build)"]["words"]
    print(f"\n| {args.pages:,} pages, {len(full)} more words of the edited guide | its score vs the full index's: "
          "median error | largest error | rank, mean distance from the full index's |")
    print("|---|---|---|---|")
    for name, f in figures.items():
        errors = sorted(abs(f["words"][w]["score"] / full[w]["score"] - 1) for w in full if f["words"][w]["score"])
        if len(errors) < len(full):
            print(f"| {name} | (the page is not found for {len(full) - len(errors)} words) | | |")
            continue
        ranks = [abs(f["words"][w]["rank"] - full[w]["rank"]) for w in full]
        print(f"| {name} | {100 * errors[len(errors) // 2]:.0f} % | {100 * errors[-1]:.0f} % | "
              f"{sum(ranks) / len(ranks):.1f} |")


if __name__ == "__main__":
    main()
