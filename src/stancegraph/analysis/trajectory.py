"""A stance over time: the declared stance beside the one the dated evidence shows.

A card declares a stance ("mixed, strong, flip"); the graph also holds the
dated statements, timeline items, actions and coded events behind it. This
module turns that evidence into polarity points, groups them into periods and
finds where the sign changes (flips) and where both signs meet inside one
period (mixed), naming the evidence on either side of every flip.

Rules
-----
Points
    A statement scores its ``sg:polarityValue`` (else its polarity: positive
    +1, negative -1, mixed and neutral 0); a timeline item without quotes and
    an action or contact score their recorded polarity, and are listed as
    ``unscored`` when they have none (a summit alone is not warmth); a coded
    event scores ``goldstein / 10``.
Periods
    ``freq="month"``: a month; ``"year"``: a year; ``"period"``: each date as
    written (a day, a month or a year is its own period). An item known only
    to the year (``2025``) cannot be put in a month: at ``month`` and
    ``period`` frequency it forms its own period that sorts **after** the
    months and days of that year (and a month after its days). Cards list
    such items as summaries of, or later than, the dated ones (the demo card
    puts its ``2025`` item last), and their ``sg:sequence`` agrees.
Undated items
    An undated item (precision ``order``) is placed by its ``sg:sequence``
    among the items of the same list (timeline or actions) of the same source:
    it joins the period of the nearest dated item before it (else after it)
    and is flagged ``placed="order"``. Items with no dated neighbour are
    reported in ``undated`` and take no part in periods or flips.
Period polarity
    The period's value is the mean of its points; its sign is the sign of that
    mean. It is ``mixed`` when it holds both a positive and a negative point,
    or a point whose own polarity is mixed (``mixed_reason`` says which).
Flips
    A flip is a change of sign between consecutive periods whose sign is not
    zero (neutral periods in between do not hide a flip). Each flip lists the
    points of the earlier period with the earlier sign and the points of the
    later period with the later sign: IRI, date, quote or text, source.
Derived stance
    positive or negative when every signed period agrees, mixed when both
    occur, neutral when no period is signed; ``flip`` when any flip was found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from stancegraph.errors import QueryError
from stancegraph.resolve.names import NameResolver
from stancegraph.store.base import GraphStore

__all__ = [
    "FREQUENCIES",
    "DeclaredStance",
    "Flip",
    "Period",
    "Point",
    "Trajectory",
    "build_trajectory",
    "trajectory",
]

Freq = Literal["month", "year", "period"]
FREQUENCIES: tuple[str, ...] = ("month", "year", "period")
_POLARITY_VALUE = {"positive": 1.0, "negative": -1.0, "mixed": 0.0, "neutral": 0.0}


@dataclass(slots=True)
class Point:
    """One piece of dated (or placed) evidence with its polarity value."""

    iri: str
    kind: str
    date: str | None
    precision: str
    sequence: int | None
    value: float | None
    polarity: str | None
    quote: str | None
    text: str | None
    source: str
    parent: str | None = None
    placed: str = "date"  # "date" | "order" | "none"
    period: str | None = None
    placed_after: str | None = None  # the dated neighbour an undated point was placed by
    placed_date: str | None = None

    @property
    def sign(self) -> int:
        v = self.value or 0.0
        return (v > 0) - (v < 0)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["sign"] = self.sign
        return out


@dataclass(slots=True)
class Period:
    """The points that fall in one period, and what they add up to."""

    key: str
    start: str
    end: str
    points: list[Point] = field(default_factory=list)

    @property
    def value(self) -> float:
        vals = [p.value for p in self.points if p.value is not None]
        return sum(vals) / len(vals) if vals else 0.0

    @property
    def sign(self) -> int:
        v = round(self.value, 12)
        return (v > 0) - (v < 0)

    @property
    def mixed_reason(self) -> str | None:
        signs = {p.sign for p in self.points}
        if 1 in signs and -1 in signs:
            return "both-signs"
        if any(p.polarity == "mixed" for p in self.points):
            return "mixed-evidence"
        return None

    @property
    def polarity(self) -> str:
        if self.mixed_reason == "both-signs":
            return "mixed"
        if self.sign:
            return "positive" if self.sign > 0 else "negative"
        return "mixed" if self.mixed_reason else "neutral"

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.key,
            "start": self.start,
            "end": self.end,
            "value": round(self.value, 4),
            "sign": self.sign,
            "polarity": self.polarity,
            "mixed": self.mixed_reason is not None,
            "mixed_reason": self.mixed_reason,
            "evidence": [p.iri for p in self.points],
            "sources": sorted({p.source for p in self.points}),
            "points": [p.as_dict() for p in self.points],
        }


@dataclass(slots=True)
class Flip:
    """A change of sign between two periods, with the evidence on either side."""

    before: Period
    after: Period

    def as_dict(self) -> dict[str, Any]:
        def side(period: Period) -> list[dict[str, Any]]:
            return [
                {
                    "iri": p.iri,
                    "kind": p.kind,
                    "date": p.date,
                    "quote": p.quote,
                    "text": p.text,
                    "source": p.source,
                    "value": p.value,
                    "placed": p.placed,
                    "placed_after": p.placed_after,
                }
                for p in period.points
                if p.sign == period.sign
            ]

        return {
            "from_period": self.before.key,
            "to_period": self.after.key,
            "from_sign": self.before.sign,
            "to_sign": self.after.sign,
            "direction": "to-negative" if self.after.sign < 0 else "to-positive",
            "before": side(self.before),
            "after": side(self.after),
        }


@dataclass(slots=True)
class DeclaredStance:
    """A stance as a document declares it."""

    iri: str
    polarity: str | None
    strength: str | None
    flip: bool | None
    kind: str | None
    valid_from: str | None
    valid_until: str | None
    source: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Trajectory:
    """Declared and derived stance of a holder toward a target, period by period."""

    holder: str
    target: str
    holder_label: str
    target_label: str
    freq: str
    declared: list[DeclaredStance]
    periods: list[Period]
    flips: list[Flip]
    undated: list[Point]
    unscored: list[Point]

    @property
    def mixed_periods(self) -> list[Period]:
        return [p for p in self.periods if p.mixed_reason is not None]

    @property
    def derived(self) -> dict[str, Any]:
        signs = {p.sign for p in self.periods if p.sign}
        polarity: str | None
        if signs == {1}:
            polarity = "positive"
        elif signs == {-1}:
            polarity = "negative"
        elif signs:
            polarity = "mixed"
        else:
            polarity = "neutral" if self.periods else None
        points = [pt for p in self.periods for pt in p.points]
        return {
            "polarity": polarity,
            "flip": bool(self.flips),
            "flips": len(self.flips),
            "mixed_periods": len(self.mixed_periods),
            "points": len(points),
            "positive": sum(1 for pt in points if pt.sign > 0),
            "negative": sum(1 for pt in points if pt.sign < 0),
            "neutral": sum(1 for pt in points if pt.sign == 0),
            "mean": round(sum(pt.value or 0.0 for pt in points) / len(points), 4)
            if points
            else None,
        }

    @property
    def agreement(self) -> list[dict[str, Any]]:
        """Per declared stance: does the evidence agree on polarity and on the flip?"""
        d = self.derived
        return [
            {
                "stance": s.iri,
                "polarity": s.polarity == d["polarity"],
                "flip": None if s.flip is None else s.flip == d["flip"],
            }
            for s in self.declared
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "holder": {"iri": self.holder, "label": self.holder_label},
            "target": {"iri": self.target, "label": self.target_label},
            "freq": self.freq,
            "declared": [s.as_dict() for s in self.declared],
            "derived": self.derived,
            "agreement": self.agreement,
            "periods": [p.as_dict() for p in self.periods],
            "flips": [f.as_dict() for f in self.flips],
            "mixed": [p.key for p in self.mixed_periods],
            "undated": [p.as_dict() for p in self.undated],
            "unscored": [p.as_dict() for p in self.unscored],
        }


# -- periods -------------------------------------------------------------------
def _parts(date: str) -> tuple[int, int | None, int | None]:
    bits = date.split("-")
    year = int(bits[0])
    month = int(bits[1]) if len(bits) > 1 else None
    day = int(bits[2]) if len(bits) > 2 else None
    return year, month, day


def _month_end(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def period_of(date: str, freq: str) -> tuple[str, tuple[int, int, int], str, str]:
    """The period a date falls in at ``freq``: key, sort key, first and last day.

    A coarser date than the frequency asks for keeps its own precision and
    sorts after the finer periods it contains (see the module doc).
    """
    year, month, day = _parts(date)
    if freq == "year" or month is None:
        return f"{year:04d}", (year, 99, 99), f"{year:04d}-01-01", f"{year:04d}-12-31"
    last = _month_end(year, month)
    if freq == "month" or day is None:
        return (
            f"{year:04d}-{month:02d}",
            (year, month, 99),
            f"{year:04d}-{month:02d}-01",
            f"{year:04d}-{month:02d}-{last:02d}",
        )
    key = f"{year:04d}-{month:02d}-{day:02d}"
    return key, (year, month, day), key, key


def _list_of(kind: str) -> str:
    return "actions" if kind in {"action", "contact"} else "timeline"


def _place_undated(points: list[Point]) -> list[Point]:
    """Give undated points the date of their nearest dated neighbour in their list."""
    groups: dict[tuple[str, str], list[Point]] = {}
    for p in points:
        groups.setdefault((p.source, _list_of(p.kind)), []).append(p)
    left: list[Point] = []
    for members in groups.values():
        dated = sorted(
            (p for p in members if p.date and p.sequence is not None), key=lambda p: p.sequence or 0
        )
        for p in members:
            if p.date:
                continue
            if p.sequence is None or not dated:
                p.placed = "none"
                left.append(p)
                continue
            before = [d for d in dated if (d.sequence or 0) < p.sequence]
            after = [d for d in dated if (d.sequence or 0) > p.sequence]
            neighbour = before[-1] if before else after[0] if after else None
            if neighbour is None:
                p.placed = "none"
                left.append(p)
                continue
            p.placed = "order"
            p.placed_after = neighbour.iri
            p.placed_date = neighbour.date
    return left


def _value(row: dict[str, Any]) -> float | None:
    if row.get("goldstein") is not None:
        return float(row["goldstein"]) / 10.0
    if row.get("polarityValue") is not None:
        return float(row["polarityValue"])
    if row.get("polarity") in _POLARITY_VALUE:
        return _POLARITY_VALUE[row["polarity"]]
    return None


def build_trajectory(
    rows: Iterable[dict[str, Any]],
    declared: Iterable[DeclaredStance],
    *,
    holder: str,
    target: str,
    holder_label: str | None = None,
    target_label: str | None = None,
    freq: str = "month",
) -> Trajectory:
    """Group evidence rows (``stance_evidence.rq`` columns) into a trajectory.

    Separate from :func:`trajectory` so that evidence from anywhere (a remote
    endpoint, a DataFrame) can be analysed the same way.
    """
    if freq not in FREQUENCIES:
        raise QueryError(f"freq must be one of {list(FREQUENCIES)}, not {freq!r}")
    seen: set[str] = set()
    points: list[Point] = []
    unscored: list[Point] = []
    for row in rows:
        iri = str(row["item"])
        if iri in seen:
            continue
        seen.add(iri)
        date = row.get("date")
        p = Point(
            iri=iri,
            kind=str(row.get("kind")),
            date=str(date) if date is not None else None,
            precision=row.get("precision") or ("order" if date is None else "day"),
            sequence=int(row["sequence"]) if row.get("sequence") is not None else None,
            value=_value(row),
            polarity=row.get("polarity"),
            quote=row.get("quote"),
            text=row.get("text"),
            source=str(row.get("source")),
            parent=row.get("parent"),
        )
        (points if p.value is not None else unscored).append(p)
    undated = _place_undated(points)
    by_key: dict[str, tuple[tuple[int, int, int], Period]] = {}
    for p in points:
        when = p.date or p.placed_date
        if when is None:
            continue
        key, sort, start, end = period_of(when, freq)
        p.period = key
        if key not in by_key:
            by_key[key] = (sort, Period(key, start, end))
        by_key[key][1].points.append(p)
    periods = [per for _, per in sorted(by_key.values(), key=lambda t: (t[0], t[1].key))]
    for per in periods:
        per.points.sort(
            key=lambda p: (p.date or p.placed_date or "", p.source, p.sequence or 0, p.iri)
        )
    flips: list[Flip] = []
    prev: Period | None = None
    for per in periods:
        if not per.sign:
            continue
        if prev is not None and per.sign != prev.sign:
            flips.append(Flip(prev, per))
        prev = per
    return Trajectory(
        holder=holder,
        target=target,
        holder_label=holder_label or holder.rsplit("/", 1)[-1],
        target_label=target_label or target.rsplit("/", 1)[-1],
        freq=freq,
        declared=list(declared),
        periods=periods,
        flips=flips,
        undated=undated,
        unscored=unscored,
    )


def _label(store: GraphStore, iri: str) -> str:
    import pyoxigraph as ox

    rows = store.select(
        "SELECT ?x ?label WHERE { ?x rdfs:label ?label } ORDER BY ?label LIMIT 1",
        {"x": ox.NamedNode(iri)},
    )
    return str(rows[0]["label"]) if rows else iri.rsplit("/", 1)[-1]


def trajectory(
    store: GraphStore, holder: str, target: str, *, freq: Freq | str = "month"
) -> Trajectory:
    """The stance of ``holder`` toward ``target`` over time, from the store.

    Parameters
    ----------
    store
        The store to read.
    holder, target
        Names, aliases or IRIs (``<...>`` or bare); resolved as the query
        library resolves actors.
    freq
        ``"month"``, ``"year"`` or ``"period"`` (see the module doc).

    Returns
    -------
    Trajectory
        Declared stances, periods, flips, mixed periods and what could not be
        placed or scored; :meth:`Trajectory.as_dict` gives plain JSON.
    """
    from stancegraph.api import run_query
    from stancegraph.sparql.library import load_query

    if freq not in FREQUENCIES:
        raise QueryError(f"freq must be one of {list(FREQUENCIES)}, not {freq!r}")
    names = NameResolver.for_store(store)
    h, t = names.resolve(holder), names.resolve(target)
    params = {"holder": f"<{h}>", "target": f"<{t}>"}
    rows = run_query(store, load_query("stance_evidence"), params).values()
    declared: dict[str, DeclaredStance] = {}
    for r in run_query(store, load_query("stance_between"), params).values():
        declared.setdefault(
            str(r["stance"]),
            DeclaredStance(
                iri=str(r["stance"]),
                polarity=r.get("polarity"),
                strength=r.get("strength"),
                flip=r.get("flip"),
                kind=r.get("kind"),
                valid_from=str(r["validFrom"]) if r.get("validFrom") is not None else None,
                valid_until=str(r["validUntil"]) if r.get("validUntil") is not None else None,
                source=str(r["source"]),
            ),
        )
    return build_trajectory(
        rows,
        declared.values(),
        holder=h,
        target=t,
        holder_label=_label(store, h),
        target_label=_label(store, t),
        freq=freq,
    )
