"""What each figure of a sentence says: direction, change or level, baseline, concept, period.

Read left to right over the figures of one sentence, with the words between them:

- direction: the trend word that governs the figure ("fell 4.2%" is down). In "rose 5% to X"
  both figures are up (X is reached by a connector, "to", from the 5%); a comparison point
  ("from X", "compared with X", "as against X") is none.
- change or level: a figure right after its trend word ("rose 14%", "grew by 73 per cent"),
  a percentage point or a multiple ("doubled", "4.4 times") is a change; what a thing stood at
  ("to 112,400 tonnes", "at Rs 1.5 trillion") is a level.
- baseline: the comparison point as written ("compared with 2019", "year-on-year").
- concept: what is counted, the noun phrase the figure is about ("27% of all applications"
  -> "all applications"; "Rice exports rose 5%" -> "Rice exports"), and its key words.
- period: the date of the figure's own clause, else the sentence's.

Ranges ("30 to 35 hours", "$71 to $75 billion", "15-20%") become one figure with a low and a
high end. A count written without its noun takes the noun of the figure it is compared with
("from 13,003 vessels to 12,638") or of its concept ("visitors ... rising to 36,869,900").

One module over 400 lines: one left-to-right reading of a sentence's figures whose rules use
each other's results.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from .types import DateRef, Figure, Span
from .units import singular

_UP = (
    r"rose|rise[sn]?|rising|increase[sd]?|increasing|grew|grow(?:s|n|ing)?|growth|gain(?:ed|s)?|"
    r"jump(?:ed|s|ing)?|surge[sd]?|surging|soar(?:ed|s|ing)?|climb(?:ed|s|ing)?|up|higher|more|"
    r"expand(?:ed|s|ing)?|advance[sd]?|rebound(?:ed|s)?|boost(?:ed|s)?|added|accelerat(?:ed|es)|"
    r"hike[sd]?|spike[sd]?|widen(?:ed|s)?|above|swell(?:ed)?|"
    r"doubled|tripled|trebled|quadrupled|up\s+by|improv(?:ed|es)|recover(?:ed|s)|"
    r"strengthen(?:ed|s)?|ris(?:ing)|topped"
)
_DOWN = (
    r"fell|fall(?:s|en|ing)?|declin(?:e[sd]?|ing)|decreas(?:e[sd]?|ing)|drop(?:ped|s|ping)?|down|"
    r"lower|less|fewer|slip(?:ped|s)?|shr[aiu]nk|shrinks|shrinking|contract(?:ed|s|ion)|"
    r"plung(?:e[sd]?|ing)|plummet(?:ed|s)?|slump(?:ed|s)?|tumbl(?:e[sd]?|ing)|sank|sink(?:s|ing)?|"
    r"slid|slide[sd]?|dip(?:ped|s)?|eas(?:ed|es|ing)|cut(?:s|ting)?|reduc(?:e[sd]?|ing|tion)|"
    r"narrow(?:ed|s)?|dwindl(?:e[sd]?|ing)|halved|weaken(?:ed|s)?|smaller|below|"
    r"slow(?:ed|s)?\s+to"
)
_UP_RE = re.compile(rf"\b(?:{_UP})\b")
_DOWN_RE = re.compile(rf"\b(?:{_DOWN})\b")
_TREND_RE = re.compile(rf"(?<!-)\b(?P<w>{_UP}|{_DOWN})\b(?!-)")  # not "start-up"
# The words right after a figure that make it a change: "a 5% rise", "50% more visitors".
_AFTER_TREND_RE = re.compile(
    r"\s*(?:year[\s-]on[\s-]year|yoy|y-o-y|\([^)]{1,12}\))?\s*"
    r"(?P<w>increase|rise|growth|gain|jump|surge|hike|higher|more|up|"
    r"decrease|decline|drop|fall|cut|lower|less|fewer|down|reduction|contraction)\b"
)
_AFTER_UP_WORDS = "increase rise growth gain jump surge hike higher more up"
_AFTER_UP = frozenset(_AFTER_UP_WORDS.split())
# The gap between two figures that carries the first's direction on: "rose 5% to X".
_CONNECTOR_RE = re.compile(
    r"\s*(?:,\s*)?(?:(?:year[\s-]on[\s-]year|yoy|y-o-y|\(yoy\)|on\s+an?\s+annual\s+basis|"
    r"annually|in\s+value|in\s+volume)\s*,?\s*)*"
    r"(?:(?:to\s+)+|to\s+reach|reaching|at|or|and|and\s+by|,|to\s+an?\s+(?:total|record|high)\s+of)?"
    r"\s*$"
)
_COMPARISON_CHUNK_RE = re.compile(
    r"\b(?:from|on|over|compared\s+(?:with|to)|against|versus)\s+(?:a\s+year\s+(?:earlier|ago|before)"
    r"|the\s+(?:same|previous|preceding|prior)\s+\w+(?:\s+(?:of|last|a)\s+\w+)?"
    r"|(?:19|20)\d\d|last\s+\w+)"
    r"|\bin\s+(?:q[1-4]\s+|h[12]\s+|(?:the\s+)?\w+\s+)?(?:19|20)\d\d\b"
)
# "reached $2.7 trillion, up 9.4%", "38.3 trillion yen - up from 37.7 trillion": a level that
# the change written after it qualifies.
_LEVEL_THEN_CHANGE_RE = re.compile(
    r"\s*(?:\([^)]{0,40}\)\s*)?(?:in\s+[\w\s]{1,20}?)?(?:,|\s[\u2013\u2014-])\s*(?P<w>up|down|an?\s+"
    r"(?:increase|rise|jump|gain|decrease|drop|fall|decline)\s+of)\b"
)
_BASELINE_TAIL_RE = re.compile(
    r"\b(?:compared\s+(?:with|to)|as\s+against|as\s+compared\s+(?:with|to)|against|versus|"
    r"vs\.?|from|than|over|relative\s+to|in\s+comparison\s+(?:with|to))\s+"
    r"(?:(?:a|the)\s+)?(?:(?:total|level|figure|high|low|record)\s+of\s+)?$"
)
_BY_TAIL_RE = re.compile(r"\s*(?:by|of|,)?\s*(?:an?\s+)?(?:estimated\s+|further\s+)?")
_YOY_RE = re.compile(
    r"\b(?:year[\s-]on[\s-]year|yoy|y-o-y|month[\s-]on[\s-]month|mom|quarter[\s-]on[\s-]quarter|"
    r"from\s+a\s+year\s+(?:earlier|ago|before)|(?:over|on|from|compared\s+(?:with|to))\s+the\s+"
    r"(?:same\s+(?:period|month|quarter|time)|previous|preceding|prior|last)\b[\w\s]{0,30}?"
    r"(?=[,.;)]|$|\s+(?:to|and|when|while)\b))"
)
_YOY_HINTS = (
    "year",
    "yoy",
    "y-o-y",
    "month",
    "mom",
    "quarter",
    "same",
    "previous",
    "prior",
    "last",
)
_CLAUSE_BREAK_RE = re.compile(
    r"[;:(]|,\s|\b(?:while|whereas|but|which|who|although|though|however|meanwhile)\b"
)
_NP_STOP_RE = re.compile(
    r"(?<!-)\b(?:is|are|was|were|be|been|has|have|had|will|would|could|may|might|stood|stands|"
    r"reached|reaches|totall?ed|totals|amounted|amounts|accounted|accounts|came|comes|hit|hits|"
    r"posted|recorded|registered|saw|sees|reported|made|makes|received|receives|shipped|sold|"
    r"spent|raised|cost|costs|sent|exported|imported|collected|paid|earned|handled|"
    r"said|says|remained|passed|lives|live|lived|took|takes|went|goes|treats|treated|runs|ran|"
    r"measures|measured|process(?:es|ed)|produce[sd]|employ(?:s|ed)|carrie[sd]|serve[sd]|"
    r"uses|used|holds|held|owns|owned|operate[sd]|move[sd]|handles|ships|sells|buys|bought|"
    r"pays|earns|offer(?:s|ed)|include[sd]|contains|cover(?:s|ed)|fired|fires|launched|"
    r"built|builds|counted|counts|lost|loses|remains|represented|represents|contributed|generated|attracted|"
    rf"logged|topped|{_UP}|{_DOWN})\b(?!-)"
)
_LEAD_STRIP_RE = re.compile(
    r"^(?:(?:and|but|while|with|as|of|in|on|at|for|by|to|from|during|since|after|before|"
    r"overall|meanwhile|also|however|the|a|an|this|that|these|those|its|their|his|her|our|"
    r"total|number|share|amount|value|volume)\s+)+"
)
_OF_AFTER_RE = re.compile(
    r"\s+of\s+(?:(?:the|all|its|their|total|a|an)\s+)*(?P<np>[^\W\d_][\w'\u2019-]*"
    r"(?:\s+(?!(?:in|on|at|for|by|from|to|and|or|with|during|since|than|as|last|this|that|"
    r"which|who|was|were|is|are|compared)\b)[^\W\d_][\w'\u2019-]*){0,4})"
)
_NUMBER_OF_RE = re.compile(r"\b(?:number|total|count|tally)\s+of\s+")
_WORD_RE = re.compile(r"[^\W\d_][\w'\u2019-]*")
_NUMBER_SPLIT_RE = re.compile(r"[$\u20ac\u00a3\u00a5\u20b9]?\d[\d,.]*%?")
_CONCEPT_STOP_WORDS = """
    of and or the a an to in on for by with from at as than that which who is are was were
    be been its their his her our this these those per each more less all total number share
    amount value volume some any year month week day about around nearly over under up down
    also only just figure figures level levels rate mark"""
_CONCEPT_STOP = frozenset(_CONCEPT_STOP_WORDS.split())
_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "there", "this", "that"})
_COUNT_HEADS_SKIP = frozenset({"percent", "cent", "share", "rate", "number", "total", "level"})
# Units that measure a stuff ("tonnes of rice"): what follows "of" is what is counted.
_MEASURES_WORDS = """tonne ton kilogram gram litre gallon barrel barrel_per_day cubic_metre
    cubic_foot kilotonne hectare acre unit"""
_MEASURES = frozenset(_MEASURES_WORDS.split())
_RANGE_JOIN_RE = re.compile(r"\s*(?:-|\u2013|\u2014|to)\s*")
_FROM_BEFORE_RE = re.compile(r"\b(?:from|between|rose|fell|grew|increased|decreased)\s+$")
_BETWEEN_RE = re.compile(r"\bbetween\s+$")
_AND_RE = re.compile(r"\s*and\s*")
_LOST_RE = re.compile(r"\blos(?:t|es?|ing)\b")
_NEIGHBOUR_GAP_RE = re.compile(
    r"\s*(?:,\s*)?(?:to|and|or|from|against|versus|compared\s+with)\s*|\s*,\s*"
)
_THAT_RE = re.compile(r"\b(?:that|showing|shows|showed)\s+", re.IGNORECASE)
_TRAILING_STOP_WORDS = "and or of to the a an for with by in on at as than from"
_TRAILING_STOP = frozenset(_TRAILING_STOP_WORDS.split())
_NOT_SUBJECT_RE = re.compile(
    r"(?:being|having|expected|projected|forecast|set|due|likely|to|about|around|"
    r"nearly|some)$"
)
_POPULATION_BEFORE_RE = re.compile(
    r"\bpopulation(?:\s+size)?\s+of\s+(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+)?$"
)


def _direction_of(gap: str) -> str:
    return _trend(gap)[0]


def _trend(gap: str) -> tuple[str, int]:
    """The direction of the last trend word in the text, and where that word ends."""
    last = None
    for m in _TREND_RE.finditer(gap):
        last = m
    if last is None:
        return "none", -1
    return ("up" if _UP_RE.fullmatch(last["w"]) else "down"), last.end()


def _after_direction(folded: str, pos: int, end: int) -> str:
    m = _AFTER_TREND_RE.match(folded, pos, end)
    if not m:
        return "none"
    return "up" if m["w"] in _AFTER_UP else "down"


def _clause_tail(gap: str) -> str:
    """The part of the text before a figure that is in the figure's own clause."""
    cut = 0
    for m in _CLAUSE_BREAK_RE.finditer(gap):
        cut = m.end()
    return gap[cut:]


