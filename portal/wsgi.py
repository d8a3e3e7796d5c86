"""The app for WSGI servers: gunicorn -c python:portal.gunicorn_conf 'portal.wsgi:app' (settings from the environment).

Each worker opens the search index as it boots (building it into PORTAL_CACHE_DIR if the content
changed), so no search request ever waits for it.
"""
import sys

from portal import create_app
from portal.search.app_index import search_index


def _refuse_unshared_limits() -> None:
    """Under gunicorn, stop (as an app that cannot load) when several workers would count limits alone."""
    if "gunicorn.arbiter" not in sys.modules:
        return
    from gunicorn.errors import AppImportError

    from portal.gunicorn_conf import command_line_workers, storage_problem

    problem = storage_problem(command_line_workers())
    if problem:
        raise AppImportError(problem)


_refuse_unshared_limits()
app = create_app()
search_index(app)
