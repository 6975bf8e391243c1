"""A claimant files a complaint online, one step at a time (who, which institution and
product, what happened, what you want, check and send). The draft lives in the session
until it is sent, so a step with a mistake loses nothing already typed."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from mediation.cases import operations
from mediation.cases.model import Channel, DisputeType, PartyKind, PartyRole
from mediation.cases.service import deadline_context
from mediation.errors import Forbidden, UserError
from mediation.people.model import Role
from mediation.web import inputs
from mediation.web.pages import require_user
from mediation.web.setup import db, today

bp = Blueprint("filing", __name__, url_prefix="/my/new")

STEPS = ("who", "institution", "facts", "request", "review")
FIELDS = {
    "who": ("name", "id_number", "phone", "address", "agent_name", "agent_phone"),
    "institution": ("institution", "dispute_type", "product"),
    "facts": ("facts",),
    "request": ("request", "amount_claimed"),
    "review": (),
}
REQUIRED = {"name", "phone", "institution", "dispute_type", "facts", "request"}


def _draft() -> dict:
    return session.setdefault("filing", {})


def _validate(step: str, draft: dict) -> None:
    for name in FIELDS[step]:
        if name in REQUIRED and not (draft.get(name) or "").strip():
            raise UserError("missing_field", field=name)
    if step == "institution":
        inputs.parse_enum(DisputeType, draft.get("dispute_type"), "dispute_type")
    if step == "request":
        inputs.parse_amount(draft.get("amount_claimed"), "amount_claimed")


@bp.route("/<step>", methods=["GET", "POST"])
def step_page(step: str):
    user = require_user()
    if user.role != Role.CLAIMANT:
        raise Forbidden()
    if step not in STEPS:
        return redirect(url_for("filing.step_page", step=STEPS[0]))
    draft = _draft()
    error = None
    if request.method == "POST":
        for name in FIELDS[step]:
            draft[name] = (request.form.get(name) or "").strip()[:5000]
        session.modified = True
        try:
            _validate(step, draft)
            if step == "review":
                return _submit(user, draft)
            return redirect(url_for("filing.step_page", step=STEPS[STEPS.index(step) + 1]))
        except UserError as exc:
            error = exc.message(g.lang)
    index = STEPS.index(step)
    return render_template(
        "portal/new_case.html",
        step=step,
        index=index,
        steps=STEPS,
        draft=draft,
        error=error,
        dispute_types=[d.value for d in DisputeType],
        back=url_for("filing.step_page", step=STEPS[index - 1]) if index else None,
    ), (400 if error else 200)


def _submit(user, draft: dict):
    for step in STEPS[:-1]:
        _validate(step, draft)
    facts = draft["facts"]
    if draft.get("product"):
        facts = f"{draft['product']}：{facts}"
    data = operations.CaseInput(
        dispute_type=DisputeType(draft["dispute_type"]),
        channel=Channel.ONLINE,
        request=draft["request"],
        facts=facts,
        received_on=today(),
        amount_claimed=inputs.parse_amount(draft.get("amount_claimed"), "amount_claimed"),
        parties=[
            operations.PartyInput(
                role=PartyRole.CLAIMANT,
                kind=PartyKind.PERSON,
                name=draft["name"],
                id_number=draft.get("id_number") or None,
                phone=draft.get("phone") or None,
                address=draft.get("address") or None,
                agent_name=draft.get("agent_name") or None,
                agent_phone=draft.get("agent_phone") or None,
                user_id=user.id,
            ),
            operations.PartyInput(
                role=PartyRole.RESPONDENT, kind=PartyKind.INSTITUTION, name=draft["institution"]
            ),
        ],
    )
    session_ = db()
    case = operations.create_case(
        session_, user.centre, user, data, deadline_context(session_, user.centre, today())
    )
    session_.commit()
    session.pop("filing", None)
    return redirect(url_for("pages.case_page", number=case.number))
