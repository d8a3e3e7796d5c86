"""Reproduce every benchmark figure: python bench/run.py [--scales 500 2000 10000] [--runs 5].

Prints a table and writes bench/results/<date>-<scale list>.json with the machine's cores and
memory. Whole commands are timed: full builds once each (they take minutes at 10,000 pages),
rebuilds with hyperfine (median of --runs runs). bench/README.md explains each figure.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from bench.pelican import compare, render as render_peer  # noqa: E402
from portal.sitecheck import scan  # noqa: E402


# Reading smaps_rollup walks a process's page tables: every 50 ms, at 10,000 pages, that added about 50 s
# of system time to the build measured. A quarter second still catches Pagefind's peak, which lasts seconds.
SAMPLE_SECONDS = 0.25


def tree_memory_kb(pid: int) -> int:
    """Memory of a process and all its descendants (Linux PSS: pages shared after fork are split
    between the processes sharing them, so forked workers are not counted twice)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(next(l.split()[1] for l in rollup.splitlines() if l.startswith("Pss:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_measured(command: list[str], env: dict) -> tuple[float, int, str]:
    """Run a command; return wall seconds, peak memory (PSS) of its process tree in KB, and stderr."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_memory_kb(process.pid))
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    return elapsed, peak, stderr


def hyperfine_median(command: str, prepare: str, runs: int, env: dict) -> float:
    """Median seconds of `command` over `runs` runs, `prepare` run before each."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(["hyperfine", "--style", "none", "--runs", str(runs), "--prepare", prepare,
                        "--export-json", out.name, command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        return json.loads(Path(out.name).read_text())["results"][0]["median"]


def page_weight(site: Path) -> dict:
    """Bytes of HTML + CSS + JS and number of requests: the largest guide, the home page, the directory, the
    largest page of the lists of guides (every condition, medicine or topic, A to Z) and the reading list."""
    figures = {}
    guides = list((site / "en" / "conditions").glob("*/index.html")) + list((site / "en" / "medications").glob("*/index.html"))
    largest = max(guides, key=lambda p: p.stat().st_size)
    lists = [page for kind in ("conditions", "medications", "topics") for page in
             [site / "en" / kind / "index.html", *(site / "en" / kind / "page").glob("*/index.html")] if page.is_file()]
    for name, page in (("largest guide page", largest), ("home page", site / "en" / "index.html"),
                       ("directory page", site / "en" / "resources" / "index.html"),
                       ("largest page of a list of guides", max(lists, key=lambda p: p.stat().st_size)),
                       ("reading list page", site / "en" / "read" / "index.html")):
        loads = [url for kind, url in scan(page.read_text())[0] if kind == "load"]
        assets = [site / url.lstrip("/") for url in loads]
        figures[name] = {"bytes": page.stat().st_size + sum(a.stat().st_size for a in assets),
                         "requests": 1 + len(loads)}
    return figures


def directory_sizes(site: Path) -> dict:
    """The directory at this scale: its list pages (every service A to Z and each kind of help, page by
    page) and the files its filters and "near me" load (those pages, and the ZIP code centers of the
    states served): how many, and the largest of each, in bytes as stored (HTML or JSON alone)."""
    lists = [site / "en" / "resources" / "index.html", *(site / "en" / "resources" / "page").glob("*/index.html"),
             *(site / "en" / "categories").rglob("index.html")]
    zips = sorted((site / "directory" / "zip").glob("*.json"))

    def largest(files: list[Path]) -> dict:
        if not files:
            return {"bytes": 0, "file": "-"}
        biggest = max(files, key=lambda p: p.stat().st_size)
        return {"bytes": biggest.stat().st_size, "file": biggest.relative_to(site).as_posix()}

    return {"list pages": len(lists), "largest list page": largest(lists), "ZIP code files": len(zips),
            "largest ZIP code file": largest(zips)}


def bench_scale(pages: int, runs: int, work: Path, languages: str = "en") -> dict:
    content, output, cache = work / f"content-{pages}", work / f"site-{pages}", work / f"cache-{pages}"
    templates = work / f"templates-{pages}"
    for folder in (output, cache, templates):
        shutil.rmtree(folder, ignore_errors=True)
    counts = generate(content, pages)
    shutil.copytree(ROOT / "portal" / "site" / "templates", templates)
    env = {**os.environ, "PORTAL_CACHE_DIR": str(cache), "PORTAL_TEMPLATES_DIR": str(templates),
           "PORTAL_LANGUAGES": languages}
    build = [PYTHON, "build.py", "--content", str(content), "--output", str(output)]
    seconds, peak_kb, log = run_measured(build, env)
    built = int(log.strip().splitlines()[-1].split()[1])
    result = {"content files": sum(counts.values()) + 1, "site pages": built,
              "full build s": round(seconds, 2), "full build peak MB": round(peak_kb / 1024),
              "pages per second": round(built / seconds)}
    command = " ".join(build)
    guide = content / "conditions" / "condition-00001" / "en.md"
    base = templates / "site" / "base.html"
    toggle = ("python3 -c \"import sys,pathlib; p=pathlib.Path(sys.argv[1]); t=p.read_text(); "
              "a,b=sys.argv[2],sys.argv[3]; p.write_text(t.replace(a,b) if a in t else t.replace(b,a))\" ")
    result["no-change rebuild s"] = round(hyperfine_median(command, "true", runs, env), 2)
    # A sentence of the guide's body: an edit of its front matter (title, summary) is shown on other pages
    # too (lists, related links), so it renders those again, as it must.
    sentence = next(line for line in guide.read_text().split("\n---\n", 1)[1].splitlines()
                    if line and line[0].isalpha() and line.endswith(".")).split(". ")[0].rstrip(".")
    # A new version at every run, as an author's edit is: toggling between two versions would find both in
    # the content cache after the first runs, and measure a rebuild that reads no file.
    edit = ("python3 -c \"import re,sys,time,pathlib; p=pathlib.Path(sys.argv[1]); s=sys.argv[2]; "
            "p.write_text(re.sub(re.escape(s) + r'( [(][0-9]+[)])?[.]', lambda m: '%s (%d).' % (s, time.time_ns()), "
            "p.read_text(), count=1))\" ")
    result["one guide changed s"] = round(hyperfine_median(
        command, edit + " ".join(map(shlex.quote, (str(guide), sentence))), runs, env), 2)
    # A guide's summary (shown on the list of conditions and nowhere else) and a listing that guides name (its
    # eligibility: shown on its page, its list pages and those guides), each with a new version at every run.
    stamp = ("python3 -c \"import re,sys,time,pathlib; p=pathlib.Path(sys.argv[1]); "
             "p.write_text(re.sub('(?m)^(' + sys.argv[2] + r': .*?)( [(][0-9]+[)])?$', "
             "lambda m: '%s (%d)' % (m.group(1), time.time_ns()), p.read_text(), count=1))\" ")
    listing = content / "resources" / "resource-00001.yaml"
    result["one guide's summary changed s"] = round(hyperfine_median(
        command, stamp + f"{shlex.quote(str(guide))} summary", runs, env), 2)
    result["one listing changed s"] = round(hyperfine_median(
        command, stamp + f"{shlex.quote(str(listing))} eligibility", runs, env), 2)
    result["one template changed s"] = round(hyperfine_median(
        command, toggle + f"{base} 'In an emergency, call 911.' 'In an emergency, call 911 right away.'", runs, env), 2)
    result["one interface string changed s"] = round(hyperfine_median(
        command, toggle + f"{base} 'Skip to main content' 'Skip to the main content'", runs, env), 2)
    result["page weight"] = page_weight(output)
    result["directory"] = directory_sizes(output)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[500, 2000, 10000], help="content pages to build")
    parser.add_argument("--runs", type=int, default=5, help="hyperfine runs per rebuild figure")
    parser.add_argument("--languages", default="en", help="PORTAL_LANGUAGES for the builds (the synthetic pages "
                        "are English; other languages add fallback pages)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "care-guide-bench")
    parser.add_argument("--peer-pages", type=int, default=1000, help="pages of the clean-build comparison with "
                        "Pelican (bench/pelican.py); 0 leaves it out")
    parser.add_argument("--peer-runs", type=int, default=5, help="interleaved runs of each build in that comparison")
    args = parser.parse_args()
    if not shutil.which("hyperfine"):
        raise SystemExit("hyperfine is missing: apt-get install hyperfine (or run 'make bench')")
    machine = {"cores": os.cpu_count(), "memory GB": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
                                                           / 2**30, 1),
               "python": platform.python_version(), "date": dt.datetime.now().isoformat(timespec="seconds"),
               "languages": args.languages}
    results = {}
    for pages in args.scales:
        print(f"building {pages} pages ...", file=sys.stderr, flush=True)
        results[pages] = bench_scale(pages, args.runs, args.work, args.languages)
    report = {"machine": machine, "build": results}
    if args.peer_pages:
        print(f"clean builds of {args.peer_pages} pages, Pelican and the portal ...", file=sys.stderr, flush=True)
        args.work.mkdir(parents=True, exist_ok=True)
        report["against Pelican"] = compare(args.peer_pages, args.peer_runs, args.work, args.languages)
    out = ROOT / "bench" / "results" / f"{dt.date.today().isoformat()}-build-{'-'.join(map(str, args.scales))}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    print(f"\nwritten to {out.relative_to(ROOT)}")


def render(report: dict) -> str:
    """The results as a Markdown table (the same one bench/README.md shows)."""
    scales = list(report["build"])
    rows = [k for k in next(iter(report["build"].values())) if k not in ("page weight", "directory")]
    lines = [f"Machine: {report['machine']['cores']} cores, {report['machine']['memory GB']} GB, "
             f"Python {report['machine']['python']}, {report['machine']['date']}", "",
             "| figure | " + " | ".join(f"{s} pages" for s in scales) + " |",
             "|---|" + "---|" * len(scales)]
    lines += [f"| {row} | " + " | ".join(str(report["build"][s][row]) for s in scales) + " |" for row in rows]
    weight = report["build"][scales[-1]]["page weight"]
    lines += ["", "| page | bytes (HTML+CSS+JS) | requests |", "|---|---|---|"]
    lines += [f"| {name} | {w['bytes']:,} | {w['requests']} |" for name, w in weight.items()]
    lines += ["", "| directory | " + " | ".join(f"{s} pages" for s in scales) + " |", "|---|" + "---|" * len(scales)]
    for row in ("list pages", "largest list page", "ZIP code files", "largest ZIP code file"):
        cells = [report["build"][s]["directory"][row] for s in scales]
        lines.append(f"| {row} | " + " | ".join(f"{c['bytes']:,} ({c['file']})" if isinstance(c, dict) else str(c)
                                              for c in cells) + " |")
    if "against Pelican" in report:
        lines += ["", render_peer(report["against Pelican"])]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
