"""Dates in news prose, resolved to calendar days against the article's publication time.

A date is a development's strongest sign ("from May 15", "on Monday"), and
the same day is written many ways: "May 16 and 17", "16-17 May", "24 Jul,
2024", "02/06/2024", "19. May 2023", "March 2nd", ISO stamps, or a weekday
that only the publication time turns into a day. Every spelling of a day
resolves to one key, `date:YYYY-MM-DD` (a range or a list of days is one
fact, `date:A..B`), so two tellings of the same day are the same fact.

A small resolver of our own, not dateparser: the formats of news prose are
few, and a regex pass costs microseconds per sentence where dateparser's
search costs milliseconds. `published` is passed in; no clock is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.assess.gazetteer import MONTHS


class DateKind(StrEnum):
    """How precise a date mention is and how it was written."""

    DAY = "day"  # an explicit calendar day or range of days
    RELATIVE = "relative"  # a weekday or 'next week', resolved against publication
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date as written (`text`, `span`) and its spelling-independent `key`."""

    kind: DateKind
    key: str
    text: str
    span: tuple[int, int]


_M = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_D = r"(\d{1,2})(?:st|nd|rd|th)?"
_JOIN = r"\s*(?:-|–|—|and|to|through|until|&)\s*"
_Y = r"(?:,?\s*((?:19|20)\d\d))?"
_MONTH_DAY = re.compile(rf"\b{_M}\s+{_D}(?:{_JOIN}{_D})?(?![\d:])(?!\s*(?:%|per))\b{_Y}")
_DAY_MONTH = re.compile(rf"\b{_D}\.?(?:{_JOIN}{_D}\.?)?\s+(?:of\s+)?{_M}(?![a-z]){_Y}")
_ISO = re.compile(
    r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)(?:[T ]\d\d:\d\d(?::\d\d)?(?:Z|[+-]\d\d:?\d\d)?)?"
)
_NUMERIC = re.compile(r"(?<![\d/.])(\d{1,2})([./])(\d{1,2})\2((?:19|20)\d\d)\b")
_MONTH_ONLY = re.compile(
    rf"\b(?:in|from|until|by|since|early|late|mid-?|end of|start of)\s+{_M}(?:\s+(?:19|20)\d\d)?\b"
)
_YEAR = re.compile(r"(?<![\d.,$£€-])\b(19\d\d|20\d\d)\b(?![\d%]|[.,]\d|-\d|\s*(?:%|per))")
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WD = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WEEKDAY = re.compile(
    rf"\b(?:(last|next|this|coming|past)\s+)?{_WD}(?:'s)?"
    rf"(?:\s+(?:to|until|through|and|-|–)\s+{_WD})?"
    r"(?:\s+(?:morning|afternoon|evening|night))?\b"
)
# "this week" and "last week" only restate the publication time; "next week" and a
# weekend name when something is due.
_WEEK = re.compile(
    r"\b(next|coming)\s+(week)\b|\b(last|next|this|coming)\s+(weekend)\b|\b(tomorrow|yesterday)\b",
    re.I,
)
# Words that put a bare weekday after the publication time rather than before it.
_FUTURE = re.compile(
    r"\b(?:will|'ll|shall|is to|are to|due|expected|expects|plans?|planned|scheduled|set to|"
    r"going to|upcoming|would|intends?|to (?:visit|travel|meet|hold|attend|start|begin|open))\b",
    re.I,
)
# Marks that end a clause; a weekday's tense is read inside its own clause.
_CLAUSE_MARKS = (",", ";", ":", "(", ")", " - ", " – ", " that ", " which ", " when ", " while ")
# What may stand before a weekday that opens its clause ("On Monday, ...").
_OPENERS = ("", "on", "by", "from", "until", "and on", "late on", "early on")
# A year-less day is placed in the year that puts it nearest the publication time.
_NEAREST_YEAR_SHIFT = (0, -1, 1)


def find_dates(sentence: str, published: date | None) -> list[DateMention]:
    """Every date of a sentence, explicit days first; relative ones need `published`."""
    found: list[DateMention] = []
    for finder in (_isos, _numerics, _month_days, _day_months):
        found.extend(m for m in finder(sentence, published) if not _inside(m.span, found))
    if published is not None:
        found.extend(m for m in _relatives(sentence, published) if not _near(m.span, found))
    found.extend(m for m in _months(sentence) if not _inside(m.span, found))
    found.extend(m for m in _years(sentence) if not _inside(m.span, found))
    return found


