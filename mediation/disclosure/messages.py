"""Texts of the disclosure domain (zh, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "event.privacy_flag": ("标记涉及隐私或商业秘密", "Privacy / trade-secret flag changed"),
    "event.disclosure_published": ("公开调解协议", "Agreement published"),
    "event.disclosure_withdrawn": ("撤回公开的调解协议", "Published agreement withdrawn"),
    # Staff section on the case page
    "disclosure.title": ("协议公开", "Public disclosure"),
    "disclosure.restricted_notice": (
        "本案涉及隐私或商业秘密，不予公开。",
        "This case involves privacy or trade secrets and is never disclosed.",
    ),
    "disclosure.flag": ("涉及隐私或商业秘密", "Involves privacy or trade secrets"),
    "disclosure.flag_set": ("标记为不公开", "Mark as not to be disclosed"),
    "disclosure.flag_clear": ("取消不公开标记", "Clear the flag"),
    "disclosure.flag_reason": ("理由", "Reason"),
    "disclosure.none": ("尚未起草公开文本。", "No disclosure drafted yet."),
    "disclosure.draft": ("生成脱敏草稿", "Draft (anonymized)"),
    "disclosure.redraft": ("按案件重新生成草稿", "Redraft from the case"),
    "disclosure.save": ("保存修改", "Save edits"),
    "disclosure.approve": ("审核通过", "Approve"),
    "disclosure.publish": ("公开发布", "Publish"),
    "disclosure.withdraw": ("撤回公开", "Withdraw"),
    "disclosure.withdraw_reason": ("撤回理由", "Reason for withdrawal"),
    "disclosure.field.title": ("标题", "Title"),
    "disclosure.field.facts": ("基本案情", "Facts"),
    "disclosure.field.outcome": ("调解结果", "Outcome"),
    "disclosure.findings": ("已隐去", "Replaced"),
    "disclosure.kind.name": ("姓名", "names"),
    "disclosure.kind.id_number": ("身份证号", "ID numbers"),
    "disclosure.kind.phone": ("电话", "phone numbers"),
    "disclosure.kind.bank_account": ("银行卡号/账号", "card and account numbers"),
    "disclosure.kind.email": ("电子邮箱", "e-mail addresses"),
    "disclosure.kind.address": ("详细地址", "street addresses"),
    "disclosure.status": ("状态", "Status"),
    "disclosure.status.draft": ("待审核", "Draft"),
    "disclosure.status.approved": ("已审核，待发布", "Approved"),
    "disclosure.status.published": ("已公开", "Published"),
    "disclosure.status.withdrawn": ("已撤回", "Withdrawn"),
    "disclosure.review_hint": (
        "系统已自动隐去当事人姓名、身份证号、电话、银行卡号和详细地址；被申请人金融机构名称保留。发布前请逐字核对。",
        "Names, ID numbers, phones, card numbers and street addresses were replaced "
        "automatically; respondent institutions stay named. Read it through before publishing.",
    ),
    "disclosure.withdrawn_privacy": (
        "案件被标记为涉及隐私或商业秘密",
        "The case was marked as involving privacy or trade secrets",
    ),
    # Public pages
    "disclosure.public.title": ("调解协议公开", "Published mediation agreements"),
    "disclosure.public.intro": (
        "以下为本中心经当事人信息脱敏后公开的金融纠纷调解案例。涉及隐私或商业秘密的案件不予公开。",
        "Financial dispute mediation cases published by the centre, with the parties' "
        "personal data removed. Cases involving privacy or trade secrets are not published.",
    ),
    "disclosure.public.empty": ("暂无公开的调解协议。", "Nothing has been published yet."),
    "disclosure.public.published_on": ("发布日期", "Published"),
    "disclosure.public.type": ("纠纷类型", "Dispute type"),
    "disclosure.public.back": ("返回列表", "Back to the list"),
    "disclosure.public.more": ("查看全文", "Read"),
    "disclosure.public.text_language": (
        "案例正文为中文。",
        "The case texts are in Chinese.",
    ),
    "disclosure.public.next": ("下一页", "Next page"),
    "disclosure.public.prev": ("上一页", "Previous page"),
    # The Chinese texts of a draft (the agreement's own language)
    "disclosure.text.title": ("{type}纠纷调解案例（{year}年）", "{type} dispute ({year})"),
    "disclosure.text.request": ("申请人请求：{request}", "The claimant asked: {request}"),
    "disclosure.text.amount": ("请求金额：人民币{amount}元。", "Amount claimed: CNY {amount}."),
    "disclosure.text.agreed": (
        "经调解，双方当事人自愿达成调解协议。",
        "The parties reached a settlement agreement in mediation.",
    ),
    "disclosure.text.schedule": (
        "{payer}分{n}期向对方支付共计人民币{total}元，最后一期于{last}前履行。",
        "The {payer} pays CNY {total} in {n} instalment(s), the last by {last}.",
    ),
    "disclosure.text.performed": ("协议已履行完毕。", "The agreement has been performed."),
    # Errors
    "error.disclosure.restricted": (
        "本案已标记为涉及隐私或商业秘密，不得起草、发布或公开。",
        "This case is marked as involving privacy or trade secrets: it cannot be drafted, "
        "published or listed.",
    ),
    "error.disclosure.no_agreement": (
        "本案尚未达成调解协议，无可公开的内容。",
        "The case has no settlement agreement to disclose.",
    ),
    "error.disclosure.no_draft": ("请先生成公开草稿。", "Draft the disclosure first."),
    "error.disclosure.wrong_status": (
        "当前状态下不能进行此操作（已审核或已公开的内容须先撤回）。",
        "Not possible in the current state (withdraw an approved or published text first).",
    ),
    "error.disclosure.not_approved": (
        "须经调解员审核通过后才能发布。",
        "A mediator must approve the text before it is published.",
    ),
    "error.disclosure.not_published": ("该内容尚未公开。", "It is not published."),
}
