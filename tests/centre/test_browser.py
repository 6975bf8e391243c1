"""The administrator's dashboard in a real Chromium: signs in, sees the SVG charts drawn
from the stored cases, filters by region, and reaches the assignment page."""

from __future__ import annotations

import pytest

from tests.conftest import case_payload

pytestmark = pytest.mark.browser


def test_dashboard_draws_its_charts_in_chromium(app, server, browser, make_user, tmp_path):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("browser flow runs once, on SQLite")
    from tests.conftest import Api

    make_user("centre-admin", "admin", password="correct horse 2")
    _, token = make_user("api-admin", "admin")
    api = Api(app.test_client(), token)
    for region, dtype in (("城关镇", "insurance"), ("城关镇", "insurance"), ("东河乡", "banking")):
        r = api.post("/api/cases", json=case_payload(region=region, dispute_type=dtype))
        assert r.status_code == 201, r.get_json()

    page = browser.new_page(locale="zh-CN")
    page.goto(server + "/centre/dashboard")
    assert "/login" in page.url
    page.fill("input[name=username]", "centre-admin")
    page.fill("input[name=password]", "correct horse 2")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("svg.chart")
    assert page.locator("svg.chart").count() == 9

    by_type = page.locator("#chart-by-type")
    assert by_type.is_visible()
    box = by_type.bounding_box()
    assert box["width"] > 200 and box["height"] > 40  # laid out, not collapsed
    bars = by_type.locator("g.bar")
    assert bars.count() == 2
    labels = [bars.nth(i).get_attribute("data-label") for i in range(2)]
    assert labels == ["银行业务", "保险"]
    widths = [float(bars.nth(i).locator("rect").get_attribute("width")) for i in range(2)]
    assert widths[1] == pytest.approx(2 * widths[0])  # 2 insurance cases against 1 banking
    assert page.locator("#kpi-cases b").inner_text() == "3"
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    page.select_option("select[name=region]", "东河乡")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("svg.chart")
    assert "region=" in page.url
    assert page.locator("#kpi-cases b").inner_text() == "1"
    assert page.locator("#chart-by-type g.bar").count() == 1

    page.click("text=调解员")
    page.wait_for_selector("#mediators")
