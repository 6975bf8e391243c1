"""User-visible text of the court side (司法确认), zh-CN first, English second."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # Events on the case
    "event.court_received": ("法院收到司法确认申请", "Court received the application"),
    "event.court_accepted": ("法院受理司法确认申请", "Court accepted the application"),
    "event.court_refused": ("法院不予受理", "Court refused to accept the application"),
    "event.court_ruled": ("法院作出确认决定", "Court ruled on the application"),
    # Notices to the parties and the mediator
    "notify.court.confirmed": (
        "【{centre}】{court}已裁定案件 {number} 的调解协议有效。",
        "[{centre}] {court} confirmed the settlement agreement of case {number}.",
    ),
    "notify.court.not_confirmed": (
        "【{centre}】{court}驳回了案件 {number} 的司法确认申请，请登录查看理由。",
        "[{centre}] {court} dismissed the application for case {number}; sign in for the reasons.",
    ),
    "notify.court.refused": (
        "【{centre}】{court}对案件 {number} 的司法确认申请不予受理，请登录查看理由。",
        "[{centre}] {court} did not accept the application for case {number}; sign in for the "
        "reasons.",
    ),
    # Submission status
    "court.status.received": ("已收到，待决定是否受理", "Received, acceptance pending"),
    "court.status.accepted": ("已受理，待作出确认决定", "Accepted, ruling pending"),
    "court.status.refused": ("不予受理", "Not accepted"),
    "court.status.confirmed": ("裁定调解协议有效", "Agreement confirmed as valid"),
    "court.status.not_confirmed": ("裁定驳回申请", "Application dismissed"),
    "court.outcome.confirmed": ("确认有效", "Confirmed"),
    "court.outcome.not_confirmed": ("不予确认（驳回申请）", "Not confirmed (dismissed)"),
    "court.channel.centre": ("调解中心在线报送", "Sent by the centre"),
    "court.channel.web": ("法院工作人员上传", "Uploaded by a clerk"),
    "court.channel.api": ("法院系统接口", "Court system API"),
    # Courts (administrator)
    "nav.admin_courts": ("法院", "Courts"),
    "court.admin.title": ("法院与法院账户", "Courts and their accounts"),
    "court.admin.centre_ca": ("本中心根证书（centre-ca.pem）", "This centre's CA (centre-ca.pem)"),
    "court.admin.centre_ca_note": (
        "法院须登记本证书作为信任根，并通过电话等线下方式核对以下指纹：",
        "A court registers this certificate as its trust anchor and checks this fingerprint "
        "out of band (e.g. by phone):",
    ),
    "court.admin.download_ca": ("下载 centre-ca.pem", "Download centre-ca.pem"),
    "court.admin.register": ("登记法院", "Register a court"),
    "court.admin.code": ("法院代码", "Court code"),
    "court.admin.name": ("法院名称", "Court name"),
    "court.admin.region": ("辖区", "Region"),
    "court.admin.trust_anchor": (
        "信任根证书（可选，默认使用本中心根证书）",
        "Trust anchor certificate (optional; this centre's CA by default)",
    ),
    "court.admin.registered": (
        "已登记法院 {code}，信任根指纹：{fingerprint}",
        "Court {code} registered; trust anchor fingerprint: {fingerprint}",
    ),
    "court.admin.matches_ca": ("与本中心根证书一致", "matches this centre's CA"),
    "court.admin.differs_ca": (
        "与本中心当前根证书不一致",
        "differs from this centre's current CA",
    ),
    "court.admin.accounts": ("法院账户", "Court accounts"),
    "court.admin.clerk": ("书记员（网页登录）", "Clerk (signs in on the web)"),
    "court.admin.service_account": (
        "法院系统接口账户（仅令牌）",
        "Court system service account (token only)",
    ),
    "court.admin.add_user": ("添加账户", "Add an account"),
    "court.admin.kind": ("账户类型", "Kind"),
    "court.admin.username": ("用户名", "User name"),
    "court.admin.display_name": ("姓名", "Name"),
    "court.admin.password": (
        "初始密码（书记员，至少10位）",
        "Initial password (clerks; 10 or more characters)",
    ),
    "court.admin.token_once": (
        "{court} 的账户 {username} 已创建。接口令牌只显示这一次，请立即妥善交给法院：",
        "Account {username} of {court} created. The API token is shown this once only; hand "
        "it to the court now:",
    ),
    "court.admin.none": ("尚未登记法院。", "No court is registered yet."),
    # Pages
    "nav.court": ("司法确认收件箱", "Judicial confirmation inbox"),
    "court.inbox": ("司法确认收件箱", "Judicial confirmation inbox"),
    "court.title": ("司法确认", "Judicial confirmation"),
    "court.none": ("暂无申请。", "No applications."),
    "court.upload": ("上传调解协议材料包（zip）", "Upload a settlement packet (zip)"),
    "court.upload_send": ("接收并核验", "Receive and verify"),
    "court.case": ("案件", "Case"),
    "court.court": ("法院", "Court"),
    "court.status": ("状态", "Status"),
    "court.received_on": ("收到日期", "Received on"),
    "court.applied_on": ("共同申请日期", "Joint application on"),
    "court.decided_on": ("受理（或不予受理）日期", "Acceptance decided on"),
    "court.court_case_number": ("调确字案号", "Court case number"),
    "court.due": ("期限届满", "Due"),
    "court.days_left": ("剩余 {n} 天", "{n} days left"),
    "court.overdue_by": ("已超期 {n} 天", "Overdue by {n} days"),
    "court.channel": ("收件方式", "Received via"),
    "court.packet": ("材料包", "Packet"),
    "court.download_packet": ("下载材料包", "Download the packet"),
    "court.verification": ("核验结果", "Verification report"),
    "court.verified": (
        "核验通过：材料包完整，签名可由登记的信任根验证。",
        "Verified: the packet is complete and its signature verifies against "
        "the registered trust anchor.",
    ),
    "court.not_verified_banner": (
        "核验未通过，请勿据此受理：",
        "Verification failed; do not accept on this packet:",
    ),
    "court.ca_fingerprint": ("信任根指纹（SHA-256）", "Trust anchor fingerprint (SHA-256)"),
    "court.facts": ("材料包信息", "Packet facts"),
    "court.accept": ("受理", "Accept"),
    "court.refuse": ("不予受理", "Refuse"),
    "court.reason": ("理由", "Reasons"),
    "court.on_date": ("日期", "Date"),
    "court.rule": ("作出确认决定", "Record the ruling"),
    "court.ruled_on": ("决定日期", "Ruling date"),
    "court.ruling_document": ("裁定书（可选）", "Ruling document (optional)"),
    "court.outcome": ("结果", "Outcome"),
    "court.extend": ("经院长批准延长十日", "Extend by 10 days with the president's approval"),
    "court.approver": ("批准人（院长）", "Approved by (court president)"),
    "court.legal_ground": ("依据", "Legal ground"),
    "court.submit": ("报送法院申请司法确认", "Send to a court for judicial confirmation"),
    "court.submit_hint": (
        "双方当事人共同申请；默认使用本案最新生成的材料包，也可上传材料包。",
        "On the parties' joint application; uses the case's latest packet unless you upload one.",
    ),
    "court.submit_send": ("报送", "Send"),
    "court.choose_court": ("法院", "Court"),
    "court.no_courts": ("尚未登记法院。", "No court is registered."),
    "court.refusal_reason": ("不予受理理由", "Reasons for refusal"),
    "court.ruling_reason": ("驳回理由", "Reasons for dismissal"),
    "court.next_confirmed": (
        "调解协议经法院确认有效，可申请强制执行（一方拒绝履行时）。",
        "The court confirmed the agreement: it can be enforced if a party does not perform.",
    ),
    "court.next_not_confirmed": (
        "法院驳回申请：当事人可以变更原调解协议、达成新的调解协议，或向人民法院提起诉讼。",
        "The court dismissed the application: the parties may change the agreement, make a new "
        "one, or sue in court.",
    ),
    "court.ruling_download": ("下载裁定书", "Download the ruling"),
    # Errors
    "error.court.bad_certificate": ("不是有效的 PEM 证书。", "Not a valid PEM certificate."),
    "error.court.unknown_court": ("未登记法院“{court}”。", "No court '{court}' is registered."),
    "error.court.username_taken": (
        "用户名“{username}”已被使用。",
        "The username '{username}' is taken.",
    ),
    "error.court.not_court_user": (
        "用户“{username}”不是法院用户。",
        "The user '{username}' is not a court user.",
    ),
    "error.court.packet_unreadable": (
        "无法读取材料包（{detail}）：需要含 data/packet.json 的 zip 文件。",
        "The packet cannot be read ({detail}): a zip with data/packet.json is needed.",
    ),
    "error.court.packet_too_large": ("材料包超过大小上限。", "The packet is larger than allowed."),
    "error.court.packet_other_case": (
        "材料包属于案件 {number}，不是本案。",
        "The packet is for case {number}, not this one.",
    ),
    "error.court.no_such_case": (
        "找不到材料包所载案件 {number}。",
        "There is no case {number}, as the packet names.",
    ),
    "error.court.agreement_mismatch": (
        "材料包中的调解协议与案件 {number} 记录的协议不一致。",
        "The agreement in the packet is not the one case {number} recorded.",
    ),
    "error.court.case_not_signed": (
        "案件尚未签订调解协议（当前阶段：{stage}），不能申请司法确认。",
        "The case has no signed agreement (stage: {stage}); it cannot be sent for confirmation.",
    ),
    "error.court.already_open": (
        "案件 {number} 已有一份待法院处理的申请。",
        "Case {number} already has an application pending at a court.",
    ),
    "error.court.no_packet": (
        "案件 {number} 尚未生成材料包，请先生成或上传材料包。",
        "Case {number} has no packet yet; build or upload one first.",
    ),
    "error.court.wrong_status": (
        "该申请当前状态为“{status_now}”，不能进行此操作。",
        "The application is '{status_now}'; this action is not possible now.",
    ),
    "error.court.not_verified": (
        "材料包核验未通过，不能受理；请作不予受理处理或要求重新报送。",
        "The packet did not verify; it cannot be accepted. Refuse it or ask for a new one.",
    ),
    "error.court.no_trust_anchor": (
        "本院尚未登记调解中心的信任根证书，无法核验签名。",
        "This court has registered no trust anchor for the centre; the signature cannot be checked.",
    ),
    "error.court.verifier_missing": (
        "本系统未安装材料包核验模块。",
        "The packet verifier is not installed in this system.",
    ),
}
