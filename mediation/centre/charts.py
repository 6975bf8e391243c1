"""Charts drawn on the server as inline SVG: no script, no CDN, readable without
JavaScript and printable. Every chart carries a <title> for screen readers and each bar
its own tooltip."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

PALETTE = ("#123c69", "#2a7ab0", "#1b6e20", "#8a5a00", "#b3261e", "#6a3d9a", "#555555")


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    fmt: Callable[[float], str] = lambda v: _num(v),
    max_value: float | None = None,
    empty: str = "—",
    width: int = 520,
    label_width: int = 170,
) -> Markup:
    """Horizontal bars, one row per item, the value written after each bar."""
    row, top = 26, 30
    height = top + max(1, len(items)) * row + 8
    area = width - label_width - 70
    peak = max_value if max_value else max((v for _, v in items), default=0) or 1
    parts = [
        f'<svg class="chart chart-bar" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    if not items:
        parts.append(
            f'<text x="0" y="{top + 18}" font-size="13" fill="#555">{escape(empty)}</text>'
        )
    for i, (label, value) in enumerate(items):
        y = top + i * row
        w = 0 if peak <= 0 else max(0.0, min(1.0, value / peak)) * area
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{escape(str(value))}">'
            f'<text x="{label_width - 6}" y="{y + 17}" font-size="13" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{colour}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
            f'<text x="{label_width + w + 6:.1f}" y="{y + 17}" font-size="13">'
            f"{escape(fmt(value))}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    fmt: Callable[[float], str] = lambda v: _num(v),
    empty: str = "—",
    width: int = 520,
    height: int = 220,
) -> Markup:
    """Vertical columns in order (a time series such as cases per month)."""
    top, bottom, left = 30, 50, 8
    plot_h = height - top - bottom
    n = max(1, len(items))
    step = (width - left * 2) / n
    bar_w = min(48.0, max(4.0, step * 0.7))
    peak = max((v for _, v in items), default=0) or 1
    parts = [
        f'<svg class="chart chart-column" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - left}" y2="{top + plot_h}" '
        f'stroke="#999"/>',
    ]
    if not items:
        parts.append(
            f'<text x="0" y="{top + 18}" font-size="13" fill="#555">{escape(empty)}</text>'
        )
    for i, (label, value) in enumerate(items):
        h = max(0.0, value / peak) * (plot_h - 16)
        x = left + i * step + (step - bar_w) / 2
        y = top + plot_h - h
        cx = x + bar_w / 2
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{escape(str(value))}">'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
            f'<text x="{cx:.1f}" y="{y - 3:.1f}" font-size="11" text-anchor="middle">'
            f"{escape(fmt(value))}</text>"
            f'<text x="{cx:.1f}" y="{top + plot_h + 14}" font-size="11" text-anchor="end" '
            f'transform="rotate(-40 {cx:.1f} {top + plot_h + 14})">{escape(label)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def percent(v: float) -> str:
    return f"{v * 100:.1f}%"
