"""Texts of the notify domain (zh, en): the notices themselves and the code errors."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Notices (the text a person receives)
    "notify.code.agreement.sign": (
        "【{centre}】您的调解协议签署验证码为 {code}，{minutes} 分钟内有效。请勿告诉他人。",
        "[{centre}] Your code to sign the settlement agreement is {code}, valid for "
        "{minutes} minutes. Do not share it.",
    ),
    "notify.code.generic": (
        "【{centre}】您的验证码为 {code}，{minutes} 分钟内有效。请勿告诉他人。",
        "[{centre}] Your verification code is {code}, valid for {minutes} minutes. "
        "Do not share it.",
    ),
    "notify.agreement.issued": (
        "【{centre}】案件 {number} 的调解协议已出具，请登录查看并签署。",
        "[{centre}] The settlement agreement of case {number} is ready; sign in to read and sign it.",
    ),
    "notify.agreement.effective": (
        "【{centre}】案件 {number} 的调解协议已经各方签署生效。",
        "[{centre}] The settlement agreement of case {number} has been signed by all and is in effect.",
    ),
    # Errors
    "error.notify.code_missing": (
        "请先获取验证码。",
        "Request a verification code first.",
    ),
    "error.notify.code_expired": (
        "验证码已过期，请重新获取。",
        "The verification code has expired; request a new one.",
    ),
    "error.notify.code_used": (
        "该验证码已使用过，请重新获取。",
        "That verification code has already been used; request a new one.",
    ),
    "error.notify.code_wrong": (
        "验证码不正确，还可以再试 {left} 次。",
        "The verification code is wrong; {left} tries left.",
    ),
    "error.notify.code_locked": (
        "验证码输错次数过多，已失效，请重新获取。",
        "Too many wrong tries; the code no longer works. Request a new one.",
    ),
    "error.notify.code_format": (
        "验证码是 6 位数字。",
        "The verification code is 6 digits.",
    ),
    "error.notify.too_soon": (
        "验证码发送过于频繁，请 {seconds} 秒后再试。",
        "A code was sent a moment ago; try again in {seconds} seconds.",
    ),
    "error.notify.no_address": (
        "没有可接收验证码的手机号或邮箱。",
        "There is no phone number or e-mail address to send the code to.",
    ),
    "error.notify.bad_sender": (
        "通知发送方式配置有误：{name}",
        "The notice sender is misconfigured: {name}",
    ),
    # A user's notice language
    "people.language": ("通知语言", "Language of notices"),
    "people.language.zh": ("中文", "Chinese"),
    "people.language.en": ("English", "English"),
    # Status of a notice in the outbox
    "notify.status.sent": ("已发送", "Sent"),
    "notify.status.failed": ("发送失败", "Failed"),
    "notify.channel.sms": ("短信", "Text message"),
    "notify.channel.email": ("电子邮件", "E-mail"),
}
