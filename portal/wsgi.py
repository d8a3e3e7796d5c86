"""The app for WSGI servers: gunicorn --workers 4 'portal.wsgi:app' (settings from the environment)."""
from portal import create_app

app = create_app()
