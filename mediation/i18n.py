"""User-visible text: zh-CN first, English second. Every message has a stable key; the
web layer picks the language from the user's choice or Accept-Language."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # Stages
    "stage.intake": ("登记", "Registered"),
    "stage.accepted": ("受理", "Accepted"),
    "stage.rejected": ("不予受理", "Rejected"),
    "stage.investigation": ("调查", "Investigation"),
    "stage.mediation": ("调解", "Mediation"),
    "stage.signed": ("签约", "Agreement signed"),
    "stage.failed": ("调解不成", "Mediation failed"),
    "stage.withdrawn": ("撤回", "Withdrawn"),
    "stage.judicial_confirmation": ("司法确认", "Judicial confirmation"),
    "stage.performance": ("履行", "Performance"),
    "stage.closed": ("结案", "Closed"),
    # Dispute types
    "dispute.banking": ("银行业务", "Banking"),
    "dispute.insurance": ("保险", "Insurance"),
    "dispute.securities": ("证券期货", "Securities"),
    "dispute.payments": ("支付", "Payments"),
    "dispute.lending": ("借贷", "Lending"),
    "dispute.wealth_management": ("理财", "Wealth management"),
    "dispute.other": ("其他", "Other"),
    # Channels
    "channel.walk_in": ("现场来访", "Walk-in"),
    "channel.online": ("网上申请", "Online"),
    "channel.phone": ("电话", "Phone"),
    "channel.regulator_referral": ("监管部门转办", "Referred by a regulator"),
    "channel.court_referral": ("法院委派委托", "Referred by a court"),
    # Pause reasons
    "pause.appraisal": ("鉴定、检测、评估", "Appraisal"),
    "pause.party_request": ("当事人申请", "Party request"),
    "pause.new_facts": ("新的事实和理由", "New facts"),
    "pause.mediation": ("调解期间", "Mediation period"),
    # Urgency
    "urgency.none": ("无期限", "No running limit"),
    "urgency.ok": ("正常", "On time"),
    "urgency.due_soon": ("即将到期", "Due soon"),
    "urgency.overdue": ("已超期", "Overdue"),
    "urgency.unverified": ("日历未核实", "Calendar unverified"),
    # Event kinds
    "event.created": ("登记立案", "Case registered"),
    "event.transition": ("阶段变更", "Stage changed"),
    "event.pause": ("中止计时", "Clock paused"),
    "event.resume": ("恢复计时", "Clock resumed"),
    "event.extension": ("延长期限", "Time limit extended"),
    "event.restart": ("重新计算期限", "Time limit restarted"),
    "event.clock_started": ("期限开始计算", "Time limit started"),
    "event.clock_stopped": ("期限停止", "Time limit stopped"),
    "event.due_soon": ("期限即将届满", "Time limit due soon"),
    "event.overdue": ("已超过期限", "Time limit overdue"),
    "event.mediator_assigned": ("指派调解员", "Mediator assigned"),
    # Errors (stable codes)
    "error.invalid_json": ("请求内容不是有效的 JSON。", "The request body is not valid JSON."),
    "error.invalid_field": ("字段“{field}”无效：{detail}", "Field '{field}' is invalid: {detail}"),
    "error.missing_field": ("缺少必填字段“{field}”。", "The required field '{field}' is missing."),
    "error.unknown_stage": ("未知的案件阶段“{stage}”。", "Unknown case stage '{stage}'."),
    "error.illegal_transition": (
        "案件当前处于“{current}”阶段，不能转为“{target}”。可转为：{allowed}。",
        "The case is at stage '{current}' and cannot move to '{target}'. Allowed: {allowed}.",
    ),
    "error.reason_required": ("此操作必须填写理由。", "A reason is required for this action."),
    "error.conflict": (
        "案件已被他人修改，请刷新后重试。",
        "The case was changed by someone else; reload and try again.",
    ),
    "error.not_found": ("未找到该记录。", "Not found."),
    "error.forbidden": ("您无权查看或操作此案件。", "You may not see or change this case."),
    "error.unauthorized": ("请先登录。", "Please sign in."),
    "error.unknown_rule": ("不存在期限规则“{rule}”。", "There is no time-limit rule '{rule}'."),
    "error.unknown_rule_set": ("不存在规则集“{name}”。", "There is no rule set '{name}'."),
    "error.date_out_of_range": (
        "日期“{value}”超出允许范围（{low} 至 {high}）。",
        "The date '{value}' is out of range ({low} to {high}).",
    ),
    "error.invalid_date": (
        "“{value}”不是有效日期（格式 YYYY-MM-DD）。",
        "'{value}' is not a valid date (YYYY-MM-DD).",
    ),
    "error.case_closed": ("案件已结案，不能再操作。", "The case is closed; no further actions."),
    "error.already_paused": ("案件已中止计时。", "The case clocks are already paused."),
    "error.not_paused": ("案件没有中止计时。", "The case clocks are not paused."),
    "error.no_pausable_clock": (
        "没有可因“{reason}”中止的正在计算的期限。",
        "No running time limit can be paused for '{reason}'.",
    ),
    "error.no_clock": (
        "案件没有正在计算的期限“{rule}”。",
        "The case has no running time limit '{rule}'.",
    ),
    "error.extension_not_allowed": (
        "规则“{rule}”不允许延长，或超出可延长的天数（最多还可延长 {max} 日）。",
        "Rule '{rule}' allows no such extension (at most {max} more days).",
    ),
    "error.counting": ("期限无法计算：{detail}", "The time limit cannot be computed: {detail}"),
    "error.bad_schedule": (
        "节假日安排文件有误：{detail}",
        "The holiday schedule file is invalid: {detail}",
    ),
    "error.csrf": (
        "表单已过期，请刷新页面后重试。",
        "The form expired; reload the page and try again.",
    ),
    "error.too_many_attempts": (
        "登录失败次数过多，请15分钟后再试。",
        "Too many failed sign-ins; try again in 15 minutes.",
    ),
    "error.login_failed": ("用户名或密码错误。", "Wrong user name or password."),
    "error.too_large": ("上传内容过大。", "The upload is too large."),
    "error.method_not_allowed": ("不支持此请求方法。", "This method is not allowed here."),
    "error.internal": ("系统内部错误，数据未被修改。", "Internal error; nothing was changed."),
    # Pages
    "app.title": ("金融纠纷调解案件管理", "Financial dispute mediation"),
    "nav.queue": ("案件队列", "Case queue"),
    "nav.logout": ("退出", "Sign out"),
    "nav.elderly_on": ("长辈模式", "Large text"),
    "nav.elderly_off": ("标准模式", "Standard text"),
    "nav.read_aloud": ("朗读本页", "Read aloud"),
    "nav.my_cases": ("我的案件", "My cases"),
    "login.title": ("登录", "Sign in"),
    "login.username": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "queue.title": ("案件队列（按紧急程度）", "Cases by urgency"),
    "queue.stage": ("阶段", "Stage"),
    "queue.all_open": ("全部未结案件", "All open cases"),
    "queue.filter": ("筛选", "Filter"),
    "queue.today": ("今天", "Today"),
    "queue.urgency": ("紧急程度", "Urgency"),
    "queue.next_due": ("最近到期日", "Next due"),
    "queue.empty": ("没有案件。", "No cases."),
    "case.number": ("案号", "Case"),
    "case.type": ("纠纷类型", "Dispute type"),
    "case.amount": ("请求金额（元）", "Amount claimed (CNY)"),
    "case.channel": ("来源", "Channel"),
    "case.request": ("申请人请求", "Claimant's request"),
    "case.claimant": ("申请人", "Claimant"),
    "case.respondent": ("被申请人", "Respondent"),
    "case.agent": ("代理人", "agent"),
    "case.clocks": ("期限", "Time limits"),
    "case.actions": ("办理", "Actions"),
    "case.move_to": ("转入阶段", "Move to"),
    "case.reason": ("理由", "Reason"),
    "case.submit": ("提交", "Submit"),
    "case.timeline": ("办理经过", "Timeline"),
    "clock.due": ("届满日", "Due"),
    "clock.started": ("起算日", "Started"),
    "clock.stopped": ("已停止", "Stopped"),
    "clock.paused_days": ("中止天数", "Days paused"),
    "clock.extension_days": ("延长天数", "Days extended"),
    "clock.extension": ("延长", "Extension"),
    "clock.met": ("按期完成", "met in time"),
    "clock.missed": ("逾期完成", "completed late"),
    "clock.soft": ("指导性期限", "target, not binding"),
    "case.pause_action": ("中止计时", "Pause the clock"),
    "case.resume_action": ("恢复计时", "Resume the clock"),
    "event.system": ("系统", "system"),
    "event.recorded": ("记录于", "recorded"),
    "clock.how_counted": ("计算方法", "How it was counted"),
    # Portal (claimants, institutions)
    "portal.title": ("我的案件", "My cases"),
    "portal.progress": ("办理进度", "Progress"),
    "portal.handler": ("承办调解员", "Your mediator"),
    "portal.not_assigned": ("尚未指派", "not yet assigned"),
    "portal.next": ("下一个期限", "Next time limit"),
    "portal.no_deadline": ("目前没有正在计算的期限。", "No time limit is running now."),
    "portal.deadline": (
        "{what}：应在{due}前完成，还有 {n} 天。",
        "{what}: due by {due}, {n} days left.",
    ),
    "portal.deadline_today": ("{what}：今天（{due}）到期。", "{what}: due today ({due})."),
    "portal.deadline_overdue": (
        "{what}：已于{due}到期，已超过 {n} 天，中心正在督办。",
        "{what}: was due {due}, {n} days ago; the centre is following it up.",
    ),
    "portal.deadline_paused": (
        "{what}：目前暂停计时（例如等待鉴定评估）。",
        "{what}: the clock is paused (e.g. waiting for an appraisal).",
    ),
    "portal.deadline_unverified": (
        "（明年放假安排尚未公布，日期可能顺延。）",
        " (next year's holiday schedule is not out yet; the date may move.)",
    ),
    "portal.withdraw": ("撤回调解申请", "Withdraw my application"),
    "portal.withdraw_reason": ("撤回原因", "Why you withdraw"),
    "portal.empty": ("您还没有案件。", "You have no cases yet."),
    "portal.voice_input": ("语音输入", "Speak"),
    "portal.history": ("办理记录", "History"),
    # Online filing
    "filing.title": ("网上申请调解", "Apply for mediation online"),
    "filing.new": ("我要申请调解", "Apply for mediation"),
    "filing.step_who": ("您的信息", "About you"),
    "filing.step_institution": ("被投诉机构", "The institution"),
    "filing.step_facts": ("发生了什么", "What happened"),
    "filing.step_request": ("您的请求", "What you ask for"),
    "filing.step_review": ("核对并提交", "Check and send"),
    "filing.name": ("姓名", "Your name"),
    "filing.phone": ("手机号码", "Mobile phone"),
    "filing.id_number": ("身份证号码", "ID card number"),
    "filing.address": ("联系地址", "Address"),
    "filing.agent_name": ("代理人（子女、亲属等，可不填）", "Agent (a relative, optional)"),
    "filing.agent_phone": ("代理人电话", "Agent's phone"),
    "filing.institution": ("银行、保险公司等机构名称", "Bank, insurer or other institution"),
    "filing.product": (
        "涉及的产品或业务（如信用卡、理财、保险）",
        "Product (e.g. credit card, wealth product, policy)",
    ),
    "filing.facts": ("请说明经过", "Tell us what happened"),
    "filing.next": ("下一步", "Next"),
    "filing.back": ("上一步", "Back"),
    "filing.send": ("提交申请", "Send"),
    # Messages
    "message.message": ("留言", "Message"),
    "message.response": ("机构答复意见", "Institution's answer"),
    "message.proposal": ("和解方案", "Settlement proposal"),
    "message.title": ("沟通记录", "Messages"),
    "message.send": ("发送", "Send"),
    "message.kind": ("类型", "Kind"),
    "message.amount": ("方案金额（元）", "Amount offered (CNY)"),
    "message.none": ("暂无留言。", "No messages yet."),
    "role.mediator": ("调解员", "Mediator"),
    "role.admin": ("调解中心", "The centre"),
    "event.response": ("机构提交答复意见", "Institution answered"),
    "event.proposal": ("提出和解方案", "Settlement proposed"),
    # Administration
    "nav.admin_users": ("用户", "Users"),
    "nav.centre": ("中心管理", "Centre"),
    "nav.admin_calendar": ("节假日", "Calendar"),
    "nav.admin_rules": ("期限规则", "Time-limit rules"),
    "admin.users": ("用户与角色", "Users and roles"),
    "admin.username": ("用户名", "User name"),
    "admin.display_name": ("姓名", "Name"),
    "admin.role": ("角色", "Role"),
    "admin.institution": ("所属机构（机构用户）", "Institution (institution staff)"),
    "admin.password": ("初始密码（至少10位）", "Initial password (10 or more characters)"),
    "admin.create": ("新建用户", "Create user"),
    "admin.active": ("在用", "active"),
    "admin.inactive": ("已停用", "deactivated"),
    "admin.deactivate": ("停用", "Deactivate"),
    "admin.activate": ("启用", "Activate"),
    "admin.issue_token": ("签发接口令牌", "Issue API token"),
    "admin.user_created": ("已创建用户 {username}。", "User {username} created."),
    "admin.token_issued": (
        "{username} 的接口令牌（只显示这一次）：{token}",
        "API token for {username} (shown once): {token}",
    ),
    "admin.calendar": ("{year} 年放假与调休安排", "Days off and make-up working days in {year}"),
    "admin.verified": ("已核实（有国务院放假安排）", "verified (State Council schedule present)"),
    "admin.unverified": (
        "未核实：尚无该年放假安排，期限将显示为“日历未核实”",
        "not verified: no schedule yet; due dates show as calendar unverified",
    ),
    "admin.import": ("导入全年放假安排（YAML 文件）", "Import a year's schedule (YAML file)"),
    "admin.set_day": ("调整某一天", "Change one day"),
    "admin.day_off": ("放假", "day off"),
    "admin.workday": ("上班", "working day"),
    "admin.remove": ("恢复默认", "Back to default"),
    "admin.save": ("保存", "Save"),
    "admin.rules": ("期限规则与规则集", "Time-limit rules and rule sets"),
    "admin.rule_set": ("本中心使用的规则集", "This centre's rule set"),
    "admin.choose": ("选用", "Use"),
    "role.claimant": ("申请人", "Claimant"),
    "role.institution": ("金融机构", "Institution"),
    "role.court": ("法院", "Court"),
    "role.auditor": ("审计", "Auditor"),
    "error.user_exists": ("用户名 {username} 已存在。", "The user name {username} is taken."),
    "error.weak_password": ("密码至少需要10位。", "The password needs at least 10 characters."),
    # Evidence
    "evidence.title": ("证据材料", "Evidence"),
    "evidence.none": ("尚无证据材料。", "No evidence yet."),
    "evidence.upload": ("上传证据（PDF、图片、录音等）", "Upload evidence (PDF, image, audio …)"),
    "evidence.send": ("上传", "Upload"),
    "evidence.hint": (
        "每份材料按内容的 SHA-256 存证，并记入本案不可篡改的存证链。",
        "Each file is stored under its SHA-256 and recorded on the case's tamper-evident ledger.",
    ),
    "evidence.ledger_entry": ("存证记录", "ledger entry"),
    "evidence.proof": ("存证证明", "inclusion proof"),
    "evidence.withdraw": ("撤回", "Withdraw"),
    "evidence.withdraw_reason": ("撤回原因", "reason"),
    "evidence.withdrawn": ("已撤回：", "Withdrawn:"),
    "recordings.open": ("录音与转写", "Recordings and transcripts"),
    "precedents.title": ("类案参考与调解方案建议", "Similar cases and a suggested plan"),
    "precedents.open": ("查看类案参考", "Show similar cases"),
    # Deadline display
    "clock.calendar_unverified": ("日历未核实", "calendar unverified"),
    "clock.days_left": ("剩余 {n} 日", "{n} days left"),
    "clock.overdue_by": ("已超期 {n} 日", "overdue by {n} days"),
    "clock.paused": ("已中止", "paused"),
    "clock.due_today": ("今日到期", "due today"),
}


# Each domain keeps its own messages beside its code; they join the catalogue on first use.
DOMAIN_CATALOGUES = (
    "mediation.evidence.messages",
    "mediation.transcripts.messages",
    "mediation.precedents.messages",
    "mediation.centre.messages",
    "mediation.notify.messages",
    "mediation.agreements.messages",
    "mediation.packets.messages",
    "mediation.court.messages",
    "mediation.performance.messages",
    "mediation.disclosure.messages",
    "mediation.hearings.messages",
)
_loaded = False


def _load_domains() -> None:
    global _loaded
    import importlib

    for name in DOMAIN_CATALOGUES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not (exc.name and name.startswith(exc.name)):
                raise
            continue
        for key, pair in module.MESSAGES.items():
            MESSAGES.setdefault(key, pair)
    _loaded = True


def t(key: str, lang: str = "zh", params: Mapping[str, object] | None = None) -> str:
    if not _loaded:
        _load_domains()
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text


def pick_language(requested: str | None, accept_language: str | None) -> str:
    """?lang= wins; else the first of zh/en named in Accept-Language; else zh."""
    if requested in LANGUAGES:
        return requested
    if accept_language:
        for part in accept_language.split(","):
            tag = part.split(";")[0].strip().lower()
            if tag.startswith("zh"):
                return "zh"
            if tag.startswith("en"):
                return "en"
    return "zh"
