"""A small, transparent lexicon scorer for the polarity of quotes and timeline items.

This is a heuristic, not a model of meaning. It is used only where a document
gives no polarity of its own (text cards; YAML items without ``polarity``), and
every result can be explained by pointing at the words that produced it
(:func:`explain_polarity`). It scores how warm or cold the *wording* is; it
does not know toward whom the words are aimed.

How a text is scored
--------------------
1. The text is split into clauses at punctuation (``. , ; : ! ? " “ ” ( )``)
   and into lower-case word tokens (curly apostrophes are made straight).
2. Multi-word phrases are matched before single words (longest first), so
   "great relationship" counts once, as a phrase.
3. Each hit has a weight in [-1, 1] from :data:`LEXICON`.
   - An intensifier right before the hit ("very", "absolutely", ...)
     multiplies it by 1.5; a softener ("somewhat", "slightly", ...) by 0.5.
   - A word written in capitals ("CRAZY") multiplies it by 1.25.
   - A negator ("not", "never", "no", "don't", ...) up to three tokens before
     the hit, in the same clause and not cut off by "but", "and", "while",
     "yet", "though"..., flips its sign: "not thrilled" is negative, "not bad"
     positive, "not thrilled but productive" negative then positive.
4. Distancing phrases (:data:`DISTANCE`: "never met", "don't know who",
   "denied knowing", ...) count as *neutral* hits of weight 0. Our call:
   disclaiming acquaintance is distance, not hostility, so on its own it gives
   ``("neutral", 0.0)`` rather than inventing a sign; next to evaluative words
   it does not change their sum.
5. ``value`` is the sum of the weights clipped to [-1, 1] and rounded to three
   decimals. The label is
   - ``None`` (and value ``None``) when nothing in the lexicon occurs: no
     evidence is not the same as neutral;
   - ``"mixed"`` when both positive and negative weight occur and the smaller
     side is at least half the larger;
   - ``"neutral"`` when ``|value| < 0.15``;
   - otherwise ``"positive"`` or ``"negative"`` by the sign of ``value``.

Examples
--------
>>> score_polarity('called him "pretty smart"')
('positive', 0.6)
>>> score_polarity('"not thrilled with" the talks')
('negative', -0.6)
>>> score_polarity("They met in Geneva.")
(None, None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DISTANCE",
    "INTENSIFIERS",
    "LEXICON",
    "NEGATORS",
    "SOFTENERS",
    "Hit",
    "explain_polarity",
    "score_polarity",
]

LEXICON: dict[str, float] = {
    # warmth, praise, agreement
    "genius": 0.8,
    "brilliant": 0.7,
    "smart": 0.5,
    "pretty smart": 0.6,
    "great": 0.5,
    "great relationship": 0.8,
    "good relationship": 0.6,
    "strong leader": 0.6,
    "excellent": 0.7,
    "wonderful": 0.7,
    "fantastic": 0.7,
    "terrific": 0.7,
    "good": 0.4,
    "productive": 0.5,
    "constructive": 0.4,
    "lasting peace": 0.6,
    "peace": 0.3,
    "ceasefire": 0.2,
    "admire": 0.6,
    "admired": 0.6,
    "admiration": 0.6,
    "praise": 0.6,
    "praised": 0.6,
    "praising": 0.6,
    "respect": 0.5,
    "respected": 0.5,
    "friend": 0.5,
    "friends": 0.5,
    "friendly": 0.5,
    "friendship": 0.5,
    "warm": 0.5,
    "warmth": 0.5,
    "trust": 0.5,
    "trusted": 0.5,
    "trusting": 0.5,
    "support": 0.4,
    "supported": 0.4,
    "supports": 0.4,
    "supportive": 0.5,
    "welcome": 0.4,
    "welcomed": 0.4,
    "agree": 0.3,
    "agreed": 0.3,
    "agreeing": 0.3,
    "agreement": 0.3,
    "cooperation": 0.4,
    "cooperate": 0.4,
    "partnership": 0.4,
    "ally": 0.4,
    "thank": 0.4,
    "thanked": 0.4,
    "thrilled": 0.6,
    "happy": 0.5,
    "pleased": 0.5,
    "honored": 0.5,
    "honoured": 0.5,
    "flattering": 0.3,
    # coldness, blame, hostility
    "crazy": -0.8,
    "weak": -0.5,
    "weakened": -0.4,
    "frustrated": -0.5,
    "frustration": -0.5,
    "frustrating": -0.5,
    "disappointed": -0.6,
    "disappointing": -0.6,
    "angry": -0.6,
    "furious": -0.7,
    "pissed off": -0.7,
    "criticize": -0.5,
    "criticise": -0.5,
    "criticized": -0.5,
    "criticised": -0.5,
    "criticizing": -0.5,
    "criticising": -0.5,
    "criticism": -0.5,
    "condemn": -0.7,
    "condemned": -0.7,
    "condemns": -0.7,
    "blame": -0.5,
    "blamed": -0.5,
    "threat": -0.5,
    "threaten": -0.6,
    "threatened": -0.6,
    "worse": -0.4,
    "far worse": -0.5,
    "bad": -0.5,
    "terrible": -0.7,
    "horrible": -0.7,
    "evil": -0.8,
    "killer": -0.8,
    "dictator": -0.7,
    "war criminal": -0.9,
    "thug": -0.8,
    "liar": -0.8,
    "hostile": -0.6,
    "enemy": -0.7,
    "adversary": -0.5,
    "distrust": -0.5,
    "mistrust": -0.5,
    "reckless": -0.6,
    "dangerous": -0.6,
    "ridicule": -0.6,
    "ridiculed": -0.6,
    "ridiculing": -0.6,
    "mocked": -0.5,
    "insult": -0.6,
    "insulted": -0.6,
    "accuse": -0.5,
    "accused": -0.5,
    "rejected": -0.4,
    "rebuked": -0.6,
    "disgrace": -0.7,
    "unacceptable": -0.6,
    "oppose": -0.5,
    "opposed": -0.5,
    "warned": -0.3,
    "concern": -0.3,
    "concerning": -0.3,
    "risky": -0.4,
    "undermine": -0.5,
    "undermining": -0.5,
    "aggression": -0.5,
    "sanctioned": -0.5,
}
"""Words and phrases (lower case, single spaces) to weights in [-1, 1]."""

DISTANCE: frozenset[str] = frozenset(
    {
        "never met",
        "never spoken",
        "never spoke",
        "don't know who",
        "do not know who",
        "don't know him",
        "don't know her",
        "do not know him",
        "do not know her",
        "denied knowing",
        "barely know",
        "hardly know",
        "no relationship",
        "nothing to do with",
    }
)
"""Phrases that disclaim acquaintance: scored as neutral hits (weight 0)."""

NEGATORS: frozenset[str] = frozenset(
    {
        "not",
        "no",
        "never",
        "nor",
        "neither",
        "without",
        "hardly",
        "cannot",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "won't",
        "can't",
        "couldn't",
        "wouldn't",
        "shouldn't",
        "haven't",
        "hasn't",
    }
)
"""Tokens that flip the sign of a hit up to three tokens later in the same clause."""

INTENSIFIERS: frozenset[str] = frozenset(
    {"very", "really", "extremely", "absolutely", "totally", "so", "truly", "deeply", "highly"}
)
"""Tokens that multiply the next hit by 1.5."""

SOFTENERS: frozenset[str] = frozenset(
    {"somewhat", "slightly", "a bit", "rather", "fairly", "partly", "little"}
)
"""Tokens that multiply the next hit by 0.5."""

_NEGATION_WINDOW = 3
_SCOPE_BREAKERS = frozenset({"but", "however", "although", "though", "while", "yet", "and"})
_MIXED_RATIO = 0.5
_NEUTRAL_BAND = 0.15
_CLAUSE = re.compile(r"[.,;:!?\"“”()\[\]…]+|\s[–—-]\s")
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

_PHRASES: dict[tuple[str, ...], float | None] = {}
for _phrase, _weight in LEXICON.items():
    _PHRASES[tuple(_phrase.split())] = _weight
for _phrase in DISTANCE:
    _PHRASES[tuple(_phrase.split())] = None
_MAX_PHRASE = max(len(k) for k in _PHRASES)


@dataclass(frozen=True, slots=True)
class Hit:
    """One lexicon match: the words as written, the rule weight and the weight applied."""

    words: str
    base: float
    weight: float
    negated: bool = False
    distance: bool = False


def explain_polarity(text: str) -> list[Hit]:
    """List the lexicon hits that :func:`score_polarity` sums, in text order.

    Examples
    --------
    >>> [(h.words, h.weight) for h in explain_polarity("not thrilled, but very productive")]
    [('thrilled', -0.6), ('productive', 0.75)]
    """
    hits: list[Hit] = []
    normalised = text.replace("’", "'").replace("‘", "'")
    for clause in _CLAUSE.split(normalised):
        raw = _TOKEN.findall(clause)
        tokens = [t.lower() for t in raw]
        i = 0
        while i < len(tokens):
            matched = 0
            for size in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
                key = tuple(tokens[i : i + size])
                if key in _PHRASES:
                    matched = size
                    break
            if not matched:
                i += 1
                continue
            key = tuple(tokens[i : i + matched])
            words = " ".join(raw[i : i + matched])
            base = _PHRASES[key]
            if base is None:
                hits.append(Hit(words, 0.0, 0.0, distance=True))
                i += matched
                continue
            weight = base
            before = tokens[max(0, i - _NEGATION_WINDOW) : i]
            for j in range(len(before) - 1, -1, -1):
                if before[j] in _SCOPE_BREAKERS:
                    before = before[j + 1 :]
                    break
            if i >= 1 and tokens[i - 1] in INTENSIFIERS:
                weight *= 1.5
            elif i >= 1 and (tokens[i - 1] in SOFTENERS or " ".join(before[-2:]) in SOFTENERS):
                weight *= 0.5
            if any(len(w) > 2 and w.isupper() for w in raw[i : i + matched]):
                weight *= 1.25
            negated = any(t in NEGATORS for t in before)
            if negated:
                weight = -weight
            weight = max(-1.0, min(1.0, weight))
            hits.append(Hit(words, base, round(weight, 3), negated=negated))
            i += matched
    return hits


def score_polarity(text: str) -> tuple[str | None, float | None]:
    """Score the polarity of a quote or timeline item with the lexicon.

    A heuristic: see the module documentation for the exact rules.

    Parameters
    ----------
    text : str
        Any text; quotation marks are ignored apart from ending clauses.

    Returns
    -------
    (label, value)
        ``label`` is "positive", "negative", "mixed" or "neutral" and
        ``value`` lies in [-1, 1]; both are ``None`` when no lexicon word
        occurs.

    Examples
    --------
    >>> score_polarity("a genius move")
    ('positive', 0.8)
    >>> score_polarity("productive talks, but he was frustrated")
    ('mixed', 0.0)
    >>> score_polarity("I never met him, I don't know who he is")
    ('neutral', 0.0)
    """
    hits = explain_polarity(text)
    if not hits:
        return None, None
    positive = sum(h.weight for h in hits if h.weight > 0)
    negative = -sum(h.weight for h in hits if h.weight < 0)
    value = round(max(-1.0, min(1.0, positive - negative)), 3)
    value = value + 0.0  # no negative zero
    if positive == 0 and negative == 0:
        return "neutral", 0.0
    if (
        positive > 0
        and negative > 0
        and min(positive, negative) >= _MIXED_RATIO * max(positive, negative)
    ):
        return "mixed", value
    if abs(value) < _NEUTRAL_BAND:
        return "neutral", value
    return ("positive" if value > 0 else "negative"), value
