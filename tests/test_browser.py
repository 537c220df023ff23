"""The built site in a real browser: headless Chromium from Debian, driven by Playwright.

A missing browser is a failure, not a skip: `make test` installs it.
"""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

from tests.conftest import REPO, TODAY
from validator.engine import run
from validator.exports.pdf import CHROMIUM_FLAGS
from validator.model import Handbook

pytestmark = pytest.mark.slow

OUTPUT = REPO / "test-output"
# The browser staff use, not the headless shell that prints the PDFs.
BROWSER = Path("/usr/bin/chromium")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    yield from _serve(built_site)


@pytest.fixture(scope="module")
def poisoned_url(poisoned_site: Path) -> Iterator[str]:
    yield from _serve(poisoned_site)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert BROWSER.exists(), "Chromium is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(BROWSER), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    result = run(REPO, today=TODAY)
    assert result.handbook is not None
    return result.handbook


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


# Every element of the article that shows text of its own, with its font size; and every table,
# table wrapper and cell whose content is wider than its box (clipped or hidden behind a scroll).
_SMALL_TEXT = """() => [...document.querySelectorAll('article *')]
    .filter(e => e.offsetParent && [...e.childNodes].some(
        n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => [e.tagName, parseFloat(getComputedStyle(e).fontSize)])
    .filter(([, size]) => size < 14)"""
_CLIPPED = """() => [...document.querySelectorAll(
        'article .md-typeset__scrollwrap, article .md-typeset__table, article table, '
        + 'article th, article td')]
    .filter(e => e.scrollWidth > e.clientWidth)
    .map(e => `${e.tagName} ${e.scrollWidth}>${e.clientWidth} ${e.textContent.slice(0, 20)}`)"""


