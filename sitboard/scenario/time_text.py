"""A time range as a reader says it: "3–9 Dec 2024", "28 Nov – 3 Dec 2024", "28 Dec 2024 – 3 Jan 2025".

Both ends keep the precision the author gave them: dates stay dates, and a
range with a time of day shows its times as written.
"""

from __future__ import annotations

from datetime import date

from sitboard.scenario.model import EventTime

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def range_words(start: EventTime, until: EventTime, *, dash: str = "–") -> str:
    """The range from `start` to `until`; `dash` is "-" where only ASCII may be drawn."""
    if start.has_clock or until.has_clock:
        return f"{start.text.replace('T', ' ')} {dash} {until.text.replace('T', ' ')}"
    a, b = start.day, until.day
    if a == b:
        return day_words(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}{dash}{day_words(b)}"
    if a.year == b.year:
        return f"{a.day} {MONTHS[a.month - 1]} {dash} {day_words(b)}"
    return f"{day_words(a)} {dash} {day_words(b)}"


def instant_text(t: EventTime) -> str:
    """`t` as the standards write an instant: a date as `2024-12-05`, a time of day in UTC as `...T14:00:00Z`.

    JSON-FG's `date`/`timestamp` and KML's `when` both read these. A time
    written without an offset is taken as UTC, as the board orders it.
    """
    if not t.has_clock:
        return t.day.isoformat()
    return t.sort_key.strftime("%Y-%m-%dT%H:%M:%SZ")


def jsonfg_time(start: EventTime | None, end: EventTime | None = None, *, interval: bool = False) -> dict[str, object]:
    """An OGC JSON-FG `time` member: an instant (`date` or `timestamp`), or an `interval` with ".." for an open end."""
    if not interval and start is not None and end is None:
        return {"timestamp" if start.has_clock else "date": instant_text(start)}
    return {"interval": [".." if start is None else instant_text(start), ".." if end is None else instant_text(end)]}
