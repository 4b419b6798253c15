"""HTML documentation of the ontology and its vocabularies, generated from the files themselves.

``python -m stancegraph.share.ontology_docs [-o docs/ontology]`` writes ``index.html`` (the
OWL ontology, with pyLODE's OntPub profile) and one page per SKOS concept scheme
(pyLODE's VocPub profile). Documentation made from the Turtle cannot drift from
it, which is why every term carries a label and a definition.

The pages are self-contained: pyLODE inlines its stylesheet and icons, so they
open offline and load nothing from a CDN. When pyLODE is not installed (it is a
dev extra) a small Jinja2 renderer writes plainer pages from the same graphs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import types
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from jinja2 import Environment, select_autoescape
from rdflib import RDF, RDFS, SKOS, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL
from rdflib.term import Node

from stancegraph.model.vocab import ONTOLOGY_FILE, ontology_files

__all__ = ["DEFAULT_OUTPUT", "build_docs", "main", "pylode_available"]

DEFAULT_OUTPUT = Path("docs/ontology")


def _import_pylode() -> types.ModuleType | None:
    """Import pyLODE, working around its version module.

    pyLODE 3.4 reads its version from a ``pyproject.toml`` that the wheel does
    not ship, so ``import pylode`` fails when installed; the version is taken
    from the package metadata instead before the import.
    """
    if "pylode.version" not in sys.modules:
        try:
            version = metadata.version("pylode")
        except metadata.PackageNotFoundError:
            return None
        stub = types.ModuleType("pylode.version")
        stub.__version__ = version  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = stub
    try:
        return importlib.import_module("pylode")
    except ImportError:
        return None


def pylode_available() -> bool:
    """Whether pyLODE can be imported (tests skip the pyLODE path otherwise)."""
    return _import_pylode() is not None


def _scheme_graphs(path: Path) -> list[tuple[str, Graph]]:
    """One graph per concept scheme in a vocabulary file, named after the scheme.

    VocPub titles a page with every scheme it finds, so a file holding two
    schemes (CAMEO and its quad classes) is rendered once per scheme, each time
    with the other scheme demoted to a plain resource.
    """
    graph = Graph().parse(path, format="turtle")
    schemes = sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str)
    if len(schemes) <= 1:
        return [(path.stem, graph)]
    result = []
    for scheme in schemes:
        view = Graph()
        for triple in graph:
            if triple[1] == RDF.type and triple[2] == SKOS.ConceptScheme and triple[0] != scheme:
                continue
            view.add(triple)
        result.append((str(scheme).rstrip("/").rsplit("/", 1)[-1], view))
    return result


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}
dt{font-weight:bold;margin-top:1em}code{background:#f4f4f4}</style></head>
<body><h1>{{ title }}</h1><p>{{ description }}</p>
{% for section, items in sections %}<h2>{{ section }}</h2><dl>
{% for iri, label, definition in items %}<dt id="{{ label }}">{{ label }}</dt>
<dd><code>{{ iri }}</code><br>{{ definition }}</dd>{% endfor %}</dl>{% endfor %}
</body></html>
"""


def _render_plain(graph: Graph, destination: Path) -> None:
    """Write a minimal escaped HTML page: the fallback when pyLODE is missing."""

    def text(node: Node, *preds: URIRef) -> str:
        for pred in preds:
            value = graph.value(node, pred)
            if value is not None:
                return str(value)
        return ""

    heads = [
        *graph.subjects(RDF.type, OWL.Ontology),
        *graph.subjects(RDF.type, SKOS.ConceptScheme),
    ]
    head: Node = heads[0] if heads else URIRef("")
    kinds = [
        ("Classes", OWL.Class),
        ("Object properties", OWL.ObjectProperty),
        ("Datatype properties", OWL.DatatypeProperty),
        ("Concepts", SKOS.Concept),
    ]
    sections = []
    for name, kind in kinds:
        items = sorted(
            (
                str(s),
                text(s, RDFS.label, SKOS.prefLabel) or str(s),
                text(s, SKOS.definition, RDFS.comment),
            )
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef)
        )
        if items:
            sections.append((name, items))
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    html = env.from_string(_PAGE).render(
        title=text(head, DCTERMS.title, SKOS.prefLabel, RDFS.label) or destination.stem,
        description=text(head, DCTERMS.description, SKOS.definition),
        sections=sections,
    )
    destination.write_text(html, encoding="utf-8")


def build_docs(output: Path = DEFAULT_OUTPUT, *, use_pylode: bool = True) -> list[Path]:
    """Write the documentation pages into ``output`` and return their paths.

    ``index.html`` documents the ontology; ``<scheme>.html`` each concept scheme.
    """
    output.mkdir(parents=True, exist_ok=True)
    pylode = _import_pylode() if use_pylode else None
    files = ontology_files()
    written: list[Path] = []

    index = output / "index.html"
    ontology_path = next(p for p in files if p.name == ONTOLOGY_FILE)
    if pylode is not None:
        pylode.OntPub(ontology=str(ontology_path)).make_html(destination=index)
    else:
        _render_plain(Graph().parse(ontology_path, format="turtle"), index)
    written.append(index)

    for path in files:
        if path.name == ONTOLOGY_FILE:
            continue
        for name, graph in _scheme_graphs(path):
            page = output / f"{name}.html"
            if pylode is not None:
                pylode.VocPub(ontology=graph).make_html(destination=page)
            else:
                _render_plain(graph, page)
            written.append(page)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m stancegraph.share.ontology_docs [-o DIR] [--plain]``."""
    parser = argparse.ArgumentParser(
        prog="python -m stancegraph.share.ontology_docs", description=__doc__
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="folder for the HTML pages"
    )
    parser.add_argument(
        "--plain", action="store_true", help="use the built-in renderer instead of pyLODE"
    )
    args = parser.parse_args(argv)
    for page in build_docs(args.output, use_pylode=not args.plain):
        print(page)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
