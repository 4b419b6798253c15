"""The ``viz``, ``card`` and ``brief`` commands: thin wrappers over viz.py and render.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

__all__ = ["register"]


def _date(value: str | None, name: str) -> str | None:
    """A --since/--until value checked to be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)."""
    from stancegraph.errors import QueryError

    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 4:
            dt.date(int(text), 1, 1)
        elif len(text) == 7:
            dt.date.fromisoformat(text + "-01")
        else:
            dt.date.fromisoformat(text)
    except ValueError:
        raise QueryError(
            f"--{name} {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
        ) from None
    return text


def _full_date(value: str | None, *, end: bool) -> str | None:
    """A partial date as the first (or last) day it covers, for the projection's xsd:date."""
    if value is None or len(value) == 10:
        return value
    if len(value) == 4:
        return f"{value}-12-31" if end else f"{value}-01-01"
    year, month = int(value[:4]), int(value[5:7])
    if not end:
        return f"{value}-01"
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).isoformat()


def register(cli: click.Group) -> None:
    """Add ``viz``, ``card`` and ``brief`` to the ``stancegraph`` command."""
    from stancegraph.cli import Context, handle_errors

    @cli.command()
    @click.option("--focus", metavar="ACTOR", help="Only this actor and its neighbourhood.")
    @click.option("--depth", type=int, default=None, help="Steps from --focus (default 1).")
    @click.option("--since", metavar="DATE", help="Only evidence from this date on.")
    @click.option("--until", metavar="DATE", help="Only evidence up to this date.")
    @click.option(
        "--kind",
        "kinds",
        metavar="KINDS",
        help="Edge kinds, comma-separated: stance,statement,action,contact,criticism,event.",
    )
    @click.option("--title", metavar="T", help="Heading of the page.")
    @click.option("--max-nodes", type=int, default=None, help="Keep the N best-linked actors.")
    @click.option(
        "--physics-threshold",
        type=int,
        default=300,
        show_default=True,
        help="Above this many nodes: layout computed here, physics off, edges aggregated.",
    )
    @click.option("--seed", type=int, default=0, show_default=True, help="Layout seed.")
    @click.option(
        "-o", "--output", type=click.Path(path_type=Path), required=True, help="HTML file."
    )
    @click.pass_obj
    @handle_errors
    def viz(
        obj: Context,
        focus: str | None,
        depth: int | None,
        since: str | None,
        until: str | None,
        kinds: str | None,
        title: str | None,
        max_nodes: int | None,
        physics_threshold: int,
        seed: int,
        output: Path,
    ) -> None:
        """Write the relationship network as one self-contained, offline HTML page."""
        from stancegraph.project.graph import to_networkx
        from stancegraph.share.network import source_index, write_network_html

        since, until = _date(since, "since"), _date(until, "until")
        kind_list = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else None
        with obj.open(read_only=True) as store:
            graph = to_networkx(
                store,
                since=_full_date(since, end=False),
                until=_full_date(until, end=True),
                kinds=kind_list,
                focus=focus,
                depth=depth,
            )
            sources = source_index(store)
        export = write_network_html(
            graph,
            output,
            title=title or _default_title(graph, focus, since, until),
            focus=graph.graph.get("focus"),
            max_nodes=max_nodes,
            physics_threshold=physics_threshold,
            sources=sources,
            seed=seed,
        )
        click.echo(f"wrote {output}: {export.summary()}")

    @cli.command()
    @click.argument("holder")
    @click.argument("target")
    @click.option(
        "--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True
    )
    @click.option("--source", help="Which source's card, when several declare the stance.")
    @click.option("-o", "--output", type=click.Path(path_type=Path), help="File (default: stdout).")
    @click.pass_obj
    @handle_errors
    def card(
        obj: Context, holder: str, target: str, fmt: str, source: str | None, output: Path | None
    ) -> None:
        """Render the stance card of HOLDER on TARGET from the graph."""
        from stancegraph.share.render import render_card, stance_card

        with obj.open(read_only=True) as store:
            text = render_card(stance_card(store, holder, target, source=source), fmt=fmt)
        _emit(text, output)

    @cli.command()
    @click.argument("a")
    @click.argument("b")
    @click.option(
        "--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True
    )
    @click.option("-o", "--output", type=click.Path(path_type=Path), help="File (default: stdout).")
    @click.pass_obj
    @handle_errors
    def brief(obj: Context, a: str, b: str, fmt: str, output: Path | None) -> None:
        """Render an evidence brief on the relationship of A and B."""
        from stancegraph.share.render import evidence_brief, render_brief

        with obj.open(read_only=True) as store:
            text = render_brief(evidence_brief(store, a, b), fmt=fmt)
        _emit(text, output)


def _default_title(graph: Any, focus: str | None, since: str | None, until: str | None) -> str:
    title = "Relationship network"
    center = graph.graph.get("focus")
    if focus and center in graph:
        title += f" around {graph.nodes[center].get('label') or focus}"
    if since or until:
        title += f" ({since or '…'} to {until or '…'})"
    return title


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}")
