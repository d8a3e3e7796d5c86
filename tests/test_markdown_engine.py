"""The per-document Markdown set-up (portal.content.markdown_engine) gives exactly Python-Markdown's HTML."""
from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from portal.content import markdown_engine
from portal.content.frontmatter import split_markdown_file

ROOT = Path(__file__).parent.parent
BODIES = sorted((ROOT / "content").glob("*/*/*.md")) + sorted((Path(__file__).parent / "fixtures").rglob("*.md"))

# Each part the engine may leave out, written so that it matches (and near-misses that must not).
SAMPLES = [
    "Use `code` and ``two `ticks` ``.", "Escaped \\*stars\\* and \\[brackets\\].",
    "A [link](https://medlineplus.gov/) and [a guide](condition:asthma).",
    "A [reference][ref] and a [ref] short one.\n\n[ref]: https://www.cdc.gov/ \"CDC\"",
    "An image ![chart](https://example.org/a.png) and ![ref image][ref].\n\n[ref]: https://example.org/b.png",
    "An autolink <https://www.nih.gov/> and a mail <help@example.org>.",
    "Raw <span>inline</span> and a block:\n\n<div>\nblock\n</div>\n\nafter <!-- note --> end.",
    "Entities &amp; &copy; &#169; &#xA9; and AT&T.", "Line one  \nline two\t\nline three \r\nfour  \r\nfive",
    "**Strong**, *em*, __strong__, _em_, ***both***, snake_case_word and 2 * 3 * 4.",
    "| Name | Dose |\n| --- | --- |\n| a | b |\n\nNo|table here",
    "> A quote\n> on two lines\n\nnot > a quote", "Text\x02with\x03 control [chars](x)\x02]:",
    "- one\n- two\n\n1. first\n2. second\n\n3) third", "Heading\n=======\n\n## Two\n\n***\n\n    code block",
    "[not a ref]:", "tab\tand\ttabs  ", "trailing spaces at the end  ", "",
    "Code `a\\b\\\\c` and a [link](https://example.org/a\\_b \"t\\*\") and \\\\`tick`",
]


def _plain(text: str) -> str:
    return markdown.Markdown(extensions=list(markdown_engine.EXTENSIONS)).convert(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_same_html_as_python_markdown_on_every_construct(text):
    assert markdown_engine.convert(text) == _plain(text)


def test_same_html_as_python_markdown_on_every_page():
    assert len(BODIES) > 100
    for path in BODIES:
        split, _ = split_markdown_file(path.read_text(encoding="utf-8"), str(path))
        assert markdown_engine.convert(split.body) == _plain(split.body), path


def test_parts_are_left_out_only_where_they_cannot_match():
    md = markdown_engine.markdown_for("Plain words, a list:\n\n- one\n- two")
    assert "link" not in md.inlinePatterns and "em_strong" not in md.inlinePatterns
    assert "table" not in md.parser.blockprocessors and "ulist" in md.parser.blockprocessors
    md = markdown_engine.markdown_for("A [link](x) with **bold** in a | table |")
    assert {"link", "em_strong"} <= {p.name for p in md.inlinePatterns._priority}
    assert "table" in md.parser.blockprocessors and "reference" not in md.inlinePatterns
    assert "unescape" not in md.treeprocessors and "unescape" in markdown_engine.markdown_for("a\\*b").treeprocessors
    # a tab becomes spaces before the patterns run, so it can make a line break
    assert "linebreak" in markdown_engine.markdown_for("ab\t\ncd").inlinePatterns
