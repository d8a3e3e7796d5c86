"""The portal's clean build against Pelican 4 on the same pages, in one run:
python bench/pelican.py [--pages 1000] [--runs 5].

bench/generate.py writes the portal's content tree; `to_pelican` turns the same pages into plain
Markdown with Pelican's metadata (guides and sheets with their teach-back questions, sources and
related pages, resources as their listing's text), cross-links made Pelican `{filename}` links.
Then each round builds, from nothing (empty output and cache folders), in turn:

- Pelican (`python -m pelican`, the same Python-Markdown extensions as the portal, no feeds),
- the portal without its search-index step (bench/build_without_index.py),
- the portal as `python build.py` runs it (with the Pagefind index),

and records each command's wall time and CPU time (user + system of its whole process tree: the
build, its worker processes and Pagefind, from getrusage(RUSAGE_CHILDREN)). It reports medians
and the portal's CPU time as a multiple of Pelican's measured in the same run.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402

FOLDERS = {"condition": "conditions", "medication": "medications", "resource": "resources"}
PELICAN_SETTINGS = '''\
AUTHOR = "Care Guide Portal"
SITENAME = "Care Guide Portal"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
# The portal publishes no feeds; Pelican renders with the portal's own Markdown extensions.
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
MARKDOWN = {"extensions": ["markdown.extensions.tables", "markdown.extensions.sane_lists"],
            "output_format": "html5"}
DEFAULT_PAGINATION = False
'''
VARIANTS = ("pelican", "portal without index", "portal with index")


def _split(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), body


def _link(kind: str, slug: str) -> str:
    return f"{{filename}}/{FOLDERS[kind]}/{slug}.md"


def _header(title: str, date, category: str, slug: str, summary: str) -> str:
    return (f"Title: {title}\nDate: {date}\nCategory: {category}\nSlug: {slug}\n"
            f"Summary: {' '.join(str(summary).split())}\n\n")


def _listing(data: dict) -> str:
    """A resource listing as the Markdown a Pelican user would write for it."""
    lines = [" ".join(data["description"].split()), ""]
    for label, key in (("Who can use it", "eligibility"), ("Cost", "cost"), ("How to apply", "application_process")):
        if data.get(key):
            lines.append(f"- **{label}:** {' '.join(str(data[key]).split())}")
    for phone in data.get("phones", []):
        lines.append(f"- **{phone['type'].capitalize()}:** {phone['number']}. {phone.get('description', '')}")
    if data.get("website"):
        lines.append(f"- **Web site:** <{data['website']}>")
    for location in data.get("locations", []):
        address = location.get("address", {})
        lines.append("- **Address:** " + ", ".join(str(v) for v in address.values() if v))
    if data.get("languages"):
        lines.append(f"- **Languages:** {', '.join(data['languages'])}")
    return "\n".join(lines) + "\n"


def to_pelican(content: Path, out: Path) -> int:
    """Write the English pages of a portal content tree as Pelican Markdown into `out`; return how many."""
    if out.exists():
        shutil.rmtree(out)
    files = {kind: sorted((content / folder).glob("*/en.md")) for kind, folder in FOLDERS.items() if kind != "resource"}
    pages = {kind: {path.parent.name: _split(path.read_text(encoding="utf-8")) for path in paths}
             for kind, paths in files.items()}
    listings = {path.stem: yaml.load(path.read_text(encoding="utf-8"),
                                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
                for path in sorted((content / "resources").glob("*.yaml")) if not path.name.startswith("_")}
    titles = {**{slug: meta["title"] for kind in pages for slug, (meta, _) in pages[kind].items()},
              **{slug: data["name"] for slug, data in listings.items()}}
    count = 0
    for kind, items in pages.items():
        folder = out / FOLDERS[kind]
        folder.mkdir(parents=True)
        for slug, (meta, body) in items.items():
            body = re.sub(r"\]\((condition|medication|resource):([a-z0-9-]+)\)",
                          lambda m: f"]({_link(m.group(1), m.group(2))})", body)
            text = _header(meta["title"], meta["last_reviewed"], FOLDERS[kind].capitalize(), slug, meta["summary"])
            text += body.strip() + "\n\n## Check what you learned\n\n"
            text += "".join(f"{n}. {q}\n" for n, q in enumerate(meta.get("teach_back", []), 1))
            related = [(k, s) for field, k in (("related_conditions", "condition"), ("treats", "condition"),
                                               ("related_medications", "medication"),
                                               ("related_resources", "resource")) for s in meta.get(field, [])]
            if related:
                text += "\n## Related pages\n\n" + "".join(f"- [{titles[s]}]({_link(k, s)})\n" for k, s in related)
            text += "\n## Sources\n\n" + "".join(f"- [{s['title']}]({s['url']})\n" for s in meta.get("sources", []))
            (folder / f"{slug}.md").write_text(text, encoding="utf-8")
            count += 1
    folder = out / "resources"
    folder.mkdir(parents=True)
    for slug, data in listings.items():
        text = _header(data["name"], data["last_verified"], "Resources", slug, data["description"]) + _listing(data)
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
        count += 1
    return count


def measure(command: list[str], env: dict) -> tuple[float, float]:
    """Run a command to its end; return its wall seconds and the CPU seconds (user + system) of its
    process tree (every descendant is waited for by its parent, so RUSAGE_CHILDREN counts it)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare(pages: int, runs: int, work: Path, languages: str = "en") -> dict:
    """Build the same `pages` pages with Pelican and the portal, interleaved, `runs` times each (after one
    warm-up round that is not counted); return the medians and the ratios to Pelican."""
    if importlib.util.find_spec("pelican") is None:
        raise SystemExit("Pelican is missing: pip install -e '.[bench]' (make bench does)")
    content, peer = work / f"peer-content-{pages}", work / f"peer-pelican-{pages}"
    generate(content, pages)
    converted = to_pelican(content, peer)
    settings = work / "pelicanconf.py"
    settings.write_text(PELICAN_SETTINGS)
    output, cache = work / "peer-output", work / "peer-cache"
    env = {**os.environ, "PORTAL_CACHE_DIR": str(cache), "PORTAL_LANGUAGES": languages}
    portal = ["--content", str(content), "--output", str(output)]
    commands = {
        "pelican": [PYTHON, "-m", "pelican", str(peer), "--settings", str(settings), "--output", str(output),
                    "--quiet"],
        "portal without index": [PYTHON, "bench/build_without_index.py", *portal],
        "portal with index": [PYTHON, "build.py", *portal],
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    for round_ in range(runs + 1):
        order = VARIANTS if round_ % 2 else VARIANTS[::-1]  # neither always runs first after the other
        for name in order:
            shutil.rmtree(output, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            result = measure(commands[name], env)
            if round_:  # round 0 warms the disk cache and compiles every module once
                times[name].append(result)
            print(f"  {name}: {result[1]:.2f} CPU-s, {result[0]:.2f} s", file=sys.stderr, flush=True)
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    report = {"pages": pages, "pelican pages": converted, "runs": runs, "languages": languages, "builds": {}}
    pelican_cpu = statistics.median(cpu for _, cpu in times["pelican"])
    pelican_wall = statistics.median(wall for wall, _ in times["pelican"])
    for name in VARIANTS:
        cpu = statistics.median(c for _, c in times[name])
        wall = statistics.median(w for w, _ in times[name])
        report["builds"][name] = {"CPU s": round(cpu, 2), "wall s": round(wall, 2),
                                  "CPU vs Pelican": round(cpu / pelican_cpu, 2),
                                  "wall vs Pelican": round(wall / pelican_wall, 2),
                                  "CPU s, every run": [round(c, 2) for _, c in times[name]]}
    return report


def render(report: dict) -> str:
    """The comparison as a Markdown table (the one bench/README.md shows)."""
    lines = [f"Clean builds of {report['pages']} pages, medians of {report['runs']} interleaved runs",
             "", "| build | CPU s | wall s | CPU vs Pelican | wall vs Pelican |", "|---|---|---|---|---|"]
    lines += [f"| {name} | {b['CPU s']} | {b['wall s']} | {b['CPU vs Pelican']:.2f} | {b['wall vs Pelican']:.2f} |"
              for name, b in report["builds"].items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="content pages to build")
    parser.add_argument("--runs", type=int, default=5, help="counted builds of each kind")
    parser.add_argument("--languages", default="en", help="PORTAL_LANGUAGES for the portal's builds")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "care-guide-bench")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    report = compare(args.pages, args.runs, args.work, args.languages)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))


if __name__ == "__main__":
    main()
