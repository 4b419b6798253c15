"""The ``stancegraph`` command: thin wrappers that parse arguments and call the library.

Exit codes: 0 success; 1 a check did not pass (``validate`` found violations);
2 an error (bad input, unknown query, store trouble). Errors are one line on
stderr naming the file, line and field where known.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from stancegraph.errors import StancegraphError
from stancegraph.resolve.registry import load_registry
from stancegraph.store import GraphStore, open_store

__all__ = ["cli", "main"]

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


class Context:
    """Options shared by every command."""

    def __init__(self, store: str | None, wait: float, endpoint: str | None = None) -> None:
        self.store_path = store
        self.wait = wait
        self.endpoint = endpoint

    def open(self, *, read_only: bool = False) -> GraphStore:
        """The embedded store, or a remote SPARQL 1.1 server when ``--endpoint`` is given."""
        return open_store(
            self.store_path, endpoint=self.endpoint, read_only=read_only, wait=self.wait
        )


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(EXIT_ERROR)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's exceptions into one-line messages and exit status 2."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StancegraphError as exc:
            _fail(exc)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    envvar="STANCEGRAPH_STORE",
    default=None,
    metavar="DIR",
    help="Store folder (default: $STANCEGRAPH_STORE or .stancegraph/).",
)
@click.option(
    "--wait",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds to wait for another writer to release the store.",
)
@click.option(
    "--endpoint",
    envvar="STANCEGRAPH_ENDPOINT",
    default=None,
    metavar="URL",
    help="A SPARQL 1.1 server to use instead of the embedded store ($STANCEGRAPH_ENDPOINT).",
)
@click.version_option(package_name="stancegraph")
@click.pass_context
def cli(ctx: click.Context, store: str | None, wait: float, endpoint: str | None) -> None:
    """stancegraph: who stands where toward whom, since when, on what evidence."""
    ctx.obj = Context(store, wait, endpoint)


def _print_ingest(report: Any, as_json: bool) -> None:
    if as_json:
        _echo_json(report.as_dict())
        return
    for s in report.sources:
        counts = ", ".join(f"{k} {v}" for k, v in s.counts.items())
        extra = f"; {counts}" if counts else ""
        click.echo(f"{s.status:<10} {s.kind:<9} {s.path}  ({s.triples} triples{extra})")
        for m in s.mentions:
            if m.method not in {"exact"}:
                click.echo(
                    f"           {m.mention!r} -> {m.label} ({m.method}, score {m.score:.2f})"
                )


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "kind",
    type=click.Choice(["card", "factcheck", "yaml", "registry", "rdf", "gdelt", "icews"]),
    help="Document kind (default: recognised from the file).",
)
@click.option("--registry", type=click.Path(path_type=Path), help="Actor registry YAML.")
@click.option("--force", is_flag=True, help="Rewrite sources even when unchanged.")
@click.option(
    "--on-error",
    type=click.Choice(["fail", "skip"]),
    default="fail",
    show_default=True,
    help="Event data: stop at the first malformed row, or report and skip it.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.pass_obj
@handle_errors
def ingest(
    obj: Context,
    files: tuple[Path, ...],
    kind: str | None,
    registry: Path | None,
    force: bool,
    on_error: str,
    as_json: bool,
) -> None:
    """Ingest documents: stance cards, fact-check briefs, YAML, RDF, event data."""
    if kind in {"gdelt", "icews"}:
        from stancegraph.ingest.events import ingest_events

        with obj.open() as store:
            reg = load_registry(store, registry) if registry is not None else None
            reports = [
                ingest_events(
                    store,
                    f,
                    fmt=kind,
                    on_error=on_error,
                    progress=not as_json,
                    registry=reg,
                    force=force,
                )
                for f in files
            ]
        if as_json:
            _echo_json({"sources": [r.as_dict() for r in reports]})
        else:
            for r in reports:
                click.echo(r.summary())
        return
    from stancegraph.ingest.pipeline import ingest as run_ingest

    with obj.open() as store:
        report = run_ingest(store, list(files), kind=kind, registry_path=registry, force=force)
    _print_ingest(report, as_json)


@cli.command()
@click.argument("root", default="graph", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Rewrite every source even when unchanged.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.pass_obj
@handle_errors
def build(obj: Context, root: Path, force: bool, as_json: bool) -> None:
    """Build the store from every document under ROOT (default: graph/)."""
    from stancegraph.ingest.pipeline import build as run_build

    with obj.open() as store:
        report = run_build(store, root, force=force)
    _print_ingest(report, as_json)


@cli.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def retract(obj: Context, source: str, as_json: bool) -> None:
    """Remove exactly one source's facts (by file name, path or graph IRI)."""
    from stancegraph.ingest.pipeline import retract as run_retract

    with obj.open() as store:
        report = run_retract(store, source)
    if as_json:
        _echo_json(report.as_dict())
    else:
        click.echo(f"retracted {report.path} ({report.triples} triples)")


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    from stancegraph.errors import QueryError

    out: dict[str, str] = {}
    for item in values:
        if "=" not in item:
            raise QueryError(f"parameter {item!r} must look like name=value")
        name, value = item.split("=", 1)
        out[name.strip()] = value
    return out


