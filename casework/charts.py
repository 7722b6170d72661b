"""Small server-rendered SVG bar charts: no JavaScript and no third-party library. Each chart
has a title and a description for screen readers, and a table beside it with the numbers."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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
    # Each value is formatted and each text escaped once (a value appears three times).
    texts = [shown(v) for v in values]
    top = max([v for v in values if v is not None] + [1])
    slot = (WIDTH - 2 * PAD) / max(len(values), 1)
    bar = slot * 0.7
    label_y = HEIGHT - PAD + 18
    bars = []
    for i, (label, short, value, text) in enumerate(
        zip(labels, short_labels, values, texts, strict=True)
    ):
        height = 0 if value is None else (HEIGHT - 2 * PAD) * value / top
        x = PAD + i * slot + (slot - bar) / 2
        y = HEIGHT - PAD - height
        label, short, text = escape(label), escape(short), escape(text)
        cx = f"{x + bar / 2:.1f}"
        bars.append(
            f'<g><rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
            f'height="{height:.1f}"><title>{label}: {text}</title></rect>'
            f'<text class="chart-label" x="{cx}" y="{label_y}" text-anchor="middle">{short}'
            f'</text><text class="chart-value" x="{cx}" y="{max(y - 4, 10):.1f}" '
            f'text-anchor="middle">{text}</text></g>'
        )
    body = mark_safe("".join(bars))  # noqa: S308 - every text in it was escaped above
    description = ", ".join(f"{label}: {text}" for label, text in zip(labels, texts, strict=True))
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
