"""Split a content file into YAML front matter and Markdown body, keeping line numbers."""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from portal.content.errors import ContentError


class ContentLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader (libyaml when present) that leaves dates as text, so the schema judges them."""


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlDocument:
    """Parsed YAML plus the line (1-based, in the whole file) of every key and list item.

    The lines are found when first asked for, from the text kept for that: most files are never
    asked (only an error names a line), so they are not walked for them.
    """

    def __init__(self, data: object, lines: dict[tuple, int] | None = None, first_line: int = 1,
                 text: str | None = None):
        self.data, self.first_line = data, first_line
        self._lines, self._text = lines, text

    @property
    def lines(self) -> dict[tuple, int]:
        if self._lines is None:
            self._lines = {}
            if self._text is not None:
                loader = ContentLoader(self._text)
                try:
                    node = loader.get_single_node()
                finally:
                    loader.dispose()
                if node is not None:
                    _walk(node, (), self._lines, self.first_line - 1)
            self._text = None
        return self._lines

    def line_of(self, loc: tuple) -> int:
        """The line of the deepest known part of `loc` (a pydantic error location)."""
        lines = self.lines
        for end in range(len(loc), 0, -1):
            if tuple(loc[:end]) in lines:
                return lines[tuple(loc[:end])]
        return self.first_line

    def has(self, loc: tuple) -> bool:
        """Whether the file itself writes this field (even with an empty value)."""
        return tuple(loc) in self.lines


def _walk(node, path: tuple, lines: dict, offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = path + (key.value,)
            lines[here] = key.start_mark.line + 1 + offset
            _walk(value, here, lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            here = path + (index,)
            lines[here] = item.start_mark.line + 1 + offset
            _walk(item, here, lines, offset)


def parse_yaml(text: str, path: str, offset: int = 0) -> tuple[YamlDocument | None, list[ContentError]]:
    """Parse YAML text that starts `offset` lines into the file at `path`."""
    try:
        loader = ContentLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 1 + offset) if mark else offset + 1
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [ContentError(path, line, "yaml", f"the YAML cannot be read: {problem}",
                                   "check the indentation and put text containing ': ' or '#' in quotes")]
    return YamlDocument(data, first_line=offset + 1, text=text if node is not None else None), []


@dataclass
class SplitFile:
    """A Markdown content file: its front matter and its body, with where the body starts."""

    meta: YamlDocument | None
    body: str
    body_first_line: int


def split_markdown_file(text: str, path: str) -> tuple[SplitFile, list[ContentError]]:
    """Separate `---` front matter from the Markdown body."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return SplitFile(None, text, 1), [ContentError(
            path, 1, "front matter", "the file does not start with front matter",
            "put a line '---', the fields (title: ..., summary: ...), and another '---' at the top")]
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            meta_text = "\n".join(lines[1:index])
            document, errors = parse_yaml(meta_text, path, offset=1)
            if document is not None and not isinstance(document.data, dict):
                errors.append(ContentError(path, 2, "front matter", "the front matter is not a list of fields",
                                           "write one 'field: value' per line between the two '---' lines"))
                document = None
            body = "\n".join(lines[index + 1:])
            return SplitFile(document, body, index + 2), errors
    return SplitFile(None, "", len(lines)), [ContentError(
        path, 1, "front matter", "the front matter has no closing '---' line",
        "add a line with just '---' after the last field")]
