"""Legal and financial key facts of a dispute, read from its text.

What a mediator compares first between two financial disputes: the amounts, the agreed
interest rate (as an annual rate), the dates, the product, any guarantee, how long the
debt is overdue, the kind of institution, and the loan elements courts decide on (written
proof, delivery of the money, repayment, demand, transfer of the debt, spouses' joint
debt, limitation period). The extraction is pattern based and explainable: each fact keeps
the text it was read from.

`features()` turns the facts into discrete codes ("guarantee:joint", "rate:24-36",
"amount:100k-500k"); precedent search compares those code sets (weighted by how rare each
code is), filters on them, and shows the shared ones as the reason two cases are alike.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from nlp.numbers import CHINESE_NUMERAL_CHARS, parse_chinese_integer, parse_number

_NUM = r"[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?"
_CNUM = f"[{CHINESE_NUMERAL_CHARS}]+"

AMOUNT_RE = re.compile(
    rf"(?:人民币|￥|¥|RMB)?\s*(?P<num>{_NUM}\s*(?:万|亿)?|{_CNUM})\s*(?P<unit>万元|亿元|元|块)"
    rf"|(?:￥|¥)\s*(?P<num2>{_NUM})"
)
# 月利率2% / 年息24％ / 月息2分 / 月利率20‰ / 日利率万分之五 / 按每月3%计算利息 / 年化利率 18%
RATE_RE = re.compile(
    r"(?P<period>年|月|日|每年|每月|每日|年化)\s*(?:综合)?(?:利率|利息|息|费率|率)?\s*(?:为|按|是|：|:)?\s*"
    rf"(?:(?P<pct>{_NUM})\s*(?P<sign>%|％|‰|厘)"
    r"|(?P<fen>[0-9一二三四五六七八九两.．]+)\s*分(?P<fen2>[一二三四五六七八九](?!期|钟))?(?!期|钟|之)"
    r"|(?:万分之|千分之|百分之)(?P<frac>[0-9一二三四五六七八九十.．]+)"
    r")"
)
RATE_PERIOD_FIRST_RE = re.compile(
    rf"(?:利率|利息|息)[^。；，,]{{0,8}}?(?P<period>年|月|日)\s*(?P<pct>{_NUM})\s*(?P<sign>%|％|‰)"
)
LPR_RE = re.compile(r"LPR|贷款市场报价利率|同期(?:银行)?贷款(?:基准)?利率|人民银行同期")
DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[二一][〇○零一二三四五六七八九]{3})\s*年\s*"
    r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月\s*"
    r"(?:(?P<d>3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日号])?"
)
OVERDUE_RE = re.compile(
    rf"逾期(?:还款|未还|未付|未归还)?(?:已|达|超过|长达)?\s*(?P<num>{_NUM}|{_CNUM})\s*(?P<unit>天|日|个月|月|年)"
)

PRODUCT_PATTERNS: dict[str, str] = {
    "credit_card": r"信用卡|贷记卡|透支",
    "bank_card": r"银行卡|借记卡|储蓄卡|盗刷",
    "mortgage_loan": r"按揭|房贷|住房贷款|购房贷款|房屋贷款",
    "car_loan": r"车贷|汽车贷款|购车贷款|汽车金融",
    "consumer_loan": r"消费贷|消费贷款|消费金融|现金贷|分期付款|信用贷",
    "business_loan": r"经营贷|经营性贷款|流动资金贷款|企业借贷|企业贷款",
    "bank_loan": r"金融借款|借款合同纠纷|贷款合同|银行贷款|向[^。，]{0,12}(?:银行|信用社)[^。，]{0,6}贷款",
    "private_lending": r"民间借贷|借条|欠条|借据|借款单|个人借款",
    "guarantee_contract": r"保证合同|担保合同|保证保险",
    "insurance": r"保险合同|保险金|投保|理赔|保单|保险费|被保险人",
    "wealth_management": r"理财|资管|资产管理计划|委托理财|信托计划",
    "securities": r"证券|股票|基金|期货|债券|配资",
    "financial_leasing": r"融资租赁",
    "bill": r"票据|汇票|承兑|本票|支票",
    "payment": r"第三方支付|支付平台|扫码|微信支付|支付宝|网银转账",
    "debt_collection": r"不良债权|不良资产|债权转让|催收",
}
GUARANTEE_PATTERNS: dict[str, str] = {
    "joint": r"连带(?:责任)?保证|连带(?:清偿|偿还|还款)?责任|连带担保",
    "general": r"一般保证",
    "mortgage": r"抵押",
    "pledge": r"质押|质权|出质",
    "guarantor": r"保证人|担保人|保人",
    "guarantee_company": r"担保(?:有限)?公司|融资担保",
}
INSTITUTION_PATTERNS: dict[str, str] = {
    "bank": r"银行|信用社|信用合作联社|农商行|农信社|村镇银行|储蓄所",
    "insurer": r"保险(?:股份)?(?:有限)?公司|人寿|财产保险|财险|寿险",
    "securities_firm": r"证券(?:股份)?(?:有限)?公司|期货(?:有限)?公司|基金管理",
    "microcredit": r"小额贷款|小贷公司",
    "consumer_finance": r"消费金融(?:有限)?公司",
    "online_platform": r"网络借贷|网贷|P2P|p2p|借贷平台|互联网金融|网络平台",
    "guarantee_company": r"担保(?:有限)?公司|融资担保",
    "trust": r"信托(?:有限)?公司",
    "leasing_company": r"租赁(?:有限)?公司",
    "asset_management": r"资产管理(?:有限)?公司|资产公司",
    "pawn": r"典当",
}
ELEMENT_PATTERNS: dict[str, str] = {
    "written_proof": r"借条|欠条|借据|借款合同|借款协议|收据|收条|借款单",
    "bank_transfer": r"转账|汇款|银行转入|打款|转款|网银",
    "cash_delivery": r"现金",
    "partial_repayment": r"已(?:归还|偿还|还款|支付)|部分(?:借款|本金|利息)?|尚欠|下欠|余款|还剩",
    "interest_agreed": r"约定(?:了)?(?:借款)?(?:月|年)?(?:利息|利率)|(?:月|年)利率|(?:月|年)息",
    "no_interest": r"未约定利息|没有约定利息|无息|不计息|未约定利率|利率约定不明|约定不明",
    "demand": r"催(?:要|讨|收|还|告)|多次(?:索要|追讨)",
    "debt_transfer": r"债权转让|转让债权|债务转移|转移债务|债务加入",
    "spouse_debt": r"夫妻共同债务|夫妻关系存续期间|婚姻关系存续期间|夫妻共同",
    "limitation": r"诉讼时效",
    "penalty": r"违约金|罚息|滞纳金",
    "attorney_fee": r"律师费|律师代理费",
    "repayment_promise": r"承诺书|还款计划|还款协议|还款承诺|保证还款",
    "refused_to_pay": r"拒不(?:归还|偿还|还款)|拒绝(?:归还|偿还|还款)|避而不见|下落不明",
    "absent_defendant": r"未(?:到庭|出庭|答辩)|缺席",
    "fraud_alleged": r"诈骗|虚假诉讼|套路贷|砍头息",
    "misselling": r"误导|未如实告知|未尽(?:到)?(?:提示|说明)义务|适当性",
    "credit_record": r"征信",
}
ORG_SUFFIX = (
    r"(?:有限(?:责任)?公司|股份有限公司|集团|公司|银行|支行|分行|信用社|合作社|厂|中心|商行|经营部)"
)
BORROWER_COMPANY_RE = re.compile(rf"被告[:：]?[^，。；,:：]{{2,30}}?{ORG_SUFFIX}")
LENDER_COMPANY_RE = re.compile(rf"原告[:：]?[^，。；,:：]{{2,30}}?{ORG_SUFFIX}")
DEFENDANTS_RE = re.compile(
    r"被告(?:[:：]|人)?\s*([\u4e00-\u9fa5]{1,3}某\w?|[\u4e00-\u9fa5]{2,4}[0-9xX×]{0,2})"
)

AMOUNT_BANDS = (
    (Decimal(10_000), "<10k"),
    (Decimal(50_000), "10k-50k"),
    (Decimal(100_000), "50k-100k"),
    (Decimal(500_000), "100k-500k"),
    (Decimal(1_000_000), "500k-1m"),
    (Decimal(5_000_000), "1m-5m"),
)
RATE_BANDS = ((6.0, "<6"), (15.0, "6-15"), (24.0, "15-24"), (36.0, "24-36"))


@dataclass(frozen=True)
class Amount:
    value: Decimal  # yuan
    text: str
    start: int


@dataclass(frozen=True)
class Rate:
    annual_percent: float
    text: str
    start: int


@dataclass
class KeyFacts:
    amounts: list[Amount] = field(default_factory=list)
    rates: list[Rate] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    guarantees: list[str] = field(default_factory=list)
    institutions: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)
    overdue_days: int | None = None
    overdue: bool = False
    lpr: bool = False
    borrower_company: bool = False
    lender_company: bool = False
    several_defendants: bool = False

    @property
    def principal(self) -> Decimal | None:
        """The amount most likely to be the principal: the largest one named next to
        借款/本金/贷款/欠款, otherwise the largest one."""
        near = [a.value for a in self.amounts if _PRINCIPAL_CONTEXT.search(a.text)]
        pool = near or [a.value for a in self.amounts]
        return max(pool) if pool else None

    @property
    def top_rate(self) -> float | None:
        return max((r.annual_percent for r in self.rates), default=None)

    def features(self) -> set[str]:
        out: set[str] = set()
        out.update(f"product:{p}" for p in self.products)
        out.update(f"guarantee:{g}" for g in self.guarantees)
        out.update(f"institution:{i}" for i in self.institutions)
        out.update(f"element:{e}" for e in self.elements)
        principal = self.principal
        if principal is not None:
            out.add(f"amount:{amount_band(principal)}")
        rate = self.top_rate
        if rate is not None:
            out.add(f"rate:{rate_band(rate)}")
        if self.lpr:
            out.add("rate:lpr")
        if self.overdue:
            out.add("overdue:yes")
        if self.overdue_days is not None:
            out.add(f"overdue:{overdue_band(self.overdue_days)}")
        out.add("borrower:company" if self.borrower_company else "borrower:person")
        if self.lender_company:
            out.add("lender:company")
        if self.several_defendants:
            out.add("defendants:several")
        return out

    def to_json(self) -> dict:
        data = asdict(self)
        data["amounts"] = [
            {"value": str(a.value), "text": a.text, "start": a.start} for a in self.amounts
        ]
        data["rates"] = [
            {"annual_percent": round(r.annual_percent, 4), "text": r.text, "start": r.start}
            for r in self.rates
        ]
        data["dates"] = [d.isoformat() for d in self.dates]
        principal = self.principal
        data["principal"] = str(principal) if principal is not None else None
        data["features"] = sorted(self.features())
        return data

    @classmethod
    def from_json(cls, data: dict) -> KeyFacts:
        return cls(
            amounts=[Amount(Decimal(a["value"]), a["text"], a["start"]) for a in data["amounts"]],
            rates=[Rate(r["annual_percent"], r["text"], r["start"]) for r in data["rates"]],
            dates=[date.fromisoformat(d) for d in data["dates"]],
            products=list(data["products"]),
            guarantees=list(data["guarantees"]),
            institutions=list(data["institutions"]),
            elements=list(data["elements"]),
            overdue_days=data.get("overdue_days"),
            overdue=bool(data.get("overdue")),
            lpr=bool(data.get("lpr")),
            borrower_company=bool(data.get("borrower_company")),
            lender_company=bool(data.get("lender_company")),
            several_defendants=bool(data.get("several_defendants")),
        )


_PRINCIPAL_CONTEXT = re.compile(r"借|本金|贷款|欠|款")


def amount_band(value: Decimal) -> str:
    for limit, name in AMOUNT_BANDS:
        if value < limit:
            return name
    return ">5m"


def rate_band(annual_percent: float) -> str:
    for limit, name in RATE_BANDS:
        if annual_percent <= limit:
            return name
    return ">36"


def overdue_band(days: int) -> str:
    if days <= 90:
        return "<=90d"
    if days <= 365:
        return "<=1y"
    return ">1y"


def extract_amounts(text: str) -> list[Amount]:
    found: list[Amount] = []
    for m in AMOUNT_RE.finditer(text):
        raw = m.group("num") or m.group("num2")
        unit = m.group("unit") or "元"
        value = parse_number(raw.replace(" ", ""))
        if value is None or value <= 0:
            continue
        if unit == "万元":
            value *= 10_000
        elif unit == "亿元":
            value *= 100_000_000
        # Keep the words just before the amount: they say what it is (本金, 利息, 律师费).
        context_start = max(0, m.start() - 8)
        found.append(
            Amount(value.quantize(Decimal("0.01")), text[context_start : m.end()], m.start())
        )
    return found


def _rate_value(m: re.Match) -> tuple[float, str] | None:
    period = m.group("period")
    period = {"每年": "年", "每月": "月", "每日": "日", "年化": "年"}.get(period, period)
    if m.groupdict().get("pct"):
        value = float(parse_number(m.group("pct")) or 0)
        sign = m.group("sign")
        if sign == "‰":
            value /= 10
        elif sign == "厘":
            # 月息1厘 = 1% a month, 日息1厘 = 0.1% a day (colloquial usage)
            value = value if period == "月" else value / 10
    elif m.groupdict().get("fen"):
        raw = m.group("fen").replace("．", ".")
        number = parse_number(raw)
        if number is None:
            number = Decimal(parse_chinese_integer(raw) or 0)
        if m.group("fen2"):  # 一分五 = 1.5 分
            number += Decimal(parse_chinese_integer(m.group("fen2")) or 0) / 10
        # 月息2分 = 2% a month; 年息2分 = 20% a year
        value = float(number) * (1 if period == "月" else 10)
    else:
        raw = m.group("frac").replace("．", ".")
        number = parse_number(raw) or Decimal(parse_chinese_integer(raw) or 0)
        whole = m.group(0)
        if "万分之" in whole:
            value = float(number) / 100
        elif "千分之" in whole:
            value = float(number) / 10
        else:
            value = float(number)
    if value <= 0:
        return None
    annual = value * {"年": 1, "月": 12, "日": 365}[period]
    if annual > 1000:  # not a rate (a misread number)
        return None
    return annual, period


def extract_rates(text: str) -> list[Rate]:
    rates: list[Rate] = []
    seen: set[int] = set()
    for regex in (RATE_RE, RATE_PERIOD_FIRST_RE):
        for m in regex.finditer(text):
            if m.start() in seen:
                continue
            # "每月3%" is a rate only where interest is being talked about.
            window = text[m.start() : m.end() + 6]
            if regex is RATE_RE and not re.search(r"利|息|率", window):
                continue
            got = _rate_value(m)
            if got is None:
                continue
            seen.add(m.start())
            rates.append(Rate(got[0], m.group(0), m.start()))
    rates.sort(key=lambda r: r.start)
    return rates


def _date_part(raw: str | None) -> int | None:
    if raw is None:
        return None
    if raw.isdigit():
        return int(raw)
    return parse_chinese_integer(raw)


def extract_dates(text: str) -> list[date]:
    out: list[date] = []
    for m in DATE_RE.finditer(text):
        y, mo, d = _date_part(m.group("y")), _date_part(m.group("m")), _date_part(m.group("d"))
        try:
            out.append(date(y or 0, mo or 1, d or 1))
        except (ValueError, TypeError):
            continue
    return out


def extract_overdue(text: str) -> tuple[bool, int | None]:
    days: int | None = None
    for m in OVERDUE_RE.finditer(text):
        raw = m.group("num")
        number = parse_number(raw)
        if number is None:
            continue
        factor = {"天": 1, "日": 1, "个月": 30, "月": 30, "年": 365}[m.group("unit")]
        value = int(number * factor)
        days = value if days is None else max(days, value)
    return ("逾期" in text or days is not None), days


def _matches(patterns: dict[str, str], text: str) -> list[str]:
    return [code for code, pattern in patterns.items() if re.search(pattern, text)]


def extract(text: str) -> KeyFacts:
    text = text or ""
    overdue, overdue_days = extract_overdue(text)
    elements = _matches(ELEMENT_PATTERNS, text)
    if "no_interest" in elements and "interest_agreed" in elements:
        elements.remove("interest_agreed")
    defendants = {m.group(1) for m in DEFENDANTS_RE.finditer(text)}
    return KeyFacts(
        amounts=extract_amounts(text),
        rates=extract_rates(text),
        dates=extract_dates(text),
        products=_matches(PRODUCT_PATTERNS, text),
        guarantees=_matches(GUARANTEE_PATTERNS, text),
        institutions=_matches(INSTITUTION_PATTERNS, text),
        elements=elements,
        overdue_days=overdue_days,
        overdue=overdue,
        lpr=bool(LPR_RE.search(text)),
        borrower_company=bool(BORROWER_COMPANY_RE.search(text)),
        lender_company=bool(LENDER_COMPANY_RE.search(text)),
        several_defendants=len(defendants) > 1
        or bool(re.search(r"[二三四五六七八九]被告|被告[^。]{0,20}、被告", text)),
    )


def shared_features(a: set[str], b: set[str]) -> list[str]:
    """Codes both sides have, most specific first (a band or a flag beats a default)."""
    common = a & b
    return sorted(common, key=lambda c: (c.startswith("borrower:person"), c))
