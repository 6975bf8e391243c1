"""Outcomes of precedents and a suggested mediation plan built from them.

A suggestion is an aid for the mediator, never a decision: every figure and term in it
names the precedents it came from, and it states how many cases it rests on.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from nlp.keyfacts import extract_amounts, extract_rates


class Outcome:
    """Outcome codes (stored as plain strings)."""

    SETTLED = "settled"  # mediation agreement / settlement
    SUPPORTED = "claim_supported"  # court supported the claim
    PARTLY = "claim_partly_supported"
    REJECTED = "claim_rejected"
    FAILED = "mediation_failed"
    WITHDRAWN = "withdrawn"
    NOT_ACCEPTED = "not_accepted"
    UNKNOWN = "unknown"

    ALL = (SETTLED, SUPPORTED, PARTLY, REJECTED, FAILED, WITHDRAWN, NOT_ACCEPTED, UNKNOWN)
    # Outcomes that say what a dispute like this ends with (the basis of a plan).
    RESOLVED = (SETTLED, SUPPORTED, PARTLY)


_REJECTED = re.compile(r"驳回[^。；]{0,12}(?:全部)?诉讼请求|驳回起诉|不予支持[^。]{0,6}全部")
_NOT_SUPPORTED = re.compile(r"不予支持|不予采纳|不予认可|不予保护|不应支持|无法支持|驳回")
_SUPPORTED = re.compile(
    r"予以支持|应予支持|本院支持|依法支持|应当(?:归还|偿还|返还|支付|承担)|应(?:归还|偿还|返还|支付)"
)
_SETTLED = re.compile(r"调解协议|和解协议|达成(?:调解|和解)?协议|自愿达成|调解结案")


def classify_outcome(text: str | None) -> str:
    """From a court's reasoning or a settlement note: which way the dispute went."""
    if not text or not text.strip():
        return Outcome.UNKNOWN
    if _SETTLED.search(text):
        return Outcome.SETTLED
    if _REJECTED.search(text) and not _SUPPORTED.search(text):
        return Outcome.REJECTED
    supported = bool(_SUPPORTED.search(text))
    partly = bool(_NOT_SUPPORTED.search(text))
    if supported and partly:
        return Outcome.PARTLY
    if supported:
        return Outcome.SUPPORTED
    if partly:
        return Outcome.REJECTED
    return Outcome.UNKNOWN


