"""A post's training timeline as SVG drawn at build time: year one, then a steady-state year.

It draws the plan the resolved model computes (:attr:`TrainingPath.plan`), nothing of its own.
Months run down an axis; beside each month, a line per module that falls in it: a mark with the
hours inside, then the module's name, linked to its page. What kind of training a mark is (before
the post, on the job, certification, refresher) shows by its shape as well as its colour, so a
reader who cannot tell the colours apart still can. Each year is one picture 320 px wide, drawn
at its own size: on a phone the two stack, on a wider screen they stand side by side, and nothing
is drawn twice (a post's page carries one timeline per post, so every byte counts). Colours and
type sizes come from the stylesheet, which also follows the light or dark palette. Every text
from the data is escaped.
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
WIDTH = 320
AXIS = 52
MARK_WIDTH = 32
MARK_HEIGHT = 22
MARK_X = AXIS + 8
NAME_X = MARK_X + MARK_WIDTH + 8


@dataclass(frozen=True)
class _Kind:
    css: str
    label: str
    shape: str
    """``square``, ``pill``, ``diamond`` or ``dashed`` (dashes come from the stylesheet): the
    shape tells the kind without colour."""


ONBOARDING = _Kind("hb-tl-onboarding", "上岗前培训", "square")
ON_THE_JOB = _Kind("hb-tl-on-the-job", "在岗培训", "pill")
CERTIFICATION = _Kind("hb-tl-certification", "取证/复审", "diamond")
REFRESHER = _Kind("hb-tl-refresher", "复训", "dashed")
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
        # A refresher due more often than yearly already recurs in year one (a six-monthly
        # drill in month 7): drawn too, so the marks add up to the year's hours.
        again = CERTIFICATION if kind is CERTIFICATION else REFRESHER
        marks += [
            _Mark(entry, month, entry.refresher_hours, again, steady=False)
            for month in entry.first_year_refreshers
        ]
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


def _interval(mark: _Mark) -> str:
    """``（每 36 个月）`` for a refresher that does not fall every year, else empty."""
    every = mark.entry.every_months
    if mark.steady and every is not None and every > MONTHS:
        return f"（每 {every} 个月）"
    return ""


def _description(mark: _Mark) -> str:
    when = f"第 {mark.month} 个月" + ("（上岗前）" if not mark.steady and mark.month == 1 else "")
    year = "之后每年" if mark.steady else "首年"
    return (
        f"{module_code(mark.entry.module.id)}：{year}{when}，{mark.kind.label}，"
        f"{mark.hours:g} 学时{_interval(mark)}"
    )


def _width(text: str) -> float:
    """Drawn width in em: a Chinese character takes a whole em, a digit or space about half."""
    return sum(0.55 if ord(c) < 0x2E80 else 1.0 for c in text)


def _fit(text: str, ems: float) -> str:
    """``text`` shortened with an ellipsis to at most ``ems`` em."""
    if _width(text) <= ems:
        return text
    while text and _width(text) > ems - 1:
        text = text[:-1]
    return text + "…"


def _shape(kind: _Kind, x: int, y: int) -> str:
    """The mark's outline with its top left corner at (``x``, ``y``)."""
    if kind.shape == "diamond":
        cx, cy = x + MARK_WIDTH // 2, y + MARK_HEIGHT // 2
        left, right = x - 2, x + MARK_WIDTH + 2
        bottom = y + MARK_HEIGHT + 2
        return f'<polygon points="{left},{cy} {cx},{y - 2} {right},{cy} {cx},{bottom}"></polygon>'
    rx = f' rx="{MARK_HEIGHT // 2}"' if kind.shape == "pill" else ""
    return f'<rect x="{x}" y="{y}" width="{MARK_WIDTH}" height="{MARK_HEIGHT}"{rx}></rect>'


