"""`handbook export xlsx`: the training workbook a training manager plans the year in.

Four sheets from the checked data, so nobody retypes the handbook:

* 培训矩阵 (training matrix): roles × modules, the module's hours where a role's path takes it,
  a total per role;
* 职责覆盖 (duty coverage): every duty with its role, covering modules and measuring standards;
* 年度培训计划 (annual plan): per post, each module of its path (and those only holders of a
  condition add) month by month: the first year, then a year after it with the refreshers in
  the months they fall;
* 证书登记 (certificate register): every certificate a role requires, with authority, validity
  and review cycle (as months, and in the words the site uses).

Header rows are frozen, every sheet has filters, and column widths count Chinese characters as
double width. Every sheet prints on A4 landscape, fitted to the page's width, with its header
repeated. Roles come in the handbook's one order (by tier, in reporting order).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from validator.errors import ToolError
from validator.escaping import spreadsheet_cell
from validator.exports.output import write_atomically, write_error
from validator.model import Handbook
from validator.render.labels import certificate_validity
from validator.render.markup import module_code
from validator.resolved import PlanEntry

MATRIX = "培训矩阵"
COVERAGE = "职责覆盖"
PLAN = "年度培训计划"
CERTIFICATES = "证书登记"


def _width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _sheet(workbook: Any, title: str, header: Sequence[str], rows: list[list[Any]]) -> Any:
    # openpyxl comes with the `export` extra; checking the handbook must not need it.
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
    from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

    # Written row by row (a national group's matrix has hundreds of thousands of cells), so
    # everything about the sheet is settled before its first row.
    sheet = workbook.create_sheet(title)
    for index in range(1, len(header) + 1):
        sample = [header[index - 1], *(row[index - 1] for row in rows[:500])]
        longest = max(_width(value) for value in sample)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 6), 60)
    sheet.freeze_panes = "B2" if title == MATRIX else "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    # Printed on A4 landscape, as wide as the page, the header row (and the matrix's post
    # column) repeated on every page, so a printed sheet can be read page by page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    if title == MATRIX:
        sheet.print_title_cols = "A:A"
    sheet.oddFooter.center.text = f"{title} · 第 &P / &N 页"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F4")
    heading = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=_cell(value))
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        # Every text from the data is kept as text: `=HYPERLINK(...)` in a duty never runs.
        sheet.append([_cell(value) for value in row])
    return sheet


def build_workbook(handbook: Handbook) -> Any:
    """The workbook as a write-only openpyxl object, to be saved once."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    roles = handbook.resolved.ordered_roles
    modules = sorted(handbook.all("module"), key=lambda m: m.id)

    matrix_rows = []
    paths = handbook.resolved.paths
    for role in roles:
        for path in paths[role.id]:
            # A module's first-year hours include the refreshers that fall within the year.
            taken = {entry.module.id: entry.first_year_hours for entry in path.plan}
            label = path.post.label("zh")
            cells = [taken.get(m.id) for m in modules]
            matrix_rows.append([label, *cells, path.first_year_hours])
    header = ["岗位", *(f"{module_code(m.id)} {m.display('zh')}" for m in modules), "合计学时"]
    _sheet(workbook, MATRIX, header, matrix_rows)

    coverage_rows = []
    for duty in (d for role in roles for d in handbook.duties_of.get(role.id, [])):
        owner = handbook.get("role", duty.parent or "")
        coverage_rows.append(
            [
                duty.id,
                duty.text("text"),
                owner.display("zh") if owner else duty.parent,
                "、".join(module_code(m.id) for m in handbook.modules_covering.get(duty.id, [])),
                "、".join(s.id for s in handbook.standards_measuring.get(duty.id, [])),
            ]
        )
    _sheet(workbook, COVERAGE, ["职责编号", "职责", "岗位", "培训模块", "服务标准"], coverage_rows)

    plan_rows = []
    for role in roles:
        for path in paths[role.id]:
            groups = [("全体人员", path.plan)]
            groups += [
                (f"仅{_name(handbook, 'condition', c)}", entries)
                for c, entries in path.conditional_plan.items()
            ]
            for who, entries in groups:
                for entry in entries:
                    plan_rows += _plan_rows(path.post.label("zh"), who, entry)
    months = [f"{m}月" for m in range(1, 13)]
    header = ["岗位", "适用", "模块编号", "模块", "年份", *months, "合计学时", "复训间隔"]
    _sheet(workbook, PLAN, header, plan_rows)

    certificate_rows = []
    for role in roles:
        for need in role.data.get("certificates") or []:
            held = handbook.get("certificate", need["certificate"])
            if held is None:
                continue
            data = held.data
            certificate_rows.append(
                [
                    role.display("zh"),
                    held.display("zh"),
                    held.text("authority"),
                    data.get("validity_months"),
                    data.get("review_months"),
                    certificate_validity(data),
                    f"仅{_name(handbook, 'condition', need['condition'])}"
                    if need.get("condition")
                    else "全部人员",
                ]
            )
    _sheet(
        workbook,
        CERTIFICATES,
        ["岗位", "证书", "发证机关", "有效期（月）", "复审周期（月）", "有效期与复审", "适用"],
        certificate_rows,
    )
    return workbook


def export_xlsx(handbook: Handbook, output: str, stdout: TextIO) -> None:
    """Write the workbook to ``output`` (an .xlsx path; standard output is not supported)."""
    if output == "-":
        raise ToolError(
            "工作簿是二进制文件，请用 -o 指定文件名，例如 -o 培训计划.xlsx。",
            "A workbook is binary; give a file name with -o, e.g. -o training.xlsx.",
        )
    # Serialised in memory first: a write that fails half-way then leaves no open zip file
    # behind to fail a second time, noisily, when it is collected.
    content = io.BytesIO()
    try:
        # Rows go through temporary files while the sheets are written: a full disk shows here.
        build_workbook(handbook).save(content)
    except OSError as error:
        raise write_error(Path(output), error) from error
    write_atomically(Path(output), lambda scratch: _save(scratch, content.getvalue()))


def _save(path: Path, content: bytes) -> None:
    path.write_bytes(content)


def _name(handbook: Handbook, kind: str, entity_id: str) -> str:
    entity = handbook.get(kind, entity_id)
    return entity.display("zh") if entity is not None else entity_id


def _plan_rows(post: str, who: str, entry: PlanEntry) -> list[list[Any]]:
    """Two rows per module: the first year, then a year after it, hours in the months due."""
    code, title = module_code(entry.module.id), entry.module.display("zh")
    interval = f"每 {entry.every_months} 个月" if entry.every_months else "一次性"
    first: list[Any] = [None] * 12
    first[entry.first_year_month - 1] = entry.hours
    for month in entry.first_year_refreshers:
        first[month - 1] = entry.refresher_hours
    rows = [[post, who, code, title, "首年", *first, entry.first_year_hours, interval]]
    if entry.every_months:
        later: list[Any] = [None] * 12
        for month in entry.steady_months:
            later[month - 1] = entry.refresher_hours
        label = "之后每年" if entry.every_months <= 12 else f"每 {entry.every_months // 12} 年"
        total = entry.refresher_hours * len(entry.steady_months)
        rows.append([post, who, code, title, label, *later, total, interval])
    return rows


def _cell(value: Any) -> Any:
    return spreadsheet_cell(value) if isinstance(value, str) else value
