"""The content layer: read content files, validate them into models, render their Markdown.

Knows nothing of Flask or the database. `load_library` is the one entry point.
"""
from portal.content.library import Library, load_library
from portal.content.errors import ContentError, ContentErrors

__all__ = ["Library", "load_library", "ContentError", "ContentErrors"]
