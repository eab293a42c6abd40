"""Content diagnostics: what is wrong in a content file, where, and the error carrying them all.

ContentError          the build (and `check`) stops: one or more ContentProblem, reported together
└── .problems         ContentProblem(file, line, field, message, severity), sorted by file
                      and line
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentProblem:
    """One thing wrong with one content file."""

    file: str
    line: int | None
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        field = self.field or "(file)"
        return f"{where}: {field}: {self.message}"


class ContentFolderError(Exception):
    """The content folder itself is missing or unreadable: one line says which."""


class AccessDenied(Exception):
    """A file or folder a command reads or writes (other than content) is denied to it: one
    line says which, and whether reading or writing."""


class ContentError(Exception):
    """Content failed to load; ``problems`` lists everything found, not only the first."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = tuple(sorted(problems))
        count = len(self.problems)
        header = f"{count} content problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([header, *(f"  {problem}" for problem in self.problems)]))