@lru_cache(maxsize=4096)
def concept_words(concept: str) -> tuple[str, ...]:
    """Key words of a concept, lower case and singular: "Rice exports" -> ("rice", "export")."""
    out: list[str] = []
    for word in _WORD_RE.findall(concept.lower()):
        word = word.strip("'\u2019").removesuffix("'s").removesuffix("\u2019s")
        if word in _CONCEPT_STOP or len(word) < 2:
            continue
        lemma = singular(word)
        if lemma not in out:
            out.append(lemma)
    return tuple(out)


def _subject(text: str, folded: str, clause_start: int, figure_start: int) -> str:
    """The noun phrase a clause opens with, up to its verb: "Rice exports to Africa"."""
    stop = _NP_STOP_RE.search(folded, clause_start, figure_start)
    np_end = stop.start() if stop else figure_start
    chunk = text[clause_start:np_end]
    if re.search(r"\d", chunk):
        # "In 2023 traffic deaths": the words after the last number, else before the first.
        parts = [p for p in _NUMBER_SPLIT_RE.split(chunk) if _WORD_RE.search(p)]
        chunk = parts[-1] if parts else ""
    chunk = chunk.strip(" ,;:-\u2013\u2014(\"'\u201c")
    low = chunk.lower()
    lead = _LEAD_STRIP_RE.match(low)
    if lead:
        chunk = chunk[lead.end() :]
    that = _THAT_RE.split(chunk)
    chunk = that[-1]  # "The report revealed that Russia's exports to China"
    words = chunk.split()
    while words and words[-1].lower() in _TRAILING_STOP:
        words.pop()  # "howitzer rounds and"
    if not words or words[0].lower() in _PRONOUNS or _NOT_SUBJECT_RE.match(words[0].lower()):
        return ""  # "it", "estimated to", "being involved": no noun phrase opens the clause
    if len(words) > 8:
        words = words[-8:]
    return " ".join(words).strip(" ,;:")


