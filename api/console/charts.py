"""The office's per-department punctuality chart as server-rendered SVG (no chart library, no script)."""

from html import escape

BAR_COLOURS = (("ack_punctuality_pct", "响应及时率", "#1d6b35"),
               ("publication_punctuality_pct", "公示及时率", "#174ea6"))
LABEL_WIDTH = 230
BAR_WIDTH = 560
ROW_HEIGHT = 46


def _short(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def punctuality_svg(stats: list[dict]) -> str:
    """Two bars per department that has anything due (acknowledgement and publication punctuality, in %)."""
    stats = [s for s in stats if any(s.get(key) is not None for key, _, _ in BAR_COLOURS)]
    height = 40 + ROW_HEIGHT * max(len(stats), 1) + 30
    width = LABEL_WIDTH + BAR_WIDTH + 80
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="chart-title chart-desc" font-size="13">',
             '<title id="chart-title">各部门响应及时率与公示及时率</title>',
             '<desc id="chart-desc">' + escape("；".join(_describe(s) for s in stats) or "暂无数据") + "</desc>"]
    x0 = LABEL_WIDTH
    for pct in (0, 50, 100):
        x = x0 + BAR_WIDTH * pct / 100
        parts.append(f'<line x1="{x:.0f}" y1="30" x2="{x:.0f}" y2="{height - 30}" stroke="#d5dbe3"/>')
        parts.append(f'<text x="{x:.0f}" y="22" text-anchor="middle" fill="#5f6b7a">{pct}%</text>')
    for row, s in enumerate(stats):
        y = 36 + row * ROW_HEIGHT
        full = s.get("department_name") or s.get("department_code", "")
        parts.append(f'<text x="{x0 - 8}" y="{y + 24}" text-anchor="end" fill="#1f2933"><title>{escape(full)}</title>'
                     f'{escape(_short(full))}</text>')
        for index, (key, _label, colour) in enumerate(BAR_COLOURS):
            bar_y = y + 4 + index * 18
            value = s.get(key)
            if value is None:
                parts.append(f'<text x="{x0 + 4}" y="{bar_y + 12}" fill="#5f6b7a">无数据</text>')
                continue
            w = BAR_WIDTH * max(0.0, min(float(value), 100.0)) / 100
            fill = colour if float(value) >= 90 else "#b3261e"
            parts.append(f'<rect x="{x0}" y="{bar_y}" width="{max(w, 2):.1f}" height="15" fill="{fill}" rx="2"/>')
            parts.append(f'<text x="{x0 + w + 6:.1f}" y="{bar_y + 12}" fill="#1f2933">{float(value):.1f}%</text>')
    legend_y = height - 10
    for index, (_key, label, colour) in enumerate(BAR_COLOURS):
        lx = x0 + index * 150
        parts.append(f'<rect x="{lx}" y="{legend_y - 11}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 18}" y="{legend_y}" fill="#1f2933">{label}</text>')
    parts.append(f'<text x="{x0 + 320}" y="{legend_y}" fill="#b3261e">红色：低于 90%</text>')
    if not stats:
        parts.append(f'<text x="{x0 + 8}" y="60" fill="#5f6b7a">暂无到期的响应或公示，尚无数据</text>')
    parts.append("</svg>")
    return "".join(parts)


def _describe(s: dict) -> str:
    def pct(key: str) -> str:
        return "无数据" if s.get(key) is None else f"{float(s[key]):.1f}%"

    name = s.get("department_name") or s.get("department_code", "")
    return f"{name} 响应及时率 {pct('ack_punctuality_pct')}，公示及时率 {pct('publication_punctuality_pct')}"
