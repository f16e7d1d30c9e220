"""The HTML notice, the 条文对照表 and the 修订对照表 in a real headless chromium at A4 width: nothing overflows the
page, on screen and in print, and the Chinese text is drawn with real CJK glyphs (not boxes). Screenshots are kept
under tests/artifacts/ for a person to look at."""

from __future__ import annotations

import pytest

from conftest import ARTIFACTS, EXAMPLES, REVISION, run

A4_WIDTH = 794  # CSS pixels: 210 mm at 96 px per inch
A4_HEIGHT = 1123
PRINT_WIDTH = 673  # 210 mm less the print stylesheet's 16 mm margins each side

# Elements whose right edge lies past the page: none may (0.5 px of rounding allowed).
OVERFLOWING = """(width) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40))"""

# Draws each character alone on a canvas in the body's font and returns a fingerprint of its pixels: real glyphs
# differ from one another and from a private-use character (which no font draws), boxes do not.
GLYPHS = """(chars) => {
    const font = getComputedStyle(document.body).fontFamily;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    const ctx = canvas.getContext('2d');
    return chars.map(ch => {
        ctx.clearRect(0, 0, 64, 64);
        ctx.font = '48px ' + font;
        ctx.fillText(ch, 4, 52);
        const data = ctx.getImageData(0, 0, 64, 64).data;
        let hash = 0, ink = 0;
        for (let i = 3; i < data.length; i += 4) {
            if (data[i] > 0) { ink++; hash = (hash * 31 + i * data[i]) % 1000000007; }
        }
        return ink + ':' + hash;
    });
}"""


def _document(kind: str, tmp_path) -> tuple[str, list[str]]:
    """(file, some Chinese words that must be on the page) for one kind of document."""
    out = tmp_path / f"{kind}.html"
    if kind == "notice":
        r = run("eval", EXAMPLES / "recognition_missing_review.yaml", "--format", "html", "--out", out)
        words = ["补正通知", "补正材料清单", "专家评审意见：平台使用方满意度", "天津芯纬集成电路设计有限公司"]
    elif kind == "policy":
        r = run("render", "wuqing-five-platforms@2021-trial", "--format", "html", "--out", out)
        words = ["条文对照表", "近三年平均研发投入强度 ≥ 3%", "不作计算"]
    else:
        r = run("render", REVISION, "--format", "html", "--out", out)
        words = ["修订对照表", "原规定", "近三年平均研发投入强度下限：4%"]
    assert r.exit_code == 0, r.output
    return out.as_uri(), words


@pytest.mark.parametrize("kind", ["notice", "policy", "revision"])
def test_the_document_fits_an_a4_page_and_its_chinese_has_real_glyphs(browser, tmp_path, kind):
    uri, words = _document(kind, tmp_path)
    page = browser.new_page(viewport={"width": A4_WIDTH, "height": A4_HEIGHT})
    try:
        page.route(
            "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
        )  # a document that fetches anything would show it as a failed request
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(uri)
        text = page.inner_text("body")
        for w in words:
            assert w in text, w
        assert failed == []
        assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH
        assert page.evaluate(OVERFLOWING, A4_WIDTH) == []
        # Chinese drawn with glyphs: four characters, four different drawings, none like an undrawn character
        prints = page.evaluate(GLYPHS, ["审", "核", "意", "见", "\ue000"])
        assert len(set(prints[:4])) == 4 and prints[4] not in prints[:4], prints
        assert all(int(p.split(":")[0]) > 50 for p in prints[:4]), prints
        # and the fonts chromium used for the heading include a CJK face
        session = page.context.new_cdp_session(page)
        session.send("DOM.enable")
        session.send("CSS.enable")
        node = session.send(
            "DOM.querySelector", {"nodeId": session.send("DOM.getDocument")["root"]["nodeId"], "selector": "h1"}
        )["nodeId"]
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert any("CJK" in f["familyName"] or "Han" in f["familyName"] for f in fonts), fonts
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{kind}.png"), full_page=True)
        # printed on A4: the text column is the page less its margins, and nothing runs past it
        page.emulate_media(media="print")
        page.set_viewport_size({"width": PRINT_WIDTH, "height": A4_HEIGHT})
        assert page.evaluate("document.documentElement.scrollWidth") <= PRINT_WIDTH
        assert page.evaluate(OVERFLOWING, PRINT_WIDTH) == []
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        page.close()
