"""Charts drawn on the server as SVG: a storyline's timeline, a who-met-whom network,
quotes per month.

The functions here compute geometry only (positions, sizes, labels, links); the
templates (``_charts.html``) write the SVG elements, escaping every label like any
other text. No script runs in the browser, so the content security policy can stay
without 'unsafe-inline', and the charts work in any browser, printed, or saved.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote

from lagebild.exports.network import Network, Node
from lagebild.timespans import day_span
from lagebild.web.situation import EventRow, StorySummary

# The drawing's coordinate system; the SVG scales to the page width.
WIDTH = 960
MARGIN = 24
ROW = 26  # height of one story row
EVENT_ROW = 18  # height of one row of event marks
AXIS = 30  # height of the date axis
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Characters of a story label drawn beside its bar; the full label is in its tooltip.
LABEL_CHARS = 60
# Events dated no closer than this many days (a month, a year) are left out of the
# chart: a bar across a month would say more than the text did. The table lists them.
MAX_EVENT_DAYS = 7


@dataclass(frozen=True)
class Tick:
    """A date on the axis."""

    x: float
    label: str


@dataclass(frozen=True)
class Bar:
    """A story's span as a bar, its label beside it (``anchor`` start or end)."""

    x: float
    y: float
    width: float
    label: str
    title: str
    href: str
    label_x: float
    anchor: str


@dataclass(frozen=True)
class Mark:
    """An event: a dot for one day, a bar for a span; ``status`` styles it."""

    x: float
    y: float
    width: float
    status: str
    kind: str
    title: str
    href: str


@dataclass(frozen=True)
class TimelineChart:
    """The drawing of a storyline: date axis, one bar per story, event marks below."""

    width: int
    height: int
    ticks: list[Tick]
    bars: list[Bar]
    marks: list[Mark]
    events_y: float
    undated: int
    coarse: int