def _head_noun(concept: str) -> str:
    """The counted noun of a concept: "the number of foreign visitors" -> "visitor"."""
    low = concept
    m = _NUMBER_OF_RE.search(low.lower())
    if m:
        low = low[m.end() :]
    low = re.split(r"\b(?:of|from|to|in|on|at|for|by|with|into|across)\b", low)[0]
    words = _WORD_RE.findall(low)
    if not words or words[0].lower() in _PRONOUNS:
        return ""
    if words[-1].lower() in ("population", "populations", "inhabitants", "residents"):
        return "person"
    if words[-1][:1].isupper() and len(words) == 1:
        return ""  # "Afghans (11 000)": a name, not what is counted
    head = words[-1].strip("'\u2019").lower()
    if len(head) < 4 or not head.endswith("s") or head.endswith(("ss", "us", "'s", "\u2019s")):
        return ""
    if head in _COUNT_HEADS_SKIP:
        return ""
    return singular(head)


def merge_ranges(text: str, folded: str, figures: list[Figure]) -> list[Figure]:
    """One figure for "30 to 35 hours", "$71 to $75 billion", "15-20%", "between 5 and 7%"."""
    out: list[Figure] = []
    index = 0
    while index < len(figures):
        first = figures[index]
        second = figures[index + 1] if index + 1 < len(figures) else None
        if second is not None and _is_range(folded, first, second):
            out.append(
                replace(
                    first,
                    value_high=second.value,
                    amount_high=second.amount,
                    unit=second.unit,
                    kind=second.kind,
                    currency=second.currency,
                    scale=second.scale if first.scale == "" else first.scale,
                    amount=first.amount if first.scale else _rescale(first, second.scale),
                    raw=text[first.span.start : second.span.end],
                    span=Span(first.span.start, second.span.end),
                )
            )
            index += 2
            continue
        out.append(first)
        index += 1
    return out


