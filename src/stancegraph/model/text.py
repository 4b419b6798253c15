"""Text normalisation shared by entity resolution, IRIs and matching."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["content_hash", "fold", "slugify"]

_NON_WORD = re.compile(r"[^0-9a-z]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "‐": "-", "‑": "-"})


def fold(text: str) -> str:
    """Fold a name for comparison: accents, case, punctuation and spacing removed.

    "Orbán" and "Orban", "Kim Jong-un" and "Kim Jong Un", "U.S." and "US" fold alike.

    Examples
    --------
    >>> fold("Kim Jong-un") == fold("KIM  JONG UN")
    True
    >>> fold("Viktor Orbán")
    'viktor orban'
    >>> fold("U.S. lawmakers")
    'us lawmakers'
    """
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"(?<=\b\w)\.(?=\w\b|\w\.)", "", text)  # U.S. -> US, U.K. -> UK
    text = re.sub(r"'s\b", "", text).replace(".", "").replace("'", "")
    return " ".join(_NON_WORD.sub(" ", text).split())


def slugify(text: str, *, max_length: int = 80) -> str:
    """A stable, readable IRI segment: folded, hyphen-separated, never empty.

    Examples
    --------
    >>> slugify("Diplomacy/Negotiation")
    'diplomacy-negotiation'
    >>> slugify("Volodymyr Zelenskyy")
    'volodymyr-zelenskyy'
    """
    slug = fold(text).replace(" ", "-")[:max_length].strip("-")
    return slug or "x" + content_hash(text, length=10)


def content_hash(*parts: object, length: int = 16) -> str:
    """A short deterministic hash of the parts, for IRIs of facts without a natural key."""
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]
