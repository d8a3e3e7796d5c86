"""Check that a change to the build leaves its output alone: python bench/same_output.py [--base REV] [--pages 1000].

Builds the starter library (every language) and a generated tree of --pages pages (English)
twice, once with the code of git revision --base (default HEAD, so run it before committing)
and once with this checkout, and compares every built file byte for byte and what
`portal check` prints. Exits 1 and names the files that differ. The search index is left out
of the builds (it is Pagefind's output, not the portal's). The base revision's builds are kept
in the temporary folder (care-guide-same-output/COMMIT) for the next run.
"""
from __future__ import annotations

import argparse
import filecmp
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402


def checkout(rev: str, into: Path) -> Path:
    """The tracked files of `rev` (git archive), without touching any work tree."""
    data = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def build(code: Path, content: Path, output: Path, cache: Path, languages: str | None) -> str:
    """Build `content` into `output` with the code in `code`; return what `portal check` printed."""
    env = {**os.environ, "PYTHONPATH": str(code), "PORTAL_CACHE_DIR": str(cache)}
    if languages:
        env["PORTAL_LANGUAGES"] = languages
    # No search index: the index step makes none (its files, the published ones it replaces, its state) and the
    # check does not look for one.
    runner = ("import sys, portal.build; portal.build.index = lambda *a, **k: (set(), [], None); "
              "portal.build.check_index = lambda *a, **k: []; from portal.cli import build; build(prog_name='build')")
    subprocess.run([sys.executable, "-c", runner, "--content", str(content), "--output", str(output)],
                   cwd=code, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check = subprocess.run([sys.executable, "-c", "from portal.cli import main; main()", "check", str(content)],
                           cwd=code, env={**env, "PORTAL_CACHE_DIR": ""}, capture_output=True, text=True)
    return f"exit {check.returncode}\n{check.stdout}{check.stderr}"


# Files a build no longer writes, on purpose: the static site carried the console's own CSS and JS (the
# freezer copied every blueprint's static folder); its app is now the public site alone.
GONE_ON_PURPOSE = {"console/static/console.css", "console/static/console.js"}


def differences(a: Path, b: Path) -> list[str]:
    """Files only in one tree, or whose bytes differ."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()} - GONE_ON_PURPOSE
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    found = [f"only before: {f}" for f in sorted(files_a - files_b)]
    found += [f"only after: {f}" for f in sorted(files_b - files_a)]
    found += [f"differs: {f}" for f in sorted(files_a & files_b) if not filecmp.cmp(a / f, b / f, shallow=False)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="the git revision to compare with")
    parser.add_argument("--pages", type=int, default=1000, help="pages of the generated tree (0: starter only)")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", args.base], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout.strip()
    kept = Path(tempfile.gettempdir()) / "care-guide-same-output" / commit
    work = Path(tempfile.mkdtemp(prefix="same-output-"))
    try:
        trees = [("starter", ROOT / "content", None)]
        if args.pages:
            trees.append((f"pages-{args.pages}", work / "generated", "en"))
            generate(work / "generated", args.pages)
        problems = []
        for name, content, languages in trees:
            before_site, report = kept / name, kept / f"{name}.check"
            if not report.is_file():
                print(f"{name}: building with {args.base} ...", file=sys.stderr, flush=True)
                base = kept / "code" if (kept / "code").is_dir() else checkout(args.base, kept / "code")
                shutil.rmtree(before_site, ignore_errors=True)
                report.write_text(build(base, content, before_site, work / f"cache-{name}-before", languages))
            print(f"{name}: building with this checkout ...", file=sys.stderr, flush=True)
            before = report.read_text()
            after = build(ROOT, content, work / f"{name}-after", work / f"cache-{name}-after", languages)
            found = differences(before_site, work / f"{name}-after")
            if before != after:
                found.append(f"portal check printed something else:\n--- before\n{before}\n--- after\n{after}")
            problems += [f"{name}: {line}" for line in found]
            print(f"{name}: {'same' if not found else f'{len(found)} difference(s)'}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("The build's output and portal check's report are the same.")


if __name__ == "__main__":
    main()
