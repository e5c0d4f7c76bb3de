"""Small SVG charts rendered on the server: no chart library, no script, labels escaped."""

from __future__ import annotations

from html import escape

from markupsafe import Markup


def columns(items: list[tuple[object, int]], *, height: int = 180, bar: int = 22, gap: int = 6,
            label_every: int = 1, title: str = "") -> Markup:
    """Vertical bars (papers per year, notes per month), value above each bar, label below."""
    if not items:
        return Markup('<p class="muted">Nothing to chart yet.</p>')
    top = max(v for _, v in items) or 1
    chart_h = height - 40
    pad = 24  # rotated labels lean left of their bar
    width = len(items) * (bar + gap) + gap + pad
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}">']
    for i, (label, value) in enumerate(items):
        x = pad + gap + i * (bar + gap)
        h = max(1, round(value / top * (chart_h - 16)))
        y = chart_h - h
        parts.append(f'<g><title>{escape(str(label))}: {value}</title>'
                     f'<rect class="bar" x="{x}" y="{y}" width="{bar}" height="{h}" rx="3"/>')
        parts.append(f'<text class="val" x="{x + bar / 2}" y="{y - 4}" text-anchor="middle">{value}</text></g>')
        if i % label_every == 0:
            parts.append(f'<text class="lab" x="{x + bar / 2}" y="{chart_h + 14}" text-anchor="end" '
                         f'transform="rotate(-40 {x + bar / 2} {chart_h + 14})">{escape(str(label))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def rows(items: list[tuple[object, int]], *, width: int = 560, bar_h: int = 20, gap: int = 6,
         label_w: int = 200, title: str = "", link: str | None = None) -> Markup:
    """Horizontal bars (papers per section, notes per reader); `link` is a URL prefix for the label."""
    if not items:
        return Markup('<p class="muted">Nothing to chart yet.</p>')
    top = max(v for _, v in items) or 1
    height = len(items) * (bar_h + gap) + gap
    span = width - label_w - 50
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}">']
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = max(1, round(value / top * span))
        text = str(label)
        short = text if len(text) <= 28 else text[:27] + "…"
        label_svg = (f'<text class="lab" x="{label_w - 8}" y="{y + bar_h * 0.7}" text-anchor="end">'
                     f'{escape(short)}</text>')
        if link is not None:
            from urllib.parse import quote

            label_svg = f'<a href="{escape(link + quote(text))}">{label_svg}</a>'
        parts.append(f'<g><title>{escape(text)}: {value}</title>{label_svg}'
                     f'<rect class="bar" x="{label_w}" y="{y}" width="{w}" height="{bar_h}" rx="3"/>'
                     f'<text class="val" x="{label_w + w + 6}" y="{y + bar_h * 0.7}">{value}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
