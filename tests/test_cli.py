"""The CLI as analysts use it: exit codes, JSON reports, errors naming file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stancegraph.cli import cli
from stancegraph.store import Store

from _helpers import REPO, SEED_CARD, SEED_FACTCHECK, SEEDS, snapshot

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds are not present")


def run(store: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--store", str(store), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def built(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    code, _, err = run(store, "build", str(REPO / "graph"))
    assert code == 0, err
    return store


def test_ingest_json_report(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, out, err = run(
        store,
        "ingest",
        "--registry",
        str(REPO / "graph" / "actors.yaml"),
        "--json",
        str(SEED_CARD),
        str(SEED_FACTCHECK),
    )
    assert code == 0, err
    report = json.loads(out)
    card, fc = report["sources"]
    assert card["kind"] == "card" and card["status"] == "added"
    assert card["graph"].startswith("https://w3id.org/stancegraph/graph/source/")
    assert card["triples"] > 100
    assert card["counts"] == {"timeline": 7, "statements": 10, "actions": 4, "critics": 3}
    assert card["stance"] == {
        "polarity": "mixed",
        "strength": "strong",
        "kind": "relationship",
        "flip": True,
    }
    assert (card["holder"], card["target"]) == ("Donald Trump", "Vladimir Putin")
    assert fc["kind"] == "factcheck" and fc["checked_on"] == "2025-12-08"
    assert fc["counts"] == {"findings": 7, "citations": 11, "questions": 5}
    putain = [m for m in fc["mentions"] if m["mention"] == "Putain"]
    assert putain[0]["actor"] == "Vladimir Putin" and putain[0]["method"] == "fuzzy"
    assert putain[0]["iri"] == card["mentions"][1]["iri"]
    # again: nothing changes
    code, out, _ = run(
        store,
        "ingest",
        "--registry",
        str(REPO / "graph" / "actors.yaml"),
        "--json",
        str(SEED_CARD),
        str(SEED_FACTCHECK),
    )
    assert [s["status"] for s in json.loads(out)["sources"]] == ["unchanged", "unchanged"]


def test_both_seeds_validate_and_count(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, _, err = run(
        store,
        "ingest",
        "--registry",
        str(REPO / "graph" / "actors.yaml"),
        str(SEED_CARD),
        str(SEED_FACTCHECK),
    )
    assert code == 0, err
    code, out, err = run(store, "validate")
    assert code == 0, out + err
    assert "conforms" in out
    code, out, _ = run(store, "stats", "--json")
    stats = json.loads(out)
    kinds = sorted(s["kind"] for s in stats["sources"])
    assert kinds == ["card", "factcheck", "ontology"]
    assert stats["counts"]["stances"] == 1
    assert stats["counts"]["findings"] == 7
    assert stats["counts"]["citations"] == 11
    assert stats["counts"]["timeline_items"] == 7
    assert stats["triples"] == sum(s["triples"] for s in stats["sources"])


def test_validate_reports_violations_in_words_and_exits_1(built: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad-stance.ttl"
    bad.write_text(
        """@prefix sg: <https://w3id.org/stancegraph/ns#> .
@prefix sgv: <https://w3id.org/stancegraph/vocab/> .
<https://w3id.org/stancegraph/id/stance/broken> a sg:Stance ;
    sg:polarity <https://w3id.org/stancegraph/vocab/polarity/lukewarm> .
""",
        encoding="utf-8",
    )
    code, _, err = run(built, "ingest", str(bad))
    assert code == 0, err
    code, out, _ = run(built, "validate")
    assert code == 1
    assert "bad-stance.ttl" in out and "holder" in out
    code, out, _ = run(built, "validate", "--json")
    report = json.loads(out)
    assert report["conforms"] is False
    paths = {v["path"] for v in report["violations"]}
    assert "https://w3id.org/stancegraph/ns#holder" in paths
    assert "https://w3id.org/stancegraph/ns#polarity" in paths


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (
            b"Politician \xc2\xb7 person\n\nA on B\n\nLukewarm Relationship Stance (strong)\n",
            "Lukewarm",
        ),
    ],
)
def test_bad_input_exit_2_and_store_unchanged(
    built: Path, tmp_path: Path, content: bytes, needle: str
) -> None:
    with Store(built) as st:
        before = snapshot(st)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, _, err = run(built, "ingest", str(bad))
    assert code == 2
    assert "bad.txt" in err and needle in err
    assert err.count("\n") == 1, "one clear line, no traceback"
    with Store(built) as st:
        assert snapshot(st) == before


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nq", "nt", "jsonld"])
def test_export_round_trips(built: Path, tmp_path: Path, fmt: str) -> None:
    out_file = tmp_path / f"graph.{fmt}"
    code, _, err = run(built, "export", "-f", fmt, "-o", str(out_file))
    assert code == 0, err
    assert out_file.stat().st_size > 1000
    import pyoxigraph as ox

    fmt_map = {
        "ttl": ox.RdfFormat.TURTLE,
        "trig": ox.RdfFormat.TRIG,
        "nq": ox.RdfFormat.N_QUADS,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
    }
    quads = list(ox.parse(path=str(out_file), format=fmt_map[fmt]))
    with Store(built) as st:
        if fmt in {"trig", "nq", "jsonld"}:
            assert len(quads) == st.count()
            assert {q.graph_name for q in quads} == {ox.NamedNode(s.graph) for s in st.sources()}
        else:
            distinct = {(q.subject, q.predicate, q.object) for q in st.iter_quads()}
            assert len(quads) == len(distinct)


def test_retract_cli(built: Path) -> None:
    code, out, _ = run(built, "retract", "putin-trump-rapport.yaml")
    assert code == 0 and "retracted" in out
    code, out, _ = run(built, "stats", "--json")
    assert json.loads(out)["counts"]["findings"] == 0
    code, _, err = run(built, "retract", "putin-trump-rapport.yaml")
    assert code == 2 and "no source" in err


def test_second_writer_fails_clearly(built: Path) -> None:
    with Store(built):
        code, _, err = run(built, "--wait", "0.5", "ingest", str(SEED_CARD))
    assert code == 2
    assert "in use by another writer" in err


def test_python_m_runs_the_cli() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "stancegraph", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "ingest" in proc.stdout
