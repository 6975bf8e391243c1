"""The whole journey in a real Chromium, as the people who use it would go through it:

a claimant files a complaint and uploads evidence on a phone (390×844); the mediator accepts,
investigates (stage change and a message), schedules a remote session, records part of it
in the browser; drafts the agreement from a template and issues it; claimant, institution
and mediator each sign with a verification code (read from the notice sender's in-memory
list, as a phone would receive it); the mediator closes the case; the claimant follows every
step on the timeline, in elderly mode and in English, and rates the service.

Screenshots of the main pages are saved under test-artifacts/screenshots/ (not in git)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPO
from tests.web.test_accessibility import audit

pytestmark = pytest.mark.browser

SHOTS = REPO / "test-artifacts" / "screenshots"
BANK = "示范县农村商业银行股份有限公司"
PASSWORD = "journey pass 1"
# A fake microphone (a beeping tone) that needs no permission prompt, for the recorder.
MEDIA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, server: str, username: str) -> None:
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def _latest_code(user_id: int) -> str:
    from mediation.notify import recent_notices

    sent = recent_notices(user_id=user_id, key="notify.code.agreement.sign")
    assert sent, "no verification code was sent"
    code = sent[-1]["code"]
    assert re.fullmatch(r"\d{6}", code)
    return code


def _move(page, to: str, reason: str | None = None) -> None:
    page.select_option("#transition-form select[name=to]", to)
    if reason:
        page.fill("#transition-form input[name=reason]", reason)
    page.click("#transition-form button[type=submit]")
    page.wait_for_selector("#timeline")


def test_claimant_mediator_and_institution_from_complaint_to_rating(app, server, make_user):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the journey runs once, on SQLite")
    from playwright.sync_api import sync_playwright

    claimant_id, _ = make_user("wang", "claimant", password=PASSWORD)
    mediator_id, _ = make_user("li", "mediator", password=PASSWORD)
    bank_id, _ = make_user("bank", "institution", institution=BANK, password=PASSWORD)
    tz = ZoneInfo(app.config["TIMEZONE"])

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS)
        try:
            _journey(browser, server, tz, claimant_id, mediator_id, bank_id, app)
        finally:
            browser.close()


def _journey(browser, server, tz, claimant_id, mediator_id, bank_id, app):
    # ---------------------------------------------------------------- claimant files, on a phone
    phone_ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    phone = phone_ctx.new_page()
    _sign_in(phone, server, "wang")
    phone.wait_for_url("**/my")
    phone.click("text=我要申请调解")
    phone.fill("input[name=name]", "王秀英")
    phone.fill("input[name=phone]", "13812345678")
    _shot(phone, "filing-1-who")
    phone.click("#filing-form button[type=submit]")
    phone.fill("input[name=institution]", BANK)
    phone.select_option("select[name=dispute_type]", "banking")
    phone.fill("input[name=product]", "借记卡")
    _shot(phone, "filing-2-institution")
    phone.click("#filing-form button[type=submit]")
    phone.fill("textarea[name=facts]", "我的借记卡在我本人持卡期间被异地盗刷两万元，已经报警。")
    _shot(phone, "filing-3-facts")
    phone.click("#filing-form button[type=submit]")
    phone.fill("textarea[name=request]", "请银行赔偿被盗刷的两万元")
    phone.fill("input[name=amount_claimed]", "20000")
    _shot(phone, "filing-4-request")
    phone.click("#filing-form button[type=submit]")
    assert "被异地盗刷两万元" in phone.inner_text("#review")
    _shot(phone, "filing-5-review")
    phone.click("#filing-form button[type=submit]")
    phone.wait_for_selector("#progress")
    number = phone.inner_text("h1").split()[-1]
    assert re.fullmatch(r"\d{4}-\d{4}", number)
    # Evidence: a real image file (a picture of the page itself stands in for a bank slip).
    slip = Path(app.instance_path) / "bank-slip.png"
    slip.parent.mkdir(parents=True, exist_ok=True)
    slip.write_bytes(phone.screenshot())
    phone.set_input_files("#evidence-form input[type=file]", str(slip))
    phone.click("#evidence-form button[type=submit]")
    phone.wait_for_selector("#evidence-list a:has-text('bank-slip.png')")
    assert phone.locator("#progress li[aria-current=step]").inner_text() == "登记"
    _shot(phone, "portal-case-filed")

    # ---------------------------------------------------------------- the mediator's desk
    desk_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    desk = desk_ctx.new_page()
    _sign_in(desk, server, "li")
    desk.wait_for_selector("#queue")
    assert number in desk.inner_text("#queue")
    _shot(desk, "queue")
    assert audit(desk, contrast=4.5) == []
    desk.click(f"#queue a:has-text('{number}')")
    desk.wait_for_selector("#timeline")
    assert desk.inner_text("#evidence-list").count("bank-slip.png") == 1
    _move(desk, "accepted")
    assert desk.inner_text("#stage") == "受理"
    _move(desk, "investigation")
    assert desk.inner_text("#stage") == "调查"
    desk.fill("#message-form textarea[name=body]", "请银行于三日内提供交易流水和监控记录。")
    desk.click("#message-form button[type=submit]")
    desk.wait_for_selector("#message-list :text('请银行于三日内提供交易流水')")

    # A remote session starting in ten minutes: its room is open to participants at once.
    start = (datetime.now(tz) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    end = min(start + timedelta(hours=1), start.replace(hour=23, minute=59))
    desk.select_option("#hearing-kind", "remote")
    desk.fill("#hearing-day", start.date().isoformat())
    desk.fill("#hearing-starts", start.strftime("%H:%M"))
    desk.fill("#hearing-ends", end.strftime("%H:%M"))
    desk.fill("#hearing-note", "请准备好身份证和报警回执。")
    desk.click("#hearing-form button[type=submit]")
    desk.wait_for_selector("#hearing-list .hearing[data-kind=remote]")
    when = desk.inner_text("#hearing-list .hearing .when")
    assert when.startswith(f"{start.year}年{start.month}月{start.day}日（星期")
    _move(desk, "mediation")
    assert desk.inner_text("#stage") == "调解"
    _shot(desk, "case")
    assert audit(desk, contrast=4.5) == []

    # The mediator records part of the session in the browser; it goes to transcription.
    desk.click("#hearing-list a.open-hearing")
    desk.wait_for_selector("#hearing")
    recorder = desk.locator("[data-recorder]")
    assert recorder.is_visible()  # MediaRecorder is there, so the control is shown
    desk.click("[data-recorder-start]")
    desk.wait_for_function(
        "document.querySelector('[data-recorder-status]').textContent.includes('正在录音')"
    )
    desk.wait_for_timeout(2500)
    desk.click("[data-recorder-stop]")
    desk.wait_for_selector("[data-recorder-status] a.recording-link", timeout=30000)
    assert "录音已上传" in desk.inner_text("[data-recorder-status]")
    recordings = desk.request.get(f"{server}/api/cases/{number}/recordings").json()["recordings"]
    assert len(recordings) == 1 and recordings[0]["format"] in ("webm", "ogg")
    assert recordings[0]["duration_s"] >= 1.5
    _shot(desk, "hearing")

    # The claimant sees the session in plain words and may join it now.
    phone.goto(f"{server}/cases/{number}")
    assert when in phone.inner_text("#hearings")
    join = phone.locator("#hearing-list a.join")
    assert join.inner_text() == "进入视频调解室"
    to_room = phone.request.get(server + join.get_attribute("href"), max_redirects=0)
    assert to_room.status == 302
    assert re.fullmatch(r"https://meet\.example\.org/[\w-]{24}", to_room.headers["location"])
    # Elderly mode, one click, remembered.
    phone.click("header form button[aria-pressed]")
    phone.wait_for_selector("body.elderly")
    _shot(phone, "portal-case-elderly")

    # ---------------------------------------------------------------- agreement
    desk.goto(f"{server}/cases/{number}")
    desk.click("#agreement a.button")
    desk.wait_for_selector("#agreement-form")
    desk.check("fieldset[data-template=compensation] input[type=checkbox]")
    desk.fill("#f-compensation\\.amount", "20000")
    pay_by = (datetime.now(tz).date() + timedelta(days=30)).isoformat()
    desk.fill("#f-compensation\\.pay_by", pay_by)
    desk.fill("#f-compensation\\.basis", "未能有效识别异地盗刷交易")
    desk.click("#save-draft")
    desk.wait_for_selector("#issue")
    desk.click("#issue")
    desk.wait_for_selector("#signers")
    assert desk.inner_text("#agreement-status") == "待签署"
    _shot(desk, "agreement-editor")

    # The claimant signs on the phone with the code texted to her.
    phone.goto(f"{server}/cases/{number}/agreement")
    phone.wait_for_selector("#sign-box")
    assert "20000.00" in phone.inner_text("#agreement-text")
    phone.click("#get-code")
    phone.wait_for_selector("#code")
    phone.fill("#code", _latest_code(claimant_id))
    _shot(phone, "agreement-signing")
    assert audit(phone, contrast=7) == []
    phone.click("#sign")
    phone.wait_for_selector("#you-signed")

    # The institution signs from its own portal.
    bank_ctx = browser.new_context(locale="zh-CN")
    bank = bank_ctx.new_page()
    _sign_in(bank, server, "bank")
    bank.goto(f"{server}/cases/{number}/agreement")
    bank.click("#get-code")
    bank.wait_for_selector("#code")
    bank.fill("#code", _latest_code(bank_id))
    bank.click("#sign")
    bank.wait_for_selector("#you-signed")

    # The mediator signs for the centre: the agreement takes effect, the case is signed.
    desk.goto(f"{server}/cases/{number}/agreement")
    desk.click("#get-code")
    desk.wait_for_selector("#agreement-form input[name=code], input[name=code]")
    desk.fill("input[name=code]", _latest_code(mediator_id))
    desk.click("#sign")
    desk.wait_for_selector("#executed-link")
    assert desk.inner_text("#agreement-status") == "已生效"
    desk.goto(f"{server}/cases/{number}")
    assert desk.inner_text("#stage") == "签约"
    _move(desk, "closed")
    assert desk.inner_text("#stage") == "结案"

    # ---------------------------------------------------------------- the claimant follows it all
    phone.goto(f"{server}/cases/{number}")
    assert phone.locator("#progress li[aria-current=step]").inner_text() == "结案"
    timeline = phone.inner_text("#timeline")
    for step in ("登记立案", "受理", "调查", "安排调解会议", "调解", "签约", "结案"):
        assert step in timeline, (step, timeline)
    assert phone.inner_text("#message-list").count("请银行于三日内提供交易流水") == 1
    _shot(phone, "portal-case-closed")
    phone.click("#rating-link a")
    phone.wait_for_selector("#rating-form")
    assert audit(phone, contrast=7) == []
    phone.check("input[name=score][value='5']")
    phone.fill("#rating-comment", "调解员很耐心，谢谢。")
    phone.click("#rating-form button[type=submit]")
    phone.wait_for_selector("#rating-thanks")
    assert "感谢您的评价" in phone.inner_text("#rating-thanks")
    _shot(phone, "rating-thanks")
    # Once per case: the form is gone.
    phone.goto(f"{server}/cases/{number}/rating")
    assert phone.locator("#rating-form").count() == 0

    # English, chosen by the user, on every page after.
    phone.goto(server + "/lang/en")
    phone.goto(f"{server}/cases/{number}")
    assert phone.evaluate("document.documentElement.lang") == "en"
    assert phone.locator("#progress li[aria-current=step]").inner_text() == "Closed"
    assert "Mediation session scheduled" in phone.inner_text("#timeline")
    _shot(phone, "portal-case-english")
    assert audit(phone, contrast=7) == []

    for ctx in (phone_ctx, desk_ctx, bank_ctx):
        ctx.close()
