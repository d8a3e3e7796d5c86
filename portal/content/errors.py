"""Content errors written for the people who fix them: file, line, field, problem, what to write."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one content file."""

    path: str
    line: int
    field: str
    problem: str
    fix: str
    severity: str = "error"  # "error" fails the check; "warning" is only reported

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.problem} ({self.fix})"

    def github(self) -> str:
        """The same error as a GitHub Actions annotation, so it lands on the changed line."""
        message = f"{self.field}: {self.problem} ({self.fix})"
        for raw, escaped in (("%", "%25"), ("\r", "%0D"), ("\n", "%0A")):
            message = message.replace(raw, escaped)
        return f"::{self.severity} file={self.path},line={self.line},title=Content check::{message}"


class ContentErrors(Exception):
    """Raised when content has errors; carries every one of them."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(errors)
        super().__init__(f"{len(self.errors)} content error(s)")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