def _ticks(first: date, last: date, x_of: Callable[[date], float]) -> list[Tick]:
    """Axis ticks: days for a fortnight, Mondays for a few months, else first of months."""
    days = (last - first).days
    ticks: list[Tick] = []
    if days <= 16:
        step, day = 1 if days <= 8 else 2, first
        while day <= last:
            ticks.append(Tick(x_of(day), f"{day.day} {MONTHS[day.month - 1]}"))
            day += timedelta(days=step)
    elif days <= 120:
        day = first + timedelta(days=(7 - first.weekday()) % 7)
        while day <= last:
            ticks.append(Tick(x_of(day), f"{day.day} {MONTHS[day.month - 1]}"))
            day += timedelta(days=7 if days <= 60 else 14)
    else:
        months = days // 30
        step = 1 if months <= 12 else 3 if months <= 36 else 12
        day = date(first.year, first.month, 1)
        while day <= last:
            if day >= first:
                ticks.append(Tick(x_of(day), f"{MONTHS[day.month - 1]} {day.year}"))
            month = day.month - 1 + step
            day = date(day.year + month // 12, month % 12 + 1, 1)
    return ticks


def timeline_chart(stories: list[StorySummary], events: list[EventRow]) -> TimelineChart | None:
    """The chart of a storyline's stories and events; None when nothing in it is dated."""
    spans = [day_span(s.start and f"{s.start[:10]}/{(s.end or s.start)[:10]}") for s in stories]
    event_spans = [day_span(e.date) for e in events]
    coarse = sum(1 for s in event_spans if s is not None and (s[1] - s[0]).days >= MAX_EVENT_DAYS)
    event_spans = [
        s if s is not None and (s[1] - s[0]).days < MAX_EVENT_DAYS else None for s in event_spans
    ]
    dated = [s for s in spans + event_spans if s is not None]
    if not dated:
        return None
    first = min(s[0] for s in dated) - timedelta(days=1)
    last = max(s[1] for s in dated) + timedelta(days=1)
    total = max((last - first).days + 1, 1)
    inner = WIDTH - 2 * MARGIN

    def x_of(day: date) -> float:
        return round(MARGIN + inner * (day - first).days / total, 1)

    day_width = inner / total
    bars: list[Bar] = []
    y = AXIS + 8
    for story, span in zip(stories, spans, strict=True):
        if span is None:
            continue
        x, width = x_of(span[0]), max(day_width * ((span[1] - span[0]).days + 1), 6)
        label = story.title if len(story.title) <= LABEL_CHARS else story.title[:LABEL_CHARS] + "…"
        right_half = x > WIDTH / 2
        bars.append(
            Bar(
                x,
                y,
                round(width, 1),
                label,
                f"{story.title} ({story.start} – {story.end}, {story.articles} articles)",
                f"/stories/{quote(story.id, safe='')}",
                round(x - 6 if right_half else x + width + 6, 1),
                "end" if right_half else "start",
            )
        )
        y += ROW
    events_y = y + 14
    lanes: list[float] = []  # the right end of the last mark in each lane
    marks: list[Mark] = []
    for event, span in zip(events, event_spans, strict=True):
        if span is None:
            continue
        x = x_of(span[0])
        width = day_width * ((span[1] - span[0]).days + 1)
        width = round(width, 1) if (span[1] - span[0]).days >= 1 else 0.0
        lane = next((i for i, end in enumerate(lanes) if end < x - 10), len(lanes))
        if lane == len(lanes):
            lanes.append(0.0)
        lanes[lane] = x + max(width, 10)
        who = ", ".join(p.name for p in event.participants) or "–"
        where = f" in {event.place}" if event.place else ""
        marks.append(
            Mark(
                x,
                events_y + 16 + lane * EVENT_ROW,
                width,
                event.status,
                event.kind,
                f"{event.date}: {event.type.replace('_', ' ')}: {who}{where}",
                f"#event-{event.id}",
            )
        )
    height = int(events_y + 16 + max(len(lanes), 1) * EVENT_ROW + 8)
    undated = sum(1 for s in event_spans if s is None) - coarse
    return TimelineChart(
        WIDTH, height, _ticks(first, last, x_of), bars, marks, events_y, undated, coarse
    )


# -- the network --------------------------------------------------------------------------

NET_SIZE = 640  # width and height of the network drawing
NET_NODES = 24  # nodes drawn at most: the entity and its most frequent partners


@dataclass(frozen=True)
class NodeDot:
    """A node: circle at (x, y) of radius r, its label beside it."""

    x: float
    y: float
    r: float
    label: str
    type: str
    href: str | None
    title: str
    center: bool
    label_x: float
    anchor: str


@dataclass(frozen=True)
class Line:
    """An edge as an SVG path (straight to the centre, curved between partners, so a
    line between two partners opposite each other does not hide behind the centre);
    its width grows with the number of shared events."""

    path: str
    width: float
    title: str


@dataclass(frozen=True)
class NetworkChart:
    """The drawing of an entity's network: it in the middle, partners around it."""

    size: int
    nodes: list[NodeDot] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


def network_chart(network: Network) -> NetworkChart | None:
    """Nodes on a circle around the centre, most frequent partner first; None if alone."""
    if len(network.nodes) < 2:
        return None
    center = NET_SIZE / 2
    radius = NET_SIZE / 2 - 130
    others = [n for n in network.nodes if n.id != network.center]
    weight_to_center = {
        (e.target if e.source == network.center else e.source): e.weight
        for e in network.edges
        if network.center in (e.source, e.target)
    }
    others = _ring_order(others, network, weight_to_center)
    at: dict[str, tuple[float, float]] = {}
    dots: list[NodeDot] = []
    most = max(n.events for n in network.nodes)
    placed = [(n, center, center) for n in network.nodes if n.id == network.center]
    for i, node in enumerate(others):
        angle = -math.pi / 2 + 2 * math.pi * i / len(others)
        placed.append((node, center + radius * math.cos(angle), center + radius * math.sin(angle)))
    for node, x, y in placed:
        x, y = round(x, 1), round(y, 1)
        at[node.id] = (x, y)
        r = round(5 + 9 * math.sqrt(node.events / most), 1)
        right = x >= center - 1
        dots.append(
            NodeDot(
                x,
                y,
                r,
                node.name,
                (node.type or "oth").lower(),
                f"/entities/{quote(node.entity_id, safe='')}" if node.entity_id else None,
                f"{node.name}: {node.events} event{'s' if node.events != 1 else ''}",
                node.id == network.center,
                round(x + r + 4 if right else x - r - 4, 1),
                "start" if right else "end",
            )
        )
    names = {n.id: n.name for n in network.nodes}
    lines = [
        Line(
            _edge_path(at[e.source], at[e.target], network.center in (e.source, e.target)),
            round(1 + 1.6 * math.log2(e.weight), 1) if e.weight > 1 else 1.0,
            f"{names[e.source]} – {names[e.target]}: {e.weight} shared event"
            + ("s" if e.weight != 1 else ""),
        )
        for e in network.edges
        if e.source in at and e.target in at
    ]
    return NetworkChart(NET_SIZE, dots, lines)


def _ring_order(
    others: list[Node], network: Network, weight_to_center: dict[str, int]
) -> list[Node]:
    """Partners in ring order: each next to the one it shares most events with, so
    edges between partners stay short; the strongest partner of the centre first."""
    if not others:
        return []
    weight: dict[tuple[str, str], int] = {}
    for e in network.edges:
        weight[(e.source, e.target)] = weight[(e.target, e.source)] = e.weight
    left = sorted(others, key=lambda n: (-weight_to_center.get(n.id, 0), -n.events, n.name))
    ordered = [left.pop(0)]
    while left:
        last = ordered[-1].id
        best = max(range(len(left)), key=lambda i: (weight.get((last, left[i].id), 0), -i))
        ordered.append(left.pop(best))
    return ordered


def _edge_path(a: tuple[float, float], b: tuple[float, float], straight: bool) -> str:
    """SVG path data: a line, or a curve bent away from the drawing's centre."""
    if straight:
        return f"M{a[0]} {a[1]} L{b[0]} {b[1]}"
    middle = NET_SIZE / 2
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    dx, dy = mx - middle, my - middle
    length = math.hypot(dx, dy)
    if length < 1:  # opposite each other: bend sideways
        dx, dy, length = -(b[1] - a[1]), b[0] - a[0], math.hypot(b[0] - a[0], b[1] - a[1])
    bend = 0.35 * math.hypot(b[0] - a[0], b[1] - a[1])
    cx, cy = round(mx + dx / length * bend, 1), round(my + dy / length * bend, 1)
    return f"M{a[0]} {a[1]} Q{cx} {cy} {b[0]} {b[1]}"


# -- quotes per month -----------------------------------------------------------------------


@dataclass(frozen=True)
class MonthBar:
    """A month's column: its height and label."""

    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


@dataclass(frozen=True)
class MonthChart:
    """Columns of quotes per month, every month between the first and last shown."""

    width: int
    height: int
    bars: list[MonthBar]


def month_chart(counts: list[tuple[str, int]]) -> MonthChart | None:
    """A column per month from the first to the last month with quotes; None if none."""
    if not counts:
        return None
    by_month = dict(counts)
    year, month = int(counts[0][0][:4]), int(counts[0][0][5:7])
    months: list[str] = []
    while len(months) < 120:
        key = f"{year:04d}-{month:02d}"
        months.append(key)
        if key >= counts[-1][0]:
            break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    height, base = 120, 100
    width = max(len(months) * 34, 200)
    most = max(by_month.values())
    step = width / len(months)
    bars = []
    for i, key in enumerate(months):
        n = by_month.get(key, 0)
        h = round(80 * n / most, 1)
        label = f"{MONTHS[int(key[5:7]) - 1]} {key[2:4]}"
        bars.append(MonthBar(round(i * step + 4, 1), base - h, round(step - 8, 1), h, label, n))
    return MonthChart(width, height, bars)
