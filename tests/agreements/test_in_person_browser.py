"""In a real Chromium: the mediator records, on the agreement editor, the signature an
elderly claimant without an account gave on paper at the centre (document checked, scan
uploaded, code read out from the claimant's phone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.agreements.test_browser import _sign_in
from tests.agreements.test_in_person import ID_NUMBER, _issue, _no_account, png_bytes

pytestmark = pytest.mark.browser


def test_mediator_records_an_in_person_signature_in_the_editor(signing, server, browser, app):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("browser flow runs once, on SQLite")
    from mediation.notify.sender import recent_notices

    s = signing
    party = _no_account(s)
    _issue(s)
    scan = Path(app.instance_path) / "signed-page.png"
    scan.write_bytes(png_bytes(40, 60))
    desk = browser.new_page(locale="zh-CN")
    _sign_in(desk, server, "med-a", "pw-" + "x" * 8)
    desk.goto(f"{server}/cases/{s.number}/agreement")
    desk.wait_for_selector("#in-person")
    desk.click(f"#in-person-code-{party}")
    desk.wait_for_selector(".flash")
    assert "验证码已发送至当事人预留手机" in desk.content()
    code = recent_notices(key="notify.code.agreement.sign_in_person")[-1]["code"]
    assert desk.input_value(f"#ip-name-{party}") == "王秀英"
    desk.fill(f"#ip-doc-{party}", ID_NUMBER)
    desk.set_input_files(f"#ip-scan-{party}", str(scan))
    desk.fill(f"#ip-code-{party}", code)
    desk.screenshot(path=str(Path(app.instance_path) / "agreement-in-person.png"), full_page=True)
    desk.click(f"#in-person-submit-{party}")
    desk.wait_for_selector("#signers")
    assert "已登记现场签署" in desk.content()
    claimant = desk.locator("#signers li[data-role=claimant]")
    assert claimant.get_attribute("data-signed") == "1"
    assert "现场签署，短信验证码确认" in claimant.inner_text()
    assert desk.locator("#in-person").count() == 0
