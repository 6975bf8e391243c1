"""The administrator's pages: users, calendar, rule sets; others are refused."""

from __future__ import annotations

import io
import re

import pytest

from tests.cases.test_cli import SCHEDULE_2027


@pytest.mark.parametrize("path", ["/admin/users", "/admin/calendar", "/admin/rules"])
def test_admin_pages_refuse_everyone_else(app, signed_in, path):
    client, _ = signed_in("m", "mediator")
    assert client.get(path).status_code == 403
    assert app.test_client().get(path).status_code == 302  # not signed in: to the login page


def test_admin_creates_a_user_who_can_sign_in_and_issues_a_token(app, signed_in):
    client, token = signed_in("boss", "admin")
    r = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "zhao",
            "display_name": "赵调解",
            "role": "mediator",
            "password": "short",
        },
    )
    assert "密码至少需要10位。" in client.get(r.headers["Location"]).get_data(as_text=True)
    client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "zhao",
            "display_name": "赵调解",
            "role": "mediator",
            "password": "long enough pw",
        },
    )
    page = client.get("/admin/users").get_data(as_text=True)
    assert "赵调解" in page
    ids = re.findall(r"/admin/users/(\d+)", page)
    client.post(f"/admin/users/{ids[-1]}", data={"csrf_token": token, "action": "token"})
    shown = client.get("/admin/users").get_data(as_text=True)
    api_token = re.search(r"（只显示这一次）：([\w-]+)", shown).group(1)
    assert (
        app.test_client()
        .get("/api/cases", headers={"Authorization": f"Bearer {api_token}"})
        .status_code
        == 200
    )


def test_admin_imports_a_schedule_and_overrides_a_day(app, signed_in):
    client, token = signed_in("boss", "admin")
    assert "未核实" in client.get("/admin/calendar?year=2027").get_data(as_text=True)
    r = client.post(
        "/admin/calendar",
        data={"csrf_token": token, "schedule": (io.BytesIO(SCHEDULE_2027.encode()), "2027.yaml")},
        content_type="multipart/form-data",
    )
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已核实" in page and "2027-02-14" in page
    bad = client.post(
        "/admin/calendar",
        data={"csrf_token": token, "schedule": (io.BytesIO(b"/etc/passwd.yaml"), "x.yaml")},
        content_type="multipart/form-data",
    )
    assert "节假日安排文件有误" in client.get(bad.headers["Location"]).get_data(as_text=True)
    client.post(
        "/admin/calendar",
        data={"csrf_token": token, "day": "2026-03-04", "kind": "day_off", "name": "停工"},
    )
    assert "停工" in client.get("/admin/calendar?year=2026").get_data(as_text=True)


def test_admin_switches_the_rule_set(app, signed_in):
    client, token = signed_in("boss", "admin")
    page = client.get("/admin/rules").get_data(as_text=True)
    assert 'id="rule-CPL-205"' in page and "第二百零五条" in page
    client.post("/admin/rules", data={"csrf_token": token, "rule_set": "people-mediation"})
    assert '<option value="people-mediation" selected>' in client.get("/admin/rules").get_data(
        as_text=True
    )
