"""Clause templates of a settlement agreement, as data: each template names its fields
(type, required) and the Chinese text of the clause. The English is only for the labels
of the editor (messages.py: agreements.template.<key>, agreements.field.<name>).

An agreement's terms are stored as JSON: a list of clauses, each
{"template": <key>, "fields": {<name>: <value as text, or a list for instalments>}}.
`validate_clauses` turns raw input (API JSON or the editor's form) into that normal form
or raises an `AgreementError` naming the clause and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from mediation.agreements.errors import AgreementError

MAX_AMOUNT = Decimal("1000000000000")  # 1e12 yuan: above that an amount is a typing error
MAX_INSTALMENTS = 120

PAYERS = ("respondent", "claimant")
PAYER_ZH = {"respondent": "被申请人", "claimant": "申请人"}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # money | date | text | choice | instalments
    required: bool = True
    max_len: int = 200
    choices: tuple[str, ...] = ()
    default: str | None = None


@dataclass(frozen=True)
class ClauseTemplate:
    key: str
    title: str  # zh, the clause's heading in the editor and the schedule
    fields: tuple[Field, ...]
    text: str  # zh, str.format over the normalised fields and the derived ones
    # Optional parts appended in order when their field has a value.
    optional: tuple[tuple[str, str], ...] = ()
    tail: str = "。"
    payments: bool = False  # whether the clause produces payments (payment_schedule)
    extra: dict = field(default_factory=dict)


TEMPLATES: dict[str, ClauseTemplate] = {
    t.key: t
    for t in (
        ClauseTemplate(
            key="refund",
            title="退款",
            fields=(
                Field("amount", "money"),
                Field("pay_by", "date"),
                Field("product", "text", required=False, max_len=100),
                Field("account", "text", required=False, max_len=100),
            ),
            text="被申请人同意向申请人退还{product_part}款项人民币{amount}元（大写：{amount_upper}），"
            "于{pay_by_zh}前支付完毕",
            optional=(("account", "，支付至申请人指定账户（{account}）"),),
            payments=True,
        ),
        ClauseTemplate(
            key="compensation",
            title="赔偿",
            fields=(
                Field("amount", "money"),
                Field("pay_by", "date"),
                Field("basis", "text", required=False, max_len=200),
                Field("account", "text", required=False, max_len=100),
            ),
            text="被申请人{basis_part}一次性向申请人支付赔偿款人民币{amount}元（大写：{amount_upper}），"
            "于{pay_by_zh}前支付完毕",
            optional=(("account", "，支付至申请人指定账户（{account}）"),),
            payments=True,
        ),
        ClauseTemplate(
            key="waiver",
            title="减免利息罚息",
            fields=(
                Field("contract", "text", max_len=100),
                Field("interest", "money", required=False),
                Field("penalty", "money", required=False),
                Field("done_by", "date"),
            ),
            text="被申请人同意就申请人名下{contract}项下的欠款{waiver_part}，"
            "并于{done_by_zh}前完成减免及相关信用记录的调整",
        ),
        ClauseTemplate(
            key="instalments",
            title="分期还款",
            fields=(
                Field("payer", "choice", choices=PAYERS, default="claimant"),
                Field("total", "money"),
                Field("instalments", "instalments"),
                Field("contract", "text", required=False, max_len=100),
                Field("account", "text", required=False, max_len=100),
            ),
            text="{payer_zh}同意{contract_part}分{count}期支付共计人民币{total}元（大写：{total_upper}），"
            "具体为：{instalment_list}",
            optional=(("account", "；款项支付至{payee_zh}指定账户（{account}）"),),
            payments=True,
        ),
        ClauseTemplate(
            key="apology",
            title="赔礼道歉",
            fields=(
                Field("manner", "choice", choices=("written", "in_person", "phone")),
                Field("by", "date"),
            ),
            text="被申请人就本纠纷给申请人造成的不便，于{by_zh}前以{manner_zh}方式向申请人赔礼道歉",
        ),
        ClauseTemplate(
            key="withdrawal",
            title="撤回投诉",
            fields=(
                Field("scope", "text", required=False, max_len=200),
                Field("within_days", "text", required=False, max_len=3, default="7"),
            ),
            text="申请人同意于本协议生效之日起{within_days}日内撤回{scope_text}，"
            "并不再就同一事实向被申请人另行主张权利",
        ),
    )
}

MANNER_ZH = {"written": "书面", "in_person": "当面", "phone": "电话"}


# Parsing ------------------------------------------------------------------------------


def parse_money(raw: object, clause: int, template: str, name: str) -> Decimal:
    text = str(raw).strip().replace(",", "").replace("，", "") if raw is not None else ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise AgreementError("agreements.bad_amount", clause, template, name) from None
    if not value.is_finite() or value <= 0 or value >= MAX_AMOUNT:
        raise AgreementError("agreements.bad_amount", clause, template, name)
    if value.as_tuple().exponent < -2:
        raise AgreementError("agreements.bad_amount", clause, template, name)
    return value.quantize(Decimal("0.01"))


def parse_day(raw: object, clause: int, template: str, name: str) -> date:
    try:
        return date.fromisoformat(str(raw).strip())
    except (TypeError, ValueError):
        raise AgreementError("agreements.bad_date", clause, template, name) from None


def _parse_instalments(raw: object, clause: int, template: str) -> list[dict]:
    """A list of {"due_on", "amount"}, or the editor's text: one "YYYY-MM-DD amount" a line."""
    if isinstance(raw, str):
        rows = []
        for line in raw.splitlines():
            parts = line.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise AgreementError(
                    "agreements.bad_instalment_line",
                    clause,
                    template,
                    "instalments",
                    line=line.strip(),
                )
            rows.append({"due_on": parts[0], "amount": parts[1]})
        raw = rows
    if not isinstance(raw, list) or not raw:
        raise AgreementError("agreements.field_required", clause, template, "instalments")
    if len(raw) > MAX_INSTALMENTS:
        raise AgreementError(
            "agreements.too_many_instalments", clause, template, "instalments", max=MAX_INSTALMENTS
        )
    out = []
    previous: date | None = None
    for item in raw:
        if not isinstance(item, dict):
            raise AgreementError("agreements.field_required", clause, template, "instalments")
        due = parse_day(item.get("due_on"), clause, template, "instalments")
        amount = parse_money(item.get("amount"), clause, template, "instalments")
        if previous is not None and due <= previous:
            raise AgreementError("agreements.instalment_order", clause, template, "instalments")
        previous = due
        out.append({"due_on": due.isoformat(), "amount": str(amount)})
    return out


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def validate_clause(raw: object, index: int) -> dict:
    if not isinstance(raw, dict):
        raise AgreementError("agreements.unknown_template", index, "?", None)
    key = str(raw.get("template") or "")
    template = TEMPLATES.get(key)
    if template is None:
        raise AgreementError("agreements.unknown_template", index, key or "?", None)
    given = raw.get("fields") or {}
    if not isinstance(given, dict):
        raise AgreementError("agreements.field_required", index, key, template.fields[0].name)
    unknown = set(given) - {f.name for f in template.fields}
    if unknown:
        raise AgreementError("agreements.unknown_field", index, key, sorted(unknown)[0])
    fields: dict[str, object] = {}
    for f in template.fields:
        value = given.get(f.name)
        if _blank(value):
            if f.default is not None:
                value = f.default
            elif f.required:
                raise AgreementError("agreements.field_required", index, key, f.name)
            else:
                continue
        if f.kind == "money":
            fields[f.name] = str(parse_money(value, index, key, f.name))
        elif f.kind == "date":
            fields[f.name] = parse_day(value, index, key, f.name).isoformat()
        elif f.kind == "choice":
            if str(value) not in f.choices:
                raise AgreementError("agreements.bad_choice", index, key, f.name)
            fields[f.name] = str(value)
        elif f.kind == "instalments":
            fields[f.name] = _parse_instalments(value, index, key)
        else:
            text = " ".join(str(value).split())
            if len(text) > f.max_len:
                raise AgreementError("agreements.too_long", index, key, f.name, max=f.max_len)
            fields[f.name] = text
    # Rules between fields.
    if key == "waiver" and "interest" not in fields and "penalty" not in fields:
        raise AgreementError("agreements.waiver_empty", index, key, "interest")
    if key == "instalments":
        total = sum(Decimal(i["amount"]) for i in fields["instalments"])
        if total != Decimal(fields["total"]):
            raise AgreementError(
                "agreements.instalments_sum",
                index,
                key,
                "instalments",
                sum=str(total),
                total=fields["total"],
            )
    if key == "withdrawal":
        days = str(fields.get("within_days", "7"))
        if not days.isdigit() or not 1 <= int(days) <= 365:
            raise AgreementError("agreements.bad_days", index, key, "within_days")
    return {"template": key, "fields": fields}


