"""Accessibility of the main pages in a real Chromium, with no tool but the browser itself:
the accessible name of every control as Chromium computes it (the accessibility tree, over
the DevTools protocol), the page language, images' alt text, the heading outline, a skip
link, a visible focus ring, the main actions done with the keyboard alone, and the text
contrast of elderly mode (WCAG 2.1: 4.5:1 for text, 7:1 as elderly mode's own aim).

`audit(page)` is shared with the end-to-end journey."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import case_payload

pytestmark = pytest.mark.browser

# Roles whose elements must have an accessible name (WCAG 4.1.2, 1.3.1, 2.4.4).
NAMED_ROLES = {
    "button",
    "link",
    "textbox",
    "searchbox",
    "combobox",
    "listbox",
    "checkbox",
    "radio",
    "spinbutton",
    "slider",
    "switch",
    "menuitem",
    "tab",
    "image",
    "img",
}

_CONTRAST_JS = """
(minimum) => {
  function rgb(s) { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(x => parseFloat(x)); return {r:p[0], g:p[1], b:p[2], a: p.length > 3 ? p[3] : 1}; }
  function lum(c) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return {r:255, g:255, b:255, a:1};
  }
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode; const el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el); const box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
    if (el.closest('[hidden], .skip-link, option')) continue;
    const fg = rgb(style.color); const bg = background(el);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < minimum) bad.push(`${el.tagName.toLowerCase()}.${el.className} "${node.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
  }
  return bad;
}
"""


def unnamed_controls(page) -> list[str]:
    """Controls whose accessible name (as Chromium computes it) is empty."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    bad = []
    for n in nodes:
        if n.get("ignored"):
            continue
        role = (n.get("role") or {}).get("value")
        name = ((n.get("name") or {}).get("value") or "").strip()
        if role in NAMED_ROLES and not name:
            bad.append(f"{role} (backend node {n.get('backendDOMNodeId')})")
    return bad


def heading_problems(page) -> list[str]:
    levels = page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6",
        "els => els.filter(e => !e.closest('[hidden]')).map(e => Number(e.tagName[1]))",
    )
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1 headings (want exactly one)")
    for prev, cur in zip(levels, levels[1:], strict=False):
        if cur > prev + 1:
            problems.append(f"heading level jumps from h{prev} to h{cur}")
    return problems


def audit(page, *, contrast: float | None = None) -> list[str]:
    """Everything this test checks on one page; [] when it passes."""
    problems = []
    lang = page.evaluate("document.documentElement.lang")
    if lang not in ("zh-CN", "en"):
        problems.append(f"html lang is {lang!r}")
    if not page.title().strip():
        problems.append("empty <title>")
    problems += [f"control without a name: {c}" for c in unnamed_controls(page)]
    no_alt = page.eval_on_selector_all("img:not([alt])", "els => els.map(e => e.src)")
    problems += [f"image without alt: {src}" for src in no_alt]
    problems += heading_problems(page)
    if page.locator("main#main").count() != 1:
        problems.append("no <main id=main>")
    if contrast:
        problems += [f"low contrast {x}" for x in page.evaluate(_CONTRAST_JS, contrast)]
    return problems


def check_skip_link_and_focus_ring(page) -> None:
    """The first Tab lands on the skip link, which is then visible; following it puts focus
    in main; a focused control shows a ring at least 2px wide."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
        " return {cls: e.className, href: e.getAttribute('href'), top: r.top}; })()"
    )
    assert focused["cls"] == "skip-link" and focused["href"] == "#main", focused
    assert focused["top"] >= 0  # shown on focus, not left off screen
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), tag: document.activeElement.tagName}; })()"
    )
    assert ring["style"] != "none" and ring["width"] >= 2, ring


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def _sign_in(page, server, username, password):
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")  # the form is sent from the keyboard
    page.wait_for_load_state()


def test_main_pages_are_labelled_outlined_and_keyboard_usable(
    app, server, browser, make_user, mediator_api, session
):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("browser checks run once, on SQLite")
    from sqlalchemy import update

    from mediation.cases.model import Party, PartyRole

    make_user("li", "mediator", password="pw-long-enough")
    claimant_id, _ = make_user("wang", "claimant", password="pw-long-enough")
    number = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    session.execute(
        update(Party).where(Party.role == PartyRole.CLAIMANT).values(user_id=claimant_id)
    )
    session.commit()

    page = browser.new_page(locale="zh-CN")
    page.goto(server + "/login")
    assert audit(page, contrast=4.5) == []
    check_skip_link_and_focus_ring(page)
    _sign_in(page, server, "li", "pw-long-enough")
    page.wait_for_selector("#queue")
    assert audit(page, contrast=4.5) == []

    page.goto(f"{server}/cases/{number}")
    page.wait_for_load_state("networkidle")  # panels loaded after the page are audited too
    assert audit(page, contrast=4.5) == []
    check_skip_link_and_focus_ring(page)
    # The main action with the keyboard alone: accept the case.
    tab_to(page, "#transition-form select[name=to]")
    assert page.input_value("#transition-form select[name=to]") == "accepted"
    tab_to(page, "#transition-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#timeline")
    assert page.inner_text("#stage") == "受理"

    # Schedule a session with the keyboard: fields are reachable and the form sends on Enter.
    tomorrow = (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)).isoformat()
    page.select_option("#hearing-kind", "remote")
    page.fill("#hearing-day", tomorrow)
    page.fill("#hearing-starts", "09:30")
    page.fill("#hearing-ends", "10:30")
    tab_to(page, "#hearing-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#hearing-list .hearing")
    page.click("#hearing-list a.open-hearing")
    page.wait_for_selector("#hearing")
    assert audit(page, contrast=4.5) == []

    # The claimant's pages, in elderly mode: larger contrast aim.
    phone = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    _sign_in(phone, server, "wang", "pw-long-enough")
    assert audit(phone, contrast=4.5) == []
    phone.click("header form button[aria-pressed]")
    phone.wait_for_selector("body.elderly")
    for path in (
        "/my",
        f"/cases/{number}",
        "/my/new/who",
        "/my/new/institution",
        "/my/new/facts",
        "/my/new/request",
        f"/cases/{number}/rating",
    ):
        phone.goto(server + path)
        phone.wait_for_load_state("networkidle")
        assert audit(phone, contrast=7) == [], path
    phone.goto(f"{server}/cases/{number}")
    check_skip_link_and_focus_ring(phone)
    # Elderly mode: touch targets at least 44 px high (WCAG 2.5.5).
    small = phone.eval_on_selector_all(
        "main button, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),"
        " main select, main a.button",
        "els => els.filter(e => e.offsetParent && e.getBoundingClientRect().height < 44)"
        ".map(e => e.outerHTML.slice(0, 80))",
    )
    assert small == []
    # The English pages say so.
    phone.goto(server + "/lang/en")
    phone.goto(f"{server}/cases/{number}")
    assert phone.evaluate("document.documentElement.lang") == "en"
    assert audit(phone, contrast=7) == []


def test_audit_catches_what_it_claims_to(browser):
    """The checks are real: a page with the faults they look for fails each of them."""
    page = browser.new_page()
    page.set_content(
        "<html><head><title>t</title></head><body><main id=main>"
        "<h2>no h1</h2><h4>jump</h4><input name=x><button></button><img src=a.png>"
        "<a href='#'></a><p style='color:#999;background:#fff'>pale text</p></main></body></html>"
    )
    problems = "\n".join(audit(page, contrast=4.5))
    for expected in (
        "html lang is ''",
        "control without a name: textbox",
        "control without a name: button",
        "control without a name: link",
        "image without alt",
        "0 h1 headings",
        "jumps from h2 to h4",
        'low contrast p. "pale text" 2.85:1',
    ):
        assert expected in problems, problems
    with pytest.raises(AssertionError):
        check_skip_link_and_focus_ring(page)
