"""Texts of the agreements domain (zh, en): editor labels, statuses, errors."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Case history
    "event.agreement_issued": ("调解协议送签", "Agreement issued for signing"),
    "event.agreement_signed": ("签署调解协议", "Agreement signed"),
    "agreements.title": ("调解协议", "Settlement agreement"),
    "agreements.none": ("尚未起草调解协议。", "No agreement has been drafted yet."),
    "agreements.open": ("打开调解协议", "Open the agreement"),
    "agreements.editor": ("调解协议编辑", "Agreement editor"),
    "agreements.review": ("查看并签署调解协议", "Read and sign the agreement"),
    "agreements.version": ("第 {n} 版", "Version {n}"),
    "agreements.status.draft": ("草稿", "Draft"),
    "agreements.status.issued": ("待签署", "Out for signature"),
    "agreements.status.effective": ("已生效", "In effect"),
    "agreements.status.superseded": ("已被新版本取代", "Replaced by a newer version"),
    "agreements.where": (
        "第 {n} 项条款（{template}）的“{field}”：",
        "Clause {n} ({template}), field '{field}': ",
    ),
    "agreements.include": ("加入此条款", "Include this clause"),
    "agreements.save": ("保存草稿", "Save draft"),
    "agreements.preview": ("预览 PDF", "Preview PDF"),
    "agreements.issue": ("出具协议，交各方签署", "Issue for signing"),
    "agreements.issue_note": (
        "出具后协议文本锁定；之后再修改将生成新版本，已有签署作废。",
        "Issuing freezes the text; a later edit makes a new version and voids the signatures.",
    ),
    "agreements.pdf": ("查看协议 PDF", "View the agreement PDF"),
    "agreements.executed_pdf": ("下载已生效协议（含签署页）", "Download the executed agreement"),
    "agreements.sha256": ("文件指纹（SHA-256）", "File fingerprint (SHA-256)"),
    "agreements.signers": ("签署情况", "Signatures"),
    "agreements.signed_at": ("已于 {at} 签署", "Signed {at}"),
    "agreements.waiting": ("待签署", "Not signed yet"),
    "agreements.role.claimant": ("申请人", "Claimant"),
    "agreements.role.respondent": ("被申请人", "Respondent"),
    "agreements.role.mediator": ("调解员（加盖中心印章）", "Mediator (applies the centre's seal)"),
    "agreements.your_turn": (
        "请先阅读协议全文，确认无误后获取验证码并签署。",
        "Read the whole agreement first; when it is right, get a code and sign.",
    ),
    "agreements.get_code": ("获取验证码", "Send me a code"),
    "agreements.code_sent": (
        "验证码已发送，10 分钟内有效。",
        "A code has been sent; it is valid for 10 minutes.",
    ),
    "agreements.code_label": ("6 位验证码", "6-digit code"),
    "agreements.sign": ("确认签署", "Sign"),
    "agreements.signed_ok": ("您已签署。", "You have signed."),
    "agreements.you_signed": ("您已签署本协议。", "You have signed this agreement."),
    "agreements.effective_on": ("生效日期：{day}", "In effect since {day}"),
    "agreements.saved": ("草稿已保存。", "Draft saved."),
    "agreements.issued_ok": (
        "协议已出具，已通知各方签署。",
        "Issued; the parties have been asked to sign.",
    ),
    "agreements.schedule": ("付款计划", "Payment schedule"),
    "agreements.schedule.due_on": ("到期日", "Due on"),
    "agreements.schedule.amount": ("金额（元）", "Amount (yuan)"),
    "agreements.schedule.payer": ("付款方", "Payer"),
    "agreements.instalments_hint": (
        "每行一期：日期 金额，例如 2026-05-01 1000.00",
        "One instalment a line: date amount, e.g. 2026-05-01 1000.00",
    ),
    "agreements.voided": ("（修改后作废）", "(voided by an edit)"),
    "agreements.legal_note": (
        "签署方式：经短信验证码核验身份后在线确认（《人民法院在线诉讼规则》第三十三条），"
        "签署记录及协议文件指纹记入本案证据账本。",
        "Signing: online confirmation after identity verification by a one-time code; "
        "each signature and the file's fingerprint are recorded on the case's evidence ledger.",
    ),
    # Templates (editor labels)
    "agreements.template.refund": ("退款", "Refund"),
    "agreements.template.compensation": ("赔偿", "Compensation"),
    "agreements.template.waiver": ("减免利息罚息", "Interest / penalty waiver"),
    "agreements.template.instalments": ("分期还款", "Instalments"),
    "agreements.template.apology": ("赔礼道歉", "Apology"),
    "agreements.template.withdrawal": ("撤回投诉", "Withdrawal of complaint"),
    "agreements.template.?": ("未知条款", "Unknown clause"),
    # Fields
    "agreements.field.amount": ("金额（元）", "Amount (yuan)"),
    "agreements.field.pay_by": ("最迟支付日期", "Pay by"),
    "agreements.field.product": ("产品或业务名称", "Product or service"),
    "agreements.field.account": ("收款账户", "Account to pay into"),
    "agreements.field.basis": ("赔偿事由", "Ground for compensation"),
    "agreements.field.contract": ("合同或账户编号", "Contract or account number"),
    "agreements.field.interest": ("减免利息（元）", "Interest waived (yuan)"),
    "agreements.field.penalty": ("减免罚息（元）", "Penalty interest waived (yuan)"),
    "agreements.field.done_by": ("完成日期", "Done by"),
    "agreements.field.payer": ("付款方", "Who pays"),
    "agreements.field.total": ("总金额（元）", "Total (yuan)"),
    "agreements.field.instalments": ("各期（日期与金额）", "Instalments (date and amount)"),
    "agreements.field.manner": ("道歉方式", "Manner of apology"),
    "agreements.field.by": ("最迟日期", "By"),
    "agreements.field.scope": ("撤回范围", "What is withdrawn"),
    "agreements.field.within_days": ("生效后几日内撤回", "Withdrawn within (days)"),
    "agreements.choice.respondent": ("被申请人", "Respondent"),
    "agreements.choice.claimant": ("申请人", "Claimant"),
    "agreements.choice.written": ("书面", "In writing"),
    "agreements.choice.in_person": ("当面", "In person"),
    "agreements.choice.phone": ("电话", "By phone"),
    # Errors
    "error.agreements.no_clauses": (
        "协议至少需要一项条款。",
        "An agreement needs at least one clause.",
    ),
    "error.agreements.too_many_clauses": (
        "条款不能超过 {max} 项。",
        "An agreement has at most {max} clauses.",
    ),
    "error.agreements.unknown_template": (
        "没有这种条款模板。",
        "There is no such clause template.",
    ),
    "error.agreements.unknown_field": ("此条款没有这个字段。", "This clause has no such field."),
    "error.agreements.field_required": ("必须填写。", "is required."),
    "error.agreements.bad_amount": (
        "金额应为大于 0 的数字，最多两位小数。",
        "an amount must be a number above 0 with at most two decimals.",
    ),
    "error.agreements.bad_date": (
        "日期格式应为 年-月-日，例如 2026-05-01。",
        "a date must look like 2026-05-01.",
    ),
    "error.agreements.bad_choice": ("请从列出的选项中选择。", "pick one of the listed options."),
    "error.agreements.too_long": ("不能超过 {max} 个字。", "at most {max} characters."),
    "error.agreements.bad_days": (
        "天数应为 1 到 365 之间的整数。",
        "days must be a whole number from 1 to 365.",
    ),
    "error.agreements.bad_instalment_line": (
        "这一行看不懂：“{line}”，应为“日期 金额”。",
        "cannot read the line '{line}'; write 'date amount'.",
    ),
    "error.agreements.too_many_instalments": ("最多 {max} 期。", "at most {max} instalments."),
    "error.agreements.instalment_order": (
        "各期日期应从早到晚排列，且不能重复。",
        "instalment dates must be in order and not repeat.",
    ),
    "error.agreements.instalments_sum": (
        "各期金额合计 {sum} 元，与总金额 {total} 元不符。",
        "the instalments add up to {sum}, not the total {total}.",
    ),
    "error.agreements.waiver_empty": (
        "减免利息和减免罚息至少填写一项。",
        "fill in the interest or the penalty interest waived (or both).",
    ),
    "error.agreements.none": ("本案还没有调解协议。", "This case has no agreement yet."),
    "error.agreements.wrong_stage": (
        "案件处于“{stage}”阶段，不能{action}。",
        "The case is at stage '{stage}'; it cannot {action} now.",
    ),
    "error.agreements.not_draft": (
        "只有草稿可以出具。",
        "Only a draft can be issued.",
    ),
    "error.agreements.not_issued": (
        "协议尚未出具签署，或已被新版本取代。",
        "The agreement is not out for signature (or a newer version replaced it).",
    ),
    "error.agreements.already_effective": (
        "协议已经生效，不能再修改。",
        "The agreement is in effect and can no longer be changed.",
    ),
    "error.agreements.already_signed": (
        "您已经签署过本版本。",
        "You have already signed this version.",
    ),
    "error.agreements.not_a_signer": (
        "您不是本协议需要的签署人。",
        "You are not one of the signers of this agreement.",
    ),
    "error.agreements.claimant_no_account": (
        "申请人“{party}”尚未开通本平台账户，无法在线签署。",
        "Claimant '{party}' has no account on this platform and cannot sign online.",
    ),
    "error.agreements.stale_version": (
        "协议已更新为第 {current} 版，请刷新后再操作。",
        "The agreement is now version {current}; reload and try again.",
    ),
    # Signing in person at the centre (a party without a portal account)
    "agreements.in_person.title": ("现场签署登记", "Record a signature given in person"),
    "agreements.in_person.note": (
        "没有平台账户的当事人（如年长的申请人）可在调解中心当面签署纸质协议。"
        "请核验其身份证件，上传签字页扫描件；如预留了手机号，请让当事人读出收到的验证码。",
        "A party without a portal account (often an elderly claimant) signs the paper "
        "agreement at the centre. Check their identity document and upload the scan of the "
        "signed page; where a phone is on file, enter the code the party received.",
    ),
    "agreements.in_person.party": ("签署方", "Party"),
    "agreements.in_person.signatory": ("签字人姓名", "Name of the person who signed"),
    "agreements.in_person.id_document": ("核验的身份证件号码", "Identity document number checked"),
    "agreements.in_person.id_note": (
        "系统只保存脱敏号码及其加盐哈希，不保存完整号码。",
        "Only a masked number and a salted hash are kept, never the full number.",
    ),
    "agreements.in_person.signed_at": ("签署时间", "Signed at"),
    "agreements.in_person.scan": (
        "签字页扫描件（PDF、PNG 或 JPEG）",
        "Scan of the signed page (PDF, PNG or JPEG)",
    ),
    "agreements.in_person.send_code": (
        "向当事人预留手机 {phone} 发送验证码",
        "Text a code to the party's phone {phone}",
    ),
    "agreements.in_person.code": ("当事人收到的 6 位验证码", "6-digit code the party received"),
    "agreements.in_person.no_phone": (
        "未预留手机号：以纸质签署及证件核验为准。",
        "No phone on file: the paper signature and the document check stand alone.",
    ),
    "agreements.in_person.submit": ("登记现场签署", "Record the signature"),
    "agreements.in_person.recorded": ("已登记现场签署。", "The in-person signature is recorded."),
    "agreements.in_person.code_sent": (
        "验证码已发送至当事人预留手机，10 分钟内有效。",
        "A code has been texted to the party's phone; it is valid for 10 minutes.",
    ),
    "agreements.in_person.by": (
        "现场签署：{name}（证件 {doc}），由 {recorder} 登记",
        "Signed in person: {name} (document {doc}), recorded by {recorder}",
    ),
    "agreements.method.sms_code": ("短信验证码在线签署", "Online, confirmed by a texted code"),
    "agreements.method.email_code": ("邮件验证码在线签署", "Online, confirmed by an e-mailed code"),
    "agreements.method.in_person_code": (
        "现场签署，短信验证码确认",
        "In person at the centre, confirmed by a texted code",
    ),
    "agreements.method.in_person_paper": ("现场签署纸质文本", "In person at the centre, on paper"),
    "notify.code.agreement.sign_in_person": (
        "【{centre}】您正在调解中心现场签署案件 {number} 的调解协议，验证码为 {code}，"
        "{minutes} 分钟内有效。请仅当面告知经办调解员。",
        "[{centre}] You are signing the settlement agreement of case {number} at the centre; "
        "your code is {code}, valid for {minutes} minutes. Tell it only to the mediator in "
        "front of you.",
    ),
    "error.agreements.not_recorder": (
        "只有本案调解员可以登记现场签署。",
        "Only the case's mediator can record a signature given in person.",
    ),
    "error.agreements.not_a_signer_party": (
        "该当事人不是本协议的签署方。",
        "That party is not a signer of this agreement.",
    ),
    "error.agreements.party_has_account": (
        "当事人“{party}”有平台账户，须由其本人在线签署，不能代为登记。",
        "'{party}' has a portal account and signs themselves; nobody can sign in their place.",
    ),
    "error.agreements.party_already_signed": (
        "当事人“{party}”已签署本版本。",
        "'{party}' has already signed this version.",
    ),
    "error.agreements.no_phone_on_file": (
        "当事人“{party}”未预留手机号，无法发送验证码。",
        "'{party}' has no phone on file; no code can be sent.",
    ),
    "error.agreements.bad_signatory": (
        "请填写签字人姓名（不超过 100 字）。",
        "Enter the name of the person who signed (at most 100 characters).",
    ),
    "error.agreements.bad_id_document": (
        "证件号码应为 6 到 40 位字母或数字。",
        "The document number must be 6 to 40 letters or digits.",
    ),
    "error.agreements.bad_signed_at": (
        "签署时间不能晚于现在，也不能早于协议出具时间。",
        "The signing time cannot be in the future or before the agreement was issued.",
    ),
    "error.agreements.bad_scan": (
        "签字页扫描件应为 PDF、PNG 或 JPEG 文件。",
        "The scan of the signed page must be a PDF, PNG or JPEG file.",
    ),
    "error.agreements.scan_too_large": (
        "扫描件不能超过 {mb} MB。",
        "The scan can be at most {mb} MB.",
    ),
    # The centre's seal image (administrator)
    "nav.admin_seal": ("中心印章", "Centre seal"),
    "agreements.seal.title": ("中心印章图片", "The centre's seal image"),
    "agreements.seal.note": (
        "上传本中心的印章图片（PNG 或 SVG，不超过 {kb} KB），生效协议的签署页将使用该图片；"
        "未上传时使用系统生成的印章。",
        "Upload the centre's seal (PNG or SVG, at most {kb} KB); executed agreements carry it "
        "on their signature page. Without one, a generated seal is used.",
    ),
    "agreements.seal.current_uploaded": ("当前使用：已上传的印章", "In use: the uploaded seal"),
    "agreements.seal.current_config": (
        "当前使用：配置文件指定的印章",
        "In use: the seal file set in the configuration",
    ),
    "agreements.seal.current_generated": (
        "当前使用：系统生成的印章",
        "In use: the generated seal",
    ),
    "agreements.seal.preview": ("印章预览", "Seal preview"),
    "agreements.seal.file": ("印章图片文件", "Seal image file"),
    "agreements.seal.upload": ("上传", "Upload"),
    "agreements.seal.remove": ("删除已上传的印章", "Remove the uploaded seal"),
    "agreements.seal.saved": ("印章已更新。", "The seal has been updated."),
    "agreements.seal.removed": ("已删除上传的印章。", "The uploaded seal has been removed."),
    "error.agreements.bad_seal": (
        "印章图片应为有效的 PNG 或不含脚本和外部引用的 SVG 文件。",
        "The seal must be a valid PNG, or an SVG without scripts or outside references.",
    ),
    "error.agreements.seal_too_large": (
        "印章图片不能超过 {kb} KB。",
        "The seal image can be at most {kb} KB.",
    ),
    "agreements.action.draft": ("起草协议", "draft an agreement"),
    "agreements.action.issue": ("出具协议", "issue the agreement"),
}
