"""``stancegraph enrich``: bring Wikidata ids, names, citizenship and offices into the store.

A thin wrapper over :func:`stancegraph.enrich.wikidata.enrich`: it parses options, opens
the store, supplies the interactive prompt when there is a terminal, and prints
the report. Exit status: 0 done (ambiguous actors are reported and skipped);
1 an offline run met cache misses; 2 an error (endpoint, store, bad input).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

__all__ = ["enrich_command", "register"]


def _default_cache(store_path: str | None) -> Path:
    from stancegraph.paths import default_store_path

    base = Path(store_path) if store_path else default_store_path()
    return base / "enrich-cache"


def _prompt(target: Any, candidates: list[Any]) -> Any:
    """Ask which candidate is meant; 0 skips the actor."""
    click.echo(f"\n{target.label!r} ({target.type or 'actor'}) matches several Wikidata items:")
    for i, cand in enumerate(candidates, start=1):
        click.echo(f"  {i}. {cand.line()}")
    click.echo("  0. none of these (skip)")
    n = click.prompt("Which one", type=click.IntRange(0, len(candidates)), default=0)
    return candidates[n - 1] if n else None


def _print(report: Any) -> None:
    for r in report.results:
        if r.status == "enriched":
            offices = "; ".join(
                f"{o.label or o.office} {o.valid_from or '?'}–{o.valid_until or ''}"
                for o in r.offices
            )
            how = f" ({r.method})" if r.method else ""
            click.echo(f"enriched   {r.label} -> {r.qid}{how}")
            if r.citizenship:
                click.echo(f"           citizenship: {', '.join(r.citizenship)}")
            if offices:
                click.echo(f"           offices: {offices}")
        elif r.status == "ambiguous":
            click.echo(f"ambiguous  {r.label}: {r.message}")
            for i, cand in enumerate(r.candidates, start=1):
                click.echo(f"           {i}. {cand.line()}")
        else:
            click.echo(f"{r.status:<10} {r.label}: {r.message or ''}")
    click.echo(
        f"graph {report.graph}: {report.status}, {report.triples} triples; "
        f"{report.requests} requests to {report.endpoint} "
        f"({report.retries} retries), {report.cache_hits} cache hits, "
        f"{len(report.cache_misses)} cache misses"
    )


@click.command("enrich")
@click.argument("actors", nargs=-1)
@click.option(
    "--endpoint-wikidata",
    "endpoint",
    envvar="STANCEGRAPH_WIKIDATA_ENDPOINT",
    default=None,
    metavar="URL",
    help="SPARQL endpoint with Wikidata's layout (default: the public Wikidata Query Service).",
)
@click.option(
    "--lang",
    "langs",
    default="en",
    show_default=True,
    help="Languages of labels, aliases and descriptions, comma-separated (first: display).",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Query cache folder (default: enrich-cache/ in the store folder).",
)
@click.option("--offline", is_flag=True, help="No network: answer from the cache only.")
@click.option("--refresh", is_flag=True, help="Ask the endpoint again and rewrite the graph.")
@click.option("--yes", "accept_best", is_flag=True, help="Ambiguous: take the best-ranked item.")
@click.option(
    "--pick",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Ambiguous: take the N-th candidate as listed.",
)
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask when ambiguous (default: when stdin and stdout are a terminal).",
)
@click.option(
    "--timeout", type=float, default=60.0, show_default=True, help="Seconds for one HTTP request."
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=4,
    show_default=True,
    help="Retries on HTTP 429/503 and network errors, honouring Retry-After.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.pass_obj
def enrich_command(
    obj: Any,
    actors: tuple[str, ...],
    endpoint: str | None,
    langs: str,
    cache_dir: Path | None,
    offline: bool,
    refresh: bool,
    accept_best: bool,
    pick: int | None,
    interactive: bool | None,
    timeout: float,
    retries: int,
    as_json: bool,
) -> None:
    """Find actors' Wikidata items; add ids, names, citizenship and offices held.

    ACTOR is a name, alias or IRI from the store; none means every actor.
    Everything lands in the graph .../graph/enrichment/wikidata, which
    'stancegraph retract enrichment/wikidata' removes as a unit.
    """
    from stancegraph.cli import EXIT_ERROR, EXIT_FAILED
    from stancegraph.enrich.wikidata import WIKIDATA_ENDPOINT, enrich, parse_languages
    from stancegraph.errors import StancegraphError

    if refresh and offline:
        click.echo("error: --refresh needs the network; drop --offline", err=True)
        sys.exit(EXIT_ERROR)
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty() and not as_json
    try:
        languages = parse_languages(langs)
        with obj.open() as store:
            report = enrich(
                store,
                list(actors),
                endpoint=endpoint
                or os.environ.get("STANCEGRAPH_WIKIDATA_ENDPOINT")
                or WIKIDATA_ENDPOINT,
                languages=languages,
                cache_dir=cache_dir or _default_cache(obj.store_path),
                offline=offline,
                refresh=refresh,
                pick=pick,
                accept_best=accept_best,
                choose=_prompt if interactive else None,
                timeout=timeout,
                retries=retries,
            )
    except StancegraphError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        _print(report)
    if report.cache_misses:
        sys.exit(EXIT_FAILED)


def register(cli: click.Group) -> None:
    """Add ``enrich`` to the ``stancegraph`` command group."""
    cli.add_command(enrich_command)
