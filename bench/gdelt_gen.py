"""Write realistic GDELT 2.0 event files (61 tab-separated columns, no header).

Why a generator and not real GDELT: the benchmark and the stress tests need
files of any size, offline, that look like the real thing where it matters
for an importer and a query engine: actor and event-code frequencies are
skewed (Zipf, a few dyads such as USA–RUS dominate as in real data), dates
spread over years, Goldstein is set by the event code (as GDELT sets it from
the CAMEO code), the mention counts are heavy-tailed, and about one row in
five has no second actor. Column order is the GDELT 2.0 event codebook's.

Usage::

    python -m bench.gdelt_gen --events 1000000 --out events.export.CSV [--seed 7] [--zip]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "ACTORS",
    "CAMEO_GOLDSTEIN",
    "GDELT2_COLUMNS",
    "generate_rows",
    "main",
    "write_gdelt",
]

GDELT2_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode",
    "Actor1EthnicCode", "Actor1Religion1Code", "Actor1Religion2Code",
    "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode",
    "Actor2EthnicCode", "Actor2Religion1Code", "Actor2Religion2Code",
    "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code", "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)  # fmt: skip
assert len(GDELT2_COLUMNS) == 61

# (code, name, country, type) — the head of the distribution; the long tail is
# minted below. Codes and names are in GDELT's style (upper case, CAMEO codes).
ACTORS: tuple[tuple[str, str, str, str], ...] = (
    ("USA", "UNITED STATES", "USA", ""),
    ("RUS", "RUSSIA", "RUS", ""),
    ("USAGOV", "DONALD TRUMP", "USA", "GOV"),
    ("RUSGOV", "VLADIMIR PUTIN", "RUS", "GOV"),
    ("CHN", "CHINA", "CHN", ""),
    ("UKR", "UKRAINE", "UKR", ""),
    ("UKRGOV", "VOLODYMYR ZELENSKY", "UKR", "GOV"),
    ("USAGOV", "JOE BIDEN", "USA", "GOV"),
    ("GBR", "UNITED KINGDOM", "GBR", ""),
    ("FRA", "FRANCE", "FRA", ""),
    ("DEU", "GERMANY", "DEU", ""),
    ("IRN", "IRAN", "IRN", ""),
    ("ISR", "ISRAEL", "ISR", ""),
    ("PRKGOV", "KIM JONG UN", "PRK", "GOV"),
    ("HUNGOV", "VIKTOR ORBAN", "HUN", "GOV"),
    ("NATO", "NATO", "", "IGO"),
    ("EUR", "EUROPEAN UNION", "", "IGO"),
    ("USALEG", "CONGRESS", "USA", "LEG"),
    ("RUSMIL", "RUSSIAN MILITARY", "RUS", "MIL"),
    ("UKRMIL", "UKRAINIAN MILITARY", "UKR", "MIL"),
)

_COUNTRIES = (
    "USA RUS CHN UKR GBR FRA DEU IRN ISR PRK HUN IND PAK TUR SAU EGY SYR IRQ AFG JPN KOR "
    "BRA MEX CAN AUS ZAF NGA KEN ETH POL ITA ESP NLD BEL SWE NOR FIN GRC SRB BLR GEO ARM "
    "AZE KAZ UZB VNM THA IDN PHL MYS SGP VEN COL ARG CHL PER CUB LBY TUN DZA MAR SDN YEM"
).split()
_TYPES = ("GOV", "MIL", "BUS", "MED", "OPP", "CVL", "JUD", "LEG", "EDU", "REB")
_SURNAMES = (
    "IVANOV PETROV SMITH JOHNSON MULLER SCHMIDT DUBOIS MARTIN ROSSI GARCIA LOPEZ KOWALSKI "
    "NOVAK HORVAT POPESCU NAGY KIM LEE WANG ZHANG LIU CHEN SINGH KUMAR KHAN AHMED HASSAN "
    "ALI TANAKA SATO SILVA SANTOS OKAFOR MENSAH COHEN LEVI YILMAZ DEMIR"
).split()

# CAMEO event code -> Goldstein score (the published CAMEO weights for these codes),
# and a relative frequency rank: GDELT is dominated by statements, consultations and
# visits, with a long tail of rare codes.
CAMEO_GOLDSTEIN: dict[str, float] = {
    "010": 0.0, "020": 3.0, "036": 4.0, "040": 1.0, "042": 1.9, "043": 2.8,
    "051": 3.4, "046": 7.0, "057": 8.0, "061": 6.4, "071": 7.4, "081": 5.0,
    "111": -2.0, "112": -2.0, "120": -4.0, "130": -4.4, "138": -7.0, "141": -6.5,
    "163": -8.0, "172": -5.0, "173": -5.0, "190": -10.0, "193": -10.0, "195": -10.0,
    "0311": 5.2, "0871": 9.0, "1041": -5.0, "1721": -7.0,
}  # fmt: skip
_CODES = list(CAMEO_GOLDSTEIN)
_EPOCH = dt.date(2015, 2, 19)  # GDELT 2.0 starts here


def _quad_class(root: int) -> int:
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


def _zipf_weights(n: int, s: float) -> list[float]:
    return [1.0 / (k**s) for k in range(1, n + 1)]


def _actor_pool(n: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """The head actors plus a long tail of minted people, groups and countries."""
    pool = list(ACTORS)
    pool.extend((c, c, c, "") for c in _COUNTRIES if all(a[0] != c for a in pool))
    seen = {a[1] for a in pool}
    while len(pool) < n:
        country = rng.choice(_COUNTRIES)
        typ = rng.choice(_TYPES)
        if typ in {"GOV", "OPP", "JUD", "LEG"} and rng.random() < 0.6:
            name = f"{rng.choice(_SURNAMES)} {rng.choice(_SURNAMES)}"
        else:
            name = f"{country} {typ} GROUP {len(pool)}"
        if name in seen:
            continue
        seen.add(name)
        pool.append((country + typ, name, country, typ))
    return pool


def generate_rows(
    n: int, *, seed: int = 7, actors: int = 5000, years: int = 10
) -> Iterator[list[str]]:
    """Yield ``n`` GDELT 2.0 rows (lists of 61 strings); deterministic for a seed."""
    rng = random.Random(seed)
    pool = _actor_pool(actors, rng)
    actor_w = _zipf_weights(len(pool), 1.1)
    code_w = _zipf_weights(len(_CODES), 1.0)
    days = max(years * 365, 1)
    batch = 50_000
    emitted = 0
    while emitted < n:
        k = min(batch, n - emitted)
        a1 = rng.choices(pool, weights=actor_w, k=k)
        a2 = rng.choices(pool, weights=actor_w, k=k)
        codes = rng.choices(_CODES, weights=code_w, k=k)
        for i in range(k):
            gid = 400_000_000 + emitted + i
            day = _EPOCH + dt.timedelta(days=rng.randrange(days))
            sqldate = day.strftime("%Y%m%d")
            frac = f"{day.year + (day.timetuple().tm_yday - 1) / 365.0:.4f}"
            code = codes[i]
            root = code[:2]
            base = code[:3]
            goldstein = CAMEO_GOLDSTEIN[code]
            mentions = min(int(rng.paretovariate(1.3)), 2000)
            sources = max(1, min(mentions, int(rng.paretovariate(2.0))))
            articles = max(mentions, sources)
            tone = rng.gauss(-2.0 + goldstein * 0.4, 3.0)
            c1, n1, k1, t1 = a1[i]
            if rng.random() < 0.2:  # a fifth of GDELT rows have no second actor
                c2 = n2 = k2 = t2 = ""
            else:
                c2, n2, k2, t2 = a2[i]
                if c2 == c1 and n2 == n1:
                    c2, n2, k2, t2 = pool[(pool.index(a2[i]) + 1) % len(pool)]
            geo1 = ("1", k1, k1, "", "", "", "", k1) if k1 else ("0", "", "", "", "", "", "", "")
            geo2 = ("1", k2, k2, "", "", "", "", k2) if k2 else ("0", "", "", "", "", "", "", "")
            lat = f"{rng.uniform(-60, 70):.4f}"
            lon = f"{rng.uniform(-170, 170):.4f}"
            action = ("4", f"{k1 or 'World'} city", k1[:2], k1[:2] + "01", "", lat, lon, "-1")
            url = f"https://news.example.org/{day.year}/{day.month:02d}/{gid}.html"
            yield [
                str(gid), sqldate, sqldate[:6], sqldate[:4], frac,
                c1, n1, k1, "", "", "", "", t1, "", "",
                c2, n2, k2, "", "", "", "", t2, "", "",
                "1" if rng.random() < 0.6 else "0", code, base, root,
                str(_quad_class(int(root))), f"{goldstein:g}",
                str(mentions), str(sources), str(articles), f"{tone:.8f}",
                *geo1, *geo2, *action,
                sqldate + f"{rng.randrange(24):02d}{rng.choice((0, 15, 30, 45)):02d}00", url,
            ]  # fmt: skip
        emitted += k


def write_gdelt(
    path: str | Path, n: int, *, seed: int = 7, actors: int = 5000, zipped: bool = False
) -> Path:
    """Write ``n`` events to ``path`` (tab-separated, no header; zipped if asked).

    A zip holds one ``.CSV`` member named like GDELT's (``<stem>.CSV``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ("\t".join(row) + "\n" for row in generate_rows(n, seed=seed, actors=actors))
    if zipped:
        member = path.stem if path.stem.upper().endswith(".CSV") else path.stem + ".CSV"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            with zf.open(member, "w") as fh:
                buf: list[str] = []
                for line in lines:
                    buf.append(line)
                    if len(buf) >= 10_000:
                        fh.write("".join(buf).encode("utf-8"))
                        buf.clear()
                fh.write("".join(buf).encode("utf-8"))
    else:
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.writelines(lines)
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m bench.gdelt_gen --events N --out FILE``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--actors", type=int, default=5000)
    ap.add_argument("--zip", action="store_true", help="write a .zip holding one .CSV")
    args = ap.parse_args(argv)
    out = write_gdelt(args.out, args.events, seed=args.seed, actors=args.actors, zipped=args.zip)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
