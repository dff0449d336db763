"""The demo: the seed article's bibliographic facts and its check-worthy claims, in our own words.

The article body is never stored in the repository; it is read at load time. Each claim locates
its span in the body with two short markers (where the span starts, and the text it ends with),
so the span is found, not hard-coded as offsets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

SEED_ARTICLE_PATH = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "article.txt"
)

ARTICLE = {
    "title": "Is China concerned about North Korea and Russia's growing military alliance?",
    "publisher": "The Phnom Penh Post",
    "author": "Sokvy Rim",
    "published": dt.date(2024, 1, 5),
    "language": "en",
}


@dataclass(frozen=True)
class DemoClaim:
    key: str
    text: str
    kind: str
    span_from: str
    span_to: str
    period_start: dt.date
    period_end: dt.date
    precision: str
    value: Decimal | None = None
    qualifier: str = ""
    unit: str = ""
    scale: str = ""
    claimant: str = ""
    score: float = 0.8


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), nxt - dt.timedelta(days=1)


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


CLAIMS: list[DemoClaim] = [
    DemoClaim(
        key="kim-visit",
        text="Kim Jong-un's six-day visit to Russia in September 2023 was his longest trip "
        "abroad since taking power.",
        kind="date_event",
        span_from="In SEPTEMBER 2023",
        span_to="came to power.",
        period_start=_month(2023, 9)[0],
        period_end=_month(2023, 9)[1],
        precision="month",
        value=Decimal("6"),
        qualifier="exact",
        unit="day",
        score=0.85,
    ),
    DemoClaim(
        key="containers",
        text="North Korea sent Russia more than 1,000 containers of military equipment and "
        "munitions in October 2023.",
        kind="quantity",
        span_from="A month after Kim",
        span_to="in October alone.",
        period_start=_month(2023, 10)[0],
        period_end=_month(2023, 10)[1],
        precision="month",
        value=Decimal("1000"),
        qualifier="more_than",
        unit="container",
        score=0.97,
    ),
    DemoClaim(
        key="ministry-statement",
        text="On 13 September 2023 China's foreign ministry called the North Korea-Russia pact a "
        "bilateral matter and North Korea a friendly neighbour.",
        kind="attribution",
        span_from="In September 13 of 2023",
        span_to="friendly neighbour.",
        period_start=dt.date(2023, 9, 13),
        period_end=dt.date(2023, 9, 13),
        precision="day",
        claimant="Ministry of Foreign Affairs of China",
        score=0.75,
    ),
    DemoClaim(
        key="war-length",
        text="By early January 2024 Russia had been fighting its war in Ukraine for nearly two "
        "years.",
        kind="quantity",
        span_from="In return, Russia",
        span_to="nearly two years.",
        period_start=dt.date(2024, 1, 5),
        period_end=dt.date(2024, 1, 5),
        precision="day",
        value=Decimal("2"),
        qualifier="nearly",
        unit="year",
        score=0.6,
    ),
    DemoClaim(
        key="xi-visit",
        text="Xi Jinping travelled to Russia and met Vladimir Putin in March 2023.",
        kind="date_event",
        span_from="In March 2023, Chinese",
        span_to="met Putin.",
        period_start=_month(2023, 3)[0],
        period_end=_month(2023, 3)[1],
        precision="month",
        score=0.7,
    ),
    DemoClaim(
        key="xi-zelenskyy-call",
        text="In April 2023 Xi Jinping spoke to Volodymyr Zelenskyy by phone and raised the "
        "prospect of peace talks.",
        kind="date_event",
        span_from="In the following month",
        span_to="Ukraine conflict.",
        period_start=_month(2023, 4)[0],
        period_end=_month(2023, 4)[1],
        precision="month",
        score=0.7,
    ),
    DemoClaim(
        key="saudi-iran-deal",
        text="China brokered the agreement that restored diplomatic relations between Saudi Arabia "
        "and Iran in March 2023.",
        kind="date_event",
        span_from="China successfully brokered",
        span_to="in March of 2023.",
        period_start=_month(2023, 3)[0],
        period_end=_month(2023, 3)[1],
        precision="month",
        score=0.75,
    ),
    DemoClaim(
        key="export-markets",
        text="In 2021 the United States, Japan and South Korea were among China's main export "
        "markets.",
        kind="other",
        span_from="By 2021,",
        span_to="export destinations.",
        period_start=_year(2021)[0],
        period_end=_year(2021)[1],
        precision="year",
        score=0.65,
    ),
    DemoClaim(
        key="food-imports",
        text="North Korea's food imports from China in January and February 2023 were 161.5% "
        "higher than a year earlier.",
        kind="percentage",
        span_from="In the first two months of 2023",
        span_to="previous year.",
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 2, 28),
        precision="month",
        value=Decimal("161.5"),
        qualifier="exact",
        unit="percent",
        score=0.95,
    ),
    DemoClaim(
        key="petroleum-shipment",
        text="In April 2023 Russia delivered about 67,300 barrels of refined petroleum to North "
        "Korea, its first such shipment since August 2020.",
        kind="quantity",
        span_from="By April 2023",
        span_to="since August 2020.",
        period_start=_month(2023, 4)[0],
        period_end=_month(2023, 4)[1],
        precision="month",
        value=Decimal("67300"),
        qualifier="about",
        unit="barrel",
        score=0.96,
    ),
    DemoClaim(
        key="petroleum-halt",
        text="Russian refined-petroleum deliveries to North Korea were suspended from August 2020 "
        "until April 2023.",
        kind="date_event",
        span_from="By April 2023",
        span_to="since August 2020.",
        period_start=dt.date(2020, 8, 1),
        period_end=_month(2023, 4)[1],
        precision="month",
        score=0.7,
    ),
    DemoClaim(
        key="odni-report",
        text="In July 2023 the US Office of the Director of National Intelligence published a "
        "report finding that China had helped keep Russia's economy going.",
        kind="attribution",
        span_from="The US’ Office",
        span_to="maintain Russia’s economy.",
        period_start=_month(2023, 7)[0],
        period_end=_month(2023, 7)[1],
        precision="month",
        claimant="US Office of the Director of National Intelligence",
        score=0.8,
    ),
    DemoClaim(
        key="exports-value",
        text="Russia's exports to China were worth $114 billion in 2022.",
        kind="money",
        span_from="The report revealed",
        span_to="previous year.",
        period_start=_year(2022)[0],
        period_end=_year(2022)[1],
        precision="year",
        value=Decimal("114"),
        qualifier="exact",
        unit="USD",
        scale="billion",
        claimant="US Office of the Director of National Intelligence",
        score=0.97,
    ),
    DemoClaim(
        key="exports-growth",
        text="Russia's exports to China rose by an estimated 43% in 2022 compared with 2021.",
        kind="percentage",
        span_from="The report revealed",
        span_to="previous year.",
        period_start=_year(2022)[0],
        period_end=_year(2022)[1],
        precision="year",
        value=Decimal("43"),
        qualifier="exact",
        unit="percent",
        claimant="US Office of the Director of National Intelligence",
        score=0.93,
    ),
    DemoClaim(
        key="gas-share",
        text="China bought half of Russia's natural gas (2022 figures).",
        kind="percentage",
        span_from="China also imported",
        span_to="natural gas.",
        period_start=_year(2022)[0],
        period_end=_year(2022)[1],
        precision="year",
        value=Decimal("50"),
        qualifier="exact",
        unit="percent",
        score=0.9,
    ),
    DemoClaim(
        key="nk-2024-plans",
        text="North Korea has said that in 2024 it intends to launch more military spy "
        "satellites, build more military drones and expand its nuclear arsenal.",
        kind="attribution",
        span_from="Recently, North Korea claimed",
        span_to="in 2024.",
        period_start=_year(2024)[0],
        period_end=_year(2024)[1],
        precision="year",
        claimant="North Korea",
        score=0.7,
    ),
]


def locate_span(body: str, claim: DemoClaim) -> tuple[int, int]:
    """Find a demo claim's span in the article body; raise ValueError if the body lacks it."""
    start = body.find(claim.span_from)
    if start < 0:
        raise ValueError(f"demo claim {claim.key!r}: {claim.span_from!r} is not in the body")
    end_at = body.find(claim.span_to, start)
    if end_at < 0:
        raise ValueError(f"demo claim {claim.key!r}: {claim.span_to!r} does not follow its start")
    return start, end_at + len(claim.span_to)
