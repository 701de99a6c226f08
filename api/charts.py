"""Charts drawn on the server as SVG (the statistics page): small pure functions, numbers in, markup out.
Nothing is loaded from anywhere — no script, no style sheet, no font — so the page's Content-Security-Policy
(api.hardening.CSP) holds; the page shows the numbers in a table beside each chart.

Each bar is a `<rect class="bar" data-label=… data-value=…>` and each line point a `<circle class="point">`,
so tests (and screen readers, through the `<title>` of each) can read what is drawn.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 64
COLOURS = ("#1f5f8b", "#c2571a", "#2e7d32", "#6a1b9a")


def scale(value: int) -> tuple[int, int]:
    """(top, step) of the value axis: whole-number ticks 1, 2, 5, 10, 20, 50, … apart, at most five above
    zero, the top the first tick at or above `value` (at least one step)."""
    step = 1
    while True:
        for k in (1, 2, 5):
            if -(-value // (step * k)) <= 5:
                ticks = max(1, -(-value // (step * k)))
                return step * k * ticks, step * k
        step *= 10


def _axis(top: int, step: int, plot_h: float) -> list[str]:
    parts = []
    for value in range(0, top + 1, step):
        y = TOP + plot_h - plot_h * value / top
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#444">'
                     f'{value}</text>')
    return parts


def _label(x: float, text: str, rotate: bool) -> str:
    y = TOP + (HEIGHT - TOP - BOTTOM) + 14
    short = text if len(text) <= 18 else text[:17] + "…"
    if rotate:
        return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" fill="#222" text-anchor="end" '
                f'transform="rotate(-35 {x:.1f} {y:.1f})">{escape(short)}</text>')
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" fill="#222" text-anchor="middle">{escape(short)}</text>'


def _frame(title: str, body: list[str], height: int = HEIGHT) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title>' + "".join(body) + "</svg>")


def bar_chart(labels: list[str], values: list[int], title: str) -> str:
    """Vertical bars, one per label, heights proportional to the values on an axis from 0 to a round top."""
    if len(labels) != len(values):
        raise ValueError("one value per label")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top, step = scale(max(values, default=0))
    body = _axis(top, step, plot_h)
    n = max(1, len(values))
    slot = plot_w / n
    bar_w = max(2.0, min(48.0, slot * 0.7))
    rotate = n > 6 or any(len(label) > 10 for label in labels)
    for i, (label, value) in enumerate(zip(labels, values)):
        h = plot_h * value / top
        x = LEFT + slot * i + (slot - bar_w) / 2
        y = TOP + plot_h - h
        body.append(f'<rect class="bar" x="{x:.2f}" y="{y:.2f}" width="{bar_w:.2f}" height="{h:.2f}" '
                     f'fill="{COLOURS[0]}" data-label="{escape(label)}" data-value="{value}">'
                     f'<title>{escape(label)}: {value}</title></rect>')
        if value:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
                        f'fill="#222">{value}</text>')
        body.append(_label(x + bar_w / 2, label, rotate))
    body.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#444"/>')
    return _frame(title, body)


def line_chart(labels: list[str], series: dict[str, list[int]], title: str) -> str:
    """One line per series over the labels (periods), points proportional to the values; a legend on top."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"series {name!r}: one value per label")
    top, step = scale(max((v for values in series.values() for v in values), default=0))
    body = _axis(top, step, plot_h)
    n = len(labels)
    step = plot_w / max(1, n)
    xs = [LEFT + step * (i + 0.5) for i in range(n)]
    rotate = n > 8 or any(len(label) > 10 for label in labels)
    for k, (name, values) in enumerate(series.items()):
        colour = COLOURS[k % len(COLOURS)]
        points = [(x, TOP + plot_h - plot_h * v / top) for x, v in zip(xs, values)]
        if len(points) > 1:
            path = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
            body.append(f'<polyline class="line" points="{path}" fill="none" stroke="{colour}" '
                        f'stroke-width="2" data-series="{escape(name)}"/>')
        for (x, y), label, value in zip(points, labels, values):
            body.append(f'<circle class="point" cx="{x:.2f}" cy="{y:.2f}" r="3.5" fill="{colour}" '
                        f'data-series="{escape(name)}" data-label="{escape(label)}" data-value="{value}">'
                        f'<title>{escape(name)} {escape(label)}: {value}</title></circle>')
        body.append(f'<rect x="{LEFT + 8 + 110 * k}" y="2" width="10" height="10" fill="{colour}"/>'
                    f'<text x="{LEFT + 22 + 110 * k}" y="11" font-size="11" fill="#222">{escape(name)}</text>')
    for x, label in zip(xs, labels):
        body.append(_label(x, label, rotate))
    body.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#444"/>')
    return _frame(title, body)


#: horizontal bars: the label column's width, one row's height, the most rows drawn
LABEL_W, ROW_H, MAX_ROWS = 170, 22, 15
OTHERS = "Các giá trị khác"


def hbar_chart(labels: list[str], values: list[int], title: str, *, limit: int = MAX_ROWS) -> str:
    """Horizontal bars (long labels, many values), widths proportional to the values; beyond `limit` rows
    the largest `limit - 1` are drawn and the rest summed into one bar (`OTHERS`: the table lists them)."""
    if len(labels) != len(values):
        raise ValueError("one value per label")
    rows = list(zip(labels, values))
    if len(rows) > limit:
        ranked = sorted(rows, key=lambda r: -r[1])
        rest = ranked[limit - 1:]
        rows = [*ranked[:limit - 1], (f"{OTHERS} ({len(rest)})", sum(v for _, v in rest))]
    height = TOP + ROW_H * max(1, len(rows)) + 30
    plot_w = WIDTH - LABEL_W - RIGHT - 24
    top, step = scale(max((v for _, v in rows), default=0))
    base_y = TOP + ROW_H * max(1, len(rows))
    body = []
    for value in range(0, top + 1, step):
        x = LABEL_W + plot_w * value / top
        body.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{base_y}" stroke="#ddd"/>')
        body.append(f'<text x="{x:.1f}" y="{base_y + 16}" text-anchor="middle" font-size="11" fill="#444">'
                    f'{value}</text>')
    for i, (label, value) in enumerate(rows):
        y = TOP + ROW_H * i + 3
        w = plot_w * value / top
        short = label if len(label) <= 26 else label[:25] + "…"
        body.append(f'<text x="{LABEL_W - 6}" y="{y + 12}" text-anchor="end" font-size="11" fill="#222">'
                    f'{escape(short)}</text>')
        body.append(f'<rect class="bar" x="{LABEL_W}" y="{y:.2f}" width="{w:.2f}" height="{ROW_H - 6}" '
                    f'fill="{COLOURS[0]}" data-label="{escape(label)}" data-value="{value}">'
                    f'<title>{escape(label)}: {value}</title></rect>')
        body.append(f'<text x="{LABEL_W + w + 4:.1f}" y="{y + 12}" font-size="10" fill="#222">{value}</text>')
    body.append(f'<line x1="{LABEL_W}" x2="{LABEL_W}" y1="{TOP}" y2="{base_y}" stroke="#444"/>')
    return _frame(title, body, height)
