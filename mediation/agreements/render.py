"""The agreement as text and as PDF (WeasyPrint, PDF/A-3b, Noto CJK fonts embedded).

`agreement_blocks` is the single source of the agreement's words: the PDF shows exactly
these blocks, so `pdftotext` of the issued PDF equals their text once whitespace is removed
(a test checks it). The executed PDF adds a signature page and the centre's seal; it never
carries ledger data (sequence numbers, roots), because the ledger records its hash.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from mediation.agreements.templates import clause_text, date_zh

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "agreements"
FONTS = '"Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", serif'
SANS = '"Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", sans-serif'

_ENV = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape())

_CN = "零一二三四五六七八九"

ROLE_ZH = {"claimant": "申请人", "respondent": "被申请人", "mediator": "调解员"}
METHOD_ZH = {
    "sms_code": "短信验证码核验身份后在线确认",
    "email_code": "电子邮件验证码核验身份后在线确认",
    "in_person_code": "在调解中心现场签署书面文本，调解员核验身份证件，并经预留手机短信验证码确认",
    "in_person_paper": "在调解中心现场签署书面文本，调解员核验身份证件",
}


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (clause numbering, up to 99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN[ones]
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


@dataclass(frozen=True)
class PartyLine:
    role: str  # claimant | respondent
    kind: str  # person | institution
    name: str
    id_number: str | None = None
    address: str | None = None
    agent_name: str | None = None
    in_person: bool = False  # no portal account: signs the paper text at the centre


@dataclass(frozen=True)
class AgreementDoc:
    """Everything the agreement's text depends on (no database access while rendering)."""

    centre_name: str
    case_number: str
    dispute_zh: str
    received_on: str  # ISO date
    version: int
    parties: tuple[PartyLine, ...]
    clauses: tuple[dict, ...]
    mediator_name: str | None


@dataclass(frozen=True)
class Block:
    kind: str  # title | meta | party | para | clause | sign
    text: str


def _party_text(p: PartyLine) -> str:
    label = ROLE_ZH[p.role]
    text = f"{label}：{p.name}"
    if p.id_number:
        text += (
            "，统一社会信用代码：" if p.kind == "institution" else "，身份证号码："
        ) + p.id_number
    if p.address:
        text += ("，住所：" if p.kind == "institution" else "，住址：") + p.address
    if p.agent_name:
        text += f"，委托代理人：{p.agent_name}"
    return text


def agreement_blocks(doc: AgreementDoc) -> list[Block]:
    blocks = [
        Block("title", "调解协议书"),
        Block("meta", f"案件编号：{doc.case_number}　第{doc.version}版"),
        Block("meta", f"调解机构：{doc.centre_name}"),
    ]
    blocks += [Block("party", _party_text(p)) for p in doc.parties]
    blocks.append(
        Block(
            "para",
            f"申请人与被申请人因{doc.dispute_zh}纠纷，于{date_zh(doc.received_on)}向{doc.centre_name}"
            "申请调解。经调解员主持调解，双方在平等自愿的基础上达成如下协议：",
        )
    )
    in_person = any(p.in_person for p in doc.parties)
    how = (
        "本协议由申请人、被申请人及调解员通过本中心在线平台签署，各方签署前均经一次性验证码核验身份；"
        if not in_person
        else "本协议由各方通过本中心在线平台签署，或在本中心现场签署书面文本；在线签署前经一次性验证码"
        "核验身份，现场签署由调解员核验身份证件；"
    )
    standard = [
        how + "各方的签署记录及本协议文件的SHA-256指纹记入本案证据账本。",
        "本协议自各方全部签署完成之日起生效，对双方具有法律约束力，双方应当按照约定履行。",
        "双方当事人可以自本协议生效之日起三十日内，共同向有管辖权的人民法院申请司法确认。",
        "本协议约定事项履行完毕后，双方就本纠纷再无其他争议。",
    ]
    texts = [clause_text(c) for c in doc.clauses] + standard
    blocks += [Block("clause", f"{cn_number(i)}、{text}") for i, text in enumerate(texts, 1)]

    def signers(role: str) -> str:
        return "、".join(
            f"{p.name}（{'现场签署' if p.in_person else '在线签署'}）"
            for p in doc.parties
            if p.role == role
        )

    blocks += [
        Block("sign", f"申请人：{signers('claimant')}"),
        Block("sign", f"被申请人：{signers('respondent')}"),
        Block("sign", f"调解员：{doc.mediator_name or ''}（在线签署）"),
        Block("sign", f"调解机构：{doc.centre_name}（印章）"),
        Block(
            "sign",
            f"签署时间以本协议签署页所载各方{'' if in_person else '在线'}签署记录为准。",
        ),
    ]
    return blocks


def agreement_text(doc: AgreementDoc) -> str:
    """The agreement's words, one block a line (stored as the frozen text at issue)."""
    return "\n".join(b.text for b in agreement_blocks(doc))


# Seal -------------------------------------------------------------------------------------


