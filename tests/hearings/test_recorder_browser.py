"""The in-browser recorder is progressive enhancement: shown where the browser has
MediaRecorder, hidden (the file upload stays) where it has not."""

from __future__ import annotations

import pytest

from tests.conftest import case_payload

pytestmark = pytest.mark.browser


def test_recorder_shown_only_where_mediarecorder_exists(
    app, server, browser, make_user, mediator_api
):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("browser check runs once, on SQLite")
    make_user("li", "mediator", password="pw-long-enough")
    number = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    shown = {}
    for name, script in (("with", None), ("without", "delete window.MediaRecorder;")):
        context = browser.new_context(locale="zh-CN")
        if script:
            context.add_init_script(script)
        page = context.new_page()
        page.goto(server + "/login")
        page.fill("input[name=username]", "li")
        page.fill("input[name=password]", "pw-long-enough")
        page.click("#login-form button[type=submit]")
        page.goto(f"{server}/cases/{number}")
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-recorder]").count() == 1
        shown[name] = page.locator("[data-recorder]").is_visible()
        # The ordinary upload of a recording file is there either way.
        page.goto(f"{server}/cases/{number}/recordings")
        assert page.locator("#recordings input[type=file]").count() == 1
        context.close()
    assert shown == {"with": True, "without": False}
