"""The mediator's pages in a real Chromium: sign in, see the queue by urgency, open a case,
move it to the next stage through the form."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import case_payload

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture
def server(app):
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture
def browser():
    if not shutil.which("chromium") and not shutil.which("/usr/bin/chromium"):
        pytest.skip("chromium is not installed (bin/setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


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
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "用户名或密码错误。"

    page.fill("input[name=username]", "li")
    page.fill("input[name=password]", "correct horse 1")
    page.click("button[type=submit]")
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
