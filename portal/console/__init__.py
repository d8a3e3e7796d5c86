"""Console placeholder (filled in below)."""
from flask import Flask, session


def console_language() -> str:
    return session.get("lang", "en")


def init_console(app: Flask) -> None:
    pass
