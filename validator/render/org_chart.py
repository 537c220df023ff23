"""The organisation chart as an SVG drawn at build time: tiers as bands, a box per role.

Each box links to its role's page; lines join a role to its manager. Two layouts are drawn, a
wide one (every tier on one row) and a narrow one for phones (two boxes a row), and the
stylesheet shows the one that fits. Nothing is loaded or run in the browser. Names from the
data are escaped like any other text; the site's sanitiser keeps only the SVG elements and
attributes listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from validator.model import Entity, Handbook
from validator.render.markup import NOT_INDEXED, esc, relative

SVG_TAGS = frozenset({"svg", "g", "rect", "text", "tspan", "line", "title", "desc", "polygon"})
"""The SVG elements the pictures use (this chart and the training timelines): the sanitisers of
the site and the PDF allow these."""
SVG_ATTRIBUTES = {
    "svg": {"viewBox", "width", "height", "role", "aria-label", "xmlns"},
    "rect": {"x", "y", "width", "height", "rx", "fill", "stroke", "stroke-width"},
    "polygon": {"points"},
    "text": {"x", "y", "text-anchor", "font-size", "fill", "font-weight"},
    "tspan": {"x", "dy"},
    "line": {"x1", "y1", "x2", "y2", "stroke", "stroke-width"},
}

BOX_HEIGHT = 52
GAP = 16
BAND_LABEL = 26
BAND_PADDING = 12
FONT = 14


@dataclass(frozen=True)
class _Layout:
    css: str
    per_row: int | None
    """Boxes a row (``None``: a tier's roles on one row)."""
    box_width: int
    """Chosen so the chart is drawn at its own size in the content column (about 690 px wide
    on a desktop, 358 px on a phone), and its 14 px text is not scaled down."""

    @property
    def line_chars(self) -> int:
        """Characters of a role's name on one line of its box (two lines at most)."""
        return (self.box_width - 12) // FONT


WIDE = _Layout("hb-org-wide", None, 118)
NARROW = _Layout("hb-org-narrow", 2, 155)


@dataclass(frozen=True)
class _Box:
    role: Entity
    x: int
    y: int
    width: int


def served(path: str) -> str:
    """The address a Markdown page is served at: ``roles/x.md`` → ``roles/x/``."""
    if path == "index.md" or path.endswith("/index.md"):
        return path.removesuffix("index.md")
    return path.removesuffix(".md") + "/"


def served_href(here: str, target: str) -> str:
    """A link from page ``here`` to page ``target`` as the browser follows it (raw HTML is not
    rewritten by MkDocs, so the link must already be the served address)."""
    start = served(here).rstrip("/") or "."
    return relative(served(target), start) + "/"


def org_chart(handbook: Handbook, here: str, highlight: str | None = None) -> str:
    """Both layouts of the chart as raw HTML for the page ``here``, ``highlight`` marked."""
    return (
        f'<div class="hb-org" {NOT_INDEXED}>'
        + _svg(handbook, here, highlight, WIDE)
        + _svg(handbook, here, highlight, NARROW)
        + "</div>"
    )


def _svg(handbook: Handbook, here: str, highlight: str | None, layout: _Layout) -> str:
    resolved = handbook.resolved
    bands = [(tier, resolved.roles_by_tier.get(tier.id, [])) for tier in reversed(resolved.tiers)]
    widest = max((len(roles) for _, roles in bands), default=1)
    columns = min(widest, layout.per_row) if layout.per_row else widest
    box_width = layout.box_width
    width = columns * box_width + (columns + 1) * GAP
    boxes: dict[str, _Box] = {}
    parts: list[str] = []
    y = 0
    for number, (tier, roles) in enumerate(bands):
        rows = max(1, -(-len(roles) // columns))
        height = BAND_LABEL + rows * BOX_HEIGHT + (rows - 1) * GAP + BAND_PADDING
        shade = "hb-org-band" + (" hb-org-band-alt" if number % 2 else "")
        parts.append(
            f'<rect class="{shade}" x="0" y="{y}" width="{width}" height="{height}" '
            f'fill="#f3f5fb" stroke="none"></rect>'
        )
        parts.append(
            f'<text class="hb-org-tier" x="{GAP}" y="{y + 18}" font-size="14" fill="#555">'
            f"{esc(tier.display('zh'))}</text>"
        )
        for index, role in enumerate(roles):
            row, column = divmod(index, columns)
            in_row = min(columns, len(roles) - row * columns)
            # Centre a short row so a team sits under its manager rather than at the left.
            offset = (width - in_row * box_width - (in_row - 1) * GAP) // 2
            x = offset + column * (box_width + GAP)
            boxes[role.id] = _Box(role, x, y + BAND_LABEL + row * (BOX_HEIGHT + GAP), box_width)
        y += height
    lines = []
    for box in boxes.values():
        manager = boxes.get(box.role.data.get("reports_to") or "")
        if manager is not None:
            lines.append(
                f'<line class="hb-org-link" x1="{manager.x + box_width // 2}" '
                f'y1="{manager.y + BOX_HEIGHT}" x2="{box.x + box_width // 2}" y2="{box.y}" '
                'stroke="#9aa5c4" stroke-width="1.5"></line>'
            )
    drawn = [_box(here, box, box.role.id == highlight, layout.line_chars) for box in boxes.values()]
    label = "组织架构图：各层级岗位和汇报关系"
    return (
        f'<svg class="{layout.css}" viewBox="0 0 {width} {y}" width="{width}" height="{y}" '
        f'role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{label}</title>" + "".join(parts + lines + drawn) + "</svg>"
    )


def _box(here: str, box: _Box, highlighted: bool, line_chars: int) -> str:
    name = box.role.display("zh")
    chunks = [name[i : i + line_chars] for i in range(0, len(name), line_chars)][:2]
    if len(name) > 2 * line_chars:
        chunks[-1] = chunks[-1][:-1] + "…"
    centre = box.x + box.width // 2
    first = box.y + BOX_HEIGHT // 2 + 5 - (9 if len(chunks) > 1 else 0)
    spans = "".join(
        f'<tspan x="{centre}" dy="{0 if n == 0 else FONT + 3}">{esc(chunk)}</tspan>'
        for n, chunk in enumerate(chunks)
    )
    css = "hb-org-box hb-org-here" if highlighted else "hb-org-box"
    fill, stroke = ("#3f51b5", "#3f51b5") if highlighted else ("#ffffff", "#3f51b5")
    ink = "#ffffff" if highlighted else "#1a237e"
    weight = ' font-weight="700"' if highlighted else ""
    address = served_href(here, f"roles/{box.role.id}.md")
    return (
        f'<a class="{css}" href="{address}">'
        f"<title>{esc(name)}</title>"
        f'<rect x="{box.x}" y="{box.y}" width="{box.width}" height="{BOX_HEIGHT}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"></rect>'
        f'<text x="{centre}" y="{first}" text-anchor="middle" font-size="{FONT}" fill="{ink}"'
        f"{weight}>{spans}</text></a>"
    )