def validate_clauses(raw: object) -> list[dict]:
    """The normal form of an agreement's clauses, or an AgreementError."""
    if not isinstance(raw, list) or not raw:
        raise AgreementError("agreements.no_clauses", None, None, None)
    if len(raw) > 20:
        raise AgreementError("agreements.too_many_clauses", None, None, None, max=20)
    return [validate_clause(item, i) for i, item in enumerate(raw)]


# Text ----------------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _group_upper(g: int) -> str:
    out, zero = "", False
    for pos in (3, 2, 1, 0):
        d = g // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + _UNITS[pos]
    return out


def rmb_upper(amount: Decimal) -> str:
    """人民币大写 as written on Chinese financial documents: 12010.50 → 壹万贰仟零壹拾元伍角."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    yuan = int(amount)
    cents = int((amount - yuan) * 100)
    jiao, fen = divmod(cents, 10)
    groups = []
    n = yuan
    while n:
        groups.append(n % 10000)
        n //= 10000
    whole, gap = "", False
    for i in reversed(range(len(groups))):
        g = groups[i]
        if g == 0:
            gap = bool(whole)
            continue
        if whole and (gap or g < 1000):
            whole += "零"
        whole += _group_upper(g) + _GROUPS[i]
        gap = False
    out = whole + "元" if whole else ""
    if jiao == 0 and fen == 0:
        return (out or "零元") + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif out:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    return out


def date_zh(value: str | date) -> str:
    d = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{d.year}年{d.month}月{d.day}日"


def clause_text(clause: dict) -> str:
    """The Chinese text of one validated clause (no numbering)."""
    template = TEMPLATES[clause["template"]]
    f = dict(clause["fields"])
    params: dict[str, object] = dict(f)
    for name, value in f.items():
        spec = next(x for x in template.fields if x.name == name)
        if spec.kind == "date":
            params[f"{name}_zh"] = date_zh(value)
        elif spec.kind == "money":
            params[f"{name}_upper"] = rmb_upper(Decimal(value))
    params["product_part"] = f"{f['product']}相关" if f.get("product") else ""
    params["basis_part"] = f"因{f['basis']}，" if f.get("basis") else ""
    params["contract_part"] = (
        f"就{f['contract']}项下欠款" if f.get("contract") and template.key == "instalments" else ""
    )
    if template.key == "waiver":
        parts = []
        if f.get("interest"):
            parts.append(f"减免利息人民币{f['interest']}元")
        if f.get("penalty"):
            parts.append(f"减免罚息人民币{f['penalty']}元")
        params["waiver_part"] = "、".join(parts)
    if template.key == "instalments":
        payer = f["payer"]
        params["payer_zh"] = PAYER_ZH[payer]
        params["payee_zh"] = PAYER_ZH["claimant" if payer == "respondent" else "respondent"]
        params["count"] = len(f["instalments"])
        params["instalment_list"] = "；".join(
            f"第{i}期于{date_zh(x['due_on'])}前支付人民币{x['amount']}元"
            for i, x in enumerate(f["instalments"], 1)
        )
    if template.key == "apology":
        params["manner_zh"] = MANNER_ZH[f["manner"]]
    if template.key == "withdrawal":
        params["within_days"] = f.get("within_days", "7")
        params["scope_text"] = (
            f"其{f['scope']}"
            if f.get("scope")
            else "其就本纠纷向监管部门及其他机构提出的投诉、举报"
        )
    text = template.text.format(**params)
    for name, part in template.optional:
        if f.get(name):
            text += part.format(**params)
    return text + template.tail


def template_catalogue() -> list[dict]:
    """The templates for an editor: key, zh title, fields with type, required, choices."""
    return [
        {
            "key": t.key,
            "title": t.title,
            "payments": t.payments,
            "fields": [
                {
                    "name": f.name,
                    "kind": f.kind,
                    "required": f.required,
                    "choices": list(f.choices),
                    "default": f.default,
                }
                for f in t.fields
            ],
        }
        for t in TEMPLATES.values()
    ]
