# ruff: noqa: N806 - graphs are G, S, B as in NetworkX
"""Benchmark: the SPARQL projection against rdflib's own NetworkX conversion.

Builds a store of at least a million triples of coded events (GDELT-like:
Zipf-distributed actors, Goldstein scores, dates over several years) mapped
by the project's own ``event_quads``, bulk-loads it into an on-disk Oxigraph
store, then measures in the same run:

- ``to_networkx(store)``: SPARQL selects actors and evidence, NetworkX builds
  the multigraph (one edge per event, with sign, weight, date, evidence and
  sources);
- ``to_networkx(store, since=..., until=...)``: a one-year slice in the query;
- the baseline: ``rdflib.extras.external_graph_libs.rdflib_to_networkx_multidigraph``
  on an rdflib ``Graph`` holding the same triples (its load time is printed
  apart and not counted against it).

Prints the times and the ratio baseline / ours. No timing is asserted anywhere.

Usage::

    python -m bench.projection [--events 70000] [--actors 300] [--seed 7] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["generate_quads", "main"]

CAMEO = [  # (code, goldstein) pairs in the style of GDELT's fixed mapping
    ("010", 0.0), ("020", 3.0), ("036", 4.0), ("040", 1.0), ("042", 1.9), ("043", 2.8),
    ("051", 3.4), ("057", 8.0), ("061", 6.4), ("071", 7.4), ("111", -2.0), ("112", -2.0),
    ("120", -4.0), ("130", -4.4), ("163", -8.0), ("172", -5.0), ("190", -10.0),
]  # fmt: skip


def generate_quads(n_events: int, n_actors: int, seed: int, graph: str) -> Iterator[object]:
    """Quads of ``n_events`` coded events between ``n_actors`` actors, plus the actors."""
    from stancegraph.model.records import ActorRef, EventRecord
    from stancegraph.rdf.mapping import SourceInfo, actor_quads, event_quads, source_quads
    from stancegraph.resolve.registry import Actor

    rng = random.Random(seed)
    actors = [Actor(name=f"Bench Actor {i:04d}", type="State" if i % 3 else "Person")
              for i in range(n_actors)]  # fmt: skip
    weights = [1.0 / (i + 1) for i in range(n_actors)]  # Zipf: a few dyads dominate
    yield from source_quads(
        SourceInfo(graph=graph, kind="gdelt", path="bench/projection", checksum="sha256:bench",
                   ingested_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    )  # fmt: skip
    for a in actors:
        yield from actor_quads(a, graph)
    start = dt.date(2019, 1, 1)

    def records() -> Iterator[EventRecord]:
        for i in range(n_events):
            a, b = rng.choices(actors, weights=weights, k=2)
            if a is b:
                b = actors[(actors.index(a) + 1) % n_actors]
            code, goldstein = rng.choice(CAMEO)
            yield EventRecord(
                event_id=str(1_000_000 + i),
                date=start + dt.timedelta(days=rng.randrange(6 * 365)),
                line=i + 1,
                source=ActorRef(a.name, iri=a.iri),
                target=ActorRef(b.name, iri=b.iri),
                cameo_code=code,
                cameo_root=code[:2],
                quad_class=1 + int(code[:2]) % 4,
                goldstein=goldstein,
                avg_tone=round(rng.uniform(-10, 10), 3),
                num_mentions=rng.randint(1, 50),
                num_sources=rng.randint(1, 5),
                num_articles=rng.randint(1, 50),
                source_url=f"https://news.example.org/{i}",
            )

    yield from event_quads(records(), graph, "bench")


def _timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    dt_s = time.perf_counter() - t0
    print(f"{label:<58} {dt_s:9.2f} s")
    return out, dt_s


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print times and ratios."""
    parser = argparse.ArgumentParser(prog="python -m bench.projection", description=__doc__)
    parser.add_argument("--events", type=int, default=70_000)
    parser.add_argument("--actors", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args(argv)

    import pyoxigraph as ox

    from stancegraph.project.graph import to_networkx
    from stancegraph.rdf.mapping import source_graph_iri
    from stancegraph.store import Store

    graph = source_graph_iri("bench-events")
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        quads, _ = _timed(
            f"generate {args.events:,} events (event_quads)",
            lambda: list(generate_quads(args.events, args.actors, args.seed, graph)),
        )
        store = Store(Path(tmp) / "store")
        _timed("bulk-load into Oxigraph", store.ox.bulk_extend, quads)
        store.ox.flush()
        n = len(store.ox)
        print(f"store holds {n:,} triples (one named graph)")
        if n < 1_000_000:
            print("warning: fewer than a million triples; raise --events")

        G, ours = _timed("ours: to_networkx(store)", to_networkx, store)
        print(f"  -> {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
        S, sliced = _timed(
            "ours: to_networkx(store, since=2022-01-01, until=2022-12-31)",
            to_networkx, store, since="2022-01-01", until="2022-12-31",
        )  # fmt: skip
        print(f"  -> {S.number_of_nodes():,} nodes, {S.number_of_edges():,} edges")

        if not args.skip_baseline:
            import rdflib
            from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

            def load() -> rdflib.Graph:
                g = rdflib.Graph()
                for q in quads:
                    g.add((_rd(q.subject), _rd(q.predicate), _rd(q.object)))
                return g

            rg, _ = _timed("baseline setup: same triples into an rdflib Graph", load)
            B, base = _timed(
                "baseline: rdflib_to_networkx_multidigraph(graph)",
                rdflib_to_networkx_multidigraph, rg,
            )  # fmt: skip
            print(f"  -> {B.number_of_nodes():,} nodes, {B.number_of_edges():,} edges "
                  "(every literal a node, every triple an edge)")  # fmt: skip
            print(f"ratio baseline / ours (full projection): {base / ours:6.2f}x")
            print(f"ratio baseline / ours (one-year slice):  {base / sliced:6.2f}x")
        store.close()
        del ox
    return 0


def _rd(term: object) -> object:
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


if __name__ == "__main__":
    raise SystemExit(main())
