"""Documents to records: one parser per format, knowing nothing of RDF or the store.

Each parser reads text (or rows) and returns the typed records of
:mod:`stancegraph.model.records`, every record with the line it came from; bad
input is a :class:`~stancegraph.errors.ParseError` naming file, line and field.
"""
