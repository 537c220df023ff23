"""A post's training timeline as an SVG drawn at build time: year one, then a steady-state year.

It draws the plan the resolved model computes (:attr:`TrainingPath.plan`), nothing of its own:
a mark per module in the month it falls, with its hours inside. What kind of training a mark is
(before the post, on the job, certification, refresher) shows by its shape and its colour, so a
reader who cannot tell the colours apart still can. Two layouts are drawn, as for the
organisation chart: on a wide screen months run across and modules down; on a phone the months
run down and each month lists its modules, so nothing is scaled below reading size. Every text
from the data is escaped; the module names link to the module pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from validator.model import Handbook
from validator.render.markup import NOT_INDEXED, esc, module_code, page_of
from validator.render.org_chart import served_href
from validator.resolved import PlanEntry, TrainingPath, is_certification

MONTHS = 12
FONT = 14
ROW = 28
MARK_WIDTH = 32
MARK_HEIGHT = 22


@dataclass(frozen=True)
class _Kind:
    css: str
    label: str
    fill: str
    ink: str
    shape: str
    """``square``, ``pill``, ``diamond`` or ``dashed``: the shape tells the kind without colour."""


ONBOARDING = _Kind("hb-tl-onboarding", "上岗前培训", "#1565c0", "#ffffff", "square")
ON_THE_JOB = _Kind("hb-tl-on-the-job", "在岗培训", "#2e7d32", "#ffffff", "pill")
CERTIFICATION = _Kind("hb-tl-certification", "取证/复审", "#bf360c", "#ffffff", "diamond")
REFRESHER = _Kind("hb-tl-refresher", "复训", "#ffffff", "#6a1b9a", "dashed")
KINDS = (ONBOARDING, ON_THE_JOB, CERTIFICATION, REFRESHER)


@dataclass(frozen=True)
class _Mark:
    entry: PlanEntry
    month: int
    hours: float
    kind: _Kind
    steady: bool


def _year_one(path: TrainingPath) -> list[_Mark]:
    marks = []
    for entry in path.plan:
        if is_certification(entry.module):
            kind = CERTIFICATION
        else:
            # Month 1 is the plan's "before or on starting the post".
            kind = ONBOARDING if entry.first_year_month == 1 else ON_THE_JOB
        marks.append(_Mark(entry, entry.first_year_month, entry.hours, kind, steady=False))
    return marks


def _steady(path: TrainingPath) -> list[_Mark]:
    return [
        _Mark(
            entry,
            month,
            entry.refresher_hours,
            CERTIFICATION if is_certification(entry.module) else REFRESHER,
            steady=True,
        )
        for entry in path.plan
        for month in entry.steady_months
    ]


def _interval(entry: PlanEntry) -> str:
    """``（每 36 个月）`` for a refresher that does not fall every year, else empty."""
    if entry.every_months is not None and entry.every_months > MONTHS:
        return f"（每 {entry.every_months} 个月）"
    return ""


def _description(mark: _Mark) -> str:
    module = mark.entry.module
    when = f"第 {mark.month} 个月"
    if not mark.steady and mark.month == 1:
        when += "（上岗前）"
    year = "之后每年" if mark.steady else "首年"
    return (
        f"{module_code(module.id)} {module.display('zh')}：{year}{when}，"
        f"{mark.kind.label}，{mark.hours:g} 学时{_interval(mark.entry) if mark.steady else ''}"
    )


def _width(text: str) -> float:
    """Drawn width in em: a Chinese character takes a whole em, a digit or space about half."""
    return sum(0.55 if ord(c) < 0x2E80 else 1.0 for c in text)


def _fit(text: str, chars: float) -> str:
    """``text`` shortened with an ellipsis to at most ``chars`` em."""
    if _width(text) <= chars:
        return text
    while text and _width(text) > chars - 1:
        text = text[:-1]
    return text + "…"


def _shape(kind: _Kind, cx: float, cy: float) -> str:
    half_w, half_h = MARK_WIDTH / 2, MARK_HEIGHT / 2
    if kind.shape == "diamond":
        points = (
            f"{cx - half_w - 2},{cy} {cx},{cy - half_h - 2} {cx + half_w + 2},{cy} "
            f"{cx},{cy + half_h + 2}"
        )
        return (
            f'<polygon points="{points}" fill="{kind.fill}" stroke="{kind.fill}" '
            'stroke-width="1"></polygon>'
        )
    rx = {"square": 0, "pill": half_h}.get(kind.shape, 3)
    stroke = kind.ink if kind.shape == "dashed" else kind.fill
    dashes = ' stroke-dasharray="4 3"' if kind.shape == "dashed" else ""
    return (
        f'<rect x="{cx - half_w}" y="{cy - half_h}" width="{MARK_WIDTH}" height="{MARK_HEIGHT}" '
        f'rx="{rx}" fill="{kind.fill}" stroke="{stroke}" stroke-width="2"{dashes}></rect>'
    )


def _mark(mark: _Mark, cx: float, cy: float) -> str:
    """A mark with its hours inside and its full description as its tooltip."""
    return (
        f'<g class="hb-tl-mark {mark.kind.css}"><title>{esc(_description(mark))}</title>'
        + _shape(mark.kind, cx, cy)
        + f'<text x="{cx}" y="{cy + 5}" text-anchor="middle" font-size="{FONT}" '
        f'fill="{mark.kind.ink}">{mark.hours:g}</text></g>'
    )


def _name(handbook: Handbook, here: str, entry: PlanEntry, x: float, y: float, chars: float) -> str:
    """The module's title (shortened to fit), linked to its page, the full name as tooltip."""
    module = entry.module
    page, fragment = page_of(handbook, "module", module.id)
    address = served_href(here, page) + (f"#{fragment}" if fragment else "")
    full = f"{module_code(module.id)} {module.display('zh')}"
    return (
        f'<a class="hb-tl-name" href="{esc(address)}"><title>{esc(full)}</title>'
        f'<text x="{x}" y="{y + 5}" font-size="{FONT}" fill="#1a237e">'
        f"{esc(_fit(module.display('zh'), chars))}</text></a>"
    )


