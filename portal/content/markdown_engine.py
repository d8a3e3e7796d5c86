"""Python-Markdown, set up for each document with only the parts that can match somewhere in it.

Python-Markdown tries each of its inline patterns on every run of text, and each block
processor on every block. Most of them need a character that a page rarely writes: an image
needs "![", raw HTML and autolinks "<", a code span "`", a reference link a "[id]: url" line.
A part whose trigger appears nowhere in the document can match nowhere in it, so leaving it
out gives the same HTML, about a third sooner. One Markdown instance is kept for each set of
parts left out (a handful for a whole library). Parts not named here are always kept.
"""
from __future__ import annotations

import markdown
from markdown.util import ETX, STX

EXTENSIONS = ("tables", "sane_lists")
TAB_LENGTH = 4  # Python-Markdown's default, which Markdown() below keeps
# Inline pattern -> strings one of which the document must contain for the pattern to match.
INLINE_TRIGGERS = {
    "backtick": ("`",), "escape": ("\\",),
    "reference": ("]:",), "short_reference": ("]:",),  # only a "[id]: url" line defines a reference
    "link": ("[",), "image_link": ("![",), "image_reference": ("![",), "short_image_ref": ("![",),
    "autolink": ("<",), "automail": ("<",), "html": ("<",), "entity": ("&",),
    "linebreak": ("  \n",), "em_strong": ("*", "_"), "em_strong2": ("_",), "not_strong": ("*", "_"),
}
# Block processor -> the same (the reference processor takes every block and gives back those without one).
BLOCK_TRIGGERS = {"table": ("|",), "quote": (">",), "reference": ("]:",)}
# Tree processor -> the same: "unescape" restores what a backslash escaped (as escape and backtick write it).
TREE_TRIGGERS = {"unescape": ("\\",)}

_instances: dict[tuple[frozenset, ...], markdown.Markdown] = {}


def _normalized(text: str) -> str:
    """The text as Python-Markdown's first preprocessor leaves it (what its patterns see)."""
    text = text.replace(STX, "").replace(ETX, "").replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
    return text.expandtabs(TAB_LENGTH)


def _unused(triggers: dict[str, tuple[str, ...]], text: str) -> frozenset:
    return frozenset(name for name, needs in triggers.items() if not any(need in text for need in needs))


def markdown_for(text: str) -> markdown.Markdown:
    """A Markdown instance, reset, without the parts that cannot match in `text`."""
    probe = _normalized(text)
    key = (_unused(INLINE_TRIGGERS, probe), _unused(BLOCK_TRIGGERS, probe), _unused(TREE_TRIGGERS, probe))
    md = _instances.get(key)
    if md is None:
        md = markdown.Markdown(extensions=list(EXTENSIONS))
        for name in key[0]:
            if name in md.inlinePatterns:
                md.inlinePatterns.deregister(name)
        for name in key[1]:
            if name in md.parser.blockprocessors:
                md.parser.blockprocessors.deregister(name)
        for name in key[2]:
            if name in md.treeprocessors:
                md.treeprocessors.deregister(name)
        _instances[key] = md
    md.reset()
    return md


def convert(text: str) -> str:
    """Markdown to HTML, exactly as Markdown(extensions=EXTENSIONS).convert(text) makes it."""
    return markdown_for(text).convert(text)
