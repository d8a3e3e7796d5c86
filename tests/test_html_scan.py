"""portal.content.html_scan.feed calls a parser's handlers exactly as HTMLParser does."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from portal.content import html_scan, markdown_engine
from portal.content.body import render_markdown
from portal.content.frontmatter import split_markdown_file

ROOT = Path(__file__).parent.parent


class Recorder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.calls = []

    def handle_starttag(self, tag, attrs):
        self.calls.append(("start", tag, attrs, self.get_starttag_text()))

    def handle_startendtag(self, tag, attrs):
        self.calls.append(("startend", tag, attrs, self.get_starttag_text()))

    def handle_endtag(self, tag):
        self.calls.append(("end", tag))

    def handle_data(self, data):
        if self.calls and self.calls[-1][0] == "data":  # HTMLParser may hand over one text in pieces
            self.calls[-1] = ("data", self.calls[-1][1] + data)
        else:
            self.calls.append(("data", data))


def _both(html: str) -> tuple[list, list, bool]:
    slow, fast = Recorder(), Recorder()
    slow.feed(html)
    slow.close()
    html_scan.feed(fast, html)
    return slow.calls, fast.calls, html_scan._events(html) is not None


PLAIN = [
    '<p>Call <a href="tel:+18002221222"><bdi dir="ltr">1-800-222-1222</bdi></a> &amp; ask.</p>\n<ul>\n<li>One</li></ul>',
    '<table>\n<thead>\n<tr>\n<th scope="col">A &lt; B</th>\n</tr></thead><tbody><tr><td colspan="2">x</td></tr></tbody></table>',
    '<p>Line<br />break<br/>and<hr>rule &copy; &#169; &#xA9; AT&T &notanentity; 5 > 4</p>',
    '<p><a href="condition:asthma" title="Asthma &quot;guide&quot;">asthma</a></p><p/>',
    '<td\nalign="left"  >cell</td >', 'text only, no tags &amp; an entity', "",
]
NOT_PLAIN = [
    '<p>a <!-- comment --> b</p>', '<p>5 < 6</p>', "<a href='single'>x</a>", '<P>Upper</P>',
    '<script>if (a < b) { "<p>" }</script><p>after</p>', '<a href=unquoted>x</a>', '<p title="a > b">x</p>',
    '<!DOCTYPE html><p>x</p>', '<p onclick="x()">y</p><?pi?>', '<style>p { color: red }</style>',
]


@pytest.mark.parametrize("html", PLAIN)
def test_plain_fragments_take_the_fast_way_with_the_same_calls(html):
    slow, fast, took_fast_way = _both(html)
    assert took_fast_way and fast == slow


@pytest.mark.parametrize("html", NOT_PLAIN)
def test_other_fragments_go_through_htmlparser(html):
    slow, fast, took_fast_way = _both(html)
    assert not took_fast_way and fast == slow


def test_same_calls_on_every_page_of_the_starter_library():
    fast_pages = 0
    for path in sorted((ROOT / "content").glob("*/*/*.md")):
        body = split_markdown_file(path.read_text(encoding="utf-8"), str(path))[0].body
        for html in (markdown_engine.convert(body), render_markdown(body)):
            slow, fast, took_fast_way = _both(html)
            assert fast == slow, path
            fast_pages += took_fast_way
    assert fast_pages > 300  # nearly every page takes the fast way


def test_readability_blocks_are_the_same_as_html_parser_finds():
    from portal.content.readability import _BlockText, blocks_of

    def parsed(html):
        parser = _BlockText()
        parser.feed(html)
        parser.close()
        return parser.blocks

    samples = PLAIN + NOT_PLAIN + ["<ul><li><p>One &amp; <em>two</em></p> tail</li><li/><p/>x</ul>",
                                   "<h2>Title</h2><p>a<br/>b</p><td>c</td></p><blockquote><p>q</p>r</blockquote>"]
    for path in sorted((ROOT / "content").glob("*/*/*.md")):
        samples.append(render_markdown(split_markdown_file(path.read_text(encoding="utf-8"), str(path))[0].body))
    for html in samples:
        assert blocks_of(html) == parsed(html), html[:80]
