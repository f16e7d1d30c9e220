"""The staff page in a real headless chromium, against a real server: paste an application and read the outcome
and a quoted clause of the notice; upload a file; fill the form made from the input schema; open the policy as a
document; nothing is fetched from anywhere but the server. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest

from conftest import ARTIFACTS, EXAMPLES
from service_server import Server, start


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Server:
    found = start(tmp_path_factory.mktemp("staff"))
    yield found
    found.stop()


@pytest.fixture
def page(browser, server):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    outside: list[str] = []

    def only_the_server(route):
        if route.request.url.startswith(server.url) or route.request.url.startswith(("data:", "about:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    page.goto(server.url + "/")
    yield page
    assert outside == [], f"the page fetched from elsewhere: {outside}"
    page.close()


def _pick(page, decision: str) -> None:
    with page.expect_navigation():
        page.select_option("#decision", decision)


def test_a_pasted_application_shows_its_outcome_and_the_notice_quoting_the_clause(page):
    _pick(page, "recognition")
    page.fill("#text", (EXAMPLES / "recognition_short.yaml").read_text(encoding="utf-8"))
    with page.expect_navigation():
        page.click("#submit")
    assert "不符合认定条件" in page.inner_text("#outcome")
    assert page.inner_text("#receipt").startswith("r-")
    notice = page.frame_locator("#notice").locator("body").inner_text()
    assert "不予认定通知书" in notice
    assert "近三年平均科学研究与试验发展投入强度" in notice  # clause 3.2.3, quoted
    download = page.get_attribute("#download", "download")
    assert download is not None and download.startswith("notice-r-")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-page-notice.png"), full_page=False)  # the result, scrolled to


def test_an_uploaded_file_is_decided(page):
    _pick(page, "filing")
    page.set_input_files("#upload", str(EXAMPLES / "filing.yaml"))
    page.wait_for_function("document.getElementById('text').value.includes('decision: filing')")
    assert page.input_value("#filename") == "filing.yaml"
    with page.expect_navigation():
        page.click("#submit")
    assert "[eligible]" in page.inner_text("#outcome")
    assert "filing.yaml" in page.frame_locator("#notice").locator("body").inner_text()


def test_the_form_made_from_the_schema_is_labelled_in_chinese_and_decides(page):
    _pick(page, "recognition")
    page.check("input[name=mode][value=form]")
    assert page.is_visible("#form-mode") and not page.is_visible("#text-mode")
    form = page.inner_text("#form-mode")
    for label in ("建设主体单位", "近三年财务数据", "专家评审意见", "平台使用方满意度"):
        assert label in form
    assert page.inner_text("select[name='f.platform.filed']").split() == ["（未填写）", "是", "否"]
    page.fill("input[name='f.applicant.name']", "天津示例科技有限公司")
    page.select_option("select[name='f.applicant.registered_in_wuqing']", "true")
    page.click("button.add[data-for='f.finances']")
    page.fill("input[name='f.finances.0.year']", "2023")
    page.fill("input[name='f.finances.0.revenue']", "80000000")
    page.fill("input[name='f.finances.0.rd_expense']", "1000000")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-page-form.png"), full_page=False)
    with page.expect_navigation():
        page.click("#submit")
    assert "[ineligible]" in page.inner_text("#outcome")  # 1.25% R&D intensity is short of 3%
    notice = page.frame_locator("#notice").locator("body").inner_text()
    assert "天津示例科技有限公司" in notice


def test_a_broken_application_shows_its_problems_at_their_lines(page):
    _pick(page, "recognition")
    page.fill("#text", "decision: recognition\nfinances:\n  - {year: 2023, revenue: -5}\n")
    with page.expect_navigation():
        page.click("#submit")
    problems = page.inner_text("#problems")
    assert "申请材料有误" in problems and "finances[0].revenue" in problems and ":3:" in problems


def test_the_policy_document_is_one_click_away(page, server):
    href = page.get_attribute("#policy-document", "href")
    page.goto(server.url + href)
    assert "条文对照表" in page.inner_text("body")


def test_the_api_documentation_page_renders_from_the_server_alone(page, server):
    page.goto(server.url + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)  # Swagger UI drew the operations
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/v1/decisions/{decision}" in p for p in paths)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