def undated_reference(sentences: list[str]) -> date | None:
    """The day a text with no publication time (a corpus file) is read from: the latest full
    date it names, as background texts are written just after the last event they report.
    Its weekdays then resolve to days the stream's articles can match."""
    latest: date | None = None
    for sentence in sentences:
        for finder in (_isos, _numerics, _month_days, _day_months):
            for mention in finder(sentence, None):
                day = _first_day(mention.key)
                if day is not None and (latest is None or day > latest):
                    latest = day
    return latest


def _first_day(key: str) -> date | None:
    match = re.match(r"date:(\d{4})-(\d\d)-(\d\d)", key)
    return date(*map(int, match.groups())) if match else None


def _inside(span: tuple[int, int], found: list[DateMention]) -> bool:
    return any(a <= span[0] < b or a < span[1] <= b for a, b in (m.span for m in found))


def _near(span: tuple[int, int], found: list[DateMention]) -> bool:
    """'this Saturday, March 2': a weekday written beside an explicit day adds nothing."""
    return any(abs(span[1] - m.span[0]) <= 3 or abs(m.span[1] - span[0]) <= 3 for m in found)


def _day(year: int | None, month: int, day: int, published: date | None) -> date | None:
    """A calendar day, placing a year-less one nearest the publication time."""
    if year is not None:
        return _safe(year, month, day)
    if published is None:
        return _safe(2000, month, day)  # a leap year: any real month-day is valid
    candidates = [_safe(published.year + s, month, day) for s in _NEAREST_YEAR_SHIFT]
    valid = [c for c in candidates if c is not None]
    return min(valid, key=lambda c: abs((c - published).days), default=None)


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def day_key(first: date, last: date | None, with_year: bool) -> str:
    """`date:2023-05-16` or `date:2023-05-16..2023-05-17`; year-less as `date:05-16`."""
    fmt = "%Y-%m-%d" if with_year else "%m-%d"
    if last is None or last == first:
        return f"date:{first:{fmt}}"
    return f"date:{first:{fmt}}..{last:{fmt}}"


def _mention(
    kind: DateKind, first: date | None, last: date | None, known_year: bool, m: re.Match[str]
) -> DateMention | None:
    if first is None or (last is not None and not first <= last <= first + timedelta(days=31)):
        return None
    text = m.group().strip().rstrip(".,")
    return DateMention(kind, day_key(first, last, known_year), text, m.span())


def _isos(sentence: str, published: date | None) -> list[DateMention]:
    result = []
    for m in _ISO.finditer(sentence):
        first = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        mention = _mention(DateKind.DAY, first, None, True, m)
        if mention:
            result.append(mention)
    return result


def _numerics(sentence: str, published: date | None) -> list[DateMention]:
    """'17/11/2022', '18.03.2023', '02/06/2024': day first unless only month-first is valid;
    an ambiguous pair takes the reading nearest the publication time."""
    result = []
    for m in _NUMERIC.finditer(sentence):
        a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        readings = [d for d in (_safe(year, b, a), _safe(year, a, b)) if d is not None]
        if published is not None and len(readings) == 2 and m.group(2) == "/":
            readings.sort(key=lambda d: abs((d - published).days))
        mention = _mention(DateKind.DAY, readings[0] if readings else None, None, True, m)
        if mention:
            result.append(mention)
    return result


def _month_days(sentence: str, published: date | None) -> list[DateMention]:
    """'May 16', 'May 16 and 17', 'May 12,2023': month first."""
    return _written_days(_MONTH_DAY.finditer(sentence), (1, 2, 3, 4), published)


def _day_months(sentence: str, published: date | None) -> list[DateMention]:
    """'16-17 May', '19. May 2023', '24 Jul, 2024': day first."""
    return _written_days(_DAY_MONTH.finditer(sentence), (3, 1, 2, 4), published)


