"""Write a deterministic synthetic content tree of a chosen size, valid under `portal check`.

Pages are made from the starter library's own files under new slugs, so the text has the
length and shape of real guides. The same arguments always give the same bytes.

    python bench/generate.py OUT_DIR --pages 2000
"""
from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

STARTER = Path(__file__).resolve().parent.parent / "content"
SHARES = {"condition": 0.4, "medication": 0.3, "resource": 0.3}


def _sources(kind: str) -> list[Path]:
    folder = {"condition": "conditions", "medication": "medications"}.get(kind)
    if folder:
        return sorted((STARTER / folder).glob("*/en.md"))
    return sorted(p for p in (STARTER / "resources").glob("*.yaml") if not p.name.startswith("_"))


def _relink(text: str, n: int, counts: dict[str, int]) -> str:
    """Point every slug list and body link at synthetic pages that exist."""
    def slug(kind: str, i: int) -> str:
        return f"{kind}-{i % counts[kind]:05d}"

    def replace_list(match: re.Match) -> str:
        field, items = match.group(1), [s.strip() for s in match.group(2).split(",") if s.strip()]
        kind = {"related_conditions": "condition", "treats": "condition", "related_medications": "medication",
                "related_resources": "resource"}[field]
        return f"{field}: [{', '.join(slug(kind, n + 1 + k) for k in range(len(items)))}]"

    text = re.sub(r"^(related_conditions|related_medications|related_resources|treats): \[(.*)\]$",
                  replace_list, text, flags=re.M)
    text = re.sub(r"^related_topics: \[.*\]\n", "", text, flags=re.M)  # synthetic trees have no topics
    text = re.sub(r"\[([^\]]*)\]\(topic:[a-z0-9-]+\)", r"\1", text)
    return re.sub(r"\]\((condition|medication|resource):[a-z0-9-]+\)",
                  lambda m: f"]({m.group(1)}:{slug(m.group(1), n + 7)})", text)


def _distinct_listing(source: str, n: int) -> str:
    """A copy of a starter listing with its own name, phones and web page, so `portal check` sees no duplicate."""
    text = re.sub(r"^name: .*$", f"name: Synthetic service {n:05d}", source, count=1, flags=re.M)
    text = re.sub(r"^website: .*$", f"website: https://service-{n:05d}.example.org/", text, flags=re.M)
    text = re.sub(r"^not_duplicate_of: .*\n", "", text, flags=re.M)
    numbers = iter(range(n * 4, n * 4 + 100))

    def own_number(match: re.Match) -> str:
        if len(re.sub(r"\D", "", match[2])) <= 3:  # 211, 988: shared short codes stay
            return match[0]
        k = next(numbers)
        return f'{match[1]}"1-800-{200 + k // 10000:03d}-{k % 10000:04d}"'
    return re.sub(r'^(\s*- number: )"?([^"\n]*)"?$', own_number, text, flags=re.M)


def generate(out: Path, pages: int) -> dict[str, int]:
    """Write about `pages` pages (conditions, medications, resources) into `out`."""
    if out.exists():
        shutil.rmtree(out)
    counts = {kind: max(1, round(pages * share)) for kind, share in SHARES.items()}
    shutil.copy(STARTER / "taxonomy.yaml", out.mkdir(parents=True) or out / "taxonomy.yaml")
    for kind, count in counts.items():
        sources = _sources(kind)
        for n in range(count):
            source = sources[n % len(sources)].read_text(encoding="utf-8")
            slug = f"{kind}-{n:05d}"
            if kind == "resource":
                text = _distinct_listing(source, n)
                (out / "resources").mkdir(exist_ok=True)
                (out / "resources" / f"{slug}.yaml").write_text(text, encoding="utf-8")
                continue
            text = re.sub(r"^title: (.*)$", rf"title: \1 {n:05d}", source, count=1, flags=re.M)
            folder = out / ("conditions" if kind == "condition" else "medications") / slug
            folder.mkdir(parents=True)
            (folder / "en.md").write_text(_relink(text, n, counts), encoding="utf-8")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=500, help="about how many content pages to write")
    args = parser.parse_args()
    counts = generate(args.out, args.pages)
    print(f"wrote {sum(counts.values())} content files to {args.out}: {counts}")


if __name__ == "__main__":
    main()
