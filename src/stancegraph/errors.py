"""One root exception, so callers can catch everything stancegraph raises deliberately.

Messages carry the offending value with ``!r`` and where it was (file, line, field).
Only the CLI turns these into exit codes (see ``cli.py``): 0 success, 1 a check
failed (validation, violations), 2 an error (bad input, bad query, store trouble).
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ConfigError",
    "EndpointError",
    "IngestError",
    "ParseError",
    "QueryError",
    "ResolutionError",
    "StancegraphError",
    "StoreError",
    "ValidationError",
]


class StancegraphError(Exception):
    """Root of every error stancegraph raises on purpose."""


class ParseError(StancegraphError):
    """A source document could not be read; says which file, line and field.

    Parsers raise this and nothing else for bad input, so that the ingest
    pipeline can stop before anything reaches the store.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"

    def with_path(self, path: str | Path) -> ParseError:
        """Return a copy naming ``path``; parsers of in-memory text learn the file late."""
        return ParseError(self.message, path=path, line=self.line, field=self.field)


class IngestError(StancegraphError):
    """Ingestion failed for a reason other than the document's syntax."""


class StoreError(StancegraphError):
    """The store could not be opened, read or written (locked, corrupt, missing)."""


class QueryError(StancegraphError):
    """A query is unknown, malformed, or was given missing or ill-typed parameters."""


class ValidationError(StancegraphError):
    """The graph does not conform to the SHACL shapes."""


class ResolutionError(StancegraphError):
    """A name could not be resolved to exactly one actor."""


class EndpointError(StancegraphError):
    """A remote SPARQL endpoint failed, refused, timed out or returned partial results."""


class ConfigError(StancegraphError):
    """Project files (ontology, registry, query library) are missing or inconsistent."""
