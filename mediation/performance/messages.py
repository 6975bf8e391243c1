"""Texts of the performance domain (zh, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Events on the case history
    "event.schedule_set": ("确定履行计划", "Payment schedule set"),
    "event.payment_recorded": ("登记履行款项", "Payment recorded"),
    "event.payment_reminder": ("发送履行提醒", "Payment reminder sent"),
    "event.payment_missed": ("逾期未履行", "Payment missed"),
    # The performance section
    "performance.title": ("协议履行", "Performance of the agreement"),
    "performance.none": (
        "尚未确定履行计划。",
        "No payment schedule yet.",
    ),
    "performance.from_agreement": (
        "按生效协议生成履行计划",
        "Derive the schedule from the agreement",
    ),
    "performance.seq": ("期次", "Instalment"),
    "performance.due_on": ("履行期限", "Due on"),
    "performance.amount": ("应付金额", "Amount"),
    "performance.paid": ("已付", "Paid"),
    "performance.outstanding": ("未付", "Outstanding"),
    "performance.payer": ("付款方", "Payer"),
    "performance.payer.respondent": ("被申请人", "Respondent"),
    "performance.payer.claimant": ("申请人", "Claimant"),
    "performance.status": ("状态", "Status"),
    "performance.status.due": ("待履行", "Due"),
    "performance.status.partly_paid": ("部分履行", "Partly paid"),
    "performance.status.paid": ("已履行", "Paid"),
    "performance.status.overdue": ("逾期未履行", "Overdue"),
    "performance.total": ("合计", "Total"),
    "performance.source": ("来源", "Source"),
    "performance.payments": ("付款记录", "Payments"),
    "performance.no_payments": ("暂无付款记录。", "No payments yet."),
    "performance.record": ("登记付款", "Record a payment"),
    "performance.paid_on": ("付款日期", "Paid on"),
    "performance.method": ("付款方式", "Method"),
    "performance.method.bank_transfer": ("银行转账", "Bank transfer"),
    "performance.method.account_credit": ("直接入账", "Credited to the account"),
    "performance.method.cash": ("现金", "Cash"),
    "performance.method.cheque": ("支票", "Cheque"),
    "performance.method.other": ("其他", "Other"),
    "performance.reference": ("交易流水号", "Transaction reference"),
    "performance.note": ("备注", "Note"),
    "performance.proof": ("付款凭证（可选）", "Proof of payment (optional)"),
    "performance.proof_link": ("凭证", "Proof"),
    "performance.submit": ("提交", "Submit"),
    "performance.alerts": ("逾期提醒", "Missed payments"),
    "performance.alert": (
        "{raised_on}：第 {seqs} 期逾期未履行，未付 {outstanding} 元。",
        "{raised_on}: instalment {seqs} missed, {outstanding} outstanding.",
    ),
    "performance.alert_resolved": ("已补足", "Since paid"),
    "performance.packet": ("下载强制执行申请材料包", "Download the enforcement-application packet"),
    "performance.packet_pending": (
        "强制执行申请材料包尚未生成，下次每日检查时将重试。",
        "The enforcement-application packet is not built yet; the next daily scan retries.",
    ),
    "performance.complete": (
        "各期款项均已履行完毕，可以结案。",
        "Every instalment is paid; the case can be closed.",
    ),
    "performance.close": ("结案", "Close the case"),
    "performance.enforcement_limit": (
        "申请强制执行的期间：自最后一期履行期限届满之日起二年，至 {due}（民事诉讼法第二百五十条）。",
        "Enforcement must be applied for within two years of the last instalment's due date, "
        "by {due} (Civil Procedure Law Art 250).",
    ),
    "performance.queue_alerts": ("逾期未履行的案件", "Cases with missed payments"),
    # Case message and notices
    "performance.message.missed": (
        "【履行提醒】第 {seqs} 期款项已逾期未履行（未付合计 {outstanding} 元）。申请人可下载强制执行申请材料包，向人民法院申请强制执行。",
        "[Performance] Instalment {seqs} is overdue ({outstanding} outstanding). The claimant "
        "can download the enforcement-application packet and apply to the court for "
        "enforcement.",
    ),
    "performance.notice.reminder": (
        "【{centre}】案件 {number} 调解协议第 {seq} 期款项 {amount} 元应于 {due_on} 前支付，请按时履行。",
        "[{centre}] Instalment {seq} of case {number}, {amount}, is due on {due_on}.",
    ),
    "performance.notice.missed": (
        "【{centre}】案件 {number} 调解协议第 {seqs} 期款项逾期未履行，未付合计 {outstanding} 元。请登录查看。",
        "[{centre}] Instalment {seqs} of case {number} is overdue, {outstanding} outstanding. "
        "Sign in for details.",
    ),
    # Errors
    "error.performance.wrong_stage": (
        "案件处于“{stage}”阶段，不能办理履行事项（须在签约、司法确认或履行阶段）。",
        "The case is at stage '{stage}'; performance is handled only after signing, in "
        "judicial confirmation or in performance.",
    ),
    "error.performance.no_schedule": ("该案件尚无履行计划。", "The case has no payment schedule."),
    "error.performance.empty_schedule": (
        "履行计划至少要有一期款项。",
        "A payment schedule needs at least one instalment.",
    ),
    "error.performance.no_agreement": (
        "该案件没有生效的调解协议，无法生成履行计划。",
        "The case has no agreement in effect to derive a schedule from.",
    ),
    "error.performance.schedule_has_payments": (
        "现有履行计划已登记付款，不能被替换；请先与各方协商处理已付款项。",
        "The current schedule already has payments and cannot be replaced.",
    ),
    "error.performance.unknown_instalment": (
        "没有第 {seq} 期款项。",
        "There is no instalment {seq}.",
    ),
    "error.performance.overpayment": (
        "付款金额 {amount} 元超过第 {seq} 期未付金额 {outstanding} 元。",
        "The payment of {amount} exceeds the {outstanding} outstanding on instalment {seq}.",
    ),
    "error.performance.already_paid": (
        "第 {seq} 期款项已全部履行。",
        "Instalment {seq} is already fully paid.",
    ),
    "error.performance.future_payment": (
        "付款日期不能晚于今天。",
        "The payment date cannot be later than today.",
    ),
    "error.performance.not_your_payment": (
        "只能登记本机构应付的款项。",
        "You can only record payments your institution owes.",
    ),
    "error.performance.no_packet": (
        "强制执行申请材料包尚未生成。",
        "The enforcement-application packet has not been built yet.",
    ),
}
