"""The mediator's pages in a real Chromium: sign in, see the queue by urgency, open a case,
move it to the next stage through the form."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import case_payload

pytestmark = pytest.mark.browser


def test_mediator_signs_in_sees_queue_and_accepts_a_case(
    app, server, browser, make_user, mediator_api, tmp_path
):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("browser flow runs once, on SQLite")
    make_user("li", "mediator", password="correct horse 1")
    late = mediator_api.post("/api/cases", json=case_payload(received_on="2026-01-05"))
    assert late.status_code == 201, late.get_json()
    number = late.get_json()["number"]

    page = browser.new_page(locale="zh-CN")
    page.goto(server + "/workspace")
    assert "/login" in page.url  # the queue needs a signed-in user
    page.fill("input[name=username]", "li")
    page.fill("input[name=password]", "wrong")
    page.click("#login-form button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "用户名或密码错误。"

    page.fill("input[name=username]", "li")
    page.fill("input[name=password]", "correct horse 1")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#queue")
    row = page.locator("#queue tbody tr").first
    assert number in row.inner_text()
    assert "登记" in row.inner_text()

    page.click(f"text={number}")
    page.wait_for_selector("#timeline")
    assert page.locator("#stage").inner_text() == "登记"
    assert page.locator(".clock").count() >= 1
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)

    page.select_option("#transition-form select[name=to]", "accepted")
    page.click("#transition-form button[type=submit]")
    page.wait_for_selector("#timeline")
    assert page.locator("#stage").inner_text() == "受理"
    assert "登记 → 受理" in page.locator("#timeline").inner_text()

    # A rejection without a reason is refused, in Chinese, and changes nothing.
    page.select_option("#transition-form select[name=to]", "withdrawn")
    page.click("#transition-form button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "此操作必须填写理由。"
    assert page.locator("#stage").inner_text() == "受理"


def test_claimant_on_a_phone_files_online_follows_progress_in_elderly_mode_and_withdraws(
    app, server, browser, make_user, mediator_api, fixed_today
):
    from datetime import date

    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("browser flow runs once, on SQLite")
    fixed_today(date(2026, 3, 2))
    make_user("wang", "claimant", password="phone pass 1")
    other = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
    )
    page = context.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", "wang")
    page.fill("input[name=password]", "phone pass 1")
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/my")
    page.click("text=我要申请调解")
    # Step 1: a missing phone number is refused, and the name typed is kept.
    page.fill("input[name=name]", "王秀英")
    page.fill("input[name=phone]", "")
    page.evaluate("document.querySelector('input[name=phone]').removeAttribute('required')")
    page.click("#filing-form button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "缺少必填字段“phone”。"
    assert page.input_value("input[name=name]") == "王秀英"
    page.fill("input[name=phone]", "13812345678")
    page.click("#filing-form button[type=submit]")
    page.fill("input[name=institution]", "示范县农村商业银行股份有限公司")
    page.select_option("select[name=dispute_type]", "banking")
    page.fill("input[name=product]", "借记卡")
    page.click("#filing-form button[type=submit]")
    page.fill("textarea[name=facts]", "我的借记卡在我本人持卡期间被异地盗刷两万元，已经报警。")
    page.click("#filing-form button[type=submit]")
    page.fill("textarea[name=request]", "请银行赔偿被盗刷的两万元")
    page.fill("input[name=amount_claimed]", "20000")
    page.click("#filing-form button[type=submit]")
    assert "借记卡在我本人持卡期间" in page.inner_text("#review")
    page.screenshot(path=str(Path(app.instance_path) / "claimant-review.png"), full_page=True)
    page.click("#filing-form button[type=submit]")
    page.wait_for_selector("#progress")
    number = page.inner_text("h1").split()[-1]
    page.goto(server + "/my")
    assert number in page.inner_text("main") and other not in page.inner_text("main")
    page.click(f"text={number}")
    page.wait_for_selector("#progress")
    assert page.locator("#progress li[aria-current=step]").inner_text() == "登记"
    assert page.inner_text("#next-deadline") == (
        "登记后作出是否受理的决定：应在2026年3月5日（星期四）前完成，还有 3 天。"
    )
    size_before = page.evaluate("getComputedStyle(document.body).fontSize")
    page.click("text=长辈模式")
    page.wait_for_selector("body.elderly")
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "24px" != size_before
    page.goto(server + f"/cases/{number}")  # remembered
    assert page.locator("body.elderly").count() == 1
    page.screenshot(path=str(Path(app.instance_path) / "claimant-phone.png"), full_page=True)

    page.fill("textarea[name=reason]", "已与银行自行和解")
    page.click("text=撤回调解申请")
    page.wait_for_selector("#progress")
    assert page.locator("#progress li[aria-current=step]").inner_text() == "撤回"
    assert "已与银行自行和解" in page.inner_text("#timeline")
    page.goto(server + f"/cases/{other}")
    assert page.locator("[role=alert]").inner_text() == "您无权查看或操作此案件。"
    context.close()
