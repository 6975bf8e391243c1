"""In a real Chromium: the mediator drafts and issues the agreement in the editor; the
claimant, on a phone-sized screen in elderly mode, reads it, gets a code and signs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.agreements.conftest import latest_code, sign_as

pytestmark = pytest.mark.browser


def _sign_in(page, server, username, password):
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def test_mediator_drafts_in_the_editor_and_the_claimant_signs_on_a_phone(
    signing, server, browser, app
):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("browser flow runs once, on SQLite")
    s = signing
    shots = Path(app.instance_path)
    desk = browser.new_page(locale="zh-CN")
    _sign_in(desk, server, "med-a", "pw-" + "x" * 8)
    desk.goto(f"{server}/cases/{s.number}")
    desk.click("#agreement a.button")
    desk.wait_for_selector("#agreement-form")
    desk.check("fieldset[data-template=compensation] input[type=checkbox]")
    desk.fill("#f-compensation\\.amount", "8000")
    desk.fill("#f-compensation\\.pay_by", "2026-05-20")
    desk.fill("#f-compensation\\.basis", "销售理财产品时未充分揭示风险")
    desk.check("fieldset[data-template=apology] input[type=checkbox]")
    desk.fill("#f-apology\\.by", "2026-04-30")
    desk.click("#save-draft")
    desk.wait_for_selector("#issue")
    assert desk.locator("#agreement-status").inner_text() == "草稿"
    desk.screenshot(path=str(shots / "agreement-editor.png"), full_page=True)
    desk.click("#issue")
    desk.wait_for_selector("#signers")
    assert desk.locator("#agreement-status").inner_text() == "待签署"

    phone = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    _sign_in(phone, server, "claimant-a", "pw-long-enough")
    phone.goto(f"{server}/cases/{s.number}/agreement")
    phone.click("header form button[aria-pressed]")  # elderly mode on
    phone.wait_for_selector("body.elderly #sign-box")
    assert "赔偿款人民币8000.00元" in phone.locator("#agreement-text").inner_text()
    box = phone.locator("#get-code").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # large touch target on a phone
    phone.click("#get-code")
    phone.wait_for_selector("[role=alert], .flash")
    assert "验证码已发送" in phone.content()
    phone.fill("#code", latest_code(s.claimant_id))
    phone.screenshot(path=str(shots / "agreement-sign-phone.png"), full_page=True)
    phone.click("#sign")
    phone.wait_for_selector("#you-signed")
    assert phone.locator("#signers li[data-role=claimant]").get_attribute("data-signed") == "1"

    for role in ("respondent", "mediator"):
        assert sign_as(s, role).status_code == 200
    phone.reload()
    assert phone.locator("#agreement-status").inner_text() == "已生效"
    assert phone.locator("#executed-link").is_visible()
    phone.goto(f"{server}/cases/{s.number}")
    assert "签约" in phone.locator("#progress").inner_text()
