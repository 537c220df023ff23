"""`handbook export xlsx` and `handbook export pdf`, read back and checked against the data."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import REPO, copy_repo_tree
from validator.engine import run
from validator.exports import pdf_split
from validator.render.markup import module_code

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def handbook():  # type: ignore[no-untyped-def]
    result = run(REPO)
    assert result.handbook is not None
    return result.handbook


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from validator.cli import main

    target = tmp_path_factory.mktemp("xlsx") / "training.xlsx"
    assert main(["export", "xlsx", "-o", str(target), "--root", str(REPO)]) == 0
    return target


@pytest.fixture(scope="module")
def pdf_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from validator.cli import main

    folder = tmp_path_factory.mktemp("pdf")
    assert main(["export", "pdf", "-o", str(folder), "--root", str(REPO)]) == 0
    return folder


def test_workbook_sheets_are_frozen_and_filtered(workbook_path: Path) -> None:
    book = load_workbook(workbook_path)
    assert book.sheetnames == ["培训矩阵", "职责覆盖", "年度培训计划", "证书登记"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes in ("A2", "B2")
        assert sheet.auto_filter.ref
        assert all(sheet.column_dimensions[c].width >= 6 for c in "AB")


def test_matrix_matches_the_training_paths(workbook_path: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    sheet = load_workbook(workbook_path)["培训矩阵"]
    header = [cell.value for cell in sheet[1]]
    modules = sorted(handbook.all("module"), key=lambda m: m.id)
    assert header[1:-1] == [f"{module_code(m.id)} {m.display('zh')}" for m in modules]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = []
    for role in handbook.resolved.ordered_roles:
        for path in handbook.resolved.paths_of(role):
            # Year one: the first run plus the refreshers that already fall within the year.
            taken = {
                e.module.id: e.hours + e.refresher_hours * len(e.first_year_refreshers)
                for e in path.plan
            }
            expected.append([taken.get(m.id) for m in modules])
    assert [list(row[1:-1]) for row in rows] == expected
    for row in rows:
        assert row[-1] == sum(value for value in row[1:-1] if value is not None)
    security = [row for row in rows if str(row[0]).startswith("秩序维护员")]
    assert len(security) == 4  # one row per specialty (post)


def test_every_duty_is_in_the_coverage_sheet(workbook_path: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    rows = list(load_workbook(workbook_path)["职责覆盖"].iter_rows(min_row=2, values_only=True))
    # Grouped by role, in the handbook's one order of roles.
    assert [row[0] for row in rows] == [
        duty.id for role in handbook.resolved.ordered_roles for duty in handbook.duties_of[role.id]
    ]
    for row in rows:
        expected = "、".join(module_code(m.id) for m in handbook.modules_covering[row[0]])
        assert row[3] == expected and row[3]


def test_plan_and_certificate_register(workbook_path: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(workbook_path)
    sheet = book["年度培训计划"]
    header = [cell.value for cell in sheet[1]]
    assert header[5:17] == [f"{m}月" for m in range(1, 13)]
    plan = list(sheet.iter_rows(min_row=2, values_only=True))
    for row in plan:
        months = [value for value in row[5:17] if value is not None]
        assert row[17] == sum(months), row
    first_year = {(row[0], row[2]) for row in plan if row[1] == "全体人员" and row[4] == "首年"}
    for role in handbook.all("role"):
        for path in handbook.resolved.paths_of(role):
            for module in path.modules:
                assert (path.post.label("zh"), module_code(module.id)) in first_year
    # A six-monthly refresher falls twice in a year after the first.
    twice = [row for row in plan if row[4] == "之后每年" and row[18] == "每 6 个月"]
    assert twice and all(len([v for v in row[5:17] if v]) == 2 for row in twice)
    register = list(book["证书登记"].iter_rows(min_row=2, values_only=True))
    needed = sum(len(role.data.get("certificates") or []) for role in handbook.all("role"))
    assert len(register) == needed
    assert ("秩序维护员（保安）", "保安员证") in {(row[0], row[1]) for row in register}


def test_a_pdf_per_role_with_its_name(pdf_folder: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    version = handbook.settings["version"]
    for role in handbook.all("role"):
        reader = PdfReader(pdf_folder / "roles" / f"{role.id}.pdf")
        assert 1 <= len(reader.pages) <= 8, role.id
        text = "".join(page.extract_text() or "" for page in reader.pages)
        assert role.display("zh") in text, role.id
        # Searchable and copyable: no look-alike Kangxi radicals in the text layer.
        assert not any(0x2F00 <= ord(char) <= 0x2FDF for char in text), role.id
        assert "签字" in text and f"版本 {version}" in text
        assert "下载打印版" not in text


def assert_each_role_alone(folder: Path, roles: list[tuple[str, str]]) -> None:
    """Each role's PDF holds that role only, numbered from its own first page, with its own
    bookmarks and title: roles are printed many to a document and cut apart."""
    for role_id, name in roles:
        reader = PdfReader(folder / "roles" / f"{role_id}.pdf")
        texts = [page.extract_text() or "" for page in reader.pages]
        total = len(texts)
        for number, text in enumerate(texts, start=1):
            assert re.search(rf"第 {number} / {total} 页", text), (role_id, number)
        assert texts[0].startswith(name), role_id
        # One role's table and signature: nothing of the roles printed beside it.
        assert "".join(texts).count("岗位编号") == 1, role_id
        top = [item.title for item in reader.outline if not isinstance(item, list)]
        assert top == [name], role_id
        assert reader.metadata is not None and reader.metadata.title == name
        # Tagged, as a role printed alone is: its own structure, on its own pages only.
        assert tagged_pages(folder / "roles" / f"{role_id}.pdf") == set(range(total)), role_id


def tagged_pages(path: Path) -> set[int]:
    """The pages the structure tree of a PDF marks content on (its parent tree agreeing)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        assert pdf.Root.MarkInfo.Marked
        number = {page.objgen: index for index, page in enumerate(pdf.pages)}
        tree = pdf.Root.StructTreeRoot
        elements: set[tuple[int, int]] = set()
        pages: set[int] = set()
        stack = [tree.K]
        while stack:
            element = stack.pop()
            if not isinstance(element, pikepdf.Dictionary):
                continue
            if "/Pg" in element:
                pages.add(number[element.Pg.objgen])
            if "/S" in element:
                elements.add(element.objgen)
            kids = element.get("/K")
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        nums = tree.ParentTree.Nums
        for index in range(1, len(nums), 2):
            assert all(el.objgen in elements for el in nums[index] if el is not None)
        return pages


