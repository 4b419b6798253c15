"""The ``stance`` and ``analyze`` commands: thin wrappers over :mod:`stancegraph.analysis`.

``stancegraph stance HOLDER TARGET`` prints the declared stance beside the one
the dated evidence shows, the trajectory and its flips.
``stancegraph analyze centrality|communities|balance|ego|path`` projects the
store (optionally sliced with ``--since``/``--until``/``--kind``) and runs one
analysis. With ``--json`` every edge carries its evidence IRIs and source
graphs. Exit codes as for every command: 0 success, 2 an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from stancegraph.store.base import GraphStore

__all__ = ["register"]


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _short(text: Any, n: int = 90) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _slice_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--since, --until and --kind, shared by every analysis."""
    from stancegraph.project.graph import EDGE_KINDS

    fn = click.option(
        "--kind",
        "kinds",
        multiple=True,
        type=click.Choice(list(EDGE_KINDS)),
        help="Only these edge kinds (repeatable; default: all).",
    )(fn)
    fn = click.option("--until", default=None, metavar="DATE", help="As of this date (ISO).")(fn)
    fn = click.option("--since", default=None, metavar="DATE", help="From this date (ISO).")(fn)
    fn = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(fn)
    return fn


def _project(
    store: GraphStore, since: str | None, until: str | None, kinds: tuple[str, ...]
) -> Any:
    from stancegraph.project.graph import to_networkx

    return to_networkx(store, since=since, until=until, kinds=list(kinds) or None)


def _print_trajectory(d: dict[str, Any]) -> None:
    click.echo(f"{d['holder']['label']} → {d['target']['label']}  (periods by {d['freq']})")
    for s in d["declared"]:
        click.echo(
            f"declared: {s['polarity']}, {s['strength']}, flip {str(s['flip']).lower()}"
            f"  [{s['source']}]"
        )
    if not d["declared"]:
        click.echo("declared: none")
    der = d["derived"]
    click.echo(
        f"derived:  {der['polarity']}, flip {str(der['flip']).lower()}  "
        f"({der['points']} points: {der['positive']} +, {der['negative']} -, "
        f"{der['neutral']} 0; mean {der['mean']})"
    )
    click.echo("")
    for p in d["periods"]:
        mark = " mixed" if p["mixed"] else ""
        click.echo(f"  {p['period']:<10} {p['polarity']:<8} {p['value']:+.2f}{mark}")
        for pt in p["points"]:
            words = pt["quote"] or pt["text"]
            placed = " (placed by order)" if pt["placed"] == "order" else ""
            click.echo(f"      {pt['value']:+.1f} {pt['kind']:<9} {_short(words, 70)}{placed}")
    for f in d["flips"]:
        click.echo(f"\nflip {f['from_period']} → {f['to_period']} ({f['direction']})")
        for side in ("before", "after"):
            for e in f[side]:
                when = e["date"] or "(undated)"
                click.echo(f"  {side:<6} {when}  {_short(e['quote'] or e['text'], 70)}")
                click.echo(f"         {e['iri']}  [{e['source']}]")
    if d["mixed"]:
        click.echo(f"\nmixed periods: {', '.join(d['mixed'])}")
    if d["undated"]:
        click.echo(f"undated, not placed: {len(d['undated'])}")
    if d["unscored"]:
        click.echo(f"without polarity (not scored): {len(d['unscored'])}")


