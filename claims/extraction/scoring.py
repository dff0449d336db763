"""Check-worthiness: the cues a sentence carries, who it is attributed to, score and kind."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .types import DateRef, Figure

_I = re.IGNORECASE
_VERBS = (
    r"said|says|stated|claimed|announced|announces|reported|revealed|reveals|told|confirmed|"
    r"confirms|denied|denies|warned|insisted|insists|acknowledged|admitted|noted|reiterated|"
    r"alleged|alleges|disclosed|estimated|indicated|suggested|showed|concluded|argued|declared|"
    r"asserted|(?:states|claims|reports|estimates|notes|shows|indicates|suggests|warns)\s+that|"
    r"(?:released|published|issued)\s+(?:a|an|its|their|the)\s+(?:new\s+)?"
    r"(?:report|study|survey|statement|assessment|analysis|data|figures)|"
    r"(?:found|finds)\s+that"
)
_ATTRIBUTION_RE = re.compile(rf"\b(?P<verb>{_VERBS})\b")
_PASSIVE_RE = re.compile(
    r"\b(?:it|this)\s+(?:was|is|has\s+been|had\s+been)\s+(?:widely\s+)?(?:reported|claimed|said|"
    r"alleged|announced|revealed|estimated|believed|understood|confirmed|thought)\b",
)
_ACCORDING_RE = re.compile(r"\baccording\s+to\s+")
_COMPARISON_RE = re.compile(
    r"\b(?:compared\s+(?:to|with)|than|versus|increase[sd]?|increasing|decrease[sd]?|"
    r"decreasing|rose|rise[sn]?|rising|fell|fall(?:en|s)?|falling|grew|grow(?:n|s)?|growth|"
    r"declin(?:e[sd]?|ing)|doubled?|tripled?|halved|jump(?:ed|s)?|surge[sd]?|soar(?:ed|s)?|"
    r"plunge[sd]?|drop(?:ped|s)?|higher|lower|greater|fewer|up\s+from|down\s+from)\b",
)
_SUPERLATIVE_RE = re.compile(
    r"\b(?:longest|largest|biggest|highest|lowest|smallest|shortest|greatest|fastest|slowest|"
    r"strongest|weakest|worst|best|deadliest|oldest|youngest|richest|poorest|most|least|"
    r"record(?:-breaking|-high|-low)?|unprecedented|first\s+time|first\s+(?:\w+\s+){0,3}since|"
    r"(?:first|only)\s+(?:\w+\s+){0,2}(?:ever|in\s+history))\b",
)
_HEDGE_RE = re.compile(
    r"\b(?:probably|perhaps|maybe|seems?|appears?|might|could|would|should|likely|arguably|"
    r"possibly|believed?|think|thinks)\b",
)
_QUESTION_RE = re.compile(r"\?[\"'\u201d\u2019)]*\s*$")
_CLAIMANT_TOKEN_RE = re.compile(r"[^\W_][\w'\u2019.&-]*|[,;:()\"\u201c\u201d\u2013\u2014]")
_CLAIMANT_STOP_WORDS = """
that which who whom when while as after before because if but so then however in on at by
    to with from since until during it he she they we i you his her their its our this these those
    there here what where why how and or not also"""
_CLAIMANT_STOP = frozenset(_CLAIMANT_STOP_WORDS.split())
_SKIP_BEFORE_VERB_WORDS = (
    "has have had also recently reportedly previously later then publicly officially repeatedly "
    "once again already further has been would will was is"
)
_SKIP_BEFORE_VERB = frozenset(_SKIP_BEFORE_VERB_WORDS.split())
_INITIAL_END_RE = re.compile(r"(?:^|[\s.])[A-Z]\.$")
# "Maersk, the world's No. 2 container line, said": skip the apposition back to the name.
_APPOSITION_RE = re.compile(r",\s+(?:the|a|an|its|his|her|their)\s[^,]{1,80},\s*$")
_INVERTED_RE = re.compile(r"[,\"\u201d\u2019']\s*$")
_PRONOUNS_WORDS = "it he she they we i you this that there"
_PRONOUNS = frozenset(_PRONOUNS_WORDS.split())
_ANAPHORIC = re.compile(
    r"^(?:the\s+|this\s+|that\s+|its\s+)?(?:report|study|survey|data|figures|statement|"
    r"assessment|analysis|document|findings)$",
    _I,
)

WEIGHTS = {
    "money": 0.75,
    "percentage": 0.7,
    "quantity": 0.6,
    "count": 0.35,
    "date": 0.35,
    "relative_date": 0.3,
    "comparison": 0.2,
    "superlative": 0.3,
    "attribution": 0.3,
    "measurement": 0.1,
}
MIN_SCORE = 0.25


def _clean(name: str) -> str:
    name = " ".join(name.split()).strip(" ,;:")
    if name.endswith(".") and not _INITIAL_END_RE.search(name):
        name = name[:-1]  # the sentence's full stop, not "U.S."
    if name.lower().startswith("the "):
        name = name[4:]
    return name


def _walk_back(text: str, start: int, verb_start: int) -> str:
    tokens = list(_CLAIMANT_TOKEN_RE.finditer(text, start, verb_start))
    kept: list[re.Match[str]] = []
    skipping = True
    for token in reversed(tokens):
        word = token.group(0)
        low = word.lower()
        if skipping and (low in _SKIP_BEFORE_VERB or (low.endswith("ly") and word.islower())):
            continue
        skipping = False
        if not word[0].isalnum() or low in _CLAIMANT_STOP or word[0].isdigit():
            break
        kept.append(token)
        if len(kept) >= 10:
            break
    if not kept:
        return ""
    return _clean(text[kept[-1].start() : kept[0].end()])


def _walk_forward(text: str, start: int, end: int) -> str:
    kept: list[re.Match[str]] = []
    for token in _CLAIMANT_TOKEN_RE.finditer(text, start, end):
        word = token.group(0)
        if not word[0].isalnum() or word.lower() in _CLAIMANT_STOP or len(kept) >= 10:
            break
        kept.append(token)
    if not kept:
        return ""
    return _clean(text[kept[0].start() : kept[-1].end()])


def attribution(
    text: str, folded: str, start: int, end: int, previous_claimant: str
) -> tuple[bool, str]:
    """Whether the sentence reports what someone said or found, and who ("" when unnamed)."""
    according = _ACCORDING_RE.search(folded, start, end)
    if according:
        return True, _walk_forward(text, according.end(), end)
    if _PASSIVE_RE.search(folded, start, end):
        return True, ""
    verb = _ATTRIBUTION_RE.search(folded, start, end)
    if not verb:
        return False, ""
    before = verb.start()
    apposition = _APPOSITION_RE.search(text, max(start, before - 100), before)
    if apposition:
        before = apposition.start()
    claimant = _walk_back(text, start, before)
    if not claimant and _INVERTED_RE.search(text, max(start, before - 3), before):
        claimant = _walk_forward(text, verb.end(), end)  # '"...," said Ana Silva, a leader'

    if _ANAPHORIC.match(claimant):
        claimant = previous_claimant  # "The report revealed": whoever published it
    if claimant.lower() in _PRONOUNS or not claimant:
        return True, ""
    return True, claimant


def cues_for(
    folded: str,
    start: int,
    end: int,
    figures: Sequence[Figure],
    dates: Sequence[DateRef],
    attributed: bool,
) -> tuple[str, ...]:
    cues: list[str] = []
    for kind in ("money", "percentage", "quantity", "measurement"):
        if any(f.kind == kind for f in figures):
            cues.append(kind)
    if dates:
        cues.append("date")
    if _COMPARISON_RE.search(folded, start, end):
        cues.append("comparison")
    if _SUPERLATIVE_RE.search(folded, start, end):
        cues.append("superlative")
    if attributed:
        cues.append("attribution")
    if _HEDGE_RE.search(folded, start, end):
        cues.append("hedge")
    if _QUESTION_RE.search(folded, start, end):
        cues.append("question")
    return tuple(cues)


def score(
    cues: Sequence[str], figures: Sequence[Figure], dates: Sequence[DateRef], claimant: str
) -> float:
    """Combine the cues as independent evidence (1 - prod(1 - w)) and discount doubts."""
    weights: list[float] = []
    for kind in ("money", "percentage", "measurement"):
        if kind in cues:
            weights.append(WEIGHTS[kind])
    quantities = [f for f in figures if f.kind == "quantity"]
    if quantities:
        has_unit = any(f.unit for f in quantities)
        weights.append(WEIGHTS["quantity"] if has_unit else WEIGHTS["count"])
    if dates:
        explicit = any(d.source == "explicit" and d.precision != "year" for d in dates)
        weights.append(WEIGHTS["date"] + (0.05 if explicit else 0.0))
        if all(d.source != "explicit" for d in dates):
            weights[-1] = WEIGHTS["relative_date"]
    for cue in ("comparison", "superlative"):
        if cue in cues:
            weights.append(WEIGHTS[cue])
    if "attribution" in cues:
        weights.append(WEIGHTS["attribution"] + (0.05 if claimant else 0.0))
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    value = 1.0 - remaining
    if "question" in cues:
        value *= 0.3
    if "hedge" in cues:
        value *= 0.9
    return round(min(max(value, 0.0), 1.0), 3)


def kind_for(figures: Sequence[Figure], dates: Sequence[DateRef], attributed: bool) -> str:
    """money > percentage > quantity by the figures, else date_event, attribution, other."""
    for kind in ("money", "percentage", "quantity"):
        if any(f.kind == kind for f in figures):
            return kind
    if dates:
        return "date_event"
    if attributed:
        return "attribution"
    return "other"