# Terms that recur in settlements and judgments of financial disputes.
TERM_PATTERNS: dict[str, str] = {
    "instalments": r"分(?:[0-9一二三四五六七八九十]+)?期|每月(?:偿还|归还|还款|支付)|按月(?:偿还|归还|还款)|还款计划",
    "interest_waived": r"(?:免除|减免|免收|放弃|不再(?:主张|收取|计收))[^。；]{0,6}(?:利息|罚息|复利)|利息[^。；]{0,10}不予支持",
    "interest_capped": r"(?:超过|超出|高于)[^。；]{0,20}(?:部分|利率)[^。；]{0,10}(?:不予支持|无效|不予保护)|四倍|年利率24%|年利率36%|调整为|降低至|自愿降低",
    "penalty_waived": r"(?:免除|减免|不再主张|不予支持)[^。；]{0,8}(?:违约金|滞纳金|罚息)",
    "principal_refund": r"(?:退还|返还|退回)[^。；]{0,10}(?:本金|保费|款项|投资款)",
    "joint_liability": r"连带(?:清偿|偿还|保证|赔偿)?责任",
    "credit_record_repair": r"(?:消除|修复|更正|撤销)[^。；]{0,8}(?:征信|不良(?:信用)?记录)",
    "collection_stopped": r"停止(?:催收|催讨)",
    "costs_shared": r"(?:诉讼费|受理费|案件受理费)[^。；]{0,20}(?:各半|分担|各自负担|由双方)",
    "costs_on_respondent": r"(?:诉讼费|受理费|案件受理费)[^。；]{0,20}由被告(?:[^。；，]{0,10})?(?:负担|承担)",
    "attorney_fee": r"律师费",
    "lpr_interest": r"LPR|贷款市场报价利率",
    "spouse_joint_debt": r"夫妻共同债务",
    "limitation_expired": r"超过(?:了)?诉讼时效",
}
STATUTE_RE = re.compile(
    r"《(?:中华人民共和国)?(?P<law>[^》]{2,40})》(?P<art>第[零〇一二三四五六七八九十百千]+条(?:第[零〇一二三四五六七八九十]+款)?)"
)
POINT_PATTERNS: dict[str, str] = {
    "loan_agreement_proven": r"借贷合意|借贷关系(?:成立|合法有效|真实)",
    "money_delivered": r"(?:款项|借款)(?:已)?(?:实际)?交付|履行了(?:款项)?(?:交付|出借)义务",
    "interest_cap": r"利率[^。；]{0,30}(?:超过|超出)[^。；]{0,20}(?:不予支持|无效)|受法律保护的(?:利率)?",
    "no_interest_agreed": r"未约定(?:借期内)?(?:的)?利息|视为没有利息|约定不明",
    "guarantee_liability": r"保证(?:人|责任)[^。；]{0,20}(?:承担|免除)|保证期间",
    "spouse_debt": r"夫妻共同债务",
    "limitation": r"诉讼时效",
    "duty_to_explain": r"(?:提示|说明|告知)义务|如实告知",
    "suitability": r"适当性",
    "creditor_assignment": r"债权转让[^。；]{0,20}(?:通知|有效)",
    "burden_of_proof": r"举证(?:责任|不能)|承担不利(?:的)?(?:法律)?后果",
}


@dataclass
class PlanSource:
    """One similar case a plan is built from."""

    key: int
    ref: str
    title: str
    score: float
    outcome: str
    text: str  # what was decided or agreed (outcome text or the closing note)
    claimed: Decimal | None = None  # what was claimed in that case


@dataclass
class Traced:
    code: str
    sources: list[str] = field(default_factory=list)  # refs
    detail: str | None = None

    def to_json(self) -> dict:
        out = {"code": self.code, "sources": self.sources}
        if self.detail is not None:
            out["detail"] = self.detail
        return out


@dataclass
class Plan:
    basis: list[str]  # refs of the resolved cases the plan rests on
    considered: int  # similar cases looked at
    outcome_counts: dict[str, int]
    settlement_share: dict | None  # share of the claim granted or agreed
    suggested_amount: dict | None  # the same range applied to this case's claim
    interest: list[Traced]
    terms: list[Traced]
    legal_points: list[Traced]
    confidence: str  # "low" | "medium": a suggestion never claims more

    def to_json(self) -> dict:
        return {
            "basis": self.basis,
            "considered": self.considered,
            "outcome_counts": self.outcome_counts,
            "settlement_share": self.settlement_share,
            "suggested_amount": self.suggested_amount,
            "interest": [t.to_json() for t in self.interest],
            "terms": [t.to_json() for t in self.terms],
            "legal_points": [t.to_json() for t in self.legal_points],
            "confidence": self.confidence,
        }


_AWARD_CONTEXT = re.compile(r"(?:归还|偿还|返还|退还|支付|给付|赔偿|清偿)[^。；]{0,12}$")
_CLAIM_CONTEXT = re.compile(r"借款|本金|贷款|欠款|款|保险金|赔偿")


def awarded_amount(text: str) -> Decimal | None:
    """The principal a decision or agreement grants: the largest amount named right after
    归还/偿还/返还/支付… (interest and fees that follow are not counted)."""
    best = None
    for amount in extract_amounts(text):
        before = text[max(0, amount.start - 14) : amount.start]
        if _AWARD_CONTEXT.search(before) and not re.search(
            r"利息|律师费|受理费|诉讼费|违约金", before[-6:]
        ):
            best = amount.value if best is None else max(best, amount.value)
    return best