def test_each_role_pdf_is_that_role_alone_numbered_from_its_first_page(
    pdf_folder: Path,
    handbook,  # type: ignore[no-untyped-def]
) -> None:
    roles = [(role.id, role.display("zh")) for role in handbook.all("role")]
    assert_each_role_alone(pdf_folder, roles)
    # Sections are bookmarked under the role, each leading to its page.
    reader = PdfReader(pdf_folder / "roles" / f"{roles[0][0]}.pdf")
    sections = reader.outline[1]
    assert isinstance(sections, list) and "签字确认" in [item.title for item in sections]
    signature = next(item for item in sections if item.title == "签字确认")
    page = reader.get_destination_page_number(signature)
    assert "签字确认" in (reader.pages[page].extract_text() or "")


@pytest.mark.slow
def test_roles_the_bookmarks_cannot_tell_apart_are_printed_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from validator.cli import main

    cut: list[int] = []
    real = pdf_split.parts

    def unclear(batch: bytes, titles: list[str]) -> list[pdf_split.Part] | None:
        cut.append(len(titles))
        return None if len(titles) > 1 else real(batch, titles)

    monkeypatch.setattr(pdf_split, "parts", unclear)
    assert main(["export", "pdf", "-o", str(tmp_path / "out"), "--root", str(REPO)]) == 0
    result = run(REPO)
    assert result.handbook is not None
    roles = [(role.id, role.display("zh")) for role in result.handbook.all("role")]
    assert max(cut) > 1 and cut.count(1) == len(roles)
    assert_each_role_alone(tmp_path / "out", roles)
    # Slower, so said: once for each document printed again role by role.
    warned = [r for r in caplog.records if "printing them one at a time" in r.getMessage()]
    assert len(warned) == len([n for n in cut if n > 1])


