"""A court clerk in a real Chromium: sign in, upload the packet zip on the inbox page, read
the verification report, accept, record the ruling; the case moves to performance."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_clerk_uploads_accepts_and_confirms_in_a_browser(
    app, court_setup, server, browser, tmp_path
):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("browser flow runs once, on SQLite")
    s = court_setup
    packet = tmp_path / "packet.zip"
    packet.write_bytes(s.packet_zip)
    page = browser.new_page(locale="zh-CN")
    page.goto(server + "/court")
    page.fill("input[name=username]", "clerk-J001")
    page.fill("input[name=password]", "pw-long-enough")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#packet-upload")
    assert "暂无申请" in page.locator("#court-inbox").inner_text()
    page.set_input_files("#packet-upload input[name=packet]", str(packet))
    page.click("#packet-upload button[type=submit]")
    page.wait_for_selector("#verification")
    assert page.locator("#verification").get_attribute("data-ok") == "true"
    assert "2026-03-19" in page.locator("#submission").inner_text()
    page.screenshot(path=str(tmp_path / "submission.png"), full_page=True)

    page.fill("#accept-form input[name=court_case_number]", "(2026)示0101民特1号")
    page.click("#accept-form button[type=submit]")
    page.wait_for_selector("#ruling-form")
    assert page.locator("#submission").get_attribute("data-status") == "accepted"
    assert "2026-03-31" in page.locator("#submission").inner_text()  # 15 days from 03-16

    page.select_option("#ruling-form select[name=outcome]", "confirmed")
    page.click("#ruling-form button[type=submit]")
    page.wait_for_selector("#verification")
    assert page.locator("#submission").get_attribute("data-status") == "confirmed"

    page.goto(server + "/court")
    row = page.locator("#court-inbox tbody tr").first
    assert s.number in row.inner_text() and "裁定调解协议有效" in row.inner_text()
    case = s.mediator.get(f"/api/cases/{s.number}").get_json()
    assert case["stage"] == "performance"