class Watched:
    """A page with its console errors and every request it made."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Watched(context.new_page())
    context.close()


def test_home_and_role_page_render_without_console_errors(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(f"{base_url}/", wait_until="networkidle")
    assert page.locator("h1").first.inner_text() == "物业管理人员岗位职责与培训手册"
    page.goto(f"{base_url}/roles/cs-specialist/", wait_until="networkidle")
    assert page.locator("h1").first.inner_text() == "客户服务专员/助理"
    assert page.locator(".hb-duty").count() == 9
    assert watched.errors == []


def test_from_organisation_to_a_role_to_a_module(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(f"{base_url}/organisation/", wait_until="networkidle")
    tree = page.locator(".hb-tree")
    assert tree.is_visible()
    assert tree.get_by_role("link", name="总经理").is_visible()
    tree.get_by_role("link", name="客户服务专员/助理").click()
    page.wait_for_url("**/roles/cs-specialist/")
    page.get_by_role("link", name="M-CS-03 投诉处理与满意度管理").first.click()
    page.wait_for_url("**/training/m-cs-03/")
    assert page.locator("h1").first.inner_text().startswith("M-CS-03 投诉处理与满意度管理")
    assert watched.errors == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("投诉", "roles/cs-specialist/"),
        ("消防", "regulations/"),
        ("巡逻", "roles/security-officer/"),
    ],
)
def test_search_finds_chinese_words(
    watched: Watched, base_url: str, query: str, expected: str
) -> None:
    page = watched.page
    page.goto(f"{base_url}/", wait_until="networkidle")
    search = page.locator("input.md-search__input")
    search.click()
    search.fill(query)
    # Material reads the query on key events; a Chinese IME sends them, fill() alone does not.
    search.press("End")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=15_000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any(expected in href for href in hrefs), hrefs


def test_every_request_goes_to_the_local_server(watched: Watched, base_url: str) -> None:
    page = watched.page
    for path in ("/", "/roles/cs-specialist/", "/coverage/"):
        page.goto(f"{base_url}{path}", wait_until="networkidle")
    outside = [url for url in watched.requests if not url.startswith(base_url)]
    print(f"\nrequests: {len(watched.requests)}, to other hosts: {len(outside)}")
    assert watched.requests
    assert outside == []


def test_role_page_at_phone_width(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{base_url}/roles/security-officer/", wait_until="networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / "role-page-phone.png"
    page.screenshot(path=str(shot), full_page=False)
    context.close()
    print(f"\nscreenshot: {shot}")
    assert width <= 390
    assert shot.stat().st_size > 10_000


def test_payloads_in_duty_texts_stay_dead(browser: Browser, poisoned_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(poisoned_url) else outside.append(r.url))
    page.goto(f"{poisoned_url}/roles/cs-specialist/", wait_until="networkidle")
    page.locator(".hb-duty p").first.click()
    # The whole document, not only the article: titles also reach <title>, the header and the
    # navigation through templates that do not escape.
    live = page.evaluate(
        """() => ({
            pwned: window.__pwned === 1,
            bodyShown: getComputedStyle(document.body).display !== 'none',
            inlineScripts: [...document.scripts]
                .filter(s => s.textContent.includes('__pwned')).length,
            frames: document.querySelectorAll('iframe, object, embed').length,
            bodyStyles: document.querySelectorAll('body style').length,
            handlers: [...document.querySelectorAll('*')]
                .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
            jsLinks: document.querySelectorAll('a[href^="javascript"]').length,
            articleImages: document.querySelectorAll('article img').length,
        })"""
    )
    title = page.title()
    duty = page.locator(".hb-duty").first.inner_text()
    navigation = page.locator("nav.md-nav--primary").inner_text()
    context.close()
    assert live == {
        "pwned": False,
        "bodyShown": True,
        "inlineScripts": 0,
        "frames": 0,
        "bodyStyles": 0,
        "handlers": 0,
        "jsLinks": 0,
        "articleImages": 0,
    }
    assert "<script>window.__pwned=1</script>" in title
    assert "<script>window.__pwned=1</script>" in duty
    assert "<script>window.__pwned=1</script>" in navigation
    assert outside == []


def test_the_guard_reads_what_to_hold_and_this_years_hours_in_the_first_screen(
    phone: Page, base_url: str, handbook: Handbook
) -> None:
    phone.goto(f"{base_url}/roles/security-officer/", wait_until="networkidle")
    glance = phone.locator(".hb-glance")
    box = glance.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= 844
    text = glance.inner_text()
    role = handbook.get("role", "security-officer")
    assert role is not None
    for need in role.data["certificates"]:
        certificate = handbook.get("certificate", need["certificate"])
        assert certificate is not None
        assert certificate.display("zh") in text
    paths = handbook.resolved.paths_of(role)
    assert len(paths) > 1
    for path in paths:
        assert f"首年 {path.first_year_hours:g} 学时" in text
    assert "直接上级：秩序维护主管" in text
    # The detail comes after the summary, in this order, and only the first post's path is open.
    order = phone.evaluate(
        "() => ['summary', 'duties', 'certificates', 'training']"
        ".map(id => document.getElementById(id).getBoundingClientRect().top)"
    )
    assert order == sorted(order)
    assert box["y"] < order[0]
    opened = phone.locator("details.hb-path[open] > summary").all_inner_texts()
    assert len(opened) == 1
    assert phone.locator("details.hb-path").count() == len(paths)
    assert opened[0].startswith("门岗/道口岗：首年")


@pytest.mark.parametrize(
    "path",
    ["/roles/security-officer/", "/roles/project-manager/", "/roles/eng-technician/", "/training/"],
)
def test_nothing_is_clipped_or_small_on_a_phone(phone: Page, base_url: str, path: str) -> None:
    phone.goto(f"{base_url}{path}", wait_until="networkidle")
    # Folded paths and plans count too: a reader opens them.
    phone.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    assert phone.locator("article table").count() > 0
    assert phone.evaluate(_CLIPPED) == []
    assert phone.evaluate(_SMALL_TEXT) == []


# The best-scored entry of the first group of results: Material groups results by page and
# heads each group with the page's own entry, which may not be the one that matched.
_FIRST_RESULT = """() => {
    const group = document.querySelector('.md-search-result__item');
    const best = [...group.querySelectorAll('article')]
        .sort((a, b) => b.dataset.mdScore - a.dataset.mdScore)[0];
    const link = new URL(best.closest('a').href);
    return [link.pathname + link.hash, best.querySelector('h1, h2').textContent];
}"""


def _search(page: Page, base_url: str, query: str) -> tuple[str, str]:
    page.goto(f"{base_url}/", wait_until="networkidle")
    search = page.locator("input.md-search__input")
    search.click()
    search.fill(query)
    search.press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    location, title = page.evaluate(_FIRST_RESULT)
    return str(location), str(title).replace("\u200b", "")


@pytest.mark.parametrize(
    ("query", "relevant"),
    [
        # Both lift modules answer a search for lifts.
        (
            "电梯",
            {
                "/training/m-law-03/": "M-LAW-03 特种设备安全与电梯使用",
                "/training/m-eng-06/": "M-ENG-06 电梯巡视",
            },
        ),
        ("投诉", {"/training/m-cs-03/": "M-CS-03 投诉处理与满意度管理"}),
        ("消防", {"/training/m-law-02/": "M-LAW-02 消防法规与消防安全"}),
        ("钥匙", {"/training/m-cs-06/": "M-CS-06 业主档案、钥匙与信息管理"}),
        ("保安员证", {"/certificates/#cert-security-guard": "保安员证"}),
        ("fire", {"/training/m-law-02/": "M-LAW-02 消防法规与消防安全"}),
        ("培训学时", {"/training/#yearly-hours": "每年培训学时要求", "/training/": "培训体系"}),
    ],
)
def test_the_first_search_result_is_the_one_staff_want(
    watched: Watched, base_url: str, query: str, relevant: dict[str, str]
) -> None:
    found, shown = _search(watched.page, base_url, query)
    assert found in relevant, (found, shown)
    assert shown.startswith(relevant[found])
    assert "建议" not in shown


def test_a_role_page_loads_light_and_fetches_the_index_only_for_a_search(
    browser: Browser, base_url: str, built_site: Path
) -> None:
    index = built_site / "search" / "search_index.json"
    raw = index.read_bytes()
    print(f"\nsearch index: {len(raw)} bytes")
    assert len(raw) <= 300_000
    # No escapes in the entries (the configuration's separator pattern names \u200b itself).
    entries = raw.split(b'"docs":', 1)[1]
    assert b"\\u" not in entries
    assert "\u200b".encode() in entries
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    loaded: dict[str, int] = {}
    page.on("response", lambda response: loaded.update({response.url: len(response.body())}))
    page.goto(f"{base_url}/roles/security-officer/", wait_until="networkidle")
    first_load = sum(loaded.values())
    print(f"first load of a role page: {first_load} bytes in {len(loaded)} files")
    assert not [url for url in loaded if url.endswith("search_index.json")]
    assert first_load <= 450_000
    page.locator("label.md-header__button[for=__search]").click()
    page.locator("input.md-search__input").fill("巡逻")
    page.locator("input.md-search__input").press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    assert [url for url in loaded if url.endswith("search_index.json")]
    context.close()


@pytest.mark.parametrize(("width", "shown"), [(390, "hb-org-narrow"), (1280, "hb-org-wide")])
def test_the_organisation_chart_is_a_picture_whose_boxes_open_role_pages(
    browser: Browser, base_url: str, handbook: Handbook, width: int, shown: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/organisation/", wait_until="networkidle")
    chart = page.locator(f"svg.{shown}")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    roles = {role.display("zh") for role in handbook.all("role")}
    assert set(chart.locator("a title").all_text_contents()) == roles
    chart.locator("a", has=page.locator("title", has_text="客户服务专员/助理")).click()
    page.wait_for_url("**/roles/cs-specialist/")
    # On the role page the reader's own box is the one marked.
    assert page.locator(f"svg.{shown} a.hb-org-here title").all_text_contents() == [
        "客户服务专员/助理"
    ]
    context.close()


def test_the_coverage_view_fits_a_phone_and_names_duties_and_modules(
    phone: Page, base_url: str, handbook: Handbook
) -> None:
    phone.goto(f"{base_url}/coverage/", wait_until="networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(_CLIPPED) == []
    assert phone.evaluate(_SMALL_TEXT) == []
    duties = [duty for role in handbook.all("role") for duty in handbook.duties_of[role.id]]
    squares = phone.locator(".hb-heat-map a.hb-heat")
    assert squares.count() == len(duties)
    for square in squares.all():
        box = square.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # A square leads to its duty, named by its text, with the modules named by code and title.
    duty = handbook.duties_of["security-officer"][0]
    modules = handbook.modules_covering[duty.id]
    phone.locator(f'.hb-heat-map a[href="#cov-{duty.id.replace(".", "-")}"]').click()
    entry = phone.locator(f"#cov-{duty.id.replace('.', '-')}")
    assert entry.is_visible()
    text = entry.inner_text()
    assert duty.text("text", "zh") in text
    for module in modules:
        assert f"{module.id.upper()} {module.display('zh')}" in text
    assert duty.id not in text


@pytest.mark.parametrize("width", [390, 1280])
def test_each_post_has_a_training_timeline_that_fits_the_screen(
    browser: Browser, base_url: str, handbook: Handbook, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/roles/security-officer/", wait_until="networkidle")
    role = handbook.get("role", "security-officer")
    assert role is not None
    posts = len(handbook.resolved.paths_of(role))
    # The first post's timeline shows in its open section; the others unfold with theirs.
    assert page.locator("details.hb-path[open] .hb-timeline").count() == 1
    page.evaluate("() => document.querySelectorAll('details.hb-path').forEach(d => d.open = true)")
    timelines = page.locator(".hb-timeline")
    assert timelines.count() == posts
    for timeline in timelines.all():
        first, later = (y.bounding_box() for y in timeline.locator("svg.hb-tl-year").all())
        assert first is not None and later is not None
        for box in (first, later):
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
            # Drawn at its own size: the 14 px text is not scaled down.
            assert box["width"] == pytest.approx(320, abs=1)
        if width == 390:
            assert later["y"] >= first["y"] + first["height"]
        else:
            assert later["y"] == first["y"] and later["x"] >= first["x"] + first["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


_RESULT_LINKS = "() => [...document.querySelectorAll('.md-search-result a')].map(a => a.href)"


@pytest.mark.parametrize("query", ["钥匙", "培训学时"])
def test_search_results_link_with_the_words_they_matched_or_without_any(
    watched: Watched, base_url: str, query: str
) -> None:
    _search(watched.page, base_url, query)
    links = watched.page.evaluate(_RESULT_LINKS)
    marked = [
        urllib.parse.parse_qs(urllib.parse.urlsplit(link).query, keep_blank_values=True).get("h")
        for link in links
    ]
    assert links
    # Never a bare "?h=": an entry that matched no word of its own links without the parameter.
    assert [link for link, words in zip(links, marked, strict=True) if words == [""]] == []
    assert any(marked)


def test_a_page_opened_from_a_search_result_marks_the_searched_words(
    watched: Watched, base_url: str
) -> None:
    page = watched.page
    page.goto(
        f"{base_url}/training/m-cs-06/?h={urllib.parse.quote('钥匙')}", wait_until="networkidle"
    )
    marks = page.locator("article mark")
    marks.first.wait_for(timeout=15_000)
    assert set(marks.all_inner_texts()) == {"钥匙"}
    # Opened plainly, the page neither marks anything nor fetches the index.
    page.goto(f"{base_url}/training/m-cs-06/", wait_until="networkidle")
    assert page.locator("article mark").count() == 0
    fetched = [url for url in watched.requests if url.endswith("search_index.json")]
    assert len(fetched) == 1


def test_the_dark_mode_switch_needs_nothing_from_outside(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(f"{base_url}/roles/security-officer/", wait_until="networkidle")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default"
    page.get_by_title("切换到深色模式").first.click()
    assert page.evaluate(scheme) == "slate"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"
    # The choice is kept for the next page the reader opens.
    page.goto(f"{base_url}/coverage/", wait_until="networkidle")
    assert page.evaluate(scheme) == "slate"
    assert [url for url in watched.requests if not url.startswith(base_url)] == []
    assert watched.errors == []
