"""``python -m bench SUBCOMMAND ...``: run one benchmark module, or ``all`` of them.

Each benchmark is a module ``bench/<name>.py`` with a ``main(argv) -> int``;
``python -m bench events --events 100000`` runs ``bench/events.py``. ``all``
runs every module listed in :data:`REGISTERED` (and any other ``bench/*.py``
that defines ``main`` and ``BENCHMARK = True``), each with its quick default
size, so ``make bench`` stays short (sizes come from env vars such as
``BENCH_EVENTS``).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

__all__ = ["REGISTERED", "discover", "main"]

# Benchmarks known to exist; others add their module name here or set BENCHMARK = True.
REGISTERED: tuple[str, ...] = ("events",)
_NOT_BENCHMARKS = {"__main__", "__init__", "gdelt_gen"}


def discover() -> list[str]:
    """Benchmark module names: the registered ones plus modules that declare themselves."""
    names = [n for n in REGISTERED if (Path(__file__).parent / f"{n}.py").exists()]
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name in _NOT_BENCHMARKS or info.name in names or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"bench.{info.name}")
        if getattr(mod, "BENCHMARK", False) and hasattr(mod, "main"):
            names.append(info.name)
    return names


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``argv[0]`` to ``bench.<argv[0]>.main(argv[1:])``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        print("benchmarks:", ", ".join(discover()) or "(none)")
        return 0
    name, rest = argv[0], argv[1:]
    if name == "all":
        status = 0
        for bench_name in discover():
            print(f"== bench {bench_name} ==", flush=True)
            mod = importlib.import_module(f"bench.{bench_name}")
            status = max(status, int(mod.main(list(rest)) or 0))
        return status
    try:
        mod = importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError:
        print(f"no benchmark {name!r}; known: {', '.join(discover())}", file=sys.stderr)
        return 2
    if not hasattr(mod, "main"):
        print(f"bench.{name} has no main(argv)", file=sys.stderr)
        return 2
    return int(mod.main(rest) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
