"""Texts of scheduled mediation sessions and of the rating page (zh, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Case events
    "event.hearing_scheduled": ("安排调解会议", "Mediation session scheduled"),
    "event.hearing_rescheduled": ("调解会议改期", "Mediation session rescheduled"),
    "event.hearing_cancelled": ("取消调解会议", "Mediation session cancelled"),
    "event.hearing_held": ("调解会议已举行", "Mediation session held"),
    # Kinds and states
    "hearing.kind.on_site": ("现场调解", "On site"),
    "hearing.kind.circuit": ("巡回调解", "At a circuit site"),
    "hearing.kind.remote": ("在线视频调解", "Remote (video)"),
    "hearing.status.scheduled": ("已安排", "Scheduled"),
    "hearing.status.held": ("已举行", "Held"),
    "hearing.status.cancelled": ("已取消", "Cancelled"),
    # Page text
    "hearing.title": ("调解会议", "Mediation sessions"),
    "hearing.session": ("调解会议", "Mediation session"),
    "hearing.none": ("尚未安排调解会议。", "No mediation session has been scheduled."),
    "hearing.upcoming": ("即将举行的调解会议", "Upcoming mediation sessions"),
    "hearing.when": ("时间", "When"),
    "hearing.where": ("地点", "Where"),
    "hearing.kind": ("方式", "Kind"),
    "hearing.mediator": ("调解员", "Mediator"),
    "hearing.participants": ("参加人", "Taking part"),
    "hearing.note": ("给当事人的提示（如需携带的材料）", "Note for the parties (what to bring)"),
    "hearing.starts": ("开始时间", "Starts"),
    "hearing.ends": ("结束时间", "Ends"),
    "hearing.place": ("地点（现场调解时填写）", "Place (for an on-site session)"),
    "hearing.site": ("巡回调解点（巡回调解时选择）", "Circuit site (for a circuit session)"),
    "hearing.site_none": ("（不适用）", "(not applicable)"),
    "hearing.schedule": ("安排调解会议", "Schedule a session"),
    "hearing.schedule_submit": ("安排", "Schedule"),
    "hearing.reschedule": ("改期", "Reschedule"),
    "hearing.cancel": ("取消会议", "Cancel the session"),
    "hearing.reason": ("理由", "Reason"),
    "hearing.open": ("查看会议", "Open the session"),
    "hearing.join": ("进入视频调解室", "Join the video session"),
    "hearing.join_opens": (
        "视频调解室在开始前 15 分钟开放（{at}）。",
        "The video room opens 15 minutes before the start ({at}).",
    ),
    "hearing.join_over": ("本次会议已结束。", "This session is over."),
    "hearing.remote_place": ("在线视频（登录后从本页进入）", "Online video (join from this page)"),
    "hearing.minutes": ("会议记录", "Minutes"),
    "hearing.minutes_label": ("会议情况和结果", "What happened and the outcome"),
    "hearing.minutes_submit": ("保存会议记录", "Save the minutes"),
    "hearing.cancelled_because": ("已取消：{reason}", "Cancelled: {reason}"),
    "hearing.time_range": ("{day} {start}至{end}", "{day}, {start} to {end}"),
    "hearing.clock_am": ("上午{h}:{m}", "{h}:{m} am"),
    "hearing.clock_pm": ("下午{h}:{m}", "{h}:{m} pm"),
    "hearing.back": ("返回案件", "Back to the case"),
    "hearing.scheduled_flash": (
        "调解会议已安排，已通知当事人。",
        "Session scheduled; the parties have been notified.",
    ),
    "hearing.saved_flash": ("已保存。", "Saved."),
    # Recording in the browser
    "record.title": ("现场录音", "Record the session"),
    "record.start": ("开始录音", "Start recording"),
    "record.stop": ("停止并上传", "Stop and upload"),
    "record.variety": ("方言", "Spoken variety"),
    "record.recording": ("正在录音……", "Recording…"),
    "record.uploading": ("正在上传……", "Uploading…"),
    "record.done": ("录音已上传，正在转写。", "Recording uploaded; transcription has started."),
    "record.failed": ("录音上传失败：", "The recording could not be uploaded: "),
    "record.denied": ("无法使用麦克风。", "The microphone could not be used."),
    "record.open": ("查看录音和转写", "Open the recording and its transcript"),
    "record.hint": (
        "录音前请征得所有参加人同意。录音将转写为文字，原始录音存入证据账本。",
        "Ask everyone taking part before recording. The recording is transcribed; the audio "
        "goes on the evidence ledger.",
    ),
    # Notices (text messages)
    "notify.hearing.scheduled": (
        "【{centre}】案件 {number} 的调解会议定于 {when}，地点：{where}。",
        "[{centre}] The mediation session of case {number} is on {when}, at: {where}.",
    ),
    "notify.hearing.rescheduled": (
        "【{centre}】案件 {number} 的调解会议改期至 {when}，地点：{where}。",
        "[{centre}] The mediation session of case {number} has moved to {when}, at: {where}.",
    ),
    "notify.hearing.cancelled": (
        "【{centre}】案件 {number} 原定 {when} 的调解会议已取消。",
        "[{centre}] The mediation session of case {number} on {when} has been cancelled.",
    ),
    # Every page
    "nav.skip": ("跳到主要内容", "Skip to the main content"),
    # Rating page
    "rating.title": ("评价本次调解服务", "Rate the mediation service"),
    "rating.link": ("评价调解服务", "Rate the service"),
    "rating.score": ("满意程度", "How satisfied are you"),
    "rating.score.1": ("很不满意", "Very dissatisfied"),
    "rating.score.2": ("不满意", "Dissatisfied"),
    "rating.score.3": ("一般", "Neither"),
    "rating.score.4": ("满意", "Satisfied"),
    "rating.score.5": ("非常满意", "Very satisfied"),
    "rating.comment": ("意见和建议（可不填）", "Comments (optional)"),
    "rating.complaint": ("我要投诉本次服务", "I want to complain about the service"),
    "rating.submit": ("提交评价", "Send"),
    "rating.thanks": (
        "感谢您的评价！您的意见将帮助我们改进调解服务。",
        "Thank you for your rating! It helps us improve the service.",
    ),
    "rating.yours": ("您的评价：{label}", "Your rating: {label}"),
    "rating.not_yet": (
        "案件结案后可以评价调解服务。",
        "You can rate the service once the case is closed.",
    ),
    # Errors
    "error.hearing_clash": (
        "调解员在该时段已有调解会议（{at}），请另选时间。",
        "The mediator already has a session at that time ({at}); choose another time.",
    ),
    "error.hearing_past": (
        "开始时间已过，请选择将来的时间。",
        "The start time has passed; choose a later time.",
    ),
    "error.hearing_times": (
        "结束时间必须晚于开始时间，且一次会议不超过 8 小时。",
        "The end must be after the start, and a session lasts at most 8 hours.",
    ),
    "error.hearing_place": ("现场调解需要填写地点。", "An on-site session needs a place."),
    "error.hearing_site": (
        "巡回调解需要选择一个开放的巡回调解点。",
        "A circuit session needs an open circuit site.",
    ),
    "error.hearing_no_mediator": (
        "案件尚未指派调解员，不能安排调解会议。",
        "The case has no mediator yet, so no session can be scheduled.",
    ),
    "error.hearing_case_ended": (
        "案件已结束，不能再安排调解会议。",
        "The case has ended; no session can be scheduled.",
    ),
    "error.hearing_not_scheduled": (
        "该会议已取消或已举行。",
        "That session was cancelled or has been held.",
    ),
    "error.hearing_not_started": (
        "会议尚未开始，不能记录结果。",
        "The session has not started; its outcome cannot be recorded yet.",
    ),
    "error.hearing_join_closed": (
        "视频调解室尚未开放或会议已结束。",
        "The video room is not open (too early, or the session is over).",
    ),
    "error.hearing_no_parties": (
        "请至少选择一位参加的当事人。",
        "Choose at least one party to take part.",
    ),
}