def seal_svg(centre_name: str, bottom: str = "调解专用章") -> str:
    """A red round seal: the centre's name along the top arc, a star, a line below.

    Each character is placed and rotated on its own (no textPath), which every SVG
    renderer draws the same way.
    """
    size, cx, cy, r = 200, 100, 100, 94
    chars = list(centre_name)[:24] or ["印"]
    span = min(250.0, 18.0 * len(chars) + 20)  # degrees of arc the name takes
    font = max(13, min(22, int(560 / max(len(chars), 1))))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">',
        f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#d0021b" stroke-width="5"/>',
    ]
    radius = r - 14 - font / 2
    for i, ch in enumerate(chars):
        angle = -span / 2 + (span * (i + 0.5) / len(chars))  # 0 = straight up
        rad = math.radians(angle)
        x = cx + radius * math.sin(rad)
        y = cy - radius * math.cos(rad)
        parts.append(
            f'<text x="{x:.2f}" y="{y:.2f}" font-size="{font}" fill="#d0021b" '
            f'font-family="Noto Sans CJK SC, Noto Serif CJK SC" text-anchor="middle" '
            f'dominant-baseline="central" transform="rotate({angle:.2f} {x:.2f} {y:.2f})">'
            f"{escape(ch)}</text>"
        )
    star = []
    for k in range(10):
        rr = 26 if k % 2 == 0 else 10.5
        a = math.radians(-90 + 36 * k)
        star.append(f"{cx + rr * math.cos(a):.2f},{cy + rr * math.sin(a):.2f}")
    parts.append(f'<polygon points="{" ".join(star)}" fill="#d0021b"/>')
    parts.append(
        f'<text x="{cx}" y="{cy + 52}" font-size="15" fill="#d0021b" text-anchor="middle" '
        f'font-family="Noto Sans CJK SC, Noto Serif CJK SC">{escape(bottom)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def seal_data_uri(centre_name: str, seal_file: str | None = None) -> str:
    """The centre's own seal image (PNG, JPEG or SVG file) if configured, else a generated one."""
    if seal_file and Path(seal_file).is_file():
        data = Path(seal_file).read_bytes()
        kind = (
            "image/png"
            if data.startswith(b"\x89PNG")
            else "image/jpeg"
            if data.startswith(b"\xff\xd8")
            else "image/svg+xml"
        )
        return f"data:{kind};base64," + base64.b64encode(data).decode()
    svg = seal_svg(centre_name).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


# PDF --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureLine:
    role: str
    who: str  # the party's name, or the mediator's; the person acting for an institution
    signed_at: datetime  # UTC, naive
    method: str
    pdf_sha256: str


def _pdf(html: str, title: str, attachment: dict) -> bytes:
    from weasyprint import HTML, Attachment

    data = json.dumps(attachment, ensure_ascii=False, indent=2, sort_keys=True)
    return HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf(
        pdf_variant="pdf/a-3b",
        attachments=[
            Attachment(
                string=data,
                name="agreement-terms.json",
                description=f"{title} (structured terms)",
                relationship="Data",
            )
        ],
    )


def render_pdf(doc: AgreementDoc, terms: dict, *, draft: bool = False) -> bytes:
    """The agreement PDF that the parties sign (or a draft preview, marked as such)."""
    html = _ENV.get_template("pdf.html").render(
        blocks=agreement_blocks(doc),
        fonts=FONTS,
        sans=SANS,
        title=f"调解协议书 {doc.case_number}",
        draft=draft,
        signatures=None,
    )
    return _pdf(html, f"调解协议书 {doc.case_number}", terms)


def render_executed_pdf(
    doc: AgreementDoc,
    terms: dict,
    signatures: list[SignatureLine],
    *,
    signed_sha256: str,
    effective_on: str,
    seal_uri: str,
    timezone: str = "Asia/Shanghai",
) -> bytes:
    """The agreement with its signature page: who signed, when, over which hash, and the
    centre's seal. The ledger holds this file's hash, so the file holds no ledger data."""
    tz = ZoneInfo(timezone)
    rows = [
        {
            "role": ROLE_ZH.get(s.role, s.role),
            "who": s.who,
            "at": s.signed_at.replace(tzinfo=ZoneInfo("UTC"))
            .astimezone(tz)
            .strftime("%Y-%m-%d %H:%M:%S"),
            "method": METHOD_ZH.get(s.method, s.method),
            "sha256": s.pdf_sha256,
        }
        for s in signatures
    ]
    html = _ENV.get_template("pdf.html").render(
        blocks=agreement_blocks(doc),
        fonts=FONTS,
        sans=SANS,
        title=f"调解协议书 {doc.case_number}",
        draft=False,
        signatures=rows,
        signed_sha256=signed_sha256,
        effective_zh=date_zh(effective_on),
        centre_name=doc.centre_name,
        seal_uri=seal_uri,
        tz_label=timezone,
    )
    return _pdf(html, f"调解协议书 {doc.case_number}", terms)