def _rescale(first: Figure, scale: str) -> str:
    from .figures import _amount  # the one place amounts are computed

    return _amount(first.value, scale)


def _is_range(folded: str, first: Figure, second: Figure) -> bool:
    if first.value_high or first.kind == "measurement" or second.kind == "measurement":
        return False
    if first.unit and second.unit and first.unit != second.unit:
        return False
    if first.unit and not second.unit:
        return False
    if first.scale and second.scale and first.scale != second.scale:
        return False
    gap_start, gap_end = first.span.end, second.span.start
    before = folded[max(0, first.span.start - 12) : first.span.start]
    if _BETWEEN_RE.search(before):
        return bool(_AND_RE.fullmatch(folded, gap_start, gap_end))
    join = _RANGE_JOIN_RE.fullmatch(folded, gap_start, gap_end)
    if not join:
        return False
    if "to" in join.group(0) and _FROM_BEFORE_RE.search(before):
        return False  # "from 13,003 to 12,638": a change, not a range
    try:
        low = float(first.value) * (10 ** len(first.scale))
        high = float(second.value) * (10 ** len(second.scale or first.scale))
    except ValueError:
        return False
    return low < high


def annotate(
    text: str,
    folded: str,
    start: int,
    end: int,
    figures: Sequence[Figure],
    dates: Sequence[DateRef],
    carried_unit: str = "",
) -> list[Figure]:
    """The figures of text[start:end] with direction, change, baseline, concept and period."""
    out: list[Figure] = []
    sentence_period = next((d for d in dates if d.role == "reference"), None)
    baseline_dates = [d for d in dates if d.role == "baseline"]
    piece = folded[start:end]
    yoy = _YOY_RE.search(folded, start, end) if any(w in piece for w in _YOY_HINTS) else None
    previous: Figure | None = None
    governing = "none"
    for figure in figures:
        gap_start = previous.span.end if previous is not None else start
        gap = folded[gap_start : figure.span.start]
        tail = _clause_tail(gap)
        direction, change, is_baseline = "none", "level", False
        # "rose 5% to X", "rising 10.7% from a year earlier to X", "up 15% from 2023 and 19%":
        # the gap, once its comparison point is left out, only joins the two figures.
        joined = _COMPARISON_CHUNK_RE.sub(" ", gap)
        connected = previous is not None and bool(_CONNECTOR_RE.fullmatch(joined))
        if _BASELINE_TAIL_RE.search(gap):
            is_baseline = True
        else:
            direction, verb_end = _trend(tail)
            if direction != "none":
                between = tail[verb_end:]
                change = "change" if _BY_TAIL_RE.fullmatch(between) else "level"
            elif connected and previous is not None:
                direction = governing
            after = _after_direction(folded, figure.span.end, end)
            if after != "none" and direction == "none":
                direction, change = after, "change"
            if direction == "none" and figure.kind != "percentage":
                then = _LEVEL_THEN_CHANGE_RE.match(folded, figure.span.end, end)
                if then:
                    word = then["w"]
                    direction = "up" if word == "up" or _UP_RE.search(word) else "down"
            elif after != "none" and figure.kind == "percentage":
                change = "change"
        if figure.unit == "percentage_point" or figure.unit == "time":
            change = "change" if (direction != "none" or figure.unit == "time") else change
        if figure.unit == "time" and direction == "none" and not is_baseline:
            raw = figure.raw.lower()
            direction = "down" if raw.startswith(("halv", "half")) else "up"
            if figure.raw[:1].isdigit() and not _TREND_RE.search(tail):
                direction = "none"
        if direction == "none" and figure.kind == "percentage" and _LOST_RE.search(tail):
            direction = "down"  # "lost a fifth of its value" (a loss of money is a level)
        if figure.value.startswith("-"):
            direction = "down"
        # What a figure after this one by "to" inherits: "fell from X to Y" makes Y down.
        governing = _direction_of(tail) if is_baseline else direction
        if is_baseline:
            direction, change = "none", "level"
        # Concept: "27% of all applications", else the clause's subject.
        concept = ""
        of = _OF_AFTER_RE.match(text, figure.span.end, end)
        measure = (
            figure.unit in _MEASURES
            or not figure.unit
            or figure.kind == "measurement"
            or figure.unit.endswith(("_per_day", "_per_month", "_per_year"))
        )
        if of and (figure.kind in ("percentage", "money") or measure):
            concept = of["np"]
        if not concept and connected and previous is not None:
            concept = previous.concept
        if not concept:
            clause_start = gap_start + (len(gap) - len(tail)) if not is_baseline else start
            concept = _subject(text, folded, clause_start, figure.span.start)
            if not concept and previous is not None:
                concept = previous.concept  # ", estimated to increase 43%": the same thing
            opens = tail.strip()
            if not concept and (not opens or _TREND_RE.match(opens)):
                # "In 2023, 510 million tons", ", rising to 36,869,900": no subject of its own
                concept = _subject(text, folded, start, figure.span.start)
        if not concept_words(concept):
            concept = ""  # "In 2024,": no word that says what is counted
        unit, kind = figure.unit, figure.kind
        if kind == "quantity" and not unit:
            unit = _borrowed_unit(figure, previous, out, concept, gap, carried_unit, text)
        if not concept and kind == "quantity" and unit and unit not in _MEASURES:
            concept = unit.replace("_", " ")  # "48.5 million of the 70.3 million voters"
        baseline = ""
        if change == "change" or direction != "none" or is_baseline:
            if baseline_dates:
                baseline = baseline_dates[0].raw
            elif yoy:
                baseline = text[yoy.start() : yoy.end()].strip()
        period = _period_for(figure, dates, sentence_period, is_baseline, baseline_dates)
        annotated = figure.with_fields(
            unit=unit,
            direction=direction,
            change=change,
            baseline=baseline,
            concept=concept,
            concept_words=concept_words(concept),
            period=period,
        )
        out.append(annotated)
        previous = annotated
    return _share_money(out, folded)


