"""Event data import (GDELT 1.0/2.0, ICEWS) through the bulk path, on small real-format files.

The fixtures in ``tests/fixtures/events/`` are hand-made rows in the published
layouts: GDELT 2.0 (61 columns), GDELT 1.0 (58 with SOURCEURL, 57 without),
a zip holding one ``.CSV``, ICEWS with its header, and a file of malformed rows.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from stancegraph.analysis.trajectory import trajectory
from stancegraph.api import run_query
from stancegraph.cli import cli
from stancegraph.errors import ParseError
from stancegraph.ingest.events import (
    event_template,
    ingest_events,
    iter_event_records,
    recover_torn_sources,
    render_event_nquads,
)
from stancegraph.project.graph import event_network
from stancegraph.rdf.mapping import event_quads, source_graph_iri
from stancegraph.resolve.registry import load_registry
from stancegraph.sparql.library import load_query
from stancegraph.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "events"
GDELT2 = FIXTURES / "gdelt2.export.CSV"
MALFORMED = FIXTURES / "gdelt2-malformed.CSV"
ICEWS = FIXTURES / "icews.events.tab"
ID = "https://w3id.org/stancegraph/id/"
SG = "https://w3id.org/stancegraph/ns#"
PUTIN = ID + "actor/vladimir-putin"
TRUMP = ID + "actor/donald-trump"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def _objects(store: Store, subject: str, predicate: str) -> list[Any]:
    q = store.ox.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)
    return sorted(str(x.object.value) for x in q)


def _event(n: object, dataset: str = "gdelt") -> str:
    return f"{ID}event/{dataset}/{n}"


# -- the mapping is the one rdf.event_quads defines --------------------------


def test_bulk_template_makes_the_same_quads_as_event_quads() -> None:
    registry = load_registry(None)
    records = list(iter_event_records(GDELT2, fmt="gdelt", registry=registry))
    graph = source_graph_iri(GDELT2.name)
    slow = set(event_quads(records, graph, "gdelt"))
    text = render_event_nquads(records, graph, "gdelt")
    fast = set(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    assert fast == slow
    assert len(records) == 8
    # every quad event_quads makes has a slot in the template
    assert len(event_template()) == len(list(event_quads(records[:1], graph, "gdelt")))


# -- layouts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "layout", "events", "has_url"),
    [
        ("gdelt2.export.CSV", "gdelt-2.0", 8, True),
        ("gdelt2-zipped.export.CSV.zip", "gdelt-2.0", 8, True),
        ("gdelt1-58.CSV", "gdelt-1.0", 4, True),
        ("gdelt1-57.CSV", "gdelt-1.0-nourl", 4, False),
    ],
)
def test_gdelt_layouts(store: Store, name: str, layout: str, events: int, has_url: bool) -> None:
    report = ingest_events(store, FIXTURES / name, fmt="gdelt", progress=False)
    assert report.status == "added"
    assert (report.layout, report.events, report.rows, report.skipped) == (
        layout,
        events,
        events,
        0,
    )
    ev = _event(1003)
    assert _objects(store, ev, SG + "date") == ["2017-02-03"]
    assert _objects(store, ev, SG + "goldstein") == ["-7"]
    assert _objects(store, ev, SG + "cameoCode") == [
        "https://w3id.org/stancegraph/vocab/cameo/1721"
    ]
    assert _objects(store, ev, SG + "cameoRoot") == ["https://w3id.org/stancegraph/vocab/cameo/17"]
    assert _objects(store, ev, SG + "quadClass") == ["4"]
    assert _objects(store, ev, SG + "avgTone") == ["-6.25"]
    assert _objects(store, ev, SG + "numMentions") == ["10"]
    urls = _objects(store, ev, SG + "sourceUrl")
    assert urls == (["https://news.example.org/1003.html"] if has_url else [])
    assert report.graph in {s.graph for s in store.sources()}
    kinds = {s.graph: s.kind for s in store.sources()}
    assert kinds[report.graph] == "gdelt"


def test_leading_zeros_and_literal_escapes_survive(store: Store) -> None:
    ingest_events(store, GDELT2, fmt="gdelt", progress=False)
    code = "https://w3id.org/stancegraph/vocab/cameo/042"
    assert _objects(store, _event(1001), SG + "cameoCode") == [code]
    notation = "http://www.w3.org/2004/02/skos/core#notation"
    assert _objects(store, code, notation) == ["042"]
    broader = "http://www.w3.org/2004/02/skos/core#broader"
    assert _objects(store, code, broader) == ["https://w3id.org/stancegraph/vocab/cameo/04"]
    assert _objects(store, _event(1005), SG + "sourceUrl") == [
        'https://news.example.org/a"b\\c.html'
    ]


# -- actors -------------------------------------------------------------------


def test_registry_codes_resolve_putin(store: Store) -> None:
    report = ingest_events(store, GDELT2, fmt="gdelt", progress=False)
    assert _objects(store, _event(1001), SG + "actor") == [PUTIN]
    assert _objects(store, _event(1001), SG + "counterpart") == [TRUMP]
    assert _objects(store, _event(1003), SG + "actor") == [ID + "actor/united-states"]
    assert _objects(store, _event(1003), SG + "counterpart") == [ID + "actor/russia"]
    # only a country code: the registry's state with that code
    assert _objects(store, _event(1008), SG + "actor") == [ID + "actor/russia"]
    assert report.resolved["registry"] >= 10


def test_unknown_actors_are_minted_deterministically(store: Store) -> None:
    ingest_events(store, GDELT2, fmt="gdelt", progress=False)
    police = ID + "actor/police-fra"
    assert _objects(store, _event(1006), SG + "actor") == [police]
    assert _objects(store, _event(1006), SG + "counterpart") == []
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert _objects(store, police, label) == ["Police (FRA)"]
    finland = ID + "actor/finland"
    assert _objects(store, _event(1007), SG + "actor") == [finland]
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert SG + "State" in _objects(store, finland, rdf_type)


def test_icews_key_is_id_and_date(store: Store) -> None:
    report = ingest_events(store, ICEWS, fmt="icews", progress=False)
    assert (report.layout, report.events) == ("icews", 4)
    first, second = _event("926685-2017-01-15", "icews"), _event("926685-2017-01-16", "icews")
    assert _objects(store, first, SG + "actor") == [PUTIN]
    assert _objects(store, first, SG + "goldstein") == ["3.4"]
    assert _objects(store, second, SG + "actor") == [TRUMP]
    assert _objects(store, second, SG + "quadClass") == ["1"]
    russia_on_us = _event("926690-2017-02-01", "icews")
    assert _objects(store, russia_on_us, SG + "actor") == [ID + "actor/russia"]
    citizens = _objects(store, _event("926691-2017-02-14", "icews"), SG + "actor")
    assert citizens == [ID + "actor/citizen-russia-russia"]


def test_icews_without_its_header_is_refused(store: Store, tmp_path: Path) -> None:
    body = tmp_path / "noheader.tab"
    body.write_text("".join(ICEWS.read_text(encoding="utf-8").splitlines(True)[1:]))
    with pytest.raises(ParseError, match="not an ICEWS header") as err:
        ingest_events(store, body, fmt="icews", progress=False)
    assert err.value.line == 1
    assert store.count() == 0


# -- malformed rows -------------------------------------------------------------


def test_skip_reports_every_malformed_row(store: Store) -> None:
    report = ingest_events(store, MALFORMED, fmt="gdelt", on_error="skip", progress=False)
    assert (report.rows, report.events, report.skipped) == (7, 2, 5)
    where = [(e.line, e.field) for e in report.errors]
    assert where == [
        (2, "columns"),
        (3, "SQLDATE"),
        (4, "GoldsteinScale"),
        (5, "EventCode"),
        (7, "GoldsteinScale"),
    ]
    assert report.error_counts == {"columns": 1, "SQLDATE": 1, "GoldsteinScale": 2, "EventCode": 1}
    text = report.summary()
    assert "skipped 5 malformed rows" in text and "line 4: GoldsteinScale" in text
    data = report.as_dict()
    assert data["errors"][0]["line"] == 2 and data["skipped"] == 5
    assert _objects(store, _event(2006), SG + "actor") == [TRUMP]
    assert _objects(store, _event(2003), SG + "date") == []


def test_fail_leaves_the_store_unchanged(store: Store, tmp_path: Path) -> None:
    ingest_events(store, GDELT2, fmt="gdelt", progress=False)
    before = sorted(map(str, store.ox))
    with pytest.raises(ParseError) as err:
        ingest_events(store, MALFORMED, fmt="gdelt", on_error="fail", progress=False)
    assert (err.value.line, err.value.field) == (2, "columns")
    assert "gdelt2-malformed.CSV:2" in str(err.value)
    assert sorted(map(str, store.ox)) == before

    # a changed file that fails must not take the old version with it
    victim = tmp_path / "feed.CSV"
    shutil.copy(GDELT2, victim)
    ingest_events(store, victim, fmt="gdelt", progress=False)
    before = sorted(map(str, store.ox))
    shutil.copy(MALFORMED, victim)
    with pytest.raises(ParseError):
        ingest_events(store, victim, fmt="gdelt", progress=False)
    assert sorted(map(str, store.ox)) == before


def test_reingest_unchanged_is_a_noop_and_changed_replaces(store: Store, tmp_path: Path) -> None:
    feed = tmp_path / "feed.CSV"
    shutil.copy(GDELT2, feed)
    first = ingest_events(store, feed, fmt="gdelt", progress=False)
    snapshot = sorted(map(str, store.ox))
    again = ingest_events(store, feed, fmt="gdelt", progress=False)
    assert again.status == "unchanged" and again.triples == first.triples
    assert sorted(map(str, store.ox)) == snapshot
    lines = GDELT2.read_text(encoding="utf-8").splitlines(True)
    feed.write_text("".join(lines[:3]), encoding="utf-8")
    replaced = ingest_events(store, feed, fmt="gdelt", progress=False)
    assert (replaced.status, replaced.events) == ("replaced", 3)
    assert _objects(store, _event(1005), SG + "date") == []
    assert _objects(store, _event(1003), SG + "date") == ["2017-02-03"]


def test_worker_process_path_matches_inline(tmp_path: Path) -> None:
    a, b = Store(tmp_path / "a"), Store(tmp_path / "b")
    ra = ingest_events(a, GDELT2, fmt="gdelt", progress=False, workers=0, chunk_rows=3)
    rb = ingest_events(b, GDELT2, fmt="gdelt", progress=False, workers=1, chunk_rows=3)
    assert ra.triples == rb.triples
    skip = ("generatedAtTime", "startedAtTime", "wasGeneratedBy", "/run/")
    ta = sorted(s for s in map(str, a.ox) if not any(k in s for k in skip))
    tb = sorted(s for s in map(str, b.ox) if not any(k in s for k in skip))
    assert ta == tb


def test_torn_load_is_recovered(store: Store) -> None:
    graph = source_graph_iri(GDELT2.name)
    records = list(iter_event_records(GDELT2, fmt="gdelt", registry=load_registry(None)))
    store.ox.bulk_extend(list(event_quads(records[:3], graph, "gdelt")))  # no provenance
    assert recover_torn_sources(store) == [graph]
    assert store.count(graph) == 0
    store.ox.bulk_extend(list(event_quads(records[:3], graph, "gdelt")))
    report = ingest_events(store, GDELT2, fmt="gdelt", progress=False)
    assert report.status == "added" and report.events == 8


def test_zip_with_two_members_is_refused(store: Store, tmp_path: Path) -> None:
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.CSV", GDELT2.read_text(encoding="utf-8"))
        zf.writestr("b.CSV", GDELT2.read_text(encoding="utf-8"))
    with pytest.raises(ParseError, match="exactly one file"):
        ingest_events(store, two, fmt="gdelt", progress=False)


# -- the three analyst queries ------------------------------------------------------


def test_events_answer_the_library_queries(store: Store) -> None:
    ingest_events(store, GDELT2, fmt="gdelt", progress=False)
    ingest_events(store, ICEWS, fmt="icews", progress=False)
    pair = run_query(store, load_query("pair_events"), {"a": "Putin", "b": "Trump"}).values()
    assert [(r["date"].isoformat(), r["direction"], r["cameoCode"]) for r in pair] == [
        ("2017-01-15", "a→b", "042"),
        ("2017-01-15", "a→b", "051"),
        ("2017-01-16", "b→a", "012"),
        ("2017-01-20", "b→a", "036"),
        ("2017-03-02", "b→a", "057"),
    ]
    # A date window: the months outside it are never read, and the days inside it are exact.
    window = {"a": "Putin", "b": "Trump", "since": "2017-01-16", "until": "2017-01-31"}
    rows = run_query(store, load_query("pair_events"), window).values()
    assert [(r["date"].isoformat(), r["cameoCode"]) for r in rows] == [
        ("2017-01-16", "012"),
        ("2017-01-20", "036"),
    ]
    assert {r["cameoRoot"] for r in rows} == {"01", "03"}
    window = {"a": "Putin", "b": "Trump", "since": "2017-02-01"}
    rows = run_query(store, load_query("pair_events"), window).values()
    assert [r["date"].isoformat() for r in rows] == ["2017-03-02"]
    monthly = run_query(store, load_query("goldstein_monthly"), {"a": "Trump", "b": "Putin"})
    rows = {r["month"]: r for r in monthly.values()}
    assert sorted(rows) == ["2017-01", "2017-03"]
    jan = rows["2017-01"]
    assert (jan["events"], jan["eventsAB"], jan["eventsBA"]) == (4, 2, 2)
    assert jan["meanGoldsteinAB"] == pytest.approx((4.0 + 0.4) / 2)
    assert jan["meanGoldsteinBA"] == pytest.approx((1.9 + 3.4) / 2)
    assert jan["meanGoldstein"] == pytest.approx((4.0 + 0.4 + 1.9 + 3.4) / 4)
    top = run_query(store, load_query("top_counterparts"), {"actor": "Russia"}).values()
    assert top[0]["counterpart"] == ID + "actor/united-states"
    assert (top[0]["events"], top[0]["initiated"], top[0]["received"]) == (4, 3, 1)
    assert top[0]["label"] == "United States"
    assert [r["events"] for r in top] == sorted((r["events"] for r in top), reverse=True)


_PER_EVENT = """PREFIX sg: <https://w3id.org/stancegraph/ns#>
SELECT ?a ?b ?month (COUNT(?e) AS ?n) (SUM(COALESCE(?g, 0)) AS ?gs) (COUNT(?g) AS ?gc)
WHERE { ?e sg:cameoCode ?c ; sg:actor ?a ; sg:counterpart ?b ; sg:date ?d .
        OPTIONAL { ?e sg:goldstein ?g } BIND(SUBSTR(STR(?d), 1, 7) AS ?month) }