def register(cli: click.Group) -> None:
    """Add ``stance`` and the ``analyze`` group to the ``stancegraph`` command."""
    from stancegraph.cli import handle_errors

    @cli.command()
    @click.argument("holder")
    @click.argument("target")
    @click.option(
        "--freq",
        type=click.Choice(["month", "year", "period"]),
        default="month",
        show_default=True,
        help="Period of the trajectory (period: each date as written).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.pass_obj
    @handle_errors
    def stance(obj: Any, holder: str, target: str, freq: str, as_json: bool) -> None:
        """Declared vs derived stance of HOLDER toward TARGET, its trajectory and flips."""
        from stancegraph.analysis import trajectory

        with obj.open(read_only=True) as store:
            result = trajectory(store, holder, target, freq=freq).as_dict()
        if as_json:
            _echo_json(result)
        else:
            _print_trajectory(result)

    @cli.group()
    def analyze() -> None:
        """Network analysis of the relationship graph (evidence in --json)."""

    @analyze.command("centrality")
    @_slice_options
    @click.option("--top", type=int, default=None, help="Only the first N actors.")
    @click.pass_obj
    @handle_errors
    def centrality_cmd(
        obj: Any, as_json: bool, since: str | None, until: str | None,
        kinds: tuple[str, ...], top: int | None,
    ) -> None:  # fmt: skip
        """Degree, betweenness, PageRank, eigenvector on the positive and negative parts."""
        from stancegraph.analysis import centrality

        with obj.open(read_only=True) as store:
            result = centrality(_project(store, since, until, kinds), top=top)
        if as_json:
            _echo_json(result)
            return
        click.echo(f"{'actor':<36} {'deg in/out':>10} {'+pagerank':>10} {'+between':>9} "
                   f"{'-pagerank':>10} {'-between':>9}")  # fmt: skip
        for r in result["nodes"]:
            p, n = r["positive"], r["negative"]
            deg = f"{r['degree']['in']}/{r['degree']['out']}"
            click.echo(
                f"{_short(r['label'], 36):<36} {deg:>10} {p['pagerank']:>10.4f} "
                f"{p['betweenness']:>9.4f} {n['pagerank']:>10.4f} {n['betweenness']:>9.4f}"
            )

    @analyze.command("communities")
    @_slice_options
    @click.option("--seed", type=int, default=0, show_default=True, help="Louvain's seed.")
    @click.option("--resolution", type=float, default=1.0, show_default=True)
    @click.pass_obj
    @handle_errors
    def communities_cmd(
        obj: Any, as_json: bool, since: str | None, until: str | None,
        kinds: tuple[str, ...], seed: int, resolution: float,
    ) -> None:  # fmt: skip
        """Louvain communities of the positive part, with the ties that cut across them."""
        from stancegraph.analysis import communities

        with obj.open(read_only=True) as store:
            G = _project(store, since, until, kinds)  # noqa: N806
            result = communities(G, seed=seed, resolution=resolution)
        if as_json:
            _echo_json(result)
            return
        click.echo(f"{result['method']}, seed {seed}, modularity {result['modularity']}")
        for c in result["communities"]:
            click.echo(f"  [{c['id']}] {', '.join(c['labels'])}")
        for name in ("across_negative", "frustration"):
            if result[name]:
                click.echo(f"{name.replace('_', ' ')}:")
                for e in result[name]:
                    click.echo(f"  {e['from_label']} — {e['to_label']} ({e['sign']:+d})")

    @analyze.command("balance")
    @_slice_options
    @click.pass_obj
    @handle_errors
    def balance_cmd(
        obj: Any, as_json: bool, since: str | None, until: str | None, kinds: tuple[str, ...]
    ) -> None:
        """Structural balance: signed triads, the unbalanced ones with their evidence."""
        from stancegraph.analysis import balance

        with obj.open(read_only=True) as store:
            result = balance(_project(store, since, until, kinds))
        if as_json:
            _echo_json(result)
            return
        click.echo(
            f"{result['triads']} signed triads, {result['balanced']} balanced, "
            f"{result['unbalanced']} unbalanced; balance ratio {result['ratio']}"
        )
        for t in result["unbalanced_triads"]:
            signs = " ".join(f"{s:+d}" for s in t["signs"])
            click.echo(f"  unbalanced: {', '.join(t['labels'])}  ({signs})")
            for e in t["edges"]:
                click.echo(
                    f"      {e['from_label']} — {e['to_label']} {e['sign']:+d}: "
                    f"{len(e['evidence'])} evidence, {', '.join(e['sources'])}"
                )

    @analyze.command("ego")
    @click.argument("actor")
    @click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True)
    @_slice_options
    @click.pass_obj
    @handle_errors
    def ego_cmd(
        obj: Any, actor: str, depth: int, as_json: bool, since: str | None, until: str | None,
        kinds: tuple[str, ...],
    ) -> None:  # fmt: skip
        """The ego network of ACTOR to --depth steps, with every edge's evidence."""
        from stancegraph.analysis import ego

        with obj.open(read_only=True) as store:
            result = ego(_project(store, since, until, kinds), actor, depth=depth, store=store)
        if as_json:
            _echo_json(result)
            return
        click.echo(f"{result['label']}: {len(result['nodes'])} actors within {depth}")
        for n in result["nodes"]:
            click.echo(f"  {n['distance']}  {n['label']} ({n['type']})")
        for e in result["edges"]:
            click.echo(
                f"  {e['from_label']} → {e['to_label']}  {e['kind']} {e['sign']:+d} "
                f"{e['date'] or '(undated)'}  {_short(e['quote'] or e['text'], 60)}"
            )

    @analyze.command("path")
    @click.argument("a")
    @click.argument("b")
    @click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
    @_slice_options
    @click.pass_obj
    @handle_errors
    def path_cmd(
        obj: Any, a: str, b: str, limit: int, as_json: bool, since: str | None,
        until: str | None, kinds: tuple[str, ...],
    ) -> None:  # fmt: skip
        """Shortest chains of relationships between A and B, each step with its evidence."""
        from stancegraph.analysis import paths

        with obj.open(read_only=True) as store:
            result = paths(_project(store, since, until, kinds), a, b, limit=limit, store=store)
        if as_json:
            _echo_json(result)
            return
        if not result["paths"]:
            click.echo(f"no chain of relationships between {result['from_label']} and "
                       f"{result['to_label']}")  # fmt: skip
            return
        for i, p in enumerate(result["paths"], start=1):
            click.echo(f"path {i} ({result['length']} steps, sign {p['sign']:+d}): "
                       + " — ".join(p["labels"]))  # fmt: skip
            for s in p["steps"]:
                click.echo(f"  {s['from_label']} — {s['to_label']} ({s['sign']:+d})")
                for e in s["evidence"]:
                    click.echo(
                        f"      {e['kind']:<9} {e['sign']:+d} {e['date'] or '(undated)':<10} "
                        f"{_short(e['quote'] or e['text'], 60)}  [{', '.join(e['sources'])}]"
                    )
