"""iCalendar (RFC 5545) text for the calendar feed, written by hand: all-day VEVENTs, escaped
text, lines folded at 75 octets, CRLF line ends."""

import datetime
from collections.abc import Iterable

PRODID = "-//hoptac//International cooperation calendar//EN"


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character;
    continuation lines start with one space (RFC 5545 §3.1)."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines carry the leading space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _date(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def calendar(items: Iterable, *, base_url: str, now: datetime.datetime, name: str = "hoptac") -> str:
    """`items` are selectors.CalendarItem; `end` is inclusive, so DTEND is the day after."""
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    host = base_url.split("://", 1)[-1].split("/", 1)[0] or "hoptac"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for item in items:
        description = " · ".join(p for p in (item.description, item.status_label) if p)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.uid}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_date(item.start)}",
            f"DTEND;VALUE=DATE:{_date(item.end + datetime.timedelta(days=1))}",
            f"SUMMARY:{escape(item.title)}",
        ]
        if item.place:
            lines.append(f"LOCATION:{escape(item.place)}")
        if description:
            lines.append(f"DESCRIPTION:{escape(description)}")
        lines += [
            f"URL:{base_url}{item.url}",
            f"CATEGORIES:{item.kind.upper()}",
            "STATUS:" + ("CANCELLED" if item.status == "cancelled" else "CONFIRMED"),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