def _text(
    x: float, y: float, text: str, css: str, anchor: str = "start", bold: bool = False
) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text class="{css}" x="{x}" y="{y}" text-anchor="{anchor}" font-size="{FONT}" '
        f'fill="#333333"{weight}>{esc(text)}</text>'
    )


def _legend(width: int, per_row: int) -> tuple[list[str], int]:
    """The four kinds, each drawn as its mark with its name: the key to the picture."""
    parts = []
    cell = width // per_row
    for index, kind in enumerate(KINDS):
        row, column = divmod(index, per_row)
        cx = column * cell + MARK_WIDTH / 2 + 4
        cy = row * ROW + ROW / 2
        parts.append(
            f'<g class="hb-tl-key {kind.css}">{_shape(kind, cx, cy)}'
            + _text(cx + MARK_WIDTH / 2 + 8, cy + 5, kind.label, "hb-tl-label")
            + "</g>"
        )
    rows = -(-len(KINDS) // per_row)
    parts.append(_text(4, rows * ROW + 18, "图形里的数字是学时。", "hb-tl-label"))
    return parts, (rows + 1) * ROW + 6


_TITLES = ("首年：从入职那个月算起", "之后每年：复训和复审")


def _svg(css: str, label: str, width: int, height: int, parts: list[str]) -> str:
    return (
        f'<svg class="{css}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{esc(label)}</title>"
        f'<rect class="hb-tl-bg" x="0" y="0" width="{width}" height="{height}" '
        'fill="#ffffff" stroke="none"></rect>' + "".join(parts) + "</svg>"
    )


WIDE_WIDTH = 690
LABEL_WIDTH = 258
COLUMN = (WIDE_WIDTH - LABEL_WIDTH) // MONTHS


def _wide(handbook: Handbook, here: str, label: str, years: list[list[_Mark]]) -> str:
    """Months across, a row per module: the layout for a screen wider than a phone."""
    parts, y = _legend(WIDE_WIDTH, 4)
    for title, marks in zip(_TITLES, years, strict=True):
        if not marks:
            continue
        parts.append(_text(0, y + 18, title, "hb-tl-title", bold=True))
        y += ROW
        for month in range(1, MONTHS + 1):
            centre = LABEL_WIDTH + (month - 0.5) * COLUMN
            parts.append(_text(centre, y + 17, str(month), "hb-tl-month", anchor="middle"))
        parts.append(_text(LABEL_WIDTH - 8, y + 17, "月份", "hb-tl-label", anchor="end"))
        y += ROW
        top = y
        rows: dict[str, list[_Mark]] = {}
        for mark in marks:
            rows.setdefault(mark.entry.module.id, []).append(mark)
        for row in rows.values():
            entry = row[0].entry
            interval = _interval(entry) if row[0].steady else ""
            name_chars = (LABEL_WIDTH - 12) / FONT - _width(interval)
            parts.append(_name(handbook, here, entry, 0, y + ROW / 2, name_chars))
            if interval:
                shown = _width(_fit(entry.module.display("zh"), name_chars))
                parts.append(_text(shown * FONT + 2, y + ROW / 2 + 5, interval, "hb-tl-label"))
            for mark in row:
                centre = LABEL_WIDTH + (mark.month - 0.5) * COLUMN
                parts.append(_mark(mark, centre, y + ROW / 2))
            y += ROW
        for month in range(MONTHS + 1):
            x = LABEL_WIDTH + month * COLUMN
            parts.append(
                f'<line class="hb-tl-grid" x1="{x}" y1="{top}" x2="{x}" y2="{y}" '
                'stroke="#c5cae9" stroke-width="1"></line>'
            )
        y += 10
    return _svg("hb-tl-wide", label, WIDE_WIDTH, y, parts)


NARROW_WIDTH = 330
AXIS = 56


def _narrow(handbook: Handbook, here: str, label: str, years: list[list[_Mark]]) -> str:
    """Months down, each month's modules beside it: the layout for a phone."""
    parts, y = _legend(NARROW_WIDTH, 2)
    centre = AXIS + MARK_WIDTH / 2 + 8
    name_x = centre + MARK_WIDTH / 2 + 10
    for title, marks in zip(_TITLES, years, strict=True):
        if not marks:
            continue
        parts.append(_text(0, y + 18, title, "hb-tl-title", bold=True))
        y += ROW
        top = y
        for month in sorted({mark.month for mark in marks}):
            parts.append(
                f'<line class="hb-tl-grid" x1="0" y1="{y}" x2="{NARROW_WIDTH}" y2="{y}" '
                'stroke="#c5cae9" stroke-width="1"></line>'
            )
            parts.append(_text(AXIS - 8, y + ROW / 2 + 5, f"第{month}月", "hb-tl-month", "end"))
            for mark in (m for m in marks if m.month == month):
                interval = _interval(mark.entry) if mark.steady else ""
                chars = (NARROW_WIDTH - name_x - 4) / FONT - _width(interval)
                parts.append(_mark(mark, centre, y + ROW / 2))
                parts.append(_name(handbook, here, mark.entry, name_x, y + ROW / 2, chars))
                if interval:
                    shown = _width(_fit(mark.entry.module.display("zh"), chars))
                    parts.append(
                        _text(name_x + shown * FONT + 2, y + ROW / 2 + 5, interval, "hb-tl-label")
                    )
                y += ROW
        parts.append(
            f'<line class="hb-tl-axis" x1="{AXIS}" y1="{top}" x2="{AXIS}" y2="{y}" '
            'stroke="#3f51b5" stroke-width="2"></line>'
        )
        y += 10
    return _svg("hb-tl-narrow", label, NARROW_WIDTH, y, parts)


def training_timeline(handbook: Handbook, here: str, path: TrainingPath) -> str:
    """Both layouts of one post's timeline, as raw HTML for the page ``here``."""
    label = f"{path.post.label('zh')}的培训时间轴：首年和之后每年"
    years = [_year_one(path), _steady(path)]
    return (
        f'<div class="hb-timeline" {NOT_INDEXED}>'
        + _wide(handbook, here, label, years)
        + _narrow(handbook, here, label, years)
        + "</div>"
    )
