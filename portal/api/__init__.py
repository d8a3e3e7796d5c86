"""The portal's JSON API under /api/v1 (blueprints; see portal/api/search.py for search and lookup)."""