@cli.command()
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "ttl"]),
    default="table",
    show_default=True,
)
@click.option("--list", "list_", is_flag=True, help="List the query library.")
@click.option("--json", "as_json", is_flag=True, help="With --list: machine-readable.")
@click.option("--allow-service", is_flag=True, help="Let the query call other servers (SERVICE).")
@click.pass_obj
@handle_errors
def query(
    obj: Context,
    name: str | None,
    params: tuple[str, ...],
    fmt: str,
    list_: bool,
    as_json: bool,
    allow_service: bool,
) -> None:
    """Run a library query by NAME, or any .rq FILE, with bound parameters."""
    from stancegraph.sparql.library import library, load_query

    if list_ or not name:
        lib = library()
        if as_json:
            _echo_json([q.as_dict() for q in lib.values()])
            return
        for qd in lib.values():
            click.echo(f"{qd.name}  —  {qd.title}")
            if qd.description:
                click.echo(f"    {qd.description}")
            for p in qd.params:
                default = f" = {p.default}" if p.default is not None else ""
                click.echo(f"    -p {p.name}=<{p.type}>{default}  {p.doc}")
        return
    from stancegraph.api import run_query
    from stancegraph.sparql.results import format_result

    qd = load_query(name)
    with obj.open(read_only=True) as store:
        result = run_query(store, qd, _parse_params(params), allow_service=allow_service)
    click.echo(format_result(result, fmt), nl=False)


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--source", help="Validate one source only.")
@click.pass_obj
@handle_errors
def validate(obj: Context, as_json: bool, source: str | None) -> None:
    """Check the graph against the SHACL shapes; exit 1 if anything violates them."""
    from stancegraph.validate import validate_store

    with obj.open(read_only=True) as store:
        report = validate_store(store, source=source)
    if as_json:
        _echo_json(report.as_dict())
    else:
        click.echo(report.text())
    sys.exit(EXIT_OK if report.conforms else EXIT_FAILED)


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def stats(obj: Context, as_json: bool) -> None:
    """What the store holds: sources, triples, actors, stances, events, claims."""
    from stancegraph.store.stats import store_stats

    with obj.open(read_only=True) as store:
        data = store_stats(store)
    if as_json:
        _echo_json(data)
        return
    click.echo(f"store: {data['store']}")
    click.echo(f"triples: {data['triples']}  sources: {len(data['sources'])}")
    for k, v in data["counts"].items():
        click.echo(f"  {k:<14} {v}")
    for s in data["sources"]:
        click.echo(
            f"  [{s['kind']}] {s['path']}  {s['triples']} triples  ingested {s['ingested_at']}"
        )


@cli.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["ttl", "trig", "nq", "nt", "jsonld", "rdfxml"]),
    default="trig",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.pass_obj
@handle_errors
def export(obj: Context, fmt: str, output: Path) -> None:
    """Write the graph to a file (datasets keep one named graph per source)."""
    with obj.open(read_only=True) as store:
        n = store.export(output, fmt)
    click.echo(f"wrote {n} {'quads' if fmt in {'trig', 'nq', 'jsonld'} else 'triples'} to {output}")


def main() -> None:
    """Console entry point."""
    cli(prog_name="stancegraph")


# Commands of later capabilities register themselves here when their modules exist.
def _register_optional() -> None:
    import importlib

    for module in (
        "stancegraph.cli.analysis",
        "stancegraph.cli.share",
        "stancegraph.cli.server",
        "stancegraph.cli.enrich",
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(cli)


_register_optional()