def _share_stats(shares: list[tuple[float, str]]) -> dict | None:
    if not shares:
        return None
    values = sorted(v for v, _ in shares)
    if len(values) >= 4:
        q = statistics.quantiles(values, n=4, method="inclusive")
        low, high = q[0], q[2]
    else:
        low, high = values[0], values[-1]
    return {
        "low": round(low, 3),
        "median": round(statistics.median(values), 3),
        "high": round(high, 3),
        "n": len(values),
        "sources": [ref for _, ref in shares],
    }


def _traced(
    patterns: dict[str, str], sources: Sequence[PlanSource], min_count: int
) -> list[Traced]:
    out = []
    for code, pattern in patterns.items():
        refs = [s.ref for s in sources if re.search(pattern, s.text)]
        if len(refs) >= min_count:
            out.append(Traced(code, refs))
    out.sort(key=lambda t: -len(t.sources))
    return out


def suggest_plan(
    claimed: Decimal | None, sources: Sequence[PlanSource], *, min_recurring: int = 2
) -> Plan:
    """A mediation plan from the most similar cases (best first)."""
    counts: dict[str, int] = {}
    for s in sources:
        counts[s.outcome] = counts.get(s.outcome, 0) + 1
    resolved = [s for s in sources if s.outcome in Outcome.RESOLVED and s.text]
    # With one or two cases a "recurring" term is any term they share.
    min_count = min(min_recurring, max(len(resolved), 1))

    shares: list[tuple[float, str]] = []
    for s in resolved:
        base = s.claimed
        granted = awarded_amount(s.text)
        if base and granted and base > 0 and granted <= base * Decimal("1.5"):
            shares.append((float(min(granted / base, Decimal(1))), s.ref))
    share = _share_stats(shares)
    suggested = None
    if share and claimed:
        suggested = {
            "low": str((claimed * Decimal(str(share["low"]))).quantize(Decimal("0.01"))),
            "median": str((claimed * Decimal(str(share["median"]))).quantize(Decimal("0.01"))),
            "high": str((claimed * Decimal(str(share["high"]))).quantize(Decimal("0.01"))),
            "sources": share["sources"],
        }

    interest: list[Traced] = []
    rate_refs: dict[str, list[float]] = {}
    for s in resolved:
        for r in extract_rates(s.text):
            rate_refs.setdefault(s.ref, []).append(r.annual_percent)
    if rate_refs:
        allowed = sorted(min(v) for v in rate_refs.values())
        interest.append(
            Traced(
                "rate_granted",
                list(rate_refs),
                f"{allowed[0]:g}%–{allowed[-1]:g}%" if len(allowed) > 1 else f"{allowed[0]:g}%",
            )
        )
    for t in _traced(
        {k: TERM_PATTERNS[k] for k in ("interest_waived", "interest_capped", "lpr_interest")},
        resolved,
        1,
    ):
        interest.append(t)

    terms = _traced(
        {
            k: v
            for k, v in TERM_PATTERNS.items()
            if k not in ("interest_waived", "interest_capped", "lpr_interest")
        },
        resolved,
        min_count,
    )

    statutes: dict[str, list[str]] = {}
    for s in sources:
        for m in STATUTE_RE.finditer(s.text):
            key = f"《{m.group('law')}》{m.group('art')}"
            refs = statutes.setdefault(key, [])
            if s.ref not in refs:
                refs.append(s.ref)
    points = [
        Traced("statute", refs, law) for law, refs in statutes.items() if len(refs) >= min_count
    ]
    points.sort(key=lambda t: -len(t.sources))
    points += _traced(POINT_PATTERNS, sources, min_count)

    confidence = "medium" if len(resolved) >= 3 else "low"
    return Plan(
        basis=[s.ref for s in resolved],
        considered=len(sources),
        outcome_counts=counts,
        settlement_share=share,
        suggested_amount=suggested,
        interest=interest,
        terms=terms,
        legal_points=points[:12],
        confidence=confidence,
    )