GROUP BY ?a ?b ?month"""
_SUMMARIES = """PREFIX sg: <https://w3id.org/stancegraph/ns#>
SELECT ?a ?b ?month (SUM(?n0) AS ?n) (SUM(?gs0) AS ?gs) (SUM(?gc0) AS ?gc)
       (SAMPLE(?mean0) AS ?mean) (COUNT(?pm) AS ?nodes)
WHERE { ?pm a sg:PairMonth ; sg:pair ?p ; sg:month ?m ;
            sg:eventCount ?n0 ; sg:goldsteinSum ?gs0 ; sg:goldsteinCount ?gc0 .
        ?p a sg:Pair ; sg:pairActor ?a ; sg:pairCounterpart ?b .
        OPTIONAL { ?pm sg:goldsteinMean ?mean0 } BIND(STR(?m) AS ?month) }
GROUP BY ?a ?b ?month"""
_PAIRS = """PREFIX sg: <https://w3id.org/stancegraph/ns#>
SELECT ?a ?b (SUM(?n0) AS ?n) (SUM(?gs0) AS ?gs) (SUM(?gc0) AS ?gc) (COUNT(?p) AS ?nodes)
WHERE { ?p a sg:Pair ; sg:pairActor ?a ; sg:pairCounterpart ?b ;
           sg:eventCount ?n0 ; sg:goldsteinSum ?gs0 ; sg:goldsteinCount ?gc0 . }