@pytest.mark.slow
def test_a_role_unlike_the_others_is_not_printed_with_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every role's PDF carries the glyphs of the document it was printed in: a role whose page
    has many characters the others lack is printed apart, and theirs stay small."""
    from validator.cli import main

    root = copy_repo_tree(tmp_path / "repo")
    handbook = run(root).handbook
    assert handbook is not None
    roles = list(handbook.all("role"))
    unusual = roles[1]
    path = root / "policies" / "roles" / f"{unusual.id}.yaml"
    text = path.read_text(encoding="utf-8")
    rare = "".join(chr(0x4E00 + 7 * n) for n in range(900))
    assert "summary:\n  zh: " in text
    path.write_text(text.replace("summary:\n  zh: ", f"summary:\n  zh: {rare}", 1), "utf-8")
    printed_with: list[list[str]] = []
    real = pdf_split.parts

    def spying(batch: bytes, titles: list[str]) -> list[pdf_split.Part] | None:
        printed_with.append(list(titles))
        return real(batch, titles)

    monkeypatch.setattr(pdf_split, "parts", spying)
    assert main(["export", "pdf", "-o", str(tmp_path / "out"), "--root", str(root)]) == 0
    name = unusual.display("zh")
    assert [titles for titles in printed_with if name in titles] == [[name]]
    assert max(len(titles) for titles in printed_with) > 1
    assert sorted(t for titles in printed_with for t in titles) == sorted(
        role.display("zh") for role in roles
    )


@pytest.mark.slow
def test_the_footer_prints_the_handbook_title_as_written(tmp_path: Path) -> None:
    from validator.cli import main

    root = copy_repo_tree(tmp_path / "repo")
    settings = root / "policies" / "handbook.yaml"
    title = 'Acme, Inc. & "Co" \\ a/b } </style><h1>x</h1> 手册'
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace("  zh: 物业管理人员岗位职责与培训手册", f"  zh: '{title}'", 1),
        encoding="utf-8",
    )
    assert main(["export", "pdf", "-o", str(tmp_path / "out"), "--root", str(root)]) == 0
    role = sorted((tmp_path / "out/roles").glob("*.pdf"))[0]
    for path in [tmp_path / "out/handbook.pdf", role]:
        text = PdfReader(path).pages[0].extract_text() or ""
        assert f"{title} · 版本" in text, path.name
    assert not (PdfReader(role).pages[0].extract_text() or "").startswith("x")


def test_the_whole_handbook_pdf(pdf_folder: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(pdf_folder / "handbook.pdf")
    roles = sum(1 for _ in handbook.all("role"))
    assert len(reader.pages) > roles
    text = "".join(page.extract_text() or "" for page in reader.pages[:3])
    assert "物业管理人员岗位职责与培训手册" in text


def test_site_pages_link_the_downloads(built_site: Path) -> None:
    role = (built_site / "roles/cs-specialist/index.html").read_text(encoding="utf-8")
    assert 'href="../../downloads/roles/cs-specialist.pdf"' in role
    training = (built_site / "training/index.html").read_text(encoding="utf-8")
    assert 'href="../downloads/training.xlsx"' in training


def test_binary_exports_need_a_file(run_cli: Cli) -> None:
    code, _, err = run_cli("export", "xlsx", "-o", "-", "--root", str(REPO), "--lang", "en")
    assert code == 2
    assert "give a file name with -o" in err


def test_export_all_writes_every_download(run_cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    code, out, _ = run_cli("export", "all", "-o", str(folder), "--root", str(REPO))
    assert (code, out) == (0, "")
    written = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    roles = {f"roles/{p.stem}.pdf" for p in (REPO / "policies/roles").glob("*.yaml")}
    assert written == {"handbook.json", "training.xlsx", "handbook.pdf", *roles}


def test_no_text_from_the_data_becomes_a_formula(tmp_path: Path) -> None:
    import zipfile

    from validator.exports.workbook import build_workbook

    formula = '=HYPERLINK("http://evil.example","详情")'

    def poison(value: object) -> None:
        # Every bilingual text (names, titles, duty texts, authorities...) starts with "=".
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("zh", "en") and isinstance(item, str):
                    value[key] = formula + item
                else:
                    poison(item)
        elif isinstance(value, list):
            for item in value:
                poison(item)

    handbook = run(REPO).handbook
    assert handbook is not None
    for entities in handbook.declared.values():
        for entity in entities:
            poison(entity.data)
    target = tmp_path / "poisoned.xlsx"
    build_workbook(handbook).save(target)
    with zipfile.ZipFile(target) as archive:
        parts = [n for n in archive.namelist() if n.endswith(".xml")]
        xml = "".join(archive.read(n).decode("utf-8") for n in parts)
    assert xml.count("HYPERLINK") > 100  # the texts are there...
    assert "<f>" not in xml and "<f " not in xml  # ...and not one is a formula


def test_every_sheet_prints_landscape_fitted_to_width_with_its_header(
    workbook_path: Path, handbook
) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(workbook_path)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows == "$1:$1"
    matrix = book["培训矩阵"]
    assert matrix.print_title_cols == "$A:$A"
    posts = [row[0] for row in matrix.iter_rows(min_row=2, values_only=True)]
    expected = [
        path.post.label("zh")
        for role in handbook.resolved.ordered_roles
        for path in handbook.resolved.paths_of(role)
    ]
    assert posts == expected
    assert not [post for post in posts if any("a" <= char <= "z" for char in post)]
    register = {row[1]: row[5] for row in book["证书登记"].iter_rows(min_row=2, values_only=True)}
    assert register["保安员证"] == "未规定有效期"


def pdf_with_bookmarks(pages: int, bookmarked: list[int]) -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    with pdf.open_outline() as outline:
        outline.root.extend(pikepdf.OutlineItem(f"岗位 {n}", n) for n in bookmarked)
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()


def pages_of(batch: bytes, titles: list[str]) -> list[range] | None:
    found = pdf_split.parts(batch, titles)
    return None if found is None else [part.pages for part in found]


def test_a_printed_batch_is_cut_by_its_top_level_bookmarks() -> None:
    three = ["岗位 0", "岗位 2", "岗位 3"]
    found = pdf_split.parts(pdf_with_bookmarks(5, [0, 2, 3]), three)
    assert found is not None
    assert [part.pages for part in found] == [range(0, 2), range(2, 3), range(3, 5)]
    assert [part.bookmark.title for part in found if part.bookmark] == three
    # A role alone owns every page, bookmarked or not.
    assert pages_of(pdf_with_bookmarks(2, []), ["岗位"]) == [range(0, 2)]
    # Bookmarks that do not mark out each role, by its name, from the first page: not cut.
    assert pages_of(pdf_with_bookmarks(5, [0, 2]), three) is None
    assert pages_of(pdf_with_bookmarks(5, [0, 2, 3]), ["岗位 0", "岗位 3", "岗位 2"]) is None
    assert pages_of(pdf_with_bookmarks(5, [1, 2, 3]), ["岗位 1", "岗位 2", "岗位 3"]) is None
    assert pages_of(pdf_with_bookmarks(5, [0, 3, 2]), ["岗位 0", "岗位 3", "岗位 2"]) is None
    assert pages_of(pdf_with_bookmarks(5, [0, 2, 2]), ["岗位 0", "岗位 2", "岗位 2"]) is None


def test_the_headless_shell_prints_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    from validator.exports import pdf

    shell, browser = "/usr/bin/chromium-headless-shell", "/usr/bin/chromium"
    installed: set[str] = {shell, browser}
    monkeypatch.setattr(Path, "exists", lambda path: str(path) in installed)
    monkeypatch.delenv("HANDBOOK_CHROMIUM", raising=False)
    assert pdf._printer() == Path(shell)
    installed.discard(shell)
    assert pdf._printer() == Path(browser)  # the full browser prints where the shell is absent
    installed.discard(browser)
    installed.add("/usr/bin/google-chrome")
    assert pdf._printer() == Path("/usr/bin/google-chrome")  # GitHub's Ubuntu runners
    installed.clear()
    assert pdf._printer() == Path(shell)  # none: the error names what to install
    monkeypatch.setenv("HANDBOOK_CHROMIUM", "/opt/chrome/chrome")
    assert pdf._printer() == Path("/opt/chrome/chrome")
