"""The care manager services shared by the API and the console: patients, assignments, education
records, reports and the audit log. They take a database session and plain values, and raise
`CareError` with the field that is wrong; they never see an HTTP request.
"""
from portal.care.errors import CareError

__all__ = ["CareError"]
