"""Every page links to the public list of published agreements (/public/agreements), for
signed-out visitors as much as for any signed-in user, in both languages."""

from __future__ import annotations

import re

import pytest

from tests.conftest import sign_in

LINK = re.compile(
    r'<footer[^>]*>.*?<a href="/public/agreements" id="public-agreements-link">([^<]+)</a>', re.S
)


def test_signed_out_visitors_see_the_link_and_it_opens_the_public_list(app):
    client = app.test_client()
    page = client.get("/login")
    assert page.status_code == 200
    assert LINK.search(page.data.decode()).group(1) == "调解协议公开"
    english = client.get("/login?lang=en").data.decode()
    assert LINK.search(english).group(1) == "Published mediation agreements"
    public = client.get("/public/agreements")
    assert public.status_code == 200
    assert LINK.search(public.data.decode())


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("claimant", "/my"),
        ("mediator", "/workspace"),
        ("admin", "/admin/users"),
        ("institution", "/my"),
        ("auditor", "/workspace"),
    ],
)
def test_signed_in_users_see_it_on_their_pages(app, make_user, role, path):
    make_user(f"{role}-pub", role, password="pw-long-enough")
    client = app.test_client()
    sign_in(client, f"{role}-pub", "pw-long-enough")
    page = client.get(path)
    assert page.status_code == 200, (role, path, page.status_code)
    assert LINK.search(page.data.decode())
