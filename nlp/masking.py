"""Masking of personal data in precedent text: names, ID numbers, phone numbers, bank-card
and account numbers.

Every mask keeps the length of what it replaces, so offsets into the masked text (matched
passages, key-fact positions) are offsets into the original too. The conventions follow
mediation.people.access (张三 → 张*, 欧阳小明 → 欧**明, 13812345678 → 138****5678), restated
here because nlp/ does not import the web application.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# 18-digit resident ID (last may be X) and the old 15-digit form, not inside a longer number.
ID_NUMBER_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])"
)
MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
# Bank cards are 16-19 digits, accounts 10-25: any long digit run (optionally in groups of
# four) after the ID and phone passes is treated as an account number.
ACCOUNT_RE = re.compile(
    r"(?<![0-9A-Za-z])\d{4}(?:[ -]?\d{4}){2,4}\d{0,3}(?![0-9A-Za-z])|(?<!\d)\d{10,25}(?!\d)"
)
ACCOUNT_CONTEXT_RE = re.compile(
    r"(?P<label>(?:银行)?(?:卡号|账号|帐号|账户|帐户|尾号)[:：为是]?\s*)(?P<num>\d[\d *×-]{3,30}\d)"
)

ROLE_WORDS = (
    "被上诉人|上诉人|被申请人|申请人|被申诉人|申诉人|原审原告|原审被告|原告|被告|第三人|"
    "委托诉讼代理人|委托代理人|诉讼代理人|代理人|法定代表人|负责人|借款人|出借人|贷款人|"
    "保证人|担保人|抵押人|出质人|证人|投保人|被保险人|受益人|持卡人|客户|经办人|业务员|"
    "丈夫|妻子|之妻|之夫|儿子|女儿|父亲|母亲|朋友|法官|审判员|书记员|调解员|介绍人"
)
COMPOUND_SURNAMES = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|端木|澹台|轩辕|呼延|南宫|申屠"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛"
    "曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席"
    "卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# Characters that end a name: what typically follows a party's name in a judgment.
NAME_STOP = set(
    "诉称辩向于与和及系在因为将的等共借支认提已未对是签出归偿还给付从自承以经同作、，,。：:；;（(）) "
    "女男称把被由就并且也均又再现曾即后前时所应须需称述立当该予按面辩"
)
# Surnames that are far more often a word after a role word (被告向…, 原告申请…, 被告于…):
# such a name is masked only when it is a known party name.
AMBIGUOUS_SURNAMES = frozenset("向于和应方时申成全明万")
# Words that follow a role word and begin with a surname character but are not names.
NOT_NAMES = frozenset(
    "方面 方辩 方称 方认 方提 方未 方已 方的 方对 方在 方应 方主 于是 向原 向被 向法 向本 时间 和原 和被 成立 "
    "全部 全额 明确 明知 公司 高于 安排 车辆 万元 管理 文件 单位 人员".split()
)

_NAME_AFTER_ROLE = re.compile(
    rf"(?P<role>{ROLE_WORDS})(?P<sep>[:：]?\s*)(?P<name>(?:{COMPOUND_SURNAMES}|[{SURNAMES}])[\u4e00-\u9fa5]{{1,2}})"
)


def mask_name(value: str) -> str:
    if len(value) <= 2:
        return value[0] + "*" * (len(value) - 1)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def _keep_ends(value: str, head: int, tail: int) -> str:
    digits = [i for i, ch in enumerate(value) if ch.isdigit() or ch in "Xx"]
    if len(digits) <= head + tail:
        return "".join("*" if i in digits[1:] else ch for i, ch in enumerate(value))
    hidden = set(digits[head : len(digits) - tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def mask_id_number(value: str) -> str:
    return _keep_ends(value, 4, 4)


def mask_phone(value: str) -> str:
    return _keep_ends(value, 3, 4)


def mask_account(value: str) -> str:
    return _keep_ends(value, 4, 4)


def _name_span(text: str, start: int, name: str) -> str:
    """Trim a candidate name at the first character that usually follows a name."""
    surname_len = 2 if name[:2] in COMPOUND_SURNAMES.split("|") else 1
    out = name[:surname_len]
    for ch in name[surname_len:]:
        if ch in NAME_STOP:
            break
        out += ch
    return out


def mask_text(text: str | None, known_names: Iterable[str] = ()) -> str | None:
    """Mask personal data in free text. `known_names` (the parties of a case) are masked
    wherever they occur; other names are recognised after a role word (原告张三, 借款人：李四)."""
    if not text:
        return text
    out = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    out = ACCOUNT_CONTEXT_RE.sub(lambda m: m.group("label") + mask_account(m.group("num")), out)
    out = MOBILE_RE.sub(lambda m: mask_phone(m.group(0)), out)
    out = LANDLINE_RE.sub(lambda m: mask_phone(m.group(0)), out)
    out = ACCOUNT_RE.sub(lambda m: mask_account(m.group(0)), out)
    for name in sorted({n.strip() for n in known_names if n and n.strip()}, key=len, reverse=True):
        if _looks_like_institution(name):
            continue
        out = out.replace(name, mask_name(name))

    found: set[str] = set()

    def role_name(m: re.Match) -> str:
        name = _name_span(out, m.start("name"), m.group("name"))
        if (
            len(name) < 2
            or "某" in name[1:]
            or "*" in name
            or name[:2] in NOT_NAMES
            or name[0] in AMBIGUOUS_SURNAMES
        ):
            return m.group(0)
        clause = re.split(r"[，,。；;：:、（(]", out[m.start("name") : m.start("name") + 40])[0]
        if _looks_like_institution(clause):
            return m.group(0)
        found.add(name)
        rest = m.group("name")[len(name) :]
        return m.group("role") + m.group("sep") + mask_name(name) + rest

    out = _NAME_AFTER_ROLE.sub(role_name, out)
    # A name recognised once is masked wherever else it occurs (李四的身份证号…).
    for name in sorted(found, key=len, reverse=True):
        out = out.replace(name, mask_name(name))
    return out


def _looks_like_institution(name: str) -> bool:
    return bool(
        re.search(
            r"公司|银行|支行|分行|信用社|中心|集团|协会|委员会|事务所|局|厂|商行|经营部|合作社",
            name,
        )
    )
