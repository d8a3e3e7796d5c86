"""The app for WSGI servers: gunicorn --workers 4 'portal.wsgi:app' (settings from the environment).

Each worker opens the search index as it boots (building it into PORTAL_CACHE_DIR if the content
changed), so no search request ever waits for it.
"""
from portal import create_app
from portal.api.search import search_index

app = create_app()
search_index(app)