def _written_days(
    matches: Iterator[re.Match[str]], groups: tuple[int, int, int, int], published: date | None
) -> list[DateMention]:
    """Day spans from matches whose groups hold (month, first day, last day, year)."""
    month_at, first_at, last_at, year_at = groups
    result = []
    for m in matches:
        month = MONTHS[m.group(month_at).rstrip(".").lower()]
        mention = _span_of(
            m, month, m.group(first_at), m.group(last_at), m.group(year_at), published
        )
        if mention:
            result.append(mention)
    return result


def _span_of(
    m: re.Match[str],
    month: int,
    first_day: str,
    last_day: str | None,
    year_text: str | None,
    published: date | None,
) -> DateMention | None:
    year = int(year_text) if year_text else None
    first = _day(year, month, int(first_day), published)
    last = None
    if first is not None and last_day is not None:
        last = _safe(first.year, month, int(last_day))
    return _mention(DateKind.DAY, first, last, year is not None or published is not None, m)


def _relatives(sentence: str, published: date) -> list[DateMention]:
    """Weekdays and 'next week' resolved against publication: 'on Thursday' in a Thursday
    paper is that day, and a later re-report's 'on Thursday' is the same day."""
    result = []
    for m in _WEEKDAY.finditer(sentence):
        future = bool(_FUTURE.search(_clause_of(sentence, m.start(), m.end())))
        first = _weekday(published, m.group(2), m.group(1), future)
        last = _weekday(first, m.group(3), "next", True) if m.group(3) else None
        if last is not None and last <= first:
            last = None
        mention = _mention(DateKind.RELATIVE, first, last, True, m)
        if mention:
            result.append(mention)
    for m in _WEEK.finditer(sentence):
        modifier = (m.group(1) or m.group(3) or "").lower()
        unit = (m.group(2) or m.group(4) or m.group(5)).lower()
        first, last = _week(published, modifier, unit)
        mention = _mention(DateKind.RELATIVE, first, last, True, m)
        if mention:
            result.append(mention)
    return result


def _clause_of(sentence: str, start: int, end: int) -> str:
    """The clause a weekday sits in, which alone tells its tense.

    "Putin claimed on Wednesday that ships would go..." is a past Wednesday: the
    "would" belongs to another clause. A weekday opening its clause ("On Monday,
    the envoy will...") takes the tense of the clause it introduces.
    """
    marks = [i + len(c) for c in _CLAUSE_MARKS if (i := sentence.rfind(c, 0, start)) >= 0]
    opening = max(marks, default=0)
    if sentence[opening:start].strip(' "“').lower() in _OPENERS:
        return sentence[opening:]
    closing = [i for c in _CLAUSE_MARKS if (i := sentence.find(c, end)) >= 0]
    return sentence[opening : min(closing, default=len(sentence))]


def _weekday(anchor: date, name: str, modifier: str | None, future: bool) -> date:
    target = _WEEKDAY_NAMES.index(name.lower())
    ahead = (target - anchor.weekday()) % 7
    behind = (anchor.weekday() - target) % 7
    modifier = (modifier or "").lower()
    if modifier in ("next", "coming") or (modifier != "last" and future and modifier != "past"):
        return anchor + timedelta(days=ahead or (7 if modifier == "next" else 0))
    if modifier in ("last", "past"):
        return anchor - timedelta(days=behind or 7)
    return anchor - timedelta(days=behind)


def _week(published: date, modifier: str, unit: str) -> tuple[date, date | None]:
    if unit in ("tomorrow", "yesterday"):
        return published + timedelta(days=1 if unit == "tomorrow" else -1), None
    monday = published - timedelta(days=published.weekday())
    shift = {"next": 7, "coming": 7, "last": -7}.get(modifier, 0)
    if unit == "weekend":
        saturday = monday + timedelta(days=5 + (shift if modifier != "coming" else 0))
        return saturday, saturday + timedelta(days=1)
    start = monday + timedelta(days=shift)
    return start, start + timedelta(days=6)


def _months(sentence: str) -> list[DateMention]:
    result = []
    for m in _MONTH_ONLY.finditer(sentence):
        month = MONTHS[m.group(1).rstrip(".").lower()]
        result.append(DateMention(DateKind.MONTH, f"month:{month}", m.group(1), m.span(1)))
    return result


def _years(sentence: str) -> list[DateMention]:
    return [
        DateMention(DateKind.YEAR, f"year:{m.group(1)}", m.group(1), m.span())
        for m in _YEAR.finditer(sentence)
    ]