GROUP BY ?a ?b"""
# Every event with both actors is counted in exactly one pair-month of its own
# source graph, whose pair and month are the event's.
_MISCOUNTED = """PREFIX sg: <https://w3id.org/stancegraph/ns#>
SELECT ?e WHERE {
  GRAPH ?g { ?e sg:cameoCode ?c ; sg:actor ?a ; sg:counterpart ?b ; sg:date ?d }
  FILTER NOT EXISTS {
    GRAPH ?g { ?e sg:countedIn ?pm . ?pm sg:month ?m ; sg:pair ?p .
               ?p sg:pairActor ?a ; sg:pairCounterpart ?b }
    FILTER(STR(?m) = SUBSTR(STR(?d), 1, 7))
  }
}"""
_COUNTED_TWICE = """PREFIX sg: <https://w3id.org/stancegraph/ns#>
SELECT ?e WHERE { ?e sg:countedIn ?x , ?y FILTER(?x != ?y) }"""


def test_pair_month_summaries_add_up_to_the_events(store: Store, tmp_path: Path) -> None:
    """The summaries equal a per-event aggregate, and two files of one dataset add up."""
    copy = tmp_path / "copy.export.CSV"
    copy.write_text(
        "".join(
            line.replace(line.split("\t", 1)[0], "9" + line.split("\t", 1)[0], 1)
            for line in GDELT2.read_text(encoding="utf-8").splitlines(keepends=True)
        ),
        encoding="utf-8",
    )  # the same rows under other event ids: one more source graph, same pair-months
    reports = [
        ingest_events(store, path, fmt=fmt, progress=False)
        for path, fmt in ((GDELT2, "gdelt"), (ICEWS, "icews"), (copy, "gdelt"))
    ]
    assert all(r.pair_months > 0 for r in reports)
    events = {
        (r["a"], r["b"], r["month"]): (r["n"], r["gs"], r["gc"]) for r in store.select(_PER_EVENT)
    }
    summaries = {(r["a"], r["b"], r["month"]): r for r in store.select(_SUMMARIES)}
    assert set(summaries) == set(events)
    for key, (n, gs, gc) in events.items():
        row = summaries[key]
        assert (row["n"], row["gc"]) == (n, gc)
        assert row["gs"] == pytest.approx(gs)
        if row["nodes"] == 1 and gc:
            assert row["mean"] == pytest.approx(gs / gc)
    assert sum(r.pair_months for r in reports) == sum(r["nodes"] for r in summaries.values())
    pairs = {(r["a"], r["b"]): r for r in store.select(_PAIRS)}
    assert set(pairs) == {(a, b) for a, b, _m in events}
    for (a, b), row in pairs.items():
        months = [v for k, v in events.items() if k[:2] == (a, b)]
        assert row["n"] == sum(n for n, _gs, _gc in months)
        assert row["gc"] == sum(gc for _n, _gs, gc in months)
        assert row["gs"] == pytest.approx(sum(gs for _n, gs, _gc in months))
    assert sum(r.pairs for r in reports) == sum(r["nodes"] for r in pairs.values())
    assert store.select(_MISCOUNTED) == [] and store.select(_COUNTED_TWICE) == []
    # The actor network read from the summaries is the per-event aggregate, all time ...
    net = event_network(store)
    assert {(a, b) for a, b in net.edges} == set(pairs)
    for (a, b), row in pairs.items():
        edge = net.edges[a, b]
        assert (edge["events"], edge["goldstein_count"]) == (row["n"], row["gc"])
        assert edge["goldstein_sum"] == pytest.approx(row["gs"])
        if row["gc"]:
            assert edge["goldstein"] == pytest.approx(row["gs"] / row["gc"])
            assert edge["sign"] == (row["gs"] > 0) - (row["gs"] < 0)
    assert net.nodes[ID + "actor/russia"]["label"] == "Russia"
    # ... and over a window of whole months.
    window_net = event_network(store, since="2017-01-20", until="2017-02-01")
    window = {}
    for (a, b, month), (n, _gs, _gc) in events.items():
        if "2017-01" <= month <= "2017-02":
            window[(a, b)] = window.get((a, b), 0) + n
    assert {(a, b): d["events"] for a, b, d in window_net.edges(data=True)} == window
    assert (
        window_net.graph["since"] == "2017-01-20"
        and 0 < window_net.number_of_edges() < net.number_of_edges()
    )
    # Retracting a file retracts its summaries with its events.
    store.drop_graph(reports[2].graph)
    assert sum(r["nodes"] for r in store.select(_SUMMARIES)) == sum(
        r.pair_months for r in reports[:2]
    )


# -- CLI ------------------------------------------------------------------------------


def test_cli_ingest_gdelt_json_and_errors(tmp_path: Path) -> None:
    store = str(tmp_path / "cli-store")
    runner = CliRunner()
    out = runner.invoke(
        cli, ["--store", store, "ingest", "--format", "gdelt", "--json", str(GDELT2)]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["sources"][0]["events"] == 8 and data["sources"][0]["status"] == "added"
    out = runner.invoke(cli, ["--store", store, "ingest", "--format", "gdelt", str(MALFORMED)])
    assert out.exit_code == 2
    assert "gdelt2-malformed.CSV:2: columns" in out.output
    out = runner.invoke(
        cli, ["--store", store, "ingest", "--format", "gdelt", "--on-error", "skip", str(MALFORMED)]
    )
    assert out.exit_code == 0, out.output
    assert "skipped 5 malformed rows" in out.output and "line 3: SQLDATE" in out.output


# -- a real SPARQL server -----------------------------------------------------------------


@pytest.mark.server
def test_import_into_a_server_through_the_graph_store_protocol(
    oxigraph_server: Any, tmp_path: Path
) -> None:
    remote = oxigraph_server.remote()
    local = Store(tmp_path / "local")
    report = ingest_events(remote, GDELT2, fmt="gdelt", progress=False, chunk_rows=3)
    ingest_events(local, GDELT2, fmt="gdelt", progress=False)
    assert report.status == "added" and report.events == 8
    assert remote.count(report.graph) == local.count(report.graph)
    assert remote.source_checksum(report.graph) == local.source_checksum(report.graph)
    again = ingest_events(remote, GDELT2, fmt="gdelt", progress=False)
    assert again.status == "unchanged"
    params = {"a": f"<{PUTIN}>", "b": f"<{TRUMP}>"}
    pair = run_query(remote, load_query("pair_events"), params)
    assert len(pair.rows) == 3
    window = {**params, "until": "2017-01-15"}
    there = run_query(remote, load_query("pair_events"), window).values()
    here = run_query(local, load_query("pair_events"), window).values()
    assert [r["event"] for r in there] == [r["event"] for r in here]
    assert [r["date"].isoformat() for r in here] == ["2017-01-15"]
    there_net, here_net = event_network(remote), event_network(local)
    assert sorted(there_net.edges(data=True)) == sorted(here_net.edges(data=True))
    assert here_net.number_of_edges() > 0
    remote.drop_graph(report.graph)


# -- trajectories from event data -----------------------------------------------------


def _gdelt_row(template: str, eid: int, day: str, code: str, goldstein: float) -> str:
    """A row of the GDELT 2.0 fixture with a new id, date, CAMEO code and Goldstein score."""
    cells = template.rstrip("\n").split("\t")
    cells[0], cells[1], cells[2], cells[3] = str(eid), day, day[:6], day[:4]
    cells[26], cells[27], cells[28] = code, code, code[:2]
    cells[30] = repr(goldstein)
    return "\t".join(cells) + "\n"


def test_stance_trajectory_from_events_is_the_monthly_mean_goldstein(
    store: Store, tmp_path: Path
) -> None:
    """Trump -> Putin from coded events: cooperation, conflict, cooperation -> two flips."""
    trump_on_putin = GDELT2.read_text(encoding="utf-8").splitlines(keepends=True)[1]
    assert "\tDONALD TRUMP\t" in trump_on_putin.split("\t042\t")[0]
    rows = [
        (3001, "20200110", "042", 1.9),
        (3002, "20200125", "057", 8.0),
        (3003, "20200214", "112", -2.0),
        (3004, "20200220", "173", -5.0),
        (3005, "20200305", "036", 4.0),
    ]
    path = tmp_path / "flips.export.CSV"
    path.write_text("".join(_gdelt_row(trump_on_putin, *r) for r in rows), encoding="utf-8")
    ingest_events(store, path, fmt="gdelt", progress=False)
    traj = trajectory(store, "Donald Trump", "Vladimir Putin", freq="month")
    by_month = {p.key: p for p in traj.periods}
    assert list(by_month) == ["2020-01", "2020-02", "2020-03"]
    jan = by_month["2020-01"].points
    assert [(p.kind, p.precision) for p in jan] == [("events", "month")]
    assert by_month["2020-01"].value == pytest.approx((1.9 + 8.0) / 2 / 10)
    assert by_month["2020-02"].value == pytest.approx((-2.0 - 5.0) / 2 / 10)
    assert jan[0].text == "2 coded events, mean Goldstein 4.95"
    assert jan[0].source == source_graph_iri("flips.export.CSV")
    assert [(f.before.key, f.after.key) for f in traj.flips] == [
        ("2020-01", "2020-02"),
        ("2020-02", "2020-03"),
    ]
    assert traj.derived["polarity"] == "mixed" and traj.derived["flip"] is True
    # The same series as the library's monthly Goldstein query, a→b side.
    monthly = run_query(
        store, load_query("goldstein_monthly"), {"a": "Donald Trump", "b": "Vladimir Putin"}
    ).values()
    assert {r["month"]: r["meanGoldsteinAB"] / 10 for r in monthly} == pytest.approx(
        {k: v.value for k, v in by_month.items()}
    )