def _borrowed_unit(
    figure: Figure,
    previous: Figure | None,
    done: list[Figure],
    concept: str,
    gap: str,
    carried_unit: str,
    text: str,
) -> str:
    """The noun of a count written without one: its neighbour's, its concept's, the text's."""
    if (
        previous is not None
        and previous.kind == "quantity"
        and previous.unit
        and _NEIGHBOUR_GAP_RE.fullmatch(gap)
    ):
        return previous.unit
    if _POPULATION_BEFORE_RE.search(
        text[max(0, figure.span.start - 40) : figure.span.start].lower()
    ):
        return "person"
    head = _head_noun(concept)
    if head:
        return head
    start = figure.span.start
    if start > 0 and text[start - 1] == "(" and carried_unit:
        return carried_unit  # "Germany (34 000)": the count the paragraph is about
    return ""


def _share_money(figures: list[Figure], folded: str) -> list[Figure]:
    """ "up from 37.7 trillion the previous year" after "38.3 trillion yen": the same currency."""
    out = list(figures)
    for index, figure in enumerate(out):
        if figure.kind != "quantity" or figure.unit or not figure.scale:
            continue
        counts = [f for f in out[:index] if f.kind == "quantity" and f.unit and f.scale]
        if counts and counts[-1].scale == figure.scale:  # "510 million tons ..., eight million"
            out[index] = replace(figure, unit=counts[-1].unit)
            continue
        money = [f for f in out[:index] if f.kind == "money" and f.scale == figure.scale]
        if not money:
            later = [f for f in out[index + 1 :] if f.kind == "money" and f.scale == figure.scale]
            gap_ok = later and re.fullmatch(
                r"\s*(?:to|and|or|-|\u2013)\s*", folded[figure.span.end : later[0].span.start]
            )
            money = later[:1] if gap_ok else []
        if money:
            out[index] = replace(
                figure, kind="money", unit=money[-1].unit, currency=money[-1].currency
            )
    return out


def _period_for(
    figure: Figure,
    dates: Sequence[DateRef],
    sentence_period: DateRef | None,
    is_baseline: bool,
    baseline_dates: Sequence[DateRef],
) -> DateRef | None:
    if is_baseline and baseline_dates:
        after = [d for d in baseline_dates if d.span.start >= figure.span.end]
        return after[0] if after else baseline_dates[-1]
    refs = [d for d in dates if d.role == "reference"]
    settled = [d for d in refs if not d.raw.lower().startswith("since")]
    refs = settled or refs  # "the weakest since 1986" frames the figure; it is not its period
    if not refs:
        return sentence_period
    # The nearest reference date, preferring one after the figure in its clause.
    return min(
        refs,
        key=lambda d: (
            d.span.start - figure.span.end
            if d.span.start >= figure.span.end
            else 3 * (figure.span.start - d.span.end)
        ),
    )
