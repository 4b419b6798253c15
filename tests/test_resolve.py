"""Entity resolution: aliases, folding, fuzzy matches, unknown actors minted once."""

from __future__ import annotations

import pytest

from stancegraph.errors import ParseError
from stancegraph.model.records import ActorRef
from stancegraph.resolve.registry import Actor, Registry, guess_type, read_registry

from _helpers import REPO


@pytest.fixture(scope="module")
def registry() -> Registry:
    return read_registry(REPO / "graph" / "actors.yaml")


@pytest.mark.parametrize(
    ("mention", "name", "method"),
    [
        ("Vladimir Putin", "Vladimir Putin", "exact"),
        ("Putin", "Vladimir Putin", "alias"),
        ("PUTIN", "Vladimir Putin", "alias"),
        ("Putin’s", "Vladimir Putin", "alias"),
        ("Putain", "Vladimir Putin", "fuzzy"),
        ("Orban", "Viktor Orbán", "alias"),
        ("viktor orban", "Viktor Orbán", "exact"),
        ("Kim Jong-un", "Kim Jong Un", "exact"),
        ("Zelensky", "Volodymyr Zelenskyy", "alias"),
        ("U.S.", "United States", "alias"),
        ("the Kremlin", "Kremlin", "alias"),
    ],
)
def test_mentions_resolve(registry: Registry, mention: str, name: str, method: str) -> None:
    res = registry.lookup(mention)
    assert res is not None, mention
    assert res.label == name and res.method == method


@pytest.mark.parametrize("mention", ["Executive", "Ukraine war", "Moon", "Are"])
def test_non_names_do_not_resolve(registry: Registry, mention: str) -> None:
    res = registry.lookup(mention)
    assert res is None or res.label != "Vladimir Putin"


def test_unknown_actor_is_minted_once() -> None:
    reg = Registry([Actor("Donald Trump", aliases=["Trump"])])
    first = reg.resolve(ActorRef("Ilse Brandt", kind="person"))
    second = reg.resolve(ActorRef("Ilse  Brandt"))
    assert first is not None and second is not None
    assert first.method == "new" and second.iri == first.iri
    assert reg.actors[first.iri].type == "Person"


def test_topic_targets_become_topics() -> None:
    reg = Registry()
    res = reg.resolve(ActorRef("Carbon pricing", kind="issue"))
    assert res is not None and res.method == "topic"
    assert "/topic/" in res.iri and reg.actors[res.iri].topic


@pytest.mark.parametrize(
    ("name", "hint", "expected"),
    [
        ("European allies", None, "Group"),
        ("Critics in general", None, "Group"),
        ("Jana Holm", None, "Person"),
        ("Acme", "organization", "Organization"),
    ],
)
def test_guess_type(name: str, hint: str | None, expected: str) -> None:
    assert guess_type(name, hint) == expected


def test_registry_errors_name_line_and_field(tmp_path) -> None:
    bad = tmp_path / "actors.yaml"
    bad.write_text(
        "actors:\n  - name: A\n    type: Person\n  - name: B\n    type: Planet\n", encoding="utf-8"
    )
    with pytest.raises(ParseError) as info:
        read_registry(bad)
    assert info.value.line == 4 and info.value.field == "type" and "Planet" in str(info.value)


def test_fuzzy_never_merges_two_unknown_names() -> None:
    reg = Registry([Actor("Vladimir Putin", aliases=["Putin"])])
    holm = reg.resolve(ActorRef("Jana Holm"))
    holt = reg.resolve(ActorRef("Jana Holt"))
    assert holm is not None and holt is not None and holm.iri != holt.iri
    # while the curated registry still catches a misspelling
    putain = reg.resolve(ActorRef("Putain"))
    assert putain is not None and putain.method == "fuzzy" and putain.label == "Vladimir Putin"
