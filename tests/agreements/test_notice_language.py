"""Notices in the recipient's language: a user's `language` (zh by default) is set when
they switch language while signed in, or by an administrator; notify writes each notice to
a user in that language, whatever the language of the person whose action caused it."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.agreements.conftest import CLAUSES, forget_rate_limit
from tests.conftest import Api, sign_in


def _switch(client, code: str):
    """The header's language button: a POST with the page's CSRF token."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return client.post(f"/lang/{code}", data={"csrf_token": token})


def _language(app, user_id: int) -> str:
    from mediation.people.model import User

    with app.extensions["mediation.sessionmaker"]() as s:
        return s.scalar(select(User.language).where(User.id == user_id))


def test_a_user_who_switches_to_english_gets_notices_in_english(signing, app):
    from mediation.notify.model import Notification
    from mediation.notify.sender import recent_notices

    s = signing
    assert _language(app, s.claimant_id) == "zh"
    client = app.test_client()
    sign_in(client, "claimant-a", "pw-long-enough")
    # A plain link switches the session only; the header's button saves the choice.
    assert client.get("/lang/en").status_code == 302
    assert _language(app, s.claimant_id) == "zh"
    assert client.post("/lang/en").status_code == 400  # no CSRF token: refused
    assert _switch(client, "en").status_code == 302
    assert _language(app, s.claimant_id) == "en"
    # Signed out, switching changes nobody's preference.
    assert _switch(app.test_client(), "zh").status_code == 302
    assert _language(app, s.claimant_id) == "en"

    # The mediator works in Chinese; the claimant's notice is in English.
    assert s.mediator.post(f"/api/cases/{s.number}/agreement", json={"clauses": CLAUSES})
    r = s.mediator.post(f"/api/cases/{s.number}/agreement/issue", json={})
    assert r.status_code == 200, r.get_json()
    to_claimant = recent_notices(user_id=s.claimant_id, key="notify.agreement.issued")[-1]
    assert to_claimant["text"].startswith("[") and "settlement agreement" in to_claimant["text"]
    with app.extensions["mediation.sessionmaker"]() as db:
        langs = dict(
            db.execute(
                select(Notification.user_id, Notification.lang).where(
                    Notification.key == "notify.agreement.issued"
                )
            ).all()
        )
    assert langs == {s.claimant_id: "en"}

    # The institution user (default zh) working through an English client gets Chinese.
    english = Api(app.test_client(), s.institution.headers["Authorization"][7:], lang="en")
    r = english.post(f"/api/cases/{s.number}/agreement/code", json={})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["message"].startswith("A code has been sent")  # the page is English
    code = recent_notices(user_id=s.institution_id, key="notify.code.agreement.sign")[-1]
    assert code["text"].startswith("【") and "调解协议签署验证码" in code["text"]

    # A code asked for through the API in Chinese still comes in the user's English.
    forget_rate_limit(app, s.claimant_id)
    r = s.claimant.post(f"/api/cases/{s.number}/agreement/code", json={})
    assert r.status_code == 200
    code = recent_notices(user_id=s.claimant_id, key="notify.code.agreement.sign")[-1]
    assert "Your code to sign the settlement agreement is" in code["text"]

    # Back to Chinese.
    _switch(client, "zh")
    assert _language(app, s.claimant_id) == "zh"


def test_administrator_sets_the_language_on_the_user_form(app, make_user):
    from mediation.people.model import User

    make_user("admin-lang", "admin", password="pw-long-enough")
    client = app.test_client()
    sign_in(client, "admin-lang", "pw-long-enough")
    page = client.get("/admin/users").data.decode()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert "通知语言" in page
    r = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "claimant-en",
            "display_name": "Ann",
            "role": "claimant",
            "password": "pw-long-enough",
            "language": "en",
        },
        follow_redirects=True,
    )
    assert "已创建用户 claimant-en" in r.data.decode()
    with app.extensions["mediation.sessionmaker"]() as s:
        user = s.scalars(select(User).where(User.username == "claimant-en")).one()
        user_id = user.id
        assert user.language == "en"
    client.post(
        f"/admin/users/{user_id}",
        data={"csrf_token": csrf, "action": "language", "language": "zh"},
    )
    assert _language(app, user_id) == "zh"
    r = client.post(
        f"/admin/users/{user_id}",
        data={"csrf_token": csrf, "action": "language", "language": "fr"},
        follow_redirects=True,
    )
    assert _language(app, user_id) == "zh"
    assert "字段“language”无效：zh | en" in r.data.decode()
    # A user created without choosing gets Chinese.
    client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "claimant-zh",
            "display_name": "王",
            "role": "claimant",
            "password": "pw-long-enough",
        },
    )
    with app.extensions["mediation.sessionmaker"]() as s:
        assert s.scalar(select(User.language).where(User.username == "claimant-zh")) == "zh"


def test_only_an_administrator_changes_someone_elses_language(app, make_user):
    make_user("med-lang", "mediator", password="pw-long-enough")
    other_id, _ = make_user("someone", "claimant")
    client = app.test_client()
    sign_in(client, "med-lang", "pw-long-enough")
    csrf = (
        re.search(rb'name="csrf-token" content="([^"]+)"', client.get("/workspace").data)
        .group(1)
        .decode()
    )
    r = client.post(
        f"/admin/users/{other_id}",
        data={"csrf_token": csrf, "action": "language", "language": "en"},
    )
    assert r.status_code == 403
    assert _language(app, other_id) == "zh"


def test_signing_in_again_brings_back_the_chosen_language(app, make_user):
    make_user("lang-user", "claimant", password="pw-long-enough")
    first = app.test_client()
    sign_in(first, "lang-user", "pw-long-enough")
    _switch(first, "en")
    later = app.test_client()  # another browser: no language in its session yet
    sign_in(later, "lang-user", "pw-long-enough")
    page = later.get("/my").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert '<html lang="zh' in app.test_client().get("/login").get_data(as_text=True)
