"""Error pages by audience: problem details on the API, a translated page everywhere else."""
from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import HTTPException, default_exceptions

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "DENY"}


def init_errors(app: Flask) -> None:
    """HTTP errors on /api/ paths become problem details; others keep the site's pages."""
    from portal.api import api_error, is_api_request
    from portal.site import not_found

    def _http_error(error: HTTPException):
        if is_api_request():
            return api_error(error)
        if error.code == 404:
            return not_found(error)
        return error

    # By code, so these replace the site's own 404 handler (which they call for site pages).
    for code in default_exceptions:
        if code >= 400:
            app.register_error_handler(code, _http_error)

    @app.errorhandler(Exception)
    def _server_error(error: Exception):
        if is_api_request():
            app.logger.exception("API error")
            from portal.api.problems import problem

            return problem(500, "Internal Server Error", "Something went wrong on the server; it was logged. "
                           "Try again, and tell your admin if it keeps happening.")
        raise error

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
