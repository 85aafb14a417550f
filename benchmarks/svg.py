"""A small line chart as SVG, so the benchmarks need no plotting library."""

from __future__ import annotations

from html import escape
from pathlib import Path

COLOURS = ["#005eb8", "#d5281b", "#007f3b", "#ffb81c", "#330072", "#768692"]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** len(str(int(value))) / 10
    for mult in (1, 2, 2.5, 5, 10):
        if value <= step * mult:
            return step * mult
    return value


def line_chart(
    path: Path,
    *,
    title: str,
    x_label: str,
    y_label: str,
    series: dict[str, list[tuple[float, float | None]]],
    hline: tuple[float, str] | None = None,
    width: int = 720,
    height: int = 420,
) -> Path:
    """Write a chart of ``series`` (name -> [(x, y)]) with an optional dashed aim line."""
    left, right, top, bottom = 70, 170, 40, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    points = [(x, y) for pts in series.values() for x, y in pts if y is not None]
    xs = [x for x, _ in points] or [0.0, 1.0]
    ys = [y for _, y in points] or [1.0]
    if hline:
        ys.append(hline[0])
    x_min, x_max = min(0.0, min(xs)), max(xs) or 1.0
    y_max = _nice_max(max(ys) * 1.05)

    def sx(x: float) -> float:
        return left + (x - x_min) / ((x_max - x_min) or 1) * plot_w

    def sy(y: float) -> float:
        return top + plot_h - (y / y_max) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Arial, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15" '
        f'font-weight="bold">{escape(title)}</text>',
    ]
    for i in range(6):
        y = y_max * i / 5
        out.append(
            f'<line x1="{left}" y1="{sy(y):.1f}" x2="{left + plot_w}" y2="{sy(y):.1f}" '
            'stroke="#d8dde0"/>'
        )
        out.append(f'<text x="{left - 8}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
    for i in range(6):
        x = x_min + (x_max - x_min) * i / 5
        out.append(
            f'<text x="{sx(x):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{x:g}</text>'
        )
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#425563"/>'
    )
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#425563"/>')
    out.append(
        f'<text x="{left + plot_w / 2}" y="{height - 18}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    out.append(
        f'<text x="18" y="{top + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {top + plot_h / 2})">{escape(y_label)}</text>'
    )
    if hline:
        y = sy(min(hline[0], y_max))
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            'stroke="#768692" stroke-dasharray="6 4"/>'
        )
        out.append(
            f'<text x="{left + plot_w - 4}" y="{y - 5:.1f}" text-anchor="end" '
            f'fill="#425563">{escape(hline[1])}</text>'
        )
    for n, (name, pts) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        good = [(sx(x), sy(y)) for x, y in pts if y is not None]
        if len(good) > 1:
            d = " ".join(f"{x:.1f},{y:.1f}" for x, y in good)
            out.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in good:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        ly = top + 10 + n * 20
        out.append(
            f'<line x1="{left + plot_w + 15}" y1="{ly}" x2="{left + plot_w + 35}" y2="{ly}" '
            f'stroke="{colour}" stroke-width="3"/>'
        )
        out.append(f'<text x="{left + plot_w + 40}" y="{ly + 4}">{escape(name)}</text>')
    out.append("</svg>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n")
    return path
