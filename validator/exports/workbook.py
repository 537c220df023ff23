"""`handbook export xlsx`: the training workbook a training manager plans the year in.

Four sheets from the checked data, so nobody retypes the handbook:

* 培训矩阵 (training matrix): roles × modules, the module's hours where a role's path takes it,
  a total per role;
* 职责覆盖 (duty coverage): every duty with its role, covering modules and measuring standards;
* 年度培训计划 (annual plan): per role, each module of its path with hours, refresher interval
  and the month it is due, spread over the year in prerequisite order;
* 证书登记 (certificate register): every certificate a role requires, with authority, validity
  and review cycle.

Header rows are frozen, every sheet has filters, and column widths count Chinese characters as
double width.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from validator.errors import ToolError
from validator.exports.output import write_atomically
from validator.model import Handbook
from validator.render.markup import module_code

MATRIX = "培训矩阵"
COVERAGE = "职责覆盖"
PLAN = "年度培训计划"
CERTIFICATES = "证书登记"


def _width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _sheet(workbook: Any, title: str, header: Sequence[str], rows: list[list[Any]]) -> Any:
    # openpyxl comes with the `export` extra; checking the handbook must not need it.
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    sheet = workbook.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F4")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "B2" if title == MATRIX else "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(sheet.iter_cols(min_row=1, max_row=min(sheet.max_row, 500)), 1):
        longest = max((_width(cell.value) for cell in column), default=4)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 6), 60)
    return sheet


def build_workbook(handbook: Handbook) -> Any:
    """The workbook as an openpyxl object (for tests and for writing)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    workbook.remove(workbook.active)
    roles = list(handbook.all("role"))
    modules = sorted(handbook.all("module"), key=lambda m: m.id)

    matrix_rows = []
    paths = handbook.resolved.paths
    for role in roles:
        for path in paths[role.id]:
            taken = {m.id for m in path.modules}
            label = role.display("zh") + (f"（{path.specialty}）" if path.specialty else "")
            cells = [float(m.data["hours"]) if m.id in taken else None for m in modules]
            matrix_rows.append([label, *cells, sum(c for c in cells if c is not None)])
    header = ["岗位", *(f"{module_code(m.id)} {m.display('zh')}" for m in modules), "合计学时"]
    _sheet(workbook, MATRIX, header, matrix_rows)

    coverage_rows = []
    for duty in handbook.all("duty"):
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
            label = role.display("zh") + (f"（{path.specialty}）" if path.specialty else "")
            count = len(path.modules)
            for step, module in enumerate(path.modules):
                refresh = module.data.get("refresh")
                plan_rows.append(
                    [
                        label,
                        module_code(module.id),
                        module.display("zh"),
                        float(module.data["hours"]),
                        f"{refresh['every_months']} 个月" if refresh else "一次性",
                        f"{1 + step * 12 // max(count, 1)} 月",
                    ]
                )
    _sheet(workbook, PLAN, ["岗位", "模块编号", "模块", "学时", "复训", "计划月份"], plan_rows)

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
                    (need.get("condition") or {}).get("zh", "全部人员"),
                ]
            )
    _sheet(
        workbook,
        CERTIFICATES,
        ["岗位", "证书", "发证机关", "有效期（月）", "复审周期（月）", "适用"],
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
    build_workbook(handbook).save(content)
    write_atomically(Path(output), lambda scratch: _save(scratch, content.getvalue()))


def _save(path: Path, content: bytes) -> None:
    path.write_bytes(content)
