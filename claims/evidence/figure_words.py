"""What a figure in a sentence counts, read from the words around it (pure, no ORM).

For evidence matching: a source figure is only compared with a claim's figure when it counts the
same thing. Until the claim extractor gives each Figure its own concept, direction, change or
level and baseline (the figure contract: `direction`, `change`, `baseline`, `concept_words`),
they are read here from the words near the figure; when a Figure carries them, those win.

* direction: the verb or noun that governs the figure ("fell 4%", "a 4% drop", "down 4%").
* change or level: "rose 5%" and "by 5%" are changes, "rose to 5%" and a bare "5%" levels.
* per: a rate's period ("$800 million monthly", "a day"), empty for a total.
* outlook: the figure is a forecast, target or budget line, not an outturn.
* concept words: the content words of the sentence up to the figure's clause end, and the
  capitalised names right before it ("France's 167,000": France), which must not contradict
  the claim's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FigureReading",
    "canonical",
    "fold_names",
    "read_figure",
    "DIRECTION_WORDS",
    "OUTLOOK_WORDS",
]

_UP_WORDS = """
rose rise rises rising risen increase increased increases increasing up grew grow grows
growth gain gained gains jump jumped jumps climb climbed climbs surge surged surges higher hike
hikes soar soared boost boosted expanded expand expansion advanced higher larger more
accelerated doubled tripled"""
_UP = _UP_WORDS.split()
_DOWN_WORDS = """
fell fall falls falling fallen drop dropped drops decline declined declines declining
decrease decreased decreases down lower loss losses lost losing lose shrank shrink shrunk slump
slumped slumps plunge plunged tumble tumbled contraction contracted slid slide slowed slowdown
cut cuts reduced reduction less smaller halved"""
_DOWN = _DOWN_WORDS.split()
DIRECTION_WORDS = frozenset(_UP) | frozenset(_DOWN)
_UP_SET, _DOWN_SET = frozenset(_UP), frozenset(_DOWN)
_OUTLOOK = """forecast forecasts forecasted projected projection projections projects target targets
    targeted expected expects expect expectation budgeted aim aims aiming goal goals plan plans
    planned predicted predicts outlook envisaged anticipated"""
OUTLOOK_WORDS = frozenset(_OUTLOOK.split())
_PER = (
    ("day", re.compile(r"^\W*(?:a|per|each|every)\s+day\b|^\W*daily\b")),
    ("week", re.compile(r"^\W*(?:a|per|each|every)\s+week\b|^\W*weekly\b")),
    ("month", re.compile(r"^\W*(?:a|per|each|every)\s+month\b|^\W*monthly\b")),
    ("year", re.compile(r"^\W*(?:a|per|each|every)\s+year\b|^\W*annually\b|^\W*yearly\b")),
)
_CLAUSE_END = re.compile(r"[;:()\[\]\u2013\u2014]|,\s|\s-\s|\bwhich\b|\bwhile\b|\bwhereas\b")
_TOKEN = re.compile(r"[^\W\d_][\w'\u2019&/-]*|\d[\d,.]*%?|[+\u2212-]")
_GROUP_RE = re.compile(
    r"\b(?:from|in|of)\s+(?:the\s+)?((?:[A-Z][\w'\u2019-]*\s+)*[A-Z][\w'\u2019-]*)"
)
# "Among young women, unemployment was 6.2%": a subgroup, whatever the case of its words.
_AMONG_RE = re.compile(
    r"\b(?:among|for|aged)\s+((?:[\w'\u2019-]+\s+){0,6}?[\w'\u2019-]+)\s*,", re.IGNORECASE
)
_OF_CHANGE_RE = re.compile(
    r"\b(?:loss|gain|increase|rise|drop|fall|decline|decrease|growth|jump|hike|cut|reduction)"
    r"\s+of\s+(?:about\s+|around\s+|nearly\s+|some\s+|almost\s+)?$"
)
_BY_RE = re.compile(r"\bby\s+(?:an?\s+)?(?:about\s+|around\s+|nearly\s+|some\s+)?$")
_TO_RE = re.compile(r"\b(?:to|at|of|reached|reach|hit|stood\s+at|totall?ed)\s+(?:an?\s+)?\S*$")
_BASELINE_RE = re.compile(
    r"\b(?:from|than|versus|vs\.?|compared\s+(?:with|to)|against|previous|up\s+from|down\s+from)"
    r"\s+(?:an?\s+|the\s+)?(?:\S+\s+)?$"
)

# Words that say the same thing in a newsroom's register, folded to one.
_SYNONYMS = {
    "inbound": "foreign",
    "international": "foreign",
    "overseas": "abroad",
    "oversea": "abroad",
    "tourist": "visitor",
    "traveller": "visitor",
    "traveler": "visitor",
    "arrival": "visitor",
    "income": "revenue",
    "receipt": "revenue",
    "earning": "revenue",
    "expenditure": "spending",
    "outlay": "spending",
    "spend": "spending",
    "inflow": "remittance",
    "shipment": "export",
    "vessel": "ship",
    "sale": "sales",
    "fy": "fiscal",
    "financial": "fiscal",
    "jobless": "unemployment",
}


# Names written in full or as initials, each folded to one word so that "the EU" and "the
# European Union" say the same place (initials only as capitals: "US" is not "us").
_NAME_FORMS = {
    "europeanunion": ("european union", "EU"),
    "euroarea": ("euro area", "euro zone", "eurozone"),
    "unitedstates": ("united states", "US", "USA", "U.S."),
    "unitedkingdom": ("united kingdom", "britain", "UK", "U.K."),
    "unitednations": ("united nations", "UN"),
    "uae": ("united arab emirates", "UAE"),
    "gdp": ("gross domestic product", "GDP"),
    "lng": ("liquefied natural gas", "LNG"),
    "imf": ("international monetary fund", "IMF"),
}
_INITIALS = {
    form.replace(".", ""): name
    for name, forms in _NAME_FORMS.items()
    for form in forms
    if not form.islower()
}
_LONG_FORMS = {
    tuple(form.split()): name
    for name, forms in _NAME_FORMS.items()
    for form in forms
    if form.islower()
}
_LONG_FIRST = frozenset(words[0] for words in _LONG_FORMS)


def fold_names(tokens: list[str]) -> list[str]:
    """Words (as written) with each known name's forms as one lower-case word: ["the", "EU"]
    and ["the", "European", "Union"] both give ["the", "europeanunion"]."""
    out: list[str] = []
    lowered = [t.lower() for t in tokens]
    i = 0
    while i < len(tokens):
        initial = _INITIALS.get(tokens[i])
        if initial is not None:
            out.append(initial)
            i += 1
            continue
        if lowered[i] in _LONG_FIRST:
            for size in (3, 2, 1):
                name = _LONG_FORMS.get(tuple(lowered[i : i + size]))
                if name is not None:
                    out.append(name)
                    i += size
                    break
            else:
                out.append(lowered[i])
                i += 1
            continue
        out.append(lowered[i])
        i += 1
    return out


# Measures a text sets side by side: one is never the other ("imports" for a claim on exports).
_RIVAL_PAIRS = """
export:import inflow:outflow urban:rural core:headline birth:death revenue:spending
public:private male:female men:women boy:girl adult:child buyer:seller deficit:surplus
producer:consumer monthly:annual weekly:annual nominal:real gross:net domestic:foreign
euroarea:europeanunion
"""
RIVALS: dict[str, frozenset[str]] = {}
for _pair in _RIVAL_PAIRS.split():
    _a, _b = _pair.split(":")
    RIVALS[_a] = RIVALS.get(_a, frozenset()) | {_b}
    RIVALS[_b] = RIVALS.get(_b, frozenset()) | {_a}


def canonical(word: str) -> str:
    return _SYNONYMS.get(word, word)


@dataclass(frozen=True, slots=True)
class FigureReading:
    """What the words around one figure say about it."""

    direction: str = "none"  # up, down, none
    change: str = "level"  # change, level
    per: str = ""  # day, week, month, year: a rate; "" a total or a level
    outlook: bool = False
    baseline: bool = False  # the figure is a comparison point ("from 35.7%")
    words_before: str = ""  # the sentence up to the figure's clause end (for concept words)
    names: tuple[str, ...] = ()  # "France's 167,000": whose figure it is
    groups: tuple[str, ...] = ()  # "from the Chinese mainland": the group or place, lower case


def _direction_of(tokens_before: list[str], tokens_after: list[str]) -> str:
    for token in reversed(tokens_before[-4:]):
        word = token.lower()
        if word in _UP_SET or word == "+":
            return "up"
        if word in _DOWN_SET or word in ("-", "\u2212"):
            return "down"
    for token in tokens_after[:2]:
        word = token.lower()
        if word in _UP_SET:
            return "up"
        if word in _DOWN_SET:
            return "down"
    return "none"


def read_figure(
    text: str, sentence_start: int, sentence_end: int, figure: Any, others: Any
) -> FigureReading:
    """Read a figure (a claims.extraction Figure) in text[sentence_start:sentence_end]."""
    start, end = figure.span.start, figure.span.end
    previous_end = max((f.span.end for f in others if f.span.end <= start), default=sentence_start)
    next_start = min((f.span.start for f in others if f.span.start >= end), default=sentence_end)
    before = text[sentence_start:start]
    near = text[previous_end:start]
    after = text[end:next_start]
    cut = _CLAUSE_END.search(after)
    clause_after = after[: cut.start()] if cut else after
    tokens_near = _TOKEN.findall(near)
    tokens_after = _TOKEN.findall(clause_after)
    extracted = getattr(figure, "direction", None)
    if extracted in ("up", "down") or bool(getattr(figure, "concept_words", None)):
        direction = extracted or "none"
        change = getattr(figure, "change", "level") or "level"
    else:
        direction = _direction_of(tokens_near, tokens_after)
        tail = near[-40:].lower()
        noun_after = bool(tokens_after) and tokens_after[0].lower() in DIRECTION_WORDS
        governed = bool(tokens_near) and tokens_near[-1].lower() in DIRECTION_WORDS
        if (
            _BY_RE.search(tail)
            or _OF_CHANGE_RE.search(tail)
            or noun_after
            or (governed and not _TO_RE.search(tail))
        ):
            change = "change"
        else:
            change = "level"
    per = ""  # "fell 4% a year" is year on year, not a rate
    for name, pattern in _PER if figure.unit not in ("percent", "percentage_point") else ():
        if pattern.search(after[:24].lower()):
            per = name
            break
    near_words = {t.lower() for t in tokens_near[-8:]} | {t.lower() for t in tokens_after[:6]}
    outlook = bool(near_words & OUTLOOK_WORDS)
    baseline = bool(_BASELINE_RE.search(near[-40:].lower())) or bool(
        getattr(figure, "baseline", "")
    )
    # "France's 167,000": a possessive name right before the figure says whose figure it is.
    names = tuple(
        token.lower()[:-2]
        for token in tokens_near[-2:]
        if token[:1].isupper() and token.lower().endswith(("'s", "\u2019s"))
    )
    groups = tuple(match.group(1).lower() for match in _GROUP_RE.finditer(near)) + tuple(
        match.group(1).lower() for match in _AMONG_RE.finditer(before)
    )
    return FigureReading(
        groups=groups,
        direction=direction,
        change=change,
        per=per,
        outlook=outlook,
        baseline=baseline,
        words_before=before + text[start:end] + clause_after,
        names=names,
    )
