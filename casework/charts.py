"""Small server-rendered SVG bar charts: no JavaScript and no third-party library. Each chart
has a title and a description for screen readers, and a table beside it with the numbers."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT, PAD = 640, 240, 30


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: list[str],
    values: list[float],
    short_labels: list[str] | None = None,
    decimals: int = 0,
) -> str:
    """A bar chart; `labels` name each bar in full (tooltips and the description), and
    `short_labels` (e.g. month abbreviations) go under the bars. Values are shown with
    `decimals` decimals in the active language (39,0 in bokmål, 39.0 in English), as in the
    table beside the chart."""

    def shown(value) -> str:
        return "–" if value is None else number_format(value, decimal_pos=decimals)

    short_labels = short_labels or [label[:3] for label in labels]
    top = max([v for v in values if v is not None] + [1])
    slot = (WIDTH - 2 * PAD) / max(len(values), 1)
    bar = slot * 0.7
    bars = []
    for i, (label, short, value) in enumerate(zip(labels, short_labels, values, strict=True)):
        height = 0 if value is None else (HEIGHT - 2 * PAD) * value / top
        x = PAD + i * slot + (slot - bar) / 2
        y = HEIGHT - PAD - height
        bars.append(
            (
                f"{x:.1f}",
                f"{y:.1f}",
                f"{bar:.1f}",
                f"{height:.1f}",
                label,
                short,
                shown(value),
                f"{x + bar / 2:.1f}",
                f"{HEIGHT - PAD + 18}",
                f"{max(y - 4, 10):.1f}",
            )
        )
    body = format_html_join(
        "",
        '<g><rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title>'
        '</rect><text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>'
        '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text></g>',
        (
            (x, y, w, h, label, shown, cx, ly, short, cx, vy, shown)
            for x, y, w, h, label, short, shown, cx, ly, vy in bars
        ),
    )
    description = ", ".join(f"{label}: {shown(v)}" for label, v in zip(labels, values, strict=True))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        PAD,
        HEIGHT - PAD,
        WIDTH - PAD,
        HEIGHT - PAD,
        body,
    )