def _line(handbook: Handbook, here: str, mark: _Mark, y: int) -> str:
    """One module in one month: its mark with the hours inside, then its linked name."""
    module = mark.entry.module
    top = y + (ROW - MARK_HEIGHT) // 2
    base = y + ROW // 2 + 5
    drawn = _shape(mark.kind, MARK_X, top)
    interval = _interval(mark)
    ems = (WIDTH - NAME_X - 2) / FONT - _width(interval)
    name = _fit(module.display("zh"), ems)
    page, fragment = page_of(handbook, "module", module.id)
    address = served_href(here, page) + (f"#{fragment}" if fragment else "")
    # The full name as a tooltip only where the line had to shorten it.
    full = f"{module_code(module.id)} {module.display('zh')}"
    tip = f"<title>{esc(full)}</title>" if name != module.display("zh") else ""
    after = (
        f'<text class="hb-tl-note" x="{NAME_X + round(_width(name) * FONT) + 2}" y="{base}">'
        f"{esc(interval)}</text>"
        if interval
        else ""
    )
    return (
        f'<g class="hb-tl-mark {mark.kind.css}"><title>{esc(_description(mark))}</title>{drawn}'
        f'<text x="{MARK_X + MARK_WIDTH // 2}" y="{base}">{mark.hours:g}</text></g>'
        f'<a class="hb-tl-name" href="{address}">{tip}'
        f'<text x="{NAME_X}" y="{base}">{esc(name)}</text></a>{after}'
    )


def _svg(label: str, height: int, parts: list[str], css: str) -> str:
    return (
        f'<svg class="{css}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{esc(label)}</title>" + "".join(parts) + "</svg>"
    )


def _legend() -> str:
    """The key: each kind drawn as its mark with its name, and what the numbers are."""
    parts = []
    for index, kind in enumerate(KINDS):
        row, column = divmod(index, 2)
        x, y = column * (WIDTH // 2) + 4, row * ROW + (ROW - MARK_HEIGHT) // 2
        parts.append(
            f'<g class="hb-tl-key {kind.css}">{_shape(kind, x, y)}'
            f'<text class="hb-tl-note" x="{x + MARK_WIDTH + 8}" y="{y + 16}">'
            f"{esc(kind.label)}</text></g>"
        )
    parts.append(f'<text class="hb-tl-note" x="4" y="{2 * ROW + 18}">图形里的数字是学时。</text>')
    return _svg("图例：培训类型和学时", 3 * ROW, parts, "hb-tl-legend")


def _year(handbook: Handbook, here: str, title: str, label: str, marks: list[_Mark]) -> str:
    """One year: months down the axis, a line per module in each month."""
    parts = [f'<text class="hb-tl-title" x="0" y="18">{esc(title)}</text>']
    y = ROW
    for month in sorted({mark.month for mark in marks}):
        parts.append(f'<line class="hb-tl-rule" x1="0" y1="{y}" x2="{WIDTH}" y2="{y}"></line>')
        parts.append(
            f'<text class="hb-tl-month" x="{AXIS - 6}" y="{y + ROW // 2 + 5}">第{month}月</text>'
        )
        for mark in marks:
            if mark.month == month:
                parts.append(_line(handbook, here, mark, y))
                y += ROW
    parts.append(f'<line class="hb-tl-axis" x1="{AXIS}" y1="{ROW}" x2="{AXIS}" y2="{y}"></line>')
    return _svg(f"{label}：{title}", y + 4, parts, "hb-tl-year")


def training_timeline(handbook: Handbook, here: str, path: TrainingPath) -> str:
    """One post's timeline as raw HTML for the page ``here``: the key, then each year."""
    label = f"{path.post.label('zh')}的培训时间轴"
    years = [
        _year(handbook, here, title, label, marks)
        for title, marks in (
            ("首年：从入职那个月算起", _year_one(path)),
            ("之后每年：复训和复审", _steady(path)),
        )
        if marks
    ]
    return (
        f'<div class="hb-timeline" {NOT_INDEXED}>{_legend()}'
        f'<div class="hb-tl-years">{"".join(years)}</div></div>'
    )
